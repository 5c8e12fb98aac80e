#!/usr/bin/python3
"""Which quality gates refuse faces that could still be matched, from controlled degradations.

Usage:
  /usr/bin/python3 tools/face/make_gate_set.py IDENTITIES.csv SPLIT.csv fit OUT_DIR   # the images
  ekyc face eval OUT_DIR/pairs.csv --root OUT_DIR --scores-out S.csv --quality-out Q.csv
  /usr/bin/python3 tools/face/gate_study.py S.csv Q.csv --threshold COSINE

Every probe (a degraded copy of a fit-part photo: smaller, blurred, darker, flatter, a small webcam
frame) is compared with the clean photos of the same person (genuine) and of everybody else
(impostor), quality gates measured but not enforced. Per variant: the refusals by reason and the
TAR / FAR at the selfie operating point (COSINE = the calibration's selfie midpoint, similarity
0.5), for every probe, for the probes the gates pass and for those they refuse. Per quality
measure: the genuine match rate of the probes binned by the measured value, which is what a gate
threshold has to be read from ("refuse only what cannot be matched reliably").
"""
import argparse
import collections
import csv

import numpy as np

MEASURES = {"eye_distance_px": [0, 12, 14, 16, 18, 20, 24, 28, 32, 1e9],
            "sharpness": [0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3, 1e9],
            "blur_variance": [0, 5, 10, 20, 40, 80, 1e9],
            "brightness": [0, 10, 15, 20, 25, 30, 40, 60, 1e9]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scores")
    ap.add_argument("quality")
    ap.add_argument("--threshold", type=float, required=True)
    a = ap.parse_args()
    q = {r["image"]: r for r in csv.DictReader(open(a.quality)) if r["side"] == "selfie"}
    per_probe = collections.defaultdict(lambda: {"g": [], "i": []})
    sets = collections.defaultdict(list)
    for r in csv.DictReader(open(a.scores)):
        ok = r["ok"] == "1"
        s = float(r["cosine"]) if ok else -2.0
        per_probe[r["img_a"]]["g" if r["same"] == "1" else "i"].append(s)
        sets[r["set"]].append(r["img_a"])
    t = a.threshold
    print("%-14s %5s  %-58s %6s %6s %6s %8s" % ("variant", "n", "refused by the gates", "TAR", "passed",
                                                "refusd", "FAR"))
    for name in sorted(sets, key=lambda n: (n.rstrip("0123456789."), n)):
        probes = sorted(set(sets[name]))
        reasons = collections.Counter(q[p]["reason"] for p in probes if q[p]["reason"])
        g_all, g_ok, g_ref, imp = [], [], [], []
        for p in probes:
            gs = per_probe[p]["g"]
            (g_ok if not q[p]["reason"] else g_ref).extend(gs)
            g_all.extend(gs)
            imp.extend(per_probe[p]["i"])
        rate = lambda v: "%6.3f" % np.mean(np.array(v) > t) if v else "     -"
        print("%-14s %5d  %-58s %s %s %s %8.5f" % (name, len(probes), dict(reasons), rate(g_all), rate(g_ok),
                                                  rate(g_ref), np.mean(np.array(imp) > t)))
    for m, edges in MEASURES.items():
        print("\n%s: genuine match rate of the probes by measured value (all variants)" % m)
        bins = collections.defaultdict(list)
        for p, d in per_probe.items():
            if p not in q or q[p]["ok"] != "1":
                continue
            v = float(q[p][m])
            k = np.searchsorted(edges, v, side="right") - 1
            bins[k].extend(d["g"])
        for k in sorted(bins):
            v = np.array(bins[k])
            print("  [%g, %g)  %5d genuine pairs  TAR %.3f" % (edges[k], edges[k + 1], len(v), np.mean(v > t)))


if __name__ == "__main__":
    main()
