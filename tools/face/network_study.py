#!/usr/bin/python3
"""Weigh embedding networks and their fusion from `ekyc face eval --embedder ... --scores-out` files.

Usage:
  /usr/bin/python3 tools/face/network_study.py single POP:SIDE=SCORES.csv ...
  /usr/bin/python3 tools/face/network_study.py fuse POP:SIDE=SCORES.csv ... --nets A,B[,C] [--step 0.05]

Every scores file must come from the same embedder file (one cos:<network> column per network).
POP is a population (e.g. eastasia-fit, western), SIDE is selfie or card.

single: per network and file, AUC, EER and TAR at FAR 1e-3 / 1e-2 (pairs with a detection failure
count as rejected).
fuse: for every weight vector on a grid over the named networks (shares summing to 1), the fused
cosine sum_i w_i cos_i; per side the operating point is the stricter (higher) of the populations'
cosines at FAR 1e-3 (the calibration rule), and the TAR of every population at that point is
reported. Weight vectors are ranked by the worst (population, side) TAR, then the mean. Pick
weights on fit-part files only.
"""
import argparse
import csv
import itertools

import numpy as np


def load(spec):
    label, path = spec.split("=", 1)
    pop, side = label.split(":")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    nets = [k[4:] for k in rows[0] if k.startswith("cos:")]
    same = np.array([int(r["same"]) for r in rows])
    ok = np.array([r["ok"] == "1" for r in rows])
    cos = {n: np.array([float(r["cos:" + n]) for r in rows]) for n in nets}
    return {"pop": pop, "side": side, "same": same, "ok": ok, "cos": cos, "nets": nets,
            "pairs": [(r["img_a"], r["img_b"]) for r in rows]}


def threshold_at(imp, far):
    s = np.sort(imp)[::-1]
    k = int(np.floor(far * len(s)))
    return s[min(k, len(s) - 1)]


def metrics(gen, imp):
    thr3, thr2 = threshold_at(imp, 1e-3), threshold_at(imp, 1e-2)
    g, i = np.sort(gen), np.sort(imp)
    auc = (np.searchsorted(i, g, side="left").sum() + 0.5 * (np.searchsorted(i, g, side="right")
                                                            - np.searchsorted(i, g, side="left")).sum()) / (len(g) * len(i))
    cands = np.unique(np.concatenate([g, i]))
    frr = np.searchsorted(g, cands, side="right") / len(g)
    far = 1 - np.searchsorted(i, cands, side="right") / len(i)
    k = np.argmin(np.abs(frr - far))
    return {"auc": auc, "eer": (frr[k] + far[k]) / 2, "tar3": np.mean(gen > thr3),
            "tar2": np.mean(gen > thr2), "thr3": thr3}


def fused(d, weights):
    s = sum(w * d["cos"][n] for n, w in weights.items())
    return np.where(d["ok"], s, -2.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["single", "fuse"])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--nets", default="")
    ap.add_argument("--step", type=float, default=0.05)
    ap.add_argument("--top", type=int, default=15)
    a = ap.parse_args()
    data = [load(s) for s in a.files]
    if a.mode == "single":
        nets = data[0]["nets"]
        print("%-28s" % "network" + "".join("%28s" % (d["pop"] + ":" + d["side"]) for d in data))
        print("%-28s" % "" + "".join("%28s" % "AUC   EER%  TAR@1e-3 @1e-2" for _ in data))
        for n in nets:
            line = "%-28s" % n
            for d in data:
                s = np.where(d["ok"], d["cos"][n], -2.0)
                m = metrics(s[d["same"] == 1], s[d["same"] == 0])
                line += "   %.4f %5.2f %6.1f %6.1f" % (m["auc"], 100 * m["eer"], 100 * m["tar3"], 100 * m["tar2"])
            print(line)
        return
    nets = a.nets.split(",")
    steps = int(round(1 / a.step))
    results = []
    for c in itertools.product(range(steps + 1), repeat=len(nets) - 1):
        if sum(c) > steps:
            continue
        w = [x / steps for x in c] + [(steps - sum(c)) / steps]
        weights = dict(zip(nets, w))
        tars = {}
        for side in sorted({d["side"] for d in data}):
            ds = [d for d in data if d["side"] == side]
            scores = [fused(d, weights) for d in ds]
            thr = max(threshold_at(s[d["same"] == 0], 1e-3) for s, d in zip(scores, ds))
            for s, d in zip(scores, ds):
                tars[d["pop"] + ":" + side] = np.mean(s[d["same"] == 1] > thr)
        results.append((min(tars.values()), np.mean(list(tars.values())), w, tars))
    results.sort(key=lambda r: (-r[0], -r[1]))
    keys = list(results[0][3].keys())
    print("weights (" + ",".join(nets) + ")  worst  mean  " + "  ".join(keys))
    for worst, mean, w, tars in results[:a.top]:
        print("%-30s %.3f %.3f  " % (",".join("%.2f" % x for x in w), worst, mean)
              + "  ".join("%.3f" % tars[k] for k in keys))


if __name__ == "__main__":
    main()
