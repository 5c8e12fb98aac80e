#!/usr/bin/python3
"""Bona fide variety for the video liveness evaluation: documented transforms of genuine clips.

Real customers record on cheap phones, in dim rooms, through messaging apps, holding the phone in
portrait, with the front camera mirrored. Every rule that can say "spoof" must be measured against
that variety, not only against attacks. This script turns each genuine clip of one part of the split
(tools/live/split.csv: `dev`, the part rules are tuned on, or `kept_aside`, never tuned on) into the
variants below, and writes OUT/list.csv (path,label,type,source,person) for `ekyc live eval` and
tools/live/eval_split.py. Deterministic (seeded per clip and transform); outputs go to a build
directory and are never committed.

Transforms (all outputs H.264 yuv420p, CRF 23, in MP4, unless the transform is the codec itself):

  original        the clip unchanged (re-encoded at CRF 23 only if needed for the container)
  scale_360p      shorter side scaled down to 360 px (never enlarged: a clip already at or below
                  360 px is only re-encoded); area filter, as a phone's ISP bins the sensor
  scale_240p      the same to 240 px
  h264_low        long side at most 640 px, H.264 at 0.04 bit per pixel and frame (e.g. 77 kbit/s
                  for 320x240 at 25 fps, 250 kbit/s for 640x360 at 27 fps; floor 48 kbit/s), single
                  pass with a capped rate: heavier than messaging apps (about 0.1 bit per pixel)
  vp8_low         the same rate with VP8 in WebM (browser MediaRecorder / WebRTC recordings)
  fps_15, fps_10  frames dropped to 15 and 10 frames per second (ffmpeg fps filter)
  dim_noise       dim room with sensor gain: linear light x0.25, then x2.5 gain (the picture stays
                  darker than normal, as auto-exposure runs out of gain) with shot noise
                  (Poisson, 40 photo-electrons at full scale before gain), read noise (sigma 2
                  levels after gain), chroma noise, fresh every frame; encoded at 0.15 bit per
                  pixel, a phone's usual rate, which quantises part of the noise away
  motion_blur     hand-shake blur: every frame convolved with a line kernel 1.2 % of the long
                  side (at least 3 px) whose angle drifts smoothly over the clip
  rolling_shutter wobble of a rolling-shutter sensor on a vibrating hand: each row shifted
                  horizontally by 1.2 % of the width x sin(2 pi (1.3 y / H + 6 Hz t)), plus a slow
                  global sway
  portrait_crop   landscape clips cropped to a centred 3:4 portrait window (full height), as a
                  phone held upright frames the same scene; portrait clips are skipped
  overexposed     auto-exposure set for a dark room, or a lamp close to the face: linear light
                  x2.2 then clipped, so bright skin, walls and shirts go white (sRGB curve
                  approximated as gamma 2.2)
  closeup         a phone held close: a square window 1.5 face widths wide around the face (the
                  median Haar box of the clip), scaled back to the clip's shorter side, so the
                  face fills most of the frame and little scene is left around it
  rotated_90      pixels stored turned 90 degrees counter-clockwise with a display-rotation tag of
                  90 degrees: how phones store portrait recordings (the decoder must honour the tag)
  mirror          left-right flip, as front cameras with a mirrored preview record
  messaging       a cheap phone through a messaging app: shorter side 360 px, 15 fps, H.264 at
                  0.04 bit per pixel
  mask_synthetic  a surgical-style mask drawn over the lower face (nose bridge to chin, from a
                  per-frame Haar face box, smoothed); reported apart from BPCER: it exercises the
                  masked-face path (found and decided, or refused with its own reason)

Limits: these are simulations. Real sensors have their own noise spectrum and denoising, real
messaging apps their own encoders and rates, real masks other shapes, and motion blur follows the
real motion, not a drawn path.

Usage: /usr/bin/python3 tools/live/gen_genuine_variants.py --part dev --out build/live-bona-fide-dev
       [--sources njitzju] [--transforms original,scale_240p]   (runs add to OUT/list.csv)
"""
import argparse
import csv
import hashlib
import json
import math
import os
import subprocess
import sys

import cv2
import numpy as np

TRANSFORMS = ("original", "scale_360p", "scale_240p", "h264_low", "vp8_low", "fps_15", "fps_10",
              "dim_noise", "motion_blur", "rolling_shutter", "portrait_crop", "rotated_90", "mirror",
              "messaging", "mask_synthetic", "overexposed", "closeup")
BPP = 0.04  # bits per pixel and frame of the low-rate encodes
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"]


def read_split(path):
    rows = []
    with open(path) as fh:
        lines = [l for l in fh if not l.startswith("#")]
    for row in csv.DictReader(lines):
        rows.append(row)
    return rows


def probe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=width,height,avg_frame_rate", "-of", "json", path],
                         check=True, capture_output=True, text=True).stdout
    s = json.loads(out)["streams"][0]
    num, den = s["avg_frame_rate"].split("/")
    fps = float(num) / float(den) if float(den) else 25.0
    return int(s["width"]), int(s["height"]), fps


def ffmpeg(args):
    cmd = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y"] + args
    subprocess.run(cmd, check=True)


def even(x):
    return max(2, int(round(x / 2.0)) * 2)


def scaled_size(w, h, short_side):
    s = min(1.0, short_side / float(min(w, h)))
    return even(w * s), even(h * s)


def rate_args(w, h, fps, codec, bpp=BPP):
    kbps = max(48, int(bpp * w * h * fps / 1000))
    if codec == "h264":
        return ["-c:v", "libx264", "-preset", "veryfast", "-b:v", f"{kbps}k", "-maxrate", f"{kbps}k",
                "-bufsize", f"{2 * kbps}k", "-pix_fmt", "yuv420p"]
    return ["-c:v", "libvpx", "-b:v", f"{kbps}k", "-maxrate", f"{kbps}k", "-bufsize", f"{2 * kbps}k",
            "-deadline", "good", "-cpu-used", "4", "-pix_fmt", "yuv420p"]


def read_frames(path):
    cap = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        frames.append(f)
    return frames


def write_frames(frames, fps, out, codec_args=X264):
    h, w = frames[0].shape[:2]
    cmd = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24",
           "-s", f"{w}x{h}", "-r", f"{fps:.5f}", "-i", "-", "-vf", f"crop={w // 2 * 2}:{h // 2 * 2}:0:0"] + codec_args + [out]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    for f in frames:
        p.stdin.write(np.ascontiguousarray(f).tobytes())
    p.stdin.close()
    if p.wait() != 0:
        sys.exit("ffmpeg failed writing " + out)


def smooth(rng, n, fps, amp, fmax=1.0):
    t = np.arange(n) / fps
    out = np.zeros(n)
    for _ in range(2):
        out += 0.5 * amp * np.sin(2 * math.pi * rng.uniform(0.2, fmax) * t + rng.uniform(0, 2 * math.pi))
    return out


def dim_noise(frames, rng):
    out = []
    full_e = 40.0  # photo-electrons at full scale before the gain
    for f in frames:
        lin = (f.astype(np.float32) / 255.0) ** 2.2 * 0.25
        e = rng.poisson(lin * full_e).astype(np.float32) / full_e
        g = np.clip(e * 2.5, 0, 1) ** (1 / 2.2) * 255.0
        g += rng.normal(0, 2.0, g.shape[:2])[..., None]  # read noise, all channels
        g += rng.normal(0, 3.0, g.shape)  # chroma noise
        out.append(np.clip(g, 0, 255).astype(np.uint8))
    return out


def motion_blur(frames, rng, fps):
    h, w = frames[0].shape[:2]
    length = max(3, int(round(0.012 * max(w, h))))
    ang = rng.uniform(0, math.pi) + smooth(rng, len(frames), fps, 2.0)
    out = []
    for f, a in zip(frames, ang):
        k = np.zeros((length, length), np.float32)
        c = (length - 1) / 2.0
        dx, dy = math.cos(a) * c, math.sin(a) * c
        cv2.line(k, (int(round(c - dx)), int(round(c - dy))), (int(round(c + dx)), int(round(c + dy))), 1.0, 1,
                 cv2.LINE_AA)
        k /= max(k.sum(), 1e-6)
        out.append(cv2.filter2D(f, -1, k, borderType=cv2.BORDER_REFLECT))
    return out


def rolling_shutter(frames, rng, fps):
    h, w = frames[0].shape[:2]
    amp = 0.012 * w
    sway = smooth(rng, len(frames), fps, 0.01 * w)
    phase = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    out = []
    for i, f in enumerate(frames):
        t = i / fps
        shift = amp * np.sin(2 * math.pi * (1.3 * yy / h + 6.0 * t) + phase) + sway[i]
        out.append(cv2.remap(f, xx + shift.astype(np.float32), yy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT))
    return out


def overexposed(frames):
    lut = np.clip(((np.arange(256) / 255.0) ** 2.2 * 2.2) ** (1 / 2.2) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return [cv2.LUT(f, lut) for f in frames]


_cascade = None


def haar_boxes(frames):
    global _cascade
    if _cascade is None:
        path = os.path.join(cv2.data.haarcascades if hasattr(cv2, "data") else "/usr/share/opencv4/haarcascades",
                            "haarcascade_frontalface_default.xml")
        if not os.path.exists(path):
            path = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"
        _cascade = cv2.CascadeClassifier(path)
    boxes = []
    for f in frames:
        g = cv2.cvtColor(f, cv2.COLOR_BGR2GRAY)
        det = _cascade.detectMultiScale(g, 1.1, 5, minSize=(40, 40))
        boxes.append(max(det, key=lambda b: b[2] * b[3]).astype(np.float64) if len(det) else None)
    return boxes


def closeup(frames):
    found = [b for b in haar_boxes(frames) if b is not None]
    if not found:
        return None
    x, y, bw, bh = np.median(np.array(found), axis=0)
    h, w = frames[0].shape[:2]
    side = int(min(1.5 * bw, w, h))
    cx, cy = x + bw / 2, y + bh / 2
    x0 = int(np.clip(cx - side / 2, 0, w - side))
    y0 = int(np.clip(cy - side / 2, 0, h - side))
    out_side = even(min(w, h))
    return [cv2.resize(f[y0:y0 + side, x0:x0 + side], (out_side, out_side), interpolation=cv2.INTER_LINEAR)
            for f in frames]


def mask_synthetic(frames, rng):
    """Draws a light-blue pleated mask over the lower face of a per-frame Haar face box (smoothed)."""
    boxes = haar_boxes(frames)
    known = [i for i, b in enumerate(boxes) if b is not None]
    if not known:
        return None
    arr = np.array([boxes[i] for i in known])
    filled = np.stack([np.interp(range(len(frames)), known, arr[:, j]) for j in range(4)], axis=1)
    k = 5
    pad = np.pad(filled, ((k, k), (0, 0)), mode="edge")
    sm = np.stack([pad[i:i + 2 * k + 1].mean(axis=0) for i in range(len(frames))])
    colour = np.array([205, 190, 150], np.float32) * rng.uniform(0.9, 1.05)  # BGR light blue
    out = []
    for f, (x, y, bw, bh) in zip(frames, sm):
        top = y + 0.47 * bh  # about the middle of the nose
        bottom = y + 1.08 * bh
        poly = np.array([[x + 0.08 * bw, top + 0.06 * bh], [x + 0.5 * bw, top - 0.04 * bh],
                         [x + 0.92 * bw, top + 0.06 * bh], [x + 0.86 * bw, bottom - 0.12 * bh],
                         [x + 0.5 * bw, bottom], [x + 0.14 * bw, bottom - 0.12 * bh]], np.int32)
        m = np.zeros(f.shape[:2], np.uint8)
        cv2.fillPoly(m, [poly], 255)
        tex = np.full(f.shape, colour, np.float32)
        # pleats: three soft horizontal folds (smooth shading, as cloth folds are), and a faint
        # fabric grain
        ys = np.arange(f.shape[0], dtype=np.float32)[:, None]
        fold = 1.0 - 0.05 * (0.5 + 0.5 * np.sin((ys - top) / max(bh * 0.5, 1) * 3 * 2 * math.pi))
        tex *= fold[..., None]
        tex *= 1.0 + rng.normal(0, 0.015, f.shape[:2]).astype(np.float32)[..., None]
        lum = cv2.cvtColor(f, cv2.COLOR_BGR2GRAY).astype(np.float32)
        shade = cv2.GaussianBlur(lum, (0, 0), max(2.0, bw * 0.05)) / 160.0  # keep the scene's lighting
        tex *= np.clip(shade, 0.4, 1.3)[..., None]
        a = cv2.GaussianBlur(m, (5, 5), 0).astype(np.float32)[..., None] / 255.0
        out.append(np.clip(f * (1 - a) + tex * a, 0, 255).astype(np.uint8))
    return out


def make(src, transform, out, seed):
    w, h, fps = probe(src)
    rng = np.random.RandomState(seed)
    landscape = w >= h
    if transform == "original":
        ffmpeg(["-i", src, "-an"] + X264 + [out])
    elif transform in ("scale_360p", "scale_240p"):
        sw, sh = scaled_size(w, h, 360 if transform == "scale_360p" else 240)
        ffmpeg(["-i", src, "-an", "-vf", f"scale={sw}:{sh}:flags=area"] + X264 + [out])
    elif transform in ("h264_low", "vp8_low"):
        s = min(1.0, 640.0 / max(w, h))
        sw, sh = even(w * s), even(h * s)
        ffmpeg(["-i", src, "-an", "-vf", f"scale={sw}:{sh}:flags=area"] +
               rate_args(sw, sh, fps, "h264" if transform == "h264_low" else "vp8") + [out])
    elif transform in ("fps_15", "fps_10"):
        ffmpeg(["-i", src, "-an", "-vf", "fps=" + transform[4:]] + X264 + [out])
    elif transform == "mirror":
        ffmpeg(["-i", src, "-an", "-vf", "hflip"] + X264 + [out])
    elif transform == "portrait_crop":
        if not landscape:
            return False
        cw = even(h * 0.75)
        ffmpeg(["-i", src, "-an", "-vf", f"crop={cw}:{even(h) if h % 2 else h}:{(w - cw) // 2}:0"] + X264 + [out])
    elif transform == "rotated_90":
        # transpose=2: 90 degrees counter-clockwise; the tag (written on a stream copy, where the
        # MP4 muxer turns it into a display matrix) tells players to turn it back clockwise. The
        # muxer reads the tag as a clockwise angle and stores the matrix as ffprobe's "rotation
        # -90", as phones write it; "rotate=90" would store a counter-clockwise turn and the
        # clip would play upside down.
        turned = out + ".turned.mp4"
        ffmpeg(["-i", src, "-an", "-vf", "transpose=2"] + X264 + [turned])
        ffmpeg(["-i", turned, "-c", "copy", "-metadata:s:v:0", "rotate=270", out])
        os.remove(turned)
    elif transform == "messaging":
        sw, sh = scaled_size(w, h, 360)
        ffmpeg(["-i", src, "-an", "-vf", f"fps=15,scale={sw}:{sh}:flags=area"] + rate_args(sw, sh, 15, "h264") + [out])
    else:
        frames = read_frames(src)
        if not frames:
            return False
        if transform == "dim_noise":
            frames = dim_noise(frames, rng)
        elif transform == "motion_blur":
            frames = motion_blur(frames, rng, fps)
        elif transform == "rolling_shutter":
            frames = rolling_shutter(frames, rng, fps)
        elif transform == "overexposed":
            frames = overexposed(frames)
        elif transform == "closeup":
            frames = closeup(frames)
            if frames is None:
                return False
        elif transform == "mask_synthetic":
            frames = mask_synthetic(frames, rng)
            if frames is None:
                return False
        else:
            raise ValueError(transform)
        # A phone encodes a noisy dim scene at its usual rate (about 0.15 bit per pixel), which
        # quantises much of the noise away; CRF would keep all of it in a huge file.
        args = rate_args(w, h, fps, "h264", 0.15) if transform == "dim_noise" else X264
        write_frames(frames, fps, out, args)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.environ.get("EKYC_SHARED_DATA", "/work/shared/data"))
    ap.add_argument("--split", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "split.csv"))
    ap.add_argument("--part", required=True, choices=("dev", "kept_aside"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--transforms", default=",".join(TRANSFORMS))
    ap.add_argument("--sources", help="only the clips of these sources (comma-separated `source` column of "
                                      "the split, e.g. njitzju); default: every genuine clip of the part")
    args = ap.parse_args()
    out_dir = os.path.abspath(args.out)
    os.makedirs(out_dir, exist_ok=True)
    rows = []
    for r in read_split(args.split):
        if r["part"] != args.part or r["label"] != "genuine":
            continue
        if args.sources and r["source"] not in args.sources.split(","):
            continue
        src = os.path.join(args.shared, r["file"])
        stem = os.path.splitext(os.path.basename(r["file"]))[0]
        for t in args.transforms.split(","):
            ext = ".webm" if t == "vp8_low" else ".mp4"
            path = os.path.join(out_dir, f"{t}__{stem}{ext}")
            if not os.path.exists(path):
                seed = int(hashlib.sha256(f"{stem}/{t}".encode()).hexdigest()[:8], 16)
                tmp = path + ".tmp" + ext
                if not make(src, t, tmp, seed):
                    continue
                os.replace(tmp, path)
            rows.append((path, "genuine", t, r["source"], r["person"]))
            print(t, stem, flush=True)
    # Runs with different --sources / --transforms add to the same list (one row per clip).
    list_path = os.path.join(out_dir, "list.csv")
    merged = {}
    if os.path.exists(list_path):
        with open(list_path) as fh:
            for row in csv.DictReader(fh):
                if os.path.exists(row["path"]):
                    merged[row["path"]] = (row["path"], row["label"], row["type"], row["source"], row["person"])
    for row in rows:
        merged[row[0]] = row
    with open(list_path, "w", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(["path", "label", "type", "source", "person"])
        wr.writerows(sorted(merged.values()))
    print("wrote", len(merged), "rows to", list_path, f"({len(rows)} from this run)")


if __name__ == "__main__":
    main()
