#!/usr/bin/env python3
"""Browser tests of the operator console (/console/) against a live `ekyc serve`.

Starts the real server (tools/api/ekyc_testserver.py: temporary data directory, self-signed
certificate, keys made with `ekyc keys add`, a loopback port), then runs console_test.mjs, which
drives Debian's chromium through playwright-core (installed from the pinned package-lock.json by
`make browser-deps`; it never downloads a browser). Screenshots go to --out.

Parts: `core` needs only committed data (sign-in, wrong key, key storage, headers, keyboard,
languages, reading a committed card, operations, phone width, a revoked key); `faces` needs the
shared East-Asian face photos (../shared/data/faces-eastasia-dev) and skips (77) without them:
face match, register, thumbnails, verify, search, delete with confirmation, audit, collections;
and, when ../shared/data/face-videos-dev is there too, a selfie-video eKYC registration.

Usage: browser_test.py --part core|faces --ekyc BIN --source-dir DIR --shared-dir DIR
                       --model-dir DIR --node-dir DIR --out DIR
Exit 0 pass, 1 fail, 77 skip.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "tools", "api"))
import ekyc_testserver as ts  # noqa: E402

CHROMIUM = os.environ.get("EKYC_CHROMIUM", "/usr/bin/chromium")
# An identity of the shared East-Asian set with photos 1..3 (register two, probe with the third).
FACE_IDENTITY = "Junichiro_Koizumi"
# A live selfie clip of the shared dev videos (the API conformance test uses it too).
VIDEO_CLIP = "grid_bbaf2n.mp4"


def face_paths(shared_dir):
    d = os.path.join(shared_dir, "data", "faces-eastasia-dev", FACE_IDENTITY)
    paths = [os.path.join(d, "%d.jpg" % i) for i in (1, 2, 3)]
    return paths if all(os.path.exists(p) for p in paths) else None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--part", choices=["core", "faces"], required=True)
    p.add_argument("--ekyc", required=True)
    p.add_argument("--source-dir", required=True)
    p.add_argument("--shared-dir", required=True)
    p.add_argument("--model-dir", required=True)
    p.add_argument("--node-dir", required=True, help="where `make browser-deps` installed playwright-core")
    p.add_argument("--out", required=True, help="screenshots and the run's log")
    a = p.parse_args()

    problems = []
    if not os.access(CHROMIUM, os.X_OK):
        problems.append("%s missing: install Debian's chromium (scripts/install-deps.sh)" % CHROMIUM)
    if shutil.which("node") is None:
        problems.append("node missing (scripts/install-deps.sh)")
    if not os.path.exists(os.path.join(a.node_dir, "node_modules", "playwright-core", "package.json")):
        problems.append("playwright-core not installed in %s: run `make browser-deps`" % a.node_dir)
    if problems:
        for msg in problems:
            print("FAIL: " + msg)
        return 1
    faces = None
    if a.part == "faces":
        faces = face_paths(a.shared_dir)
        if faces is None:
            print("SKIP: shared East-Asian face photos (%s/data/faces-eastasia-dev/%s) absent; "
                  "the face steps of the console need them" % (a.shared_dir, FACE_IDENTITY))
            return ts.SKIP_CODE
    out = os.path.join(a.out, a.part)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)

    t0 = time.monotonic()
    S = ts.LiveServer(a.ekyc, {"EKYC_MODEL_DIR": a.model_dir, "EKYC_WORKERS": "1", "EKYC_QUEUE": "4",
                               "EKYC_RATE_LIMIT_RPS": "0", "EKYC_REQUEST_TIMEOUT_MS": "120000"},
                      name="ekyc-console-" + a.part)
    try:
        key = S.add_key("console")
        temp = S.add_key("temp")
        S.start()
        version = subprocess.run([a.ekyc, "version"], capture_output=True, text=True).stdout
        with open(os.path.join(a.model_dir, "manifest.json")) as f:
            manifest = json.load(f)
        video = None
        clip = os.path.join(a.shared_dir, "data", "face-videos-dev", VIDEO_CLIP)
        if faces and os.path.exists(clip):
            # A card front whose portrait is a frame of the clip: the clip's person is the holder.
            card = os.path.join(S.dir, "video_holder_card.jpg")
            ts.video_frame_card(os.path.join(a.source_dir, "tests", "data", "cards"), clip, card)
            video = {"clip": clip, "card": card}
        cfg = {
            "part": a.part,
            "url": S.url,
            "key": key,
            "tempKey": temp,
            "tempKeyName": "temp",
            "ekyc": a.ekyc,
            "serverEnv": {k: v for k, v in S.env.items() if k.startswith("EKYC_")},
            "cards": os.path.join(a.source_dir, "tests", "data", "cards"),
            "faces": faces,
            "video": video,
            "out": out,
            "chromium": CHROMIUM,
            "nodeDir": os.path.abspath(a.node_dir),
            "versionText": version,
            "manifest": manifest,
        }
        env = dict(os.environ)
        env["EKYC_CONSOLE_TEST"] = json.dumps(cfg)
        rc = subprocess.run(["node", os.path.join(HERE, "console_test.mjs")], env=env).returncode
        cpu = S.cpu_seconds()
    finally:
        S.stop()
    print("console %s: wall %.1f s, server CPU %.1f s; screenshots in %s" % (
        a.part, time.monotonic() - t0, cpu, out))
    return 0 if rc == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
