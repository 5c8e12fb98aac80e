#!/usr/bin/python3
"""Pairs of one part of an identity split, for `ekyc face eval` / `ekyc face calibrate`.

Usage:
  /usr/bin/python3 tools/face/split_pairs.py IDENTITIES.csv SPLIT.csv PART OUT.csv
      [--prefix DIR/] [--set NAME]

Writes every unordered pair of images whose identities are both in PART ("fit" or "report") of
SPLIT.csv (tools/face/make_split.py), as img_a,img_b,same,set with set = NAME (default: the part).
--prefix is put before every image path (e.g. "faces-eastasia-dev/", so that one --root serves
several data sets). PART "all" takes every identity.
"""
import argparse
import csv
import itertools


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("identities")
    ap.add_argument("split")
    ap.add_argument("part")
    ap.add_argument("out")
    ap.add_argument("--prefix", default="")
    ap.add_argument("--set", default="")
    a = ap.parse_args()
    with open(a.split, newline="") as f:
        part = {r["identity"]: r["part"] for r in csv.DictReader(f)}
    with open(a.identities, newline="") as f:
        rows = [r for r in csv.DictReader(f)
                if a.part == "all" or part.get(r["identity"]) == a.part]
    name = a.set or a.part
    n = g = 0
    with open(a.out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["img_a", "img_b", "same", "set"])
        for x, y in itertools.combinations(rows, 2):
            same = int(x["identity"] == y["identity"])
            w.writerow([a.prefix + x["image"], a.prefix + y["image"], same, name])
            n += 1
            g += same
    print("wrote %d pairs (%d genuine, %d impostor) of %d images to %s" % (n, g, n - g, len(rows), a.out))


if __name__ == "__main__":
    main()
