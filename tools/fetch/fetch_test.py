#!/usr/bin/env python3
"""Tests for fetch.py with a fake `npm` on PATH (no network): a verified archive is unpacked and
never downloaded again, a checksum mismatch stops with the package's name, an unsafe archive is
refused, a corrupted cache entry is fetched again."""

import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import tarfile
import tempfile
import unittest

FETCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fetch.py")

# The fake npm writes the archive named in $FAKE_NPM_ARCHIVE into --pack-destination and logs
# each call, so a test can count downloads.
FAKE_NPM = """#!/bin/sh
echo "$@" >> "$FAKE_NPM_LOG"
dest=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--pack-destination" ]; then dest="$2"; shift; fi
  shift
done
cp "$FAKE_NPM_ARCHIVE" "$dest/pkg.tgz"
"""


def make_tgz(path, members):
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class FetchTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        d = self.tmp.name
        self.bin = os.path.join(d, "bin")
        os.makedirs(self.bin)
        npm = os.path.join(self.bin, "npm")
        with open(npm, "w") as f:
            f.write(FAKE_NPM)
        os.chmod(npm, os.stat(npm).st_mode | stat.S_IXUSR)
        self.log = os.path.join(d, "npm.log")
        self.archive = os.path.join(d, "src.tgz")
        self.sha = make_tgz(self.archive, {"package/index.js": b"module.exports = 1;\n"})
        self.cache = os.path.join(d, "cache")
        self.out = os.path.join(d, "out")

    def tearDown(self):
        self.tmp.cleanup()

    def run_fetch(self, sha):
        lock = os.path.join(self.tmp.name, "test.lock")
        with open(lock, "w") as f:
            json.dump({"packages": [{"name": "@scope/demo", "version": "1.2.3", "source": "npm",
                                     "sha256": sha}]}, f)
        env = dict(os.environ, PATH=self.bin + os.pathsep + os.environ["PATH"],
                   FAKE_NPM_LOG=self.log, FAKE_NPM_ARCHIVE=self.archive)
        return subprocess.run([sys.executable, FETCH, "--lock", lock, "--out", self.out,
                               "--cache", self.cache], env=env, capture_output=True, text=True)

    def downloads(self):
        if not os.path.exists(self.log):
            return 0
        with open(self.log) as f:
            return len(f.read().splitlines())

    def test_verified_archive_is_unpacked_and_cached(self):
        r = self.run_fetch(self.sha)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.isfile(os.path.join(self.out, "scope-demo@1.2.3", "package", "index.js")))
        self.assertEqual(self.downloads(), 1)
        r = self.run_fetch(self.sha)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.downloads(), 1, "a valid cached archive must not be fetched again")

    def test_checksum_mismatch_names_the_package_and_keeps_nothing(self):
        r = self.run_fetch("0" * 64)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("checksum mismatch for @scope/demo@1.2.3", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.out, "scope-demo@1.2.3")))
        self.assertEqual(os.listdir(os.path.join(self.cache, "pkgs")), [])

    def test_corrupted_cache_entry_is_fetched_again(self):
        self.assertEqual(self.run_fetch(self.sha).returncode, 0)
        cached = os.path.join(self.cache, "pkgs", "scope-demo-1.2.3.tgz")
        with open(cached, "ab") as f:
            f.write(b"garbage")
        r = self.run_fetch(self.sha)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.downloads(), 2)

    def test_unsafe_archive_member_is_refused(self):
        self.sha = make_tgz(self.archive, {"../escape.txt": b"x"})
        r = self.run_fetch(self.sha)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("unsafe archive member", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "escape.txt")))


if __name__ == "__main__":
    unittest.main()
