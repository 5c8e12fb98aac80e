#!/usr/bin/python3
"""Compare pipeline variants on `ekyc face eval --scores-out` files, the way the issue reads them.

Usage:
  /usr/bin/python3 tools/face/variant_report.py NAME=CLEAN.csv,DEGRADED.csv [NAME=...]
      [--weight W] [--explain] [--top N]

For each variant (scores of `eval cross.csv` clean and `eval cross.csv --degrade`):
  * per set (deepface, bbt_gray; within-set pairs only): TAR at FAR 1e-3 and EER, clean and
    degraded, as `ekyc face eval` computes them (accept score > the impostor score at FAR 1e-3);
  * the calibration point of tools/face/fit_calibration.py: similarity 0.5 is the cosine of the
    pooled impostors (within-set + cross-set) at FAR 1e-3, fitted per side (clean = selfie vs
    selfie `Map`, degraded = card vs selfie `MapCardVsSelfie`); reported: that cosine, the pooled
    FAR and TAR there and the pooled EER. The logistic slope does not move the 0.5 point.
With --weight W the fused score is recomputed as (1-W)*cos_mfn + W*cos_dlib (needs both columns).
With --explain: the top impostors of each side (set, pair) and the genuine pairs under the point,
to see whether within-set or cross-set impostors set it.
Failed pairs (ok=0) count as rejections (score -2).
"""
import argparse
import csv
import math

import numpy as np


def load(path, weight):
    rows = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            ok = r["ok"] == "1"
            if not ok:
                s = -2.0
            elif weight is None:
                s = float(r["cosine"])
            else:
                s = (1 - weight) * float(r["cos_mfn"]) + weight * float(r["cos_dlib"])
            rows.append((r["img_a"], r["img_b"], r["set"], r["same"] == "1", s))
    return rows


def far_point(imp, far=1e-3):
    """Impostor score at `far` (accept > it): the (floor(far*n)+1)-th highest impostor score."""
    imp = np.sort(np.asarray(imp))[::-1]
    return float(imp[min(int(math.floor(far * len(imp))), len(imp) - 1)])


def eer(gen, imp):
    gen, imp = np.asarray(gen), np.asarray(imp)
    best, val = 2.0, 0.0
    for t in np.concatenate([gen, imp]):
        frr, fa = np.mean(gen <= t), np.mean(imp > t)
        if abs(frr - fa) < best:
            best, val = abs(frr - fa), (frr + fa) / 2
    return val


def split(rows, sets=None):
    gen = [r[4] for r in rows if r[3] and (sets is None or r[2] in sets)]
    imp = [r[4] for r in rows if not r[3] and (sets is None or r[2] in sets)]
    return gen, imp


def side_report(rows, top, explain, label):
    out = {}
    for s in ("deepface", "bbt_gray"):
        gen, imp = split(rows, {s})
        thr = far_point(imp)
        out[s] = (100 * float(np.mean(np.asarray(gen) > thr)), 100 * eer(gen, imp))
    gen, imp = split(rows)
    mid = far_point(imp)
    out["pooled"] = (mid, float(np.mean(np.asarray(imp) > mid)),
                     100 * float(np.mean(np.asarray(gen) > mid)), 100 * eer(gen, imp),
                     int(np.sum(np.asarray(gen) <= mid)), len(gen), len(imp))
    if explain:
        imps = sorted([r for r in rows if not r[3]], key=lambda r: -r[4])[:top]
        print(f"    {label}: top impostors (point = {mid:.4f})")
        for r in imps:
            print(f"      {r[4]:.4f} {r[2]:9} {r[0]} - {r[1]}")
        print(f"    {label}: genuine pairs at or under the point")
        for r in sorted([r for r in rows if r[3] and r[4] <= mid], key=lambda r: r[4]):
            print(f"      {r[4]:.4f} {r[2]:9} {r[0]} - {r[1]}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("variants", nargs="+", help="NAME=CLEAN.csv,DEGRADED.csv")
    ap.add_argument("--weight", type=float, default=None)
    ap.add_argument("--explain", action="store_true")
    ap.add_argument("--top", type=int, default=6)
    a = ap.parse_args()
    print("TAR@FAR1e-3 % (EER %) per set; calibration point = pooled impostor FAR 1e-3 per side:"
          " cosine, FAR, TAR %, EER %, genuine pairs at/under the point")
    for v in a.variants:
        name, files = v.split("=", 1)
        clean, degraded = files.split(",")
        if a.explain:
            print(name)
        c = side_report(load(clean, a.weight), a.top, a.explain, "selfie (clean)")
        d = side_report(load(degraded, a.weight), a.top, a.explain, "card (degraded)")
        cell = lambda x: f"{x[0]:6.2f} ({x[1]:.2f})"
        pool = lambda p: f"{p[0]:.4f} FAR {p[1]:.5f} TAR {p[2]:5.2f} EER {p[3]:.2f} miss {p[4]}/{p[5]}"
        print(f"{name:22} clean df {cell(c['deepface'])} bbt {cell(c['bbt_gray'])} | "
              f"degr df {cell(d['deepface'])} bbt {cell(d['bbt_gray'])}")
        print(f"{'':22} selfie point {pool(c['pooled'])} | card point {pool(d['pooled'])}")


if __name__ == "__main__":
    main()
