#!/usr/bin/env python3
"""Seed corpus for chip_fuzz (src/chip/fuzz_parsers.cpp): every file of two synthetic chip sets
(`ekyc chip sample`, one with an RSA and one with an EC active authentication key), each prefixed
with the byte that selects its parser, plus a JPEG 2000 portrait in both containers.

Usage: tools/chip/make_fuzz_corpus.py --ekyc build/ekyc --out CORPUS_DIR
Then:  chip_fuzz -max_total_time=600 -rss_limit_mb=2048 CORPUS_DIR
"""
import argparse
import base64
import json
import os
import subprocess
import tempfile

# The selector byte of each file (fuzz_parsers.cpp: data[0] % 9).
SELECTOR = {"com": 0, "dg1": 1, "dg2": 2, "dg13": 3, "dg14": 4, "dg15": 5, "sod": 6}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ekyc", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for aa in ("rsa", "ec"):
            d = os.path.join(tmp, aa)
            subprocess.run([args.ekyc, "chip", "sample", "--out", d, "--seed", "7", "--aa", aa],
                           check=True, stdout=subprocess.DEVNULL)
            with open(os.path.join(d, "chip.json")) as f:
                fields = json.load(f)
            for name, sel in SELECTOR.items():
                if name not in fields:
                    continue
                data = bytes([sel]) + base64.b64decode(fields[name])
                with open(os.path.join(args.out, f"{aa}-{name}"), "wb") as f:
                    f.write(data)
    try:
        import cv2
        import numpy as np
        img = np.zeros((64, 48, 3), np.uint8)
        cv2.circle(img, (24, 28), 14, (180, 190, 220), -1)
        ok, jp2 = cv2.imencode(".jp2", img)
        if ok:
            jp2 = jp2.tobytes()
            with open(os.path.join(args.out, "portrait-jp2"), "wb") as f:
                f.write(bytes([8]) + jp2)
            # The bare codestream starts at the SOC marker FF 4F FF 51.
            soc = jp2.find(b"\xff\x4f\xff\x51")
            if soc >= 0:
                with open(os.path.join(args.out, "portrait-j2k"), "wb") as f:
                    f.write(bytes([7]) + jp2[soc:])
    except ImportError:
        pass  # OpenCV's Python module is optional: the DG2 seeds already hold a JPEG portrait


if __name__ == "__main__":
    main()
