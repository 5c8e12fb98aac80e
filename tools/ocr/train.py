#!/usr/bin/env python3
"""Trains the line recogniser (model.py) with CTC on rendered lines (data.py).

Reproducible: the data stream, the initial weights and the validation sets follow from --seed;
resumable: a checkpoint is written every --ckpt-every steps (atomically) and `--resume` continues
from it, including the data stream's position, the optimiser and the learning-rate schedule.
Progress goes to stderr (a bar with loss and validation CER) and to RUN/curve.csv.

  tools/ocr/train.py --admin build/data/vn-admin.tsv --run build/ocr-run           # start
  tools/ocr/train.py --admin build/data/vn-admin.tsv --run build/ocr-run --resume  # continue
"""
import argparse
import csv
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import charset  # noqa: E402
import data  # noqa: E402
from model import Recognizer  # noqa: E402
from evaluate import greedy, cer_report  # noqa: E402

VAL_SEEDS = {"train_fonts": 9_000_001, "held_out": 9_000_002, "held_out_clean_names": 9_000_003}


def schedule_length(step, a):
    """The length the cosine decay is computed over at `step`: --steps, or an earlier phase's
    length from --phases ("UNTIL:LENGTH,..."; before step UNTIL the decay ran over LENGTH steps).
    The committed weights were trained with a longer schedule at first, then shortened so that the
    learning rate could come down within the machine time there was; --phases replays that."""
    for phase in filter(None, a.phases.split(",")):
        until, length = (int(v) for v in phase.split(":"))
        if step < until:
            return length
    return a.steps


def lr_at(step, a):
    """Linear warm-up, then cosine decay to 5 % of the peak at the schedule's length."""
    if step < a.warmup:
        return a.lr * (step + 1) / a.warmup
    steps = schedule_length(step, a)
    t = min(1.0, (step - a.warmup) / max(1, steps - a.warmup))
    return a.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t)))


def validation_sets(a):
    path = os.path.join(a.run, "val.pt")
    if os.path.exists(path):
        return torch.load(path)
    sets = {
        "train_fonts": data.fixed_set(a.admin, VAL_SEEDS["train_fonts"], a.val_n),
        "held_out": data.fixed_set(a.admin, VAL_SEEDS["held_out"], a.val_n, held_out=True),
        "held_out_clean_names": data.fixed_set(a.admin, VAL_SEEDS["held_out_clean_names"], a.val_n // 2,
                                               held_out=True, clean=True, kinds=["name"]),
    }
    torch.save(sets, path)
    return sets


def evaluate_sets(model, sets):
    model.eval()
    out = {}
    with torch.no_grad():
        for name, items in sets.items():
            hyps = []
            for b in range(0, len(items), 64):
                chunk = items[b:b + 64]
                x, _, ilen, _, _, _ = data.collate(chunk)
                probs = torch.softmax(model(x), dim=1)[:, :, 0, :]
                for n in range(len(chunk)):
                    hyps.append(greedy(probs[n, :, :ilen[n]].numpy())[0])
            out[name] = cer_report([(k, t) for k, t, _ in items], hyps)
    model.train()
    return out


def save(path, state):
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--admin", required=True, help="vn-admin.tsv (built by `make build`)")
    ap.add_argument("--run", required=True, help="run directory (checkpoints, curve.csv)")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--seed", type=int, default=20261206)
    ap.add_argument("--steps", type=int, default=9000, help="schedule length in steps (the last phase)")
    ap.add_argument("--phases", default="5500:14000",
                    help="earlier schedule phases UNTIL:LENGTH,... (see schedule_length); '' for none")
    ap.add_argument("--stop-after", type=int, default=0, help="stop at this step (0: --steps)")
    ap.add_argument("--minutes", type=float, default=0, help="stop after this many minutes (0: no limit)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ckpt-every", type=int, default=250)
    ap.add_argument("--val-every", type=int, default=2000)
    ap.add_argument("--val-n", type=int, default=1000)
    a = ap.parse_args()
    os.makedirs(a.run, exist_ok=True)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    model = Recognizer(charset.NUM_CLASSES)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=1e-4)
    ckpt_path = os.path.join(a.run, "ckpt.pt")
    step, position, elapsed = 0, 0, 0.0
    if a.resume and os.path.exists(ckpt_path):
        st = torch.load(ckpt_path)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        step, position, elapsed = st["step"], st["position"], st["elapsed"]
        if st["args"]["seed"] != a.seed or st["args"]["batch"] != a.batch:
            sys.exit("resume with the seed and batch size the run started with")
        print("resumed at step %d (%d samples, %.1f h)" % (step, position, elapsed / 3600), file=sys.stderr)
    elif os.path.exists(ckpt_path):
        sys.exit("%s exists: pass --resume or use another --run" % ckpt_path)

    sets = validation_sets(a)
    curve_path = os.path.join(a.run, "curve.csv")
    new_curve = not os.path.exists(curve_path)
    curve = open(curve_path, "a", newline="")
    writer = csv.writer(curve)
    if new_curve:
        writer.writerow(["step", "samples", "hours", "lr", "loss"] +
                        ["%s_%s" % (s, m) for s in sets for m in ("cer", "line_acc")])

    # The training loss every 10 steps (mean of the last 100), the figure a re-run is compared
    # with (tools/ocr/rerun_check.py).
    loss_log = open(os.path.join(a.run, "loss.csv"), "a")
    ctc = torch.nn.CTCLoss(blank=0, zero_infinity=True)
    loader = torch.utils.data.DataLoader(data.Stream(a.admin, a.seed, position, a.batch), batch_size=None,
                                         num_workers=1, prefetch_factor=4, persistent_workers=False)
    stop = a.stop_after or a.steps
    losses = []
    t0 = time.time() - elapsed
    t_start = time.time()
    model.train()
    tick = time.time()
    for (x, targets, ilen, tlen, _, _), chunk_start in loader:
        if step >= stop or (a.minutes and time.time() - t_start > a.minutes * 60):
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(step, a)
        logits = model(x)[:, :, 0, :]                      # N C T
        logp = torch.log_softmax(logits, dim=1).permute(2, 0, 1)  # T N C
        loss = ctc(logp, targets, ilen, tlen)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        losses.append(loss.item())
        step += 1
        position = chunk_start
        if step % 10 == 0:
            loss_log.write("%d,%.4f,%.3e\n" % (step, np.mean(losses[-100:]), lr_at(step, a)))
            loss_log.flush()
            done = step / stop
            bar = "#" * int(30 * done) + "." * (30 - int(30 * done))
            print("\r[%s] step %d/%d  loss %.3f  lr %.2e  %.1f lines/s  %.2f h" %
                  (bar, step, stop, np.mean(losses[-100:]), lr_at(step, a),
                   10 * a.batch / max(1e-9, time.time() - tick), (time.time() - t0) / 3600),
                  end="", file=sys.stderr, flush=True)
            tick = time.time()
        if step % a.ckpt_every == 0:
            save(ckpt_path, {"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                             "position": position, "elapsed": time.time() - t0, "args": vars(a)})
        if step % a.val_every == 0:
            rep = evaluate_sets(model, sets)
            row = [step, step * a.batch, round((time.time() - t0) / 3600, 3), "%.2e" % lr_at(step, a),
                   round(float(np.mean(losses[-a.val_every:])), 4)]
            for s in sets:
                row += [round(rep[s]["all"]["cer"], 4), round(rep[s]["all"]["line_acc"], 4)]
            writer.writerow(row)
            curve.flush()
            print("\nstep %d: " % step + "  ".join("%s CER %.2f%% lines %.1f%%" % (
                s, 100 * rep[s]["all"]["cer"], 100 * rep[s]["all"]["line_acc"]) for s in sets),
                file=sys.stderr, flush=True)
            save(os.path.join(a.run, "model-step%06d.pt" % step), {"model": model.state_dict(), "step": step})
    save(ckpt_path, {"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                     "position": position, "elapsed": time.time() - t0, "args": vars(a)})
    print("\nstopped at step %d" % step, file=sys.stderr)


if __name__ == "__main__":
    main()
