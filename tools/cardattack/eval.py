#!/usr/bin/python3
"""Card liveness evaluation and fitting on sets made by cardattack.py (docs/card-liveness.md).

  score  DIR... --out SCORES.jsonl [--read]   runs `ekyc card-live` on every image of the sets
  fit    SCORES.jsonl... --header src/cardlive/fitted.h   fits the weights and the threshold
  report SCORES.jsonl... [--markdown]         APCER per attack kind, BPCER per capture level

`fit` is run on development seeds only (tools/cardattack/SEEDS.md); `report` on held-out seeds
gives the figures of the docs. Scores come from the C++ module (the decision the API makes);
`fit` re-reads the raw signals to refit.

Logistic regression (numpy, L2) on the standardised signals and their squares; abstaining
signals (null) sit at the mean. The threshold is the highest score that keeps the development
BPCER of genuine phone-level cards at or below TARGET_BPCER (a margin under the 2 % of the
acceptance criterion); APCER follows from it.
"""
import argparse
import glob
import json
import math
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CODE = {"CMND9": "CMND", "CMND12": "CMND_12", "CCCD2016": "CCCD", "CCCD_CHIP": "CCCD_CHIP",
        "CAN_CUOC": "CAN_CUOC", "PASSPORT": "PASSPORT"}
NAMES = ["chroma_p90", "chroma_fraction", "black_level", "contrast", "hf_high", "hf_mid", "hf_low",
         "peak_fine", "peak_coarse", "chroma_texture", "flat_grain", "border_dark"]
CODES = ["CMND", "CMND_12", "CCCD", "CCCD_CHIP", "CAN_CUOC", "PASSPORT"]
N_COLOUR = 2  # the first signals are colour: judged against the type's own genuine colour
COLOUR_EPS = [0.5, 0.005]  # per colour signal: below this the ratio is noise (chroma units, share)
TARGET_BPCER = 0.005
L2 = 1e-3  # the weights sum to 1: a light penalty against perfectly separable dev data
Z_CLIP = 4.0


def score(args):
    lst = args.out + ".list"
    metas = {}
    with open(lst, "w") as f:
        for d in args.dirs:
            for jp in sorted(glob.glob(os.path.join(d, "*.json"))):
                m = json.load(open(jp))
                path = os.path.join(d, m["image"])
                metas[path] = m
                f.write("%s %s\n" % (path, CODE[m["type"]]))
    cmd = [args.ekyc, "card-live", "--list", lst] + (["--read"] if args.read else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    with open(args.out, "w") as f:
        for line in out.splitlines():
            j = json.loads(line)
            m = metas[j["image"]]
            j.update({"kind": m["kind"], "level": m["level"], "type": m["type"], "seed": m["seed"],
                      "attack": m.get("attack")})
            f.write(json.dumps(j) + "\n")
    print("scored %d images -> %s" % (len(metas), args.out))


def load(paths):
    rows = []
    for p in paths:
        for line in open(p):
            rows.append(json.loads(line))
    return rows


def raw(rows, ref):
    """The signals as the C++ decision sees them: colour as log ratio to the type's reference."""
    x = np.array([[np.nan if r.get("signals", {}).get(n) is None else r["signals"][n] for n in NAMES]
                  for r in rows], np.float64)
    for i, r in enumerate(rows):
        code = r.get("class_code")
        for k in range(N_COLOUR):
            if code in ref and not np.isnan(x[i, k]):
                x[i, k] = math.log((x[i, k] + COLOUR_EPS[k]) / (ref[code][k] + COLOUR_EPS[k]))
            else:
                x[i, k] = np.nan
    return x


def design(x, mean, scale):
    z = (x - mean) / scale
    z = np.where(np.isnan(z), 0.0, np.clip(z, -Z_CLIP, Z_CLIP))
    return np.hstack([z, z * z])


def fit(args):
    levels = args.levels.split(",")
    # Genuine cards of the photographed levels: a clean render is a photo of nothing.
    rows = [r for r in load(args.scores) if "signals" in r and (r["kind"] != "genuine" or r["level"] in levels)]
    # Each colour type's reference: the median of its genuine cards (every capture level).
    ref = {}
    for code in CODES:
        g = [r for r in rows if r["kind"] == "genuine" and r.get("class_code") == code
             and r["signals"][NAMES[0]] is not None]
        if g:
            ref[code] = [float(np.median([r["signals"][NAMES[k]] for r in g])) for k in range(N_COLOUR)]
    x = raw(rows, ref)
    mean = np.nanmean(x, axis=0)
    scale = np.nanstd(x, axis=0) + 1e-6
    X = design(x, mean, scale)
    y = np.array([1.0 if r["kind"] == "genuine" else 0.0 for r in rows])
    # Balance: genuine cards and attacks weigh the same in total; every attack kind the same.
    w = np.ones(len(rows))
    kinds = sorted(set(r["kind"] for r in rows))
    for k in kinds:
        idx = np.array([r["kind"] == k for r in rows])
        w[idx] = (0.5 if k == "genuine" else 0.5 / (len(kinds) - 1)) / idx.sum()
    beta = np.zeros(X.shape[1])
    b = 0.0
    for _ in range(200):  # Newton iterations on the weighted, L2-penalised log-likelihood
        p = 1 / (1 + np.exp(-(X @ beta + b)))
        g_beta = X.T @ (w * (p - y)) + L2 * beta
        g_b = np.sum(w * (p - y))
        s = w * p * (1 - p)
        H = X.T @ (X * s[:, None]) + np.eye(X.shape[1]) * L2
        Hb = np.sum(s)
        Hxb = X.T @ s
        full_H = np.block([[H, Hxb[:, None]], [Hxb[None, :], np.array([[Hb]])]])
        step = np.linalg.solve(full_H + np.eye(len(beta) + 1) * 1e-9, np.concatenate([g_beta, [g_b]]))
        beta -= step[:-1]
        b -= step[-1]
        if np.abs(step).max() < 1e-8:
            break
    p = 1 / (1 + np.exp(-(X @ beta + b)))
    gen_phone = np.sort(p[[r["kind"] == "genuine" and r["level"] == "phone" for r in rows]])
    k = int(math.floor(TARGET_BPCER * len(gen_phone)))
    thr = float(gen_phone[k]) if len(gen_phone) else 0.5
    thr = min(thr, 0.5)
    # Just below the k-th lowest genuine score so that it is accepted.
    thr = float(np.nextafter(thr, 0)) if thr > 0 else thr
    n = len(NAMES)
    fmt = lambda a: "{" + ", ".join("%.6g" % v for v in a) + "}"  # noqa: E731
    seeds = sorted(set(r["seed"] for r in rows))
    header = """// Fitted card liveness model: generated by tools/cardattack/eval.py fit; do not edit by hand.
// Development seeds %s (tools/cardattack/SEEDS.md), %d photos; command in docs/card-liveness.md.
// Per signal (order of signals.h): mean and scale of the standardisation, then the weights of the
// linear and squared terms on the log-odds of a real card. The threshold keeps the development
// BPCER of genuine phone-level cards at or below %.1f %%.
//
// Thread-safety: constants.
#pragma once

namespace ekyc::cardlive {

inline constexpr int kNumCodes = %d;
inline constexpr int kNumColourSignals = %d;

struct FittedModel {
  const char* codes[kNumCodes];  // vendor class codes
  // Per code, the median colour signals of its genuine cards: colour is judged as log((x + eps) /
  // (reference + eps)) against the card's own type; 0 = the type prints no colour (cue abstains).
  double colour_ref[kNumCodes][kNumColourSignals];
  double colour_eps[kNumColourSignals];
  double mean[%d];
  double scale[%d];
  double weight[%d];
  double weight2[%d];
  double bias;
  double threshold;
  double z_clip;  // |z| is clipped: one extreme measurement cannot outvote every other cue
};

inline constexpr FittedModel kFitted = {
    %s,
    %s,
    %s,
    %s,
    %s,
    %s,
    %s,
    %.6g,
    %.6g,
    %.6g};

}  // namespace ekyc::cardlive
""" % (", ".join(map(str, seeds)), len(rows), TARGET_BPCER * 100, len(CODES), N_COLOUR, n, n, n, n,
       "{" + ", ".join('"%s"' % c for c in CODES) + "}",
       "{" + ", ".join(fmt(ref.get(c, [0.0] * N_COLOUR)) for c in CODES) + "}", fmt(COLOUR_EPS),
       fmt(mean), fmt(scale),
       fmt(beta[:n]), fmt(beta[n:]), b, thr, Z_CLIP)
    with open(args.header, "w") as f:
        f.write(header)
    print("wrote %s (threshold %.4f)" % (args.header, thr))
    for i, nm in enumerate(NAMES):
        print("  %-16s lin %+.3f  sq %+.3f" % (nm, beta[i], beta[n + i]))
    # Dev figures with the refitted model (for information; the C++ scores are the reference).
    report_rows(rows, p, thr, False)


def report_rows(rows, scores, thr, markdown):
    seeds = sorted(set(r["seed"] for r in rows))
    print("seeds: %s" % ", ".join(map(str, seeds)))
    errors = [r for r in rows if "signals" not in r]
    table = []
    for level in ["clean", "scan", "phone"]:
        idx = [i for i, r in enumerate(rows) if r["kind"] == "genuine" and r["level"] == level and "signals" in r]
        if idx:
            bad = sum(1 for i in idx if scores[i] < thr)
            table.append(("BPCER", "genuine, %s" % level, bad, len(idx)))
    kinds = sorted(set(r["kind"] for r in rows) - {"genuine"})
    for k in kinds:
        idx = [i for i, r in enumerate(rows) if r["kind"] == k and "signals" in r]
        bad = sum(1 for i in idx if scores[i] >= thr)
        table.append(("APCER", k, bad, len(idx)))
    if markdown:
        print("| rate | condition | errors | photos | rate |\n| --- | --- | ---: | ---: | ---: |")
        for m, c, bad, n in table:
            print("| %s | %s | %d | %d | %.1f %% |" % (m, c, bad, n, 100.0 * bad / max(1, n)))
    else:
        for m, c, bad, n in table:
            print("  %-5s %-22s %4d / %-4d = %5.1f %%" % (m, c, bad, n, 100.0 * bad / max(1, n)))
    if errors:
        print("  not located / unreadable (no decision): %d (%s)" % (
            len(errors), ", ".join(sorted(set("%s:%s" % (r.get("kind"), r.get("error")) for r in errors)))))
    for key, what in (("cpu_ms", "CPU"), ("ms", "wall")):
        ms = [r[key] for r in rows if key in r]
        if ms:
            print("  %s time per side: median %.1f ms, 95th percentile %.1f ms, max %.1f ms" % (
                what, np.median(ms), np.percentile(ms, 95), max(ms)))


def report(args):
    rows = load(args.scores)
    scores = [r.get("score", 0.0) for r in rows]
    thr = args.threshold
    if thr is None:
        # The C++ decision: live is score >= threshold.
        live = {i: r["live"] for i, r in enumerate(rows) if "live" in r}
        scores = [1.0 if live.get(i) else 0.0 for i in range(len(rows))]
        thr = 0.5
    report_rows(rows, scores, thr, args.markdown)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("score")
    s.add_argument("dirs", nargs="+")
    s.add_argument("--out", required=True)
    s.add_argument("--read", action="store_true")
    s.add_argument("--ekyc", default=os.path.join(ROOT, "build", "ekyc"))
    f = sub.add_parser("fit")
    f.add_argument("scores", nargs="+")
    f.add_argument("--header", default=os.path.join(ROOT, "src", "cardlive", "fitted.h"))
    f.add_argument("--levels", default="phone,scan", help="genuine capture levels to fit on")
    r = sub.add_parser("report")
    r.add_argument("scores", nargs="+")
    r.add_argument("--markdown", action="store_true")
    r.add_argument("--threshold", type=float, default=None)
    a = ap.parse_args()
    {"score": score, "fit": fit, "report": report}[a.cmd](a)


if __name__ == "__main__":
    main()
