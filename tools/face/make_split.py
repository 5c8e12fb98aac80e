#!/usr/bin/python3
"""Split a face set BY IDENTITY into a fit part and a report part (written once, committed).

Usage:
  /usr/bin/python3 tools/face/make_split.py IDENTITIES.csv OUT.csv [--seed 17] [--strata FILE]

IDENTITIES.csv: image,identity[,...] (the data set's own list). OUT.csv: identity,part with part
"fit" (calibration, fusion weights, gate thresholds and model choice are fitted on it) or
"report" (figures are reported on it and nothing is tuned on it).

Identities are stratified (optional --strata FILE: identity,stratum, e.g. sex) and, within a
stratum, sorted by number of photos; consecutive pairs are split one each way by a seeded coin, so
both parts get about the same number of people, photos and people per stratum. The seed and the
strata are chosen before any score is looked at; the committed OUT.csv is the split, the tool only
documents how it was drawn.
"""
import argparse
import collections
import csv
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("identities")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--strata", default="")
    a = ap.parse_args()
    photos = collections.Counter()
    with open(a.identities, newline="") as f:
        for r in csv.DictReader(f):
            photos[r["identity"]] += 1
    stratum = {i: "all" for i in photos}
    if a.strata:
        with open(a.strata, newline="") as f:
            for r in csv.DictReader(f):
                if r["identity"] in stratum:
                    stratum[r["identity"]] = r["stratum"]
    rng = random.Random(a.seed)
    part = {}
    for s in sorted(set(stratum.values())):
        ids = sorted((i for i in photos if stratum[i] == s), key=lambda i: (-photos[i], i))
        for k in range(0, len(ids), 2):
            block = ids[k:k + 2]
            if len(block) == 1:  # odd one out: its own coin
                part[block[0]] = "fit" if rng.random() < 0.5 else "report"
                continue
            first_fit = rng.random() < 0.5
            part[block[0]] = "fit" if first_fit else "report"
            part[block[1]] = "report" if first_fit else "fit"
    with open(a.out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["identity", "part", "stratum", "photos"])
        for i in sorted(part):
            w.writerow([i, part[i], stratum[i], photos[i]])
    for p in ("fit", "report"):
        ids = [i for i in part if part[i] == p]
        print("%s: %d identities, %d photos, strata %s" % (
            p, len(ids), sum(photos[i] for i in ids),
            dict(collections.Counter(stratum[i] for i in ids))))


if __name__ == "__main__":
    main()
