#!/usr/bin/python3
"""Write every unordered image pair of an identities file (image,identity,set) as a pairs CSV.

Usage: /usr/bin/python3 tools/face/make_pairs.py IDENTITIES.csv OUT.csv [--cross] [--prefix DIR/]
Within-set pairs keep their set name. With --cross, pairs between different sets (different
sources, so different people) are added as impostors with set "cross": more impostor pairs for
reading off a false-match rate of 1e-3 when fitting the calibration. --prefix is put before every
image path (so that one --root serves several data sets).
"""
import csv
import itertools
import sys


def main():
    src, out = sys.argv[1], sys.argv[2]
    cross = "--cross" in sys.argv[3:]
    prefix = sys.argv[sys.argv.index("--prefix") + 1] if "--prefix" in sys.argv else ""
    with open(src, newline="") as f:
        rows = [r for r in csv.DictReader(f)]
    n = 0
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["img_a", "img_b", "same", "set"])
        for a, b in itertools.combinations(rows, 2):
            if a["set"] != b["set"]:
                if cross:
                    w.writerow([prefix + a["image"], prefix + b["image"], 0, "cross"])
                    n += 1
                continue
            w.writerow([prefix + a["image"], prefix + b["image"], int(a["identity"] == b["identity"]),
                        a["set"]])
            n += 1
    print("wrote %d pairs to %s" % (n, out))


if __name__ == "__main__":
    main()
