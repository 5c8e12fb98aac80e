#!/usr/bin/env python3
"""Writes the C++ recogniser test's fixtures into tests/data/ocr/ (small, committed).

  tools/ocr/make_fixtures.py --admin build/data/vn-admin.tsv --out tests/data/ocr

- clean_NN.png: names drawn in the held-out font families (never seen in training), black on
  white, the way the held-out-font criterion is measured;
- phone_NN.png: lines of every field kind in training fonts with the full phone degradation;
- lines.tsv: file, field kind, the text drawn;
- prep_00.f32: model.prep() of phone_00.png (float32, 1 x 1 x 32 x W, W in the file name's
  line of prep.tsv), for the parity test between the C++ and the training preprocessing.
Seeds are fixed, so the files only change when the renderer or the corpus does.
"""
import argparse
import os
import sys

import cv2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402
from model import prep  # noqa: E402

CLEAN_SEED = 7_000_001
PHONE_SEED = 7_000_002


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--admin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=12)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rows = []
    for prefix, items in (
            ("clean", data.fixed_set(a.admin, CLEAN_SEED, a.n, held_out=True, clean=True, kinds=["name"])),
            ("phone", data.fixed_set(a.admin, PHONE_SEED, a.n))):
        for i, (kind, text, img) in enumerate(items):
            name = "%s_%02d.png" % (prefix, i)
            cv2.imwrite(os.path.join(a.out, name), img)
            rows.append((name, kind, text))
    with open(os.path.join(a.out, "lines.tsv"), "w", encoding="utf-8") as f:
        f.write("file\tkind\ttext\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    img = cv2.imread(os.path.join(a.out, "phone_00.png"), cv2.IMREAD_GRAYSCALE)
    x = prep(img)
    x.astype("<f4").tofile(os.path.join(a.out, "prep_00.f32"))
    with open(os.path.join(a.out, "prep.tsv"), "w") as f:
        f.write("file\tinput\theight\twidth\nprep_00.f32\tphone_00.png\t%d\t%d\n" % (x.shape[2], x.shape[3]))
    print("wrote %d lines to %s" % (len(rows), a.out))


if __name__ == "__main__":
    main()
