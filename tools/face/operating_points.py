#!/usr/bin/python3
"""FAR and TAR of a calibration's similarity thresholds on scored pairs (fit or held-out data).

Usage:
  /usr/bin/python3 tools/face/operating_points.py CALIBRATION.json POP:SIDE=SCORES.csv ...
      [--levels 0.3,0.5,0.7,0.9,0.95] [--by-set] [--markdown]

SCORES.csv: `ekyc face eval --scores-out` or `ekyc face calibrate --scores-out` files. SIDE is
selfie (the selfie map: verify, search, duplicates) or card (the card-vs-selfie map: check_match).
Pairs the server would refuse before scoring (no face, or a quality gate: ok=0 or gates_ok=0) are
counted apart, not in FAR/TAR. Each rate comes with its count and a Wilson 95 % interval.
--by-set reports each value of the pairs' `set` column apart (e.g. deepface, bbt_gray, cross).
"""
import argparse
import csv
import json
import math


def wilson(k, n):
    if n == 0:
        return (float("nan"), float("nan"))
    z = 1.959964
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("calibration")
    ap.add_argument("files", nargs="+")
    ap.add_argument("--levels", default="0.3,0.4,0.5,0.6,0.7,0.8,0.9,0.95,0.99")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--by-set", action="store_true", help="one row per value of the set column")
    a = ap.parse_args()
    cal = json.load(open(a.calibration))
    levels = [float(x) for x in a.levels.split(",")]
    out = []
    for spec in a.files:
        label, path = spec.split("=", 1)
        pop, side = label.split(":")
        m = cal if side == "selfie" else cal.get("card_vs_selfie", cal)
        slope, mid = m["slope"], m["midpoint"]
        groups = {}
        for r in csv.DictReader(open(path)):
            key = pop + "/" + r.get("set", "") if a.by_set else pop
            gen, imp, refused = groups.setdefault(key, ([], [], [0]))
            if r["ok"] != "1" or r.get("gates_ok", "1") != "1":
                refused[0] += 1
                continue
            (gen if r["same"] == "1" else imp).append(float(r["cosine"]))
        for key, (gen, imp, refused) in groups.items():
            for s in levels:
                c = mid + math.log(s / (1 - s)) / slope
                fa = sum(x >= c for x in imp)
                ta = sum(x >= c for x in gen)
                out.append((key, side, s, c, fa, len(imp), ta, len(gen), refused[0]))
    if a.markdown:
        print("| population | side | similarity | cosine | FAR | FAR 95 % CI | TAR | TAR 95 % CI |")
        print("|---|---|---|---|---|---|---|---|")
    for pop, side, s, c, fa, ni, ta, ng, refused in out:
        fl, fh = wilson(fa, ni)
        tl, th = wilson(ta, ng)
        far, tar = fa / max(ni, 1), ta / max(ng, 1)  # a set without impostors or genuines: 0 / 0
        if a.markdown:
            print("| %s | %s | %.2f | %.4f | %d / %d = %.2g | %.2g-%.2g | %.1f %% | %.1f-%.1f |"
                  % (pop, side, s, c, fa, ni, far, fl, fh, 100 * tar, 100 * tl, 100 * th))
        else:
            print("%-18s %-6s sim %.2f cos %.4f  FAR %5d/%-6d %.2e [%.1e, %.1e]  TAR %4d/%-4d %.4f [%.3f, %.3f]"
                  "  (refused pairs %d)" % (pop, side, s, c, fa, ni, far, fl, fh, ta, ng, tar, tl, th, refused))


if __name__ == "__main__":
    main()
