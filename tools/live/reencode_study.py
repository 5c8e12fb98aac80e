#!/usr/bin/python3
"""Can a re-encoded (digitally replayed) genuine video be told from a genuine upload?

Measures, per clip of a live-eval list (path,label,attack_type), compression / rescaling traces
on the luma and chroma of up to 12 evenly spaced frames (median over frames):

  blk8, blk4    blockiness: mean |step| across 8-px (4-px) grid lines / mean |step| elsewhere.
                Each generation of a block codec adds its grid; rescaling between generations
                smears the old one.
  hf_ratio      high-frequency deficit: power in 0.30..0.50 cycles/px over power in 0.10..0.30
                (log10). Down/up-scaling removes the top band; an honest low-resolution upload
                is not upscaled, so keeps it.
  edge_hf       Laplacian energy over gradient energy on the 5 % strongest edges (sharpness
                relative to the sharpest edges, independent of scene contrast).
  chroma_blur   high-frequency share of chroma (Cr, Cb) over that of luma: 4:2:0 subsampling
                repeated per generation blurs chroma more than luma.

Then, for each feature and both directions, the best threshold that keeps every bona fide clip
(label genuine, including the lowq_* variants) accepted, and how many `reencode` clips it
would catch. Prints a table; writes nothing. Not a detector: a measurement for docs/liveness.md.

Usage: /usr/bin/python3 tools/live/reencode_study.py BUILD/live-attacks/list.csv
"""
import csv
import sys

import cv2
import numpy as np


def frames_of(path, k=12):
    cap = cv2.VideoCapture(path)
    allf = []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        allf.append(f)
    if not allf:
        return []
    idx = np.linspace(0, len(allf) - 1, min(k, len(allf))).round().astype(int)
    return [allf[i] for i in idx]


def blockiness(y, period):
    dx = np.abs(np.diff(y, axis=1))
    dy = np.abs(np.diff(y, axis=0))
    cols = (np.arange(dx.shape[1]) + 1) % period == 0
    rows = (np.arange(dy.shape[0]) + 1) % period == 0
    on = np.concatenate([dx[:, cols].ravel(), dy[rows, :].ravel()]).mean()
    off = np.concatenate([dx[:, ~cols].ravel(), dy[~rows, :].ravel()]).mean()
    return on / max(off, 1e-6)


def band_power(y):
    h, w = y.shape
    win = np.outer(np.hanning(h), np.hanning(w))
    p = np.abs(np.fft.fftshift(np.fft.fft2((y - y.mean()) * win))) ** 2
    fy = (np.arange(h) - h // 2) / h
    fx = (np.arange(w) - w // 2) / w
    r = np.sqrt(fy[:, None] ** 2 + fx[None, :] ** 2)
    lo = p[(r >= 0.10) & (r < 0.30)].sum()
    hi = p[(r >= 0.30) & (r <= 0.50)].sum()
    return hi, lo


def hf_share(c):
    hi, lo = band_power(c)
    return hi / max(hi + lo, 1e-9)


def features(frame):
    ycc = cv2.cvtColor(frame, cv2.COLOR_BGR2YCrCb).astype(np.float64)
    y = ycc[..., 0]
    hi, lo = band_power(y)
    gx = cv2.Sobel(y, cv2.CV_64F, 1, 0)
    gy = cv2.Sobel(y, cv2.CV_64F, 0, 1)
    g2 = gx * gx + gy * gy
    lap = cv2.Laplacian(y, cv2.CV_64F)
    strong = g2 >= np.percentile(g2, 95)
    luma_share = hf_share(y)
    chroma_share = 0.5 * (hf_share(ycc[..., 1]) + hf_share(ycc[..., 2]))
    return {
        "blk8": blockiness(y, 8),
        "blk4": blockiness(y, 4),
        "hf_ratio": np.log10(max(hi, 1e-9) / max(lo, 1e-9)),
        "edge_hf": (lap[strong] ** 2).mean() / max(g2[strong].mean(), 1e-9),
        "chroma_blur": chroma_share / max(luma_share, 1e-9),
    }


def main():
    rows = []
    with open(sys.argv[1]) as fh:
        for r in csv.DictReader(fh):
            if r["attack_type"] in ("genuine", "lowq_h264", "lowq_mpeg4", "reencode", "reencode_sharp"):
                rows.append(r)
    names = ["blk8", "blk4", "hf_ratio", "edge_hf", "chroma_blur"]
    per = {}
    for r in rows:
        fs = [features(f) for f in frames_of(r["path"])]
        if not fs:
            continue
        v = {n: float(np.median([f[n] for f in fs])) for n in names}
        per.setdefault(r["attack_type"], []).append((r["label"], v))
    print("type        n  " + "  ".join(f"{n:>21}" for n in names))
    for t, lst in per.items():
        cells = []
        for n in names:
            a = np.array([v[n] for _, v in lst])
            cells.append(f"{a.min():6.3f}/{np.median(a):6.3f}/{a.max():6.3f}")
        print(f"{t:10s} {len(lst):2d}  " + "  ".join(cells))
    print("(min/median/max per type)")
    bona = {n: np.array([v[n] for lst in per.values() for lab, v in lst if lab == "genuine"]) for n in names}
    print("\nbest single-feature rule with every bona fide clip accepted:")
    for t, n in [(t, n) for t in ("reencode", "reencode_sharp") for n in names]:
        att = {n: np.array([v[n] for _, v in per.get(t, [])])}
        below = int((att[n] < bona[n].min()).sum())  # attack has lower values than any bona fide
        above = int((att[n] > bona[n].max()).sum())
        print(f"  {t:14s} {n:12s} caught: {max(below, above)}/{len(att[n])} "
              f"({'below' if below >= above else 'above'} the bona fide range "
              f"{bona[n].min():.3f}..{bona[n].max():.3f})")


if __name__ == "__main__":
    main()
