#!/usr/bin/env python3
"""Checks that a short re-run of the training recipe follows the committed training curve.

The committed curve (models/ocr/training-loss.csv) is the training loss of the run that produced
the committed weights, every 10 steps (mean of the last 100 steps). A re-run from scratch with the
same seed writes the same figures to RUN/loss.csv (train.py); this compares them step by step.

  tools/ocr/train.py --admin build/data/vn-admin.tsv --run /tmp/rerun --stop-after 500
  tools/ocr/rerun_check.py --run /tmp/rerun

Runs trained before train.py wrote loss.csv have their curve in the progress output only;
`--from-log LOG... --write CSV` rebuilds the curve from those logs (in the order given, a step
repeated after a resume keeps its last value, the one the checkpoint continued from).

Exit status 0 when every common step is within --tolerance (relative), 1 otherwise. The same
seed, data recipe and thread count should give the same numbers to the printed precision; the
tolerance allows for other CPUs' floating-point summation order.
"""
import argparse
import csv
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_COMMITTED = os.path.join(HERE, "..", "..", "models", "ocr", "training-loss.csv")


def read_losses(path):
    out = {}
    with open(path, newline="") as f:
        for row in csv.reader(f):
            if not row or not row[0].isdigit():
                continue
            out[int(row[0])] = float(row[1])  # a resumed run may repeat steps: the last one wins
    return out


def losses_from_logs(paths):
    """step -> (loss, lr) from train.py's progress bars ("step N/M  loss L  lr R")."""
    pattern = re.compile(r"step (\d+)/\d+  loss ([0-9.]+)  lr ([0-9.e+-]+)")
    out = {}
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read().replace("\r", "\n")
        for m in pattern.finditer(text):
            out[int(m.group(1))] = (float(m.group(2)), m.group(3))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", help="the re-run's directory (its loss.csv)")
    ap.add_argument("--from-log", nargs="+", help="progress logs of the committed run, in order")
    ap.add_argument("--write", help="with --from-log: the curve file to write")
    ap.add_argument("--committed", default=DEFAULT_COMMITTED)
    ap.add_argument("--tolerance", type=float, default=0.05, help="largest relative difference")
    a = ap.parse_args()
    if a.from_log:
        curve = losses_from_logs(a.from_log)
        with open(a.write, "w") as f:
            f.write("# step,loss (mean of the last 100 steps),lr; from the progress output of the run "
                    "that produced models/ocr/vn-line.onnx\n")
            for step in sorted(curve):
                f.write("%d,%.4f,%s\n" % (step, curve[step][0], curve[step][1]))
        print("wrote %d steps to %s" % (len(curve), a.write))
        return
    if not a.run:
        sys.exit("--run is required")
    ref = read_losses(a.committed)
    new = read_losses(os.path.join(a.run, "loss.csv"))
    common = sorted(set(ref) & set(new))
    if not common:
        sys.exit("no common steps between %s and the re-run" % a.committed)
    worst, worst_step, exact = 0.0, common[0], 0
    for s in common:
        rel = abs(new[s] - ref[s]) / max(1e-9, abs(ref[s]))
        exact += round(new[s], 3) == round(ref[s], 3)  # progress bars print 3 decimals
        if rel > worst:
            worst, worst_step = rel, s
    last = common[-1]
    print("steps compared: %d (%d..%d); identical to 3 decimals: %d" %
          (len(common), common[0], last, exact))
    print("largest relative difference %.2f %% at step %d (committed %.4f, re-run %.4f)" %
          (100 * worst, worst_step, ref[worst_step], new[worst_step]))
    print("at step %d: committed %.4f, re-run %.4f" % (last, ref[last], new[last]))
    ok = worst <= a.tolerance
    print("PASS" if ok else "FAIL (tolerance %.1f %%)" % (100 * a.tolerance))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
