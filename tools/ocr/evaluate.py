#!/usr/bin/env python3
"""Decoding and scoring for the line recogniser, and its evaluation on fixed line sets.

Greedy CTC decoding (the C++ reader decodes the same way): the best class per column, repeats
merged, blanks dropped. A character's confidence is the highest probability it had over the
columns that emitted it.

  tools/ocr/evaluate.py --admin build/data/vn-admin.tsv --model models/ocr/vn-line.onnx

evaluates the exported ONNX through OpenCV DNN (the runtime the server uses) on the validation
sets train.py uses (training fonts, held-out fonts, held-out fonts clean names) and prints
character error rate and exact-line accuracy per field kind.
"""
import argparse
import os
import sys
import unicodedata

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import charset  # noqa: E402


def greedy(probs):
    """probs: C x T. Returns (text, per-character confidences, per-character column)."""
    best = probs.argmax(axis=0)
    text, conf, cols = [], [], []
    prev = 0
    for t, c in enumerate(best):
        c = int(c)
        p = float(probs[c, t])
        if c != 0 and c != prev:
            text.append(charset.CHARSET[c - 1])
            conf.append(p)
            cols.append(t)
        elif c != 0 and c == prev:
            conf[-1] = max(conf[-1], p)
        prev = c
    return "".join(text), conf, cols


def levenshtein(a, b):
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def canon(s):
    return " ".join(unicodedata.normalize("NFC", s).split())


def cer_report(truth, hyps):
    """truth: [(kind, text)], hyps: [text]. {kind or 'all': {cer, line_acc, lines}}."""
    acc = {}
    for (kind, t), h in zip(truth, hyps):
        t, h = canon(t), canon(h)
        for k in (kind, "all"):
            d = acc.setdefault(k, [0, 0, 0, 0])
            d[0] += levenshtein(t, h)
            d[1] += len(t)
            d[2] += int(t == h)
            d[3] += 1
    return {k: {"cer": v[0] / max(1, v[1]), "line_acc": v[2] / max(1, v[3]), "lines": v[3]}
            for k, v in acc.items()}


def run_onnx(onnx_path, items):
    import cv2
    from model import prep
    cv2.setNumThreads(1)
    net = cv2.dnn.readNetFromONNX(onnx_path)
    hyps = []
    for _, _, img in items:
        net.setInput(prep(img))
        probs = net.forward()[0, :, 0, :]
        hyps.append(greedy(probs)[0])
    return hyps


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--admin", required=True)
    ap.add_argument("--model", required=True, help="exported ONNX")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--errors", type=int, default=0, help="print this many misread lines per set")
    a = ap.parse_args()
    import data
    from train import VAL_SEEDS
    sets = {
        "train_fonts": data.fixed_set(a.admin, VAL_SEEDS["train_fonts"], a.n),
        "held_out": data.fixed_set(a.admin, VAL_SEEDS["held_out"], a.n, held_out=True),
        "held_out_clean_names": data.fixed_set(a.admin, VAL_SEEDS["held_out_clean_names"], a.n // 2,
                                               held_out=True, clean=True, kinds=["name"]),
    }
    for name, items in sets.items():
        hyps = run_onnx(a.model, items)
        rep = cer_report([(k, t) for k, t, _ in items], hyps)
        print("%s (%d lines)" % (name, len(items)))
        for k in sorted(rep, key=lambda k: (k != "all", k)):
            print("  %-10s CER %6.2f %%  exact lines %6.2f %%  (%d)" % (
                k, 100 * rep[k]["cer"], 100 * rep[k]["line_acc"], rep[k]["lines"]))
        shown = 0
        for (k, t, _), h in zip(items, hyps):
            if shown < a.errors and canon(t) != canon(h):
                print("    %-9s %s  ->  %s" % (k, t, h))
                shown += 1


if __name__ == "__main__":
    main()
