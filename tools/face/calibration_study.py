#!/usr/bin/python3
"""How much to trust a calibration's operating points: noise by identity, anchor estimators checked
on held-out identities, and the best any fusion weighting can do for one population at another's
false-match rate.

Usage:
  /usr/bin/python3 tools/face/calibration_study.py noise CAL.json POP:SIDE=SCORES.csv ...
      [--by-set] [--level 0.5] [--reps 2000] [--weights NET=W,...]
      [--before CAL2.json --before-weights NET=W,...]
  /usr/bin/python3 tools/face/calibration_study.py anchor POP:SIDE=SCORES.csv ... [--far 1e-3]
      [--weights NET=W,...]
  /usr/bin/python3 tools/face/calibration_study.py tailfar CAL.json POP:SIDE=SCORES.csv ...
      [--levels 0.9,0.95,0.99] [--weights NET=W,...]
  /usr/bin/python3 tools/face/calibration_study.py fuse POP:SIDE=SCORES.csv ... --nets A,B[,C]
      --constraint POP --target POP [--by-set] [--step 0.05]

SCORES.csv: `ekyc face eval --scores-out` / `ekyc face calibrate --scores-out` files. Pairs the
server refuses before scoring (ok=0 or gates_ok=0) are left out. --weights fuses the per-network
columns (cos:NAME) instead of reading the `cosine` column. Identities are the connected
components of the genuine pairs (as `ekyc face calibrate` forms them).

noise: FAR and TAR at similarity LEVEL with 95 % intervals from a bootstrap over identities
(people drawn with replacement; a genuine pair counts once per copy of its person, an impostor
pair once per copy of each of its two people). With --before, the same pairs scored by a former
engine (its weights and calibration) and the paired bootstrap interval of the TAR difference: a
change inside that interval is noise of this data, not a measured effect.

anchor: per population and side, the FAR-1e-3 cosine as the calibration reads it (empirical) and
as tail models read it (generalised Pareto on the top 5 %, normal on the top 5 %), how many impostor
pairs and distinct pairs of people lie at or above it, its bootstrap-over-identities spread, and
a leave-one-identity-out check: each estimator is refitted without one person and the FAR it
delivers is counted on that person's impostor pairs; the pooled held-out FAR says whether an
estimator keeps its promise on people it never saw.

tailfar: the false-match rate at a calibration's similarity levels read off the stricter tail
model (the rule of `ekyc face calibrate`), its identity-bootstrap median and 95 % bound, and what
it means for a duplicate check against a gallery of N faces: 1 - (1 - FAR)^N.

fuse: every weighting on a grid; per side the operating point is the cosine where the --constraint
population's impostors reach FAR 1e-3, and the --target population's TAR there is reported (with
--by-set, each set of the target apart). Ranked by the target's worst set TAR. Fit files only.
"""
import argparse
import csv
import itertools
import json
import math

import numpy as np


def load(spec, weights=None):
    label, path = spec.split("=", 1)
    pop, side = label.split(":")
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(f)
                if r["ok"] == "1" and r.get("gates_ok", "1") == "1"]
    if weights:
        cos = np.array([sum(w * float(r["cos:" + n]) for n, w in weights.items()) for r in rows])
    else:
        cos = np.array([float(r["cosine"]) for r in rows])
    nets = {k[4:]: np.array([float(r[k]) for r in rows]) for k in rows[0] if k.startswith("cos:")}
    a = [r["img_a"] for r in rows]
    b = [r["img_b"] for r in rows]
    same = np.array([r["same"] == "1" for r in rows])
    sets = np.array([r.get("set", pop) for r in rows])
    # Identities: connected components of the genuine pairs.
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for x, y, s in zip(a, b, same):
        find(x), find(y)
        if s:
            rx, ry = find(x), find(y)
            if rx != ry:
                parent[max(rx, ry)] = min(rx, ry)
    roots = sorted({find(x) for x in parent})
    index = {r: i for i, r in enumerate(roots)}
    ia = np.array([index[find(x)] for x in a])
    ib = np.array([index[find(x)] for x in b])
    return {"pop": pop, "side": side, "cos": cos, "nets": nets, "same": same, "set": sets,
            "ia": ia, "ib": ib, "people": len(roots), "path": path}


def parse_weights(s):
    if not s:
        return None
    out = {}
    for item in s.split(","):
        n, w = item.rsplit("=", 1)
        out[n] = float(w)
    return out


def cosine_at(cal, side, level):
    m = cal if side == "selfie" else cal.get("card_vs_selfie", cal)
    return m["midpoint"] + math.log(level / (1 - level)) / m["slope"]


def subset(d, mask):
    return {**d, "cos": d["cos"][mask], "same": d["same"][mask], "set": d["set"][mask],
            "ia": d["ia"][mask], "ib": d["ib"][mask],
            "nets": {k: v[mask] for k, v in d["nets"].items()}}


def boot_weights(d, rng):
    # Identity bootstrap: the weight of a pair is the product of its people's draw counts
    # (genuine pairs: the person's count).
    people = np.unique(np.concatenate([d["ia"], d["ib"]]))
    draw = rng.choice(people, size=len(people), replace=True)
    count = np.zeros(max(people) + 1)
    np.add.at(count, draw, 1)
    return np.where(d["same"], count[d["ia"]], count[d["ia"]] * count[d["ib"]])


def rates(cos, same, thr, w=None):
    w = np.ones(len(cos)) if w is None else w
    g, i = same, ~same
    tar = (w[g] * (cos[g] >= thr)).sum() / max(w[g].sum(), 1e-12)
    far = (w[i] * (cos[i] >= thr)).sum() / max(w[i].sum(), 1e-12)
    return tar, far


def cmd_noise(a):
    cal = json.load(open(a.calibration))
    before = json.load(open(a.before)) if a.before else None
    rng = np.random.default_rng(17)
    print("population/set  side  people  genuine impostor  TAR (95% identity-bootstrap)  FAR (95%)"
          + ("  | before: TAR  FAR   TAR change (95%)" if before else ""))
    for spec in a.files:
        d = load(spec, parse_weights(a.weights))
        dbef = load(spec, parse_weights(a.before_weights)) if before else None
        groups = [(d["pop"], np.ones(len(d["cos"]), bool))]
        if a.by_set:
            groups += [(d["pop"] + "/" + s, d["set"] == s) for s in sorted(set(d["set"]))]
        thr = cosine_at(cal, d["side"], a.level)
        thr_b = cosine_at(before, d["side"], a.level) if before else None
        for name, mask in groups:
            x = subset(d, mask)
            people = len(np.unique(np.concatenate([x["ia"], x["ib"]])))
            tar, far = rates(x["cos"], x["same"], thr)
            xb = subset(dbef, mask) if before else None
            tb = rates(xb["cos"], xb["same"], thr_b) if before else None
            bt, bf, bd = [], [], []
            for _ in range(a.reps):
                w = boot_weights(x, rng)
                t, f = rates(x["cos"], x["same"], thr, w)
                bt.append(t), bf.append(f)
                if before:
                    t2, _ = rates(xb["cos"], xb["same"], thr_b, w)
                    bd.append(t - t2)
            q = lambda v: np.percentile(v, [2.5, 97.5])
            line = "%-22s %-6s %3d %6d %7d   %5.1f %% (%5.1f-%5.1f)   %.1e (%.1e-%.1e)" % (
                name, d["side"], people, x["same"].sum(), (~x["same"]).sum(), 100 * tar,
                *(100 * q(bt)), far, *q(bf))
            if before:
                line += "  | %5.1f %%  %.1e  %+5.1f (%+5.1f..%+5.1f)" % (
                    100 * tb[0], tb[1], 100 * (tar - tb[0]), *(100 * q(bd)))
            print(line)


# --- tail estimators of the cosine at a given FAR --------------------------------------------

def empirical(imp, far):
    s = np.sort(imp)[::-1]
    return s[min(int(math.floor(far * len(s))), len(s) - 1)]


def gpd_fit(imp, frac=0.05):
    """Generalised Pareto over the top `frac` by probability-weighted moments, as
    src/face/calibration_fit.cpp (Hosking & Wallis 1987): (threshold u, shape, scale, tail share)."""
    s = np.sort(imp)[::-1]
    k = int(math.ceil(frac * len(s)))
    u = s[k]
    y = np.sort(s[:k] - u)
    f = (np.arange(k) + 0.5) / k
    a0, a1 = y.mean(), (y * (1 - f)).mean()
    d = a0 - 2 * a1
    return u, 2 - a0 / d, 2 * a0 * a1 / d, k / len(s)


def normal_fit(imp, frac=0.05):
    """A normal fitted to the top `frac` by its quantiles (least squares on the normal scores):
    (slope, intercept) of cosine against the normal score."""
    from statistics import NormalDist
    nd = NormalDist()
    s = np.sort(imp)[::-1]
    k = int(math.ceil(frac * len(s)))
    p = (np.arange(k) + 0.5) / len(s)
    z = np.array([nd.inv_cdf(1 - x) for x in p])
    slope, icpt = np.polyfit(z, s[:k], 1)
    return slope, icpt


def gpd(imp, far, frac=0.05):
    u, shape, scale, share = gpd_fit(imp, frac)
    if far >= share:
        return empirical(imp, far)
    r = share / far
    return u + scale / shape * (r ** shape - 1) if abs(shape) > 1e-9 else u + scale * math.log(r)


def normal_tail(imp, far, frac=0.05):
    from statistics import NormalDist
    slope, icpt = normal_fit(imp, frac)
    return icpt + slope * NormalDist().inv_cdf(1 - far)


def stricter(imp, far):
    # The calibration's rule for rates below the data: the higher of the two tail models.
    return max(gpd(imp, far), normal_tail(imp, far))


ESTIMATORS = {"empirical": empirical, "gpd": gpd, "normal": normal_tail, "stricter": stricter}


def tail_far(imp, cosine, frac=0.05):
    """The stricter model's FAR at `cosine` (GPD and normal fitted to the top `frac`)."""
    from statistics import NormalDist
    u, shape, scale, share = gpd_fit(imp, frac)
    t = 1 + shape * (cosine - u) / scale
    g = 0.0 if t <= 0 else share * t ** (-1 / shape)
    slope, icpt = normal_fit(imp, frac)
    return max(g, 1 - NormalDist().cdf((cosine - icpt) / slope))


def cmd_tailfar(a):
    """FAR at a calibration's similarity levels by the stricter tail model, with its spread over
    the identity bootstrap, and the per-registration false-duplicate rate against N faces."""
    cal = json.load(open(a.calibration))
    rng = np.random.default_rng(17)
    for spec in a.files:
        d = load(spec, parse_weights(a.weights))
        imp_mask = ~d["same"]
        imp = d["cos"][imp_mask]
        for level in [float(x) for x in a.levels.split(",")]:
            c = cosine_at(cal, d["side"], level)
            point = tail_far(imp, c)
            reps = []
            for _ in range(a.reps):
                w = boot_weights(d, rng)[imp_mask]
                reps.append(tail_far(np.repeat(imp, w.astype(int)), c))
            med, hi = np.percentile(reps, [50, 95])
            tar = np.mean(d["cos"][d["same"]] >= c)
            line = "%s %s similarity %.2f (cosine %.4f): FAR %.1e (bootstrap median %.1e, 95 %% " \
                   "bound %.1e), TAR %.1f %%; false-duplicate rate per registration against N " \
                   "faces (point / bound):" % (d["pop"], d["side"], level, c, point, med, hi,
                                               100 * tar)
            for n in (1e3, 1e4, 1e5, 1e6):
                line += "  N=%.0e %.2g / %.2g" % (n, 1 - (1 - point) ** n, 1 - (1 - hi) ** n)
            print(line)


def cmd_anchor(a):
    rng = np.random.default_rng(17)
    for spec in a.files:
        d = load(spec, parse_weights(a.weights))
        imp_mask = ~d["same"]
        imp = d["cos"][imp_mask]
        ia, ib = d["ia"][imp_mask], d["ib"][imp_mask]
        print("== %s %s: %d people, %d impostor pairs, %d genuine pairs; FAR %.0e = the %d-th "
              "highest impostor" % (d["pop"], d["side"], d["people"], len(imp), d["same"].sum(),
                                    a.far, int(math.floor(a.far * len(imp))) + 1))
        for name, est in ESTIMATORS.items():
            c = est(imp, a.far)
            above = imp >= c
            people_pairs = {(min(x, y), max(x, y)) for x, y in zip(ia[above], ib[above])}
            tar = np.mean(d["cos"][d["same"]] >= c)
            reps = []
            for _ in range(a.reps):
                w = boot_weights(d, rng)[imp_mask]
                # Bootstrap by identity: repeat each impostor pair by its weight.
                rep = np.repeat(imp, w.astype(int))
                # The empirical reading needs 1/FAR pairs; the tail models extrapolate.
                if name != "empirical" or len(rep) * a.far >= 1:
                    reps.append(est(rep, a.far))
            lo, med, hi = np.percentile(reps, [5, 50, 95]) if reps else (np.nan,) * 3
            # Leave one identity out: refit without person p, count FAR on p's impostor pairs.
            held_hits = held_n = 0
            fold_fars = []
            for p in range(d["people"]):
                involved = (ia == p) | (ib == p)
                if not involved.any():
                    continue
                cp = est(imp[~involved], a.far)
                hits = int((imp[involved] >= cp).sum())
                held_hits += hits
                held_n += int(involved.sum())
                fold_fars.append(hits / involved.sum())
            print("  %-9s cosine %.4f  impostors >= it: %2d pairs from %2d pairs of people  "
                  "TAR %5.1f %%  bootstrap 5/50/95 %%: %.4f %.4f %.4f  leave-one-person-out FAR "
                  "%d/%d = %.1e (folds above %.0e: %d of %d)" % (
                      name, c, above.sum(), len(people_pairs), 100 * tar, lo, med, hi,
                      held_hits, held_n, held_hits / held_n, a.far,
                      sum(f > a.far for f in fold_fars), len(fold_fars)))


def cmd_fuse(a):
    data = [load(s) for s in a.files]
    nets = a.nets.split(",")
    steps = int(round(1 / a.step))
    results = []
    for c in itertools.product(range(steps + 1), repeat=len(nets) - 1):
        if sum(c) > steps:
            continue
        w = [x / steps for x in c] + [(steps - sum(c)) / steps]
        row = {}
        for side in sorted({d["side"] for d in data}):
            ds = [d for d in data if d["side"] == side]
            fused = {id(d): sum(wi * d["nets"][n] for n, wi in zip(nets, w)) for d in ds}
            con = [d for d in ds if d["pop"] == a.constraint]
            if not con:
                continue
            thr = max(empirical(fused[id(d)][~d["same"]], 1e-3) for d in con)
            for d in ds:
                s = fused[id(d)]
                keys = [(d["pop"], np.ones(len(s), bool))]
                if a.by_set and d["pop"] == a.target:
                    keys = [(d["pop"] + "/" + x, d["set"] == x) for x in sorted(set(d["set"]))
                            if (d["same"] & (d["set"] == x)).any()]
                for k, m in keys:
                    row[k + ":" + side] = np.mean(s[m & d["same"]] >= thr)
        tgt = [v for k, v in row.items() if k.startswith(a.target)]
        results.append((min(tgt), np.mean(tgt), w, row))
    results.sort(key=lambda r: (-r[0], -r[1]))
    keys = list(results[0][3].keys())
    print("TAR at the %s FAR-1e-3 cosine of each side; ranked by the worst %s figure" % (
        a.constraint, a.target))
    print("weights (" + ",".join(nets) + ")  worst  " + "  ".join(keys))
    for worst, mean, w, row in results[:a.top]:
        print("%-24s %.3f  " % (",".join("%.2f" % x for x in w), worst)
              + "  ".join("%.3f" % row[k] for k in keys))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="mode", required=True)
    n = sub.add_parser("noise")
    n.add_argument("calibration")
    n.add_argument("files", nargs="+")
    n.add_argument("--level", type=float, default=0.5)
    n.add_argument("--reps", type=int, default=2000)
    n.add_argument("--by-set", action="store_true")
    n.add_argument("--weights", default="")
    n.add_argument("--before", default="")
    n.add_argument("--before-weights", default="")
    an = sub.add_parser("anchor")
    an.add_argument("files", nargs="+")
    an.add_argument("--far", type=float, default=1e-3)
    an.add_argument("--reps", type=int, default=200)
    an.add_argument("--weights", default="")
    t = sub.add_parser("tailfar")
    t.add_argument("calibration")
    t.add_argument("files", nargs="+")
    t.add_argument("--levels", default="0.9,0.95,0.99")
    t.add_argument("--reps", type=int, default=200)
    t.add_argument("--weights", default="")
    f = sub.add_parser("fuse")
    f.add_argument("files", nargs="+")
    f.add_argument("--nets", required=True)
    f.add_argument("--constraint", required=True)
    f.add_argument("--target", required=True)
    f.add_argument("--by-set", action="store_true")
    f.add_argument("--step", type=float, default=0.05)
    f.add_argument("--top", type=int, default=10)
    a = ap.parse_args()
    {"noise": cmd_noise, "anchor": cmd_anchor, "tailfar": cmd_tailfar,
     "fuse": cmd_fuse}[a.mode](a)


if __name__ == "__main__":
    main()
