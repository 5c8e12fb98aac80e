#!/usr/bin/python3
"""Degraded copies of one part of a face set, for the quality-gate study (tools/face/gate_study.py).

Usage: /usr/bin/python3 tools/face/make_gate_set.py DATA_DIR SPLIT.csv PART OUT_DIR

For every photo of PART (identities from DATA_DIR/identities.csv) writes OUT_DIR/<variant>/<photo>
for each variant below and OUT_DIR/pairs.csv: every degraded photo against every clean photo
(OUT_DIR/clean links to DATA_DIR) except itself, set = the variant. Deterministic (fixed seed).

Variants (the eye distance of the faces-eastasia-dev photos is about 42 px):
  smallN         downscaled so the eye distance is about N px (12..32)
  blurS          Gaussian blur, sigma S px
  darkF          every value times F (no noise); darknoiseF: the same plus sensor noise (sigma 3)
  flatF          contrast around the mean times F
  webcam         a 168x193 frame of the photo (a small webcam picture), JPEG quality 85
"""
import csv
import os
import sys

import cv2
import numpy as np


def main():
    data, split, part, out = sys.argv[1:5]
    rows = list(csv.DictReader(open(os.path.join(data, "identities.csv"), newline="")))
    parts = {r["identity"]: r["part"] for r in csv.DictReader(open(split, newline=""))}
    photos = [r for r in rows if parts.get(r["identity"]) == part]
    os.makedirs(out, exist_ok=True)
    if not os.path.exists(os.path.join(out, "clean")):
        os.symlink(os.path.abspath(data), os.path.join(out, "clean"))
    batches = [
        [("small%d" % n, "scale", n / 42.0) for n in (12, 16, 20, 24, 28, 32)]
        + [("blur%g" % s, "blur", s) for s in (1.0, 2.0, 3.0, 4.0)]
        + [("dark%g" % f, "dark", f) for f in (0.5, 0.3, 0.2, 0.12)],
        [("small14", "scale", 14 / 42.0), ("darknoise0.25", "darknoise", 0.25),
         ("darknoise0.15", "darknoise", 0.15), ("flat0.4", "contrast", 0.4),
         ("flat0.25", "contrast", 0.25), ("blur1.5", "blur", 1.5), ("blur2.5", "blur", 2.5),
         ("webcam", "webcam", 0)],
    ]
    with open(os.path.join(out, "pairs.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["img_a", "img_b", "same", "set"])
        for batch in batches:
            rng = np.random.default_rng(17)
            for name, kind, v in batch:
                for r in photos:
                    im = cv2.imread(os.path.join(data, r["image"])).astype(np.float32)
                    if kind == "scale":
                        o = cv2.resize(im, None, fx=v, fy=v, interpolation=cv2.INTER_AREA)
                    elif kind == "blur":
                        o = cv2.GaussianBlur(im, (0, 0), v)
                    elif kind == "dark":
                        o = im * v
                    elif kind == "darknoise":
                        o = im * v + rng.normal(0, 3, im.shape)
                    elif kind == "contrast":
                        o = (im - im.mean()) * v + im.mean()
                    else:
                        o = cv2.resize(im[0:250, 15:235], (168, 193), interpolation=cv2.INTER_AREA)
                    p = os.path.join(name, r["image"])
                    os.makedirs(os.path.join(out, os.path.dirname(p)), exist_ok=True)
                    cv2.imwrite(os.path.join(out, p), np.clip(o, 0, 255).astype(np.uint8),
                                [cv2.IMWRITE_JPEG_QUALITY, 85 if kind == "webcam" else 92])
                    for s in photos:
                        if s["image"] != r["image"]:
                            w.writerow([p, "clean/" + s["image"], int(s["identity"] == r["identity"]), name])


if __name__ == "__main__":
    main()
