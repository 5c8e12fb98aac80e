#!/usr/bin/python3
"""Score-level fusion of MobileFaceNet and dlib-128 cosines, from `ekyc face eval --scores-out`.

Usage:
  /usr/bin/python3 tools/face/fusion_eval.py clean=S1.csv degraded=S2.csv [more label=file ...]

Every scores file needs the columns same,set,ok,cos_mfn,cos_dlib (eval writes them when fusion is
on; the fused `cosine` column is ignored here). The fused score is (1-w)*cos_mfn + w*cos_dlib:
a z-normalised sum and a logistic regression on both cosines are also of this form (up to a
monotonic map), so they differ only in how w is chosen. Reported:
  * per file and set: AUC and TAR at FAR 1e-3 for w = 0, 0.1, ..., 1 (in-sample, descriptive);
  * w chosen three ways WITHOUT looking at the evaluated set (leave-one-set-out across the
    within-identity sets, e.g. fit on deepface -> report bbt_gray and the reverse):
      grid   - the w maximising the mean TAR@1e-3 (then AUC) over the other set's files,
      znorm  - w = (1/sd_dlib) / (1/sd_mfn + 1/sd_dlib), sd of the other set's impostor scores,
      logit  - class-balanced logistic regression on (cos_mfn, cos_dlib) of the other set.
Failed pairs (ok=0) count as rejections. With < 1000 impostors a set's FAR 1e-3 equals its
highest impostor score: read every TAR as +-1-2 genuine pairs.
"""
import csv
import sys

import numpy as np


def load(path):
    rows = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            ok = r["ok"] == "1"
            rows.append((r["set"], r["same"] == "1", ok, float(r["cos_mfn"]) if ok else -2.0,
                         float(r["cos_dlib"]) if ok else -2.0))
    return rows


def metrics(gen, imp):
    gen, imp = np.sort(np.asarray(gen)), np.sort(np.asarray(imp))
    allowed = int(np.floor(1e-3 * len(imp)))
    thr = imp[len(imp) - 1 - min(allowed, len(imp) - 1)]
    tar = float(np.mean(gen > thr))
    lo = np.searchsorted(imp, gen, "left")
    hi = np.searchsorted(imp, gen, "right")
    auc = float(np.sum(lo + 0.5 * (hi - lo)) / (len(gen) * len(imp)))
    return tar, auc


def split(rows, sets, w):
    gen, imp = [], []
    for s, same, ok, m, d in rows:
        if s not in sets:
            continue
        v = (1 - w) * m + w * d if ok else -2.0
        (gen if same else imp).append(v)
    return gen, imp


def logit_weight(rows, sets):
    x, y = [], []
    for s, same, ok, m, d in rows:
        if s in sets and ok:
            x.append((1.0, m, d))
            y.append(1.0 if same else 0.0)
    x, y = np.asarray(x), np.asarray(y)
    # Standardised features and a ridge: the dev pairs are almost separable, where an unpenalised
    # logistic fit runs off to infinity along an arbitrary direction.
    mu, sd = x[:, 1:].mean(0), x[:, 1:].std(0)
    x[:, 1:] = (x[:, 1:] - mu) / sd
    wts = np.where(y == 1, 0.5 / y.sum(), 0.5 / (1 - y).sum())
    beta = np.zeros(3)
    ridge = np.diag([0.0, 1e-2, 1e-2])
    for _ in range(100):  # Newton steps
        p = 1 / (1 + np.exp(-x @ beta))
        g = x.T @ (wts * (p - y)) + ridge @ beta
        h = (x * (wts * p * (1 - p))[:, None]).T @ x + ridge
        beta -= np.linalg.solve(h, g)
    bm, bd = max(beta[1] / sd[0], 1e-9), max(beta[2] / sd[1], 1e-9)
    return bd / (bm + bd)


def main():
    files = []
    for arg in sys.argv[1:]:
        label, path = arg.split("=", 1)
        files.append((label, load(path)))
    if not files:
        sys.exit(__doc__)
    sets = sorted({r[0] for _, rows in files for r in rows if r[1]})  # sets with genuine pairs
    grid = [round(0.1 * i, 1) for i in range(11)]
    print("in-sample TAR@FAR1e-3 / AUC per w (descriptive, not for choosing w):")
    print("file      set        " + " ".join(f"{w:>11}" for w in grid))
    for label, rows in files:
        for s in sets:
            cells = []
            for w in grid:
                tar, auc = metrics(*split(rows, {s}, w))
                cells.append(f"{100 * tar:5.1f}/{auc:.4f}")
            print(f"{label:9} {s:10} " + " ".join(cells))
    print("\nleave-one-set-out (w chosen on the other set(s), all files pooled for the choice):")
    for held in sets:
        train = set(sets) - {held}
        best = max(grid, key=lambda w: (np.mean([metrics(*split(rows, train, w))[0] for _, rows in files]),
                                         np.mean([metrics(*split(rows, train, w))[1] for _, rows in files])))
        imp_m = [m for _, rows in files for s, same, ok, m, d in rows if s in train and ok and not same]
        imp_d = [d for _, rows in files for s, same, ok, m, d in rows if s in train and ok and not same]
        wz = (1 / np.std(imp_d)) / (1 / np.std(imp_m) + 1 / np.std(imp_d))
        wl = logit_weight([r for _, rows in files for r in rows], train)
        for name, w in (("grid", best), ("znorm", wz), ("logit", wl), ("mfn only", 0.0)):
            res = []
            for label, rows in files:
                tar, auc = metrics(*split(rows, {held}, w))
                res.append(f"{label} TAR@1e-3 {100 * tar:5.1f}% AUC {auc:.4f}")
            print(f"  held out {held:9} {name:8} w={w:.2f}: " + "; ".join(res))


if __name__ == "__main__":
    main()
