#!/usr/bin/python3
"""Deterministic synthetic presentation attacks for liveness evaluation.

Writes clips under OUT_DIR (a build directory; never commit them) and OUT_DIR/list.csv
(path,label,attack_type) for `ekyc live eval`. Everything is seeded, so the same inputs give the
same clips. Attack types:

  print          a face photo (faces-dev) or a frame of a genuine clip, "printed": paper texture,
                 ink desaturation, slight cylinder bend of the sheet, then panned / zoomed / tilted
                 in front of the camera with changing light and camera noise.
  screen_photo   the same photos shown on a simulated phone/monitor: RGB sub-pixel grid resampled
                 by the camera (real aliasing moire), glare, refresh banding, black bezel, moved
                 as one plane.
  screen_video   each genuine clip replayed on the simulated screen (the face itself moves
                 non-rigidly: only passive cues can catch this).
  screen_photo_full, screen_video_full
                 the same, with the camera so close that the display overfills the frame: no bezel
                 in view (the attacker who knows the screen-border cue).
  reencode       each genuine clip re-encoded several times with down/up-scaling (generation loss
                 of a re-recorded/re-shared video). This is a digital replay: see docs/liveness.md.

  reencode_sharp each genuine clip re-encoded 3 times with H.264 at its native size (no rescaling):
                 the same digital replay done with more care, to measure what the rescaling cue
                 in the decision does NOT catch.
  print_reenc, screen_photo_reenc, screen_video_reenc
                 each print / screen attack above re-encoded 3 times with H.264 at its native size,
                 as when an attack recording is passed through messaging apps before it is
                 uploaded: checks that the print and screen cues survive generation loss.

Bona fide variants (label genuine, counted in BPCER), to check that a detector of re-encoding does
not reject what a cheap phone uploads:

  lowq_h264      each genuine clip at a lower capture resolution (0.5x, or 0.75x when under 480 px
                 high), encoded once with H.264 (libx264 defaults, as a phone's encoder would).
  lowq_mpeg4     each genuine clip encoded once with MPEG-4 part 2 at native size (older phones).
  framed_door, framed_window_night, framed_monitor_off
                 each GRID clip with its studio backdrop keyed out and replaced by a wall with a dark
                 door frame, a night window or a switched-off monitor around the head: the scenes
                 in which a screen-border cue would reject a live person.

Limits: these are simulations of artefacts; real prints and screens differ (paper gloss, printer
halftone, real display sub-pixel layouts, camera anti-alias filters, auto-exposure).

Usage: /usr/bin/python3 tools/live/gen_attacks.py --shared /work/shared/data --out build-live/live-attacks
       (--split tools/live/split.csv --part dev|kept_aside: attacks made from one part of the split;
        docs/liveness.md, "Evaluation", gives the photos and seed offset used for each part)
"""
import argparse
import csv
import math
import os
import sys

import cv2
import numpy as np

W, H = 640, 480
FPS = 10
NFRAMES = 40


def writer(path, fps=FPS, size=(W, H)):
    w = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    if not w.isOpened():
        sys.exit("cannot write " + path)
    return w


def smooth_path(rng, n, amp, freq_max=1.5):
    """Sum of two random sinusoids: a hand-held, smoothly wandering parameter."""
    t = np.arange(n) / FPS
    out = np.zeros(n)
    for _ in range(2):
        f = rng.uniform(0.2, freq_max)
        ph = rng.uniform(0, 2 * math.pi)
        out += amp * 0.5 * np.sin(2 * math.pi * f * t + ph)
    return out


def background(rng):
    """A blurred random room-like background."""
    bg = rng.randint(40, 200, size=(6, 8, 3)).astype(np.uint8)
    bg = cv2.resize(bg, (W, H), interpolation=cv2.INTER_CUBIC)
    noise = rng.normal(0, 6, (H, W, 3))
    return np.clip(bg + noise, 0, 255).astype(np.uint8)


def face_content(img, rng, aspect=0.75):
    """Crop the photo around its centre to a portrait sheet (face fills most of it)."""
    h, w = img.shape[:2]
    th = min(h, int(w / aspect))
    tw = int(th * aspect)
    y0 = max(0, (h - th) // 2)
    x0 = max(0, (w - tw) // 2)
    return img[y0:y0 + th, x0:x0 + tw]


def paper(img, rng):
    """Printed look: reduced contrast and saturation, paper fibre texture, slight ink blur."""
    f = img.astype(np.float32)
    hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV).astype(np.float32)
    hsv[..., 1] *= rng.uniform(0.6, 0.85)
    f = cv2.cvtColor(np.clip(hsv, 0, 255).astype(np.uint8), cv2.COLOR_HSV2BGR).astype(np.float32)
    f = 25 + f * rng.uniform(0.75, 0.9)  # paper white is not 255 and ink black is not 0
    fibre = cv2.GaussianBlur(rng.normal(0, 1, f.shape[:2]).astype(np.float32), (0, 0), 1.2)
    f *= (1 + 0.04 * fibre)[..., None]
    f = cv2.GaussianBlur(f, (0, 0), 0.7)
    return np.clip(f, 0, 255).astype(np.uint8)


def bend(img, strength):
    """Sheet bent round a vertical axis (cylinder), seen from the front: columns near the edges
    recede (narrower and shorter). Returns image and alpha mask."""
    h, w = img.shape[:2]
    if abs(strength) < 1e-3:
        return img, np.full((h, w), 255, np.uint8)
    theta = strength  # half angle of the arc, radians
    r = (w / 2) / theta
    f = 2.0 * w  # focal of the virtual camera looking at the sheet
    u = np.linspace(-1, 1, 2048)
    x3 = r * np.sin(u * theta)
    z3 = r * (1 - np.cos(u * theta))
    xs = f * x3 / (f + z3) + w / 2  # output column of each sheet position
    scale = f / (f + z3)
    xo = np.arange(w, dtype=np.float32)
    uo = np.interp(xo, xs, u)
    so = np.interp(xo, xs, scale)
    src_x = (uo + 1) / 2 * (w - 1)
    yo = np.arange(h, dtype=np.float32)
    map_x = np.tile(src_x.astype(np.float32), (h, 1))
    map_y = ((yo[:, None] - h / 2) / so[None, :] + h / 2).astype(np.float32)
    out = cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    mask = cv2.remap(np.full((h, w), 255, np.uint8), map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    return out, mask


def sheet_pose(rng, n, sheet_w, sheet_h, zoom_amp=0.12, pan=50, tilt=0.15, fill=(0.95, 1.25)):
    """Per-frame 4-corner destinations: pan, zoom, tilt (perspective) and in-plane rotation."""
    dx = smooth_path(rng, n, pan)
    dy = smooth_path(rng, n, pan * 0.6)
    z = 1 + smooth_path(rng, n, zoom_amp)
    tx = smooth_path(rng, n, tilt)  # rotation about vertical axis
    ty = smooth_path(rng, n, tilt)  # rotation about horizontal axis
    rot = smooth_path(rng, n, 0.12)
    # held at selfie distance: the sheet/screen fills about the frame height
    base = rng.uniform(*fill) * H / sheet_h
    poses = []
    for i in range(n):
        s = base * z[i]
        hw, hh = sheet_w * s / 2, sheet_h * s / 2
        pts = np.array([[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]], np.float64)
        # perspective from tilt: the receding side shrinks
        k = np.array([1 - tx[i], 1 + tx[i], 1 + tx[i], 1 - tx[i]])
        pts[:, 1] *= k
        k2 = np.array([1 - ty[i], 1 - ty[i], 1 + ty[i], 1 + ty[i]])
        pts[:, 0] *= k2
        c, si = math.cos(rot[i]), math.sin(rot[i])
        pts = pts @ np.array([[c, si], [-si, c]])
        pts += [W / 2 + dx[i], H / 2 + dy[i]]
        poses.append(pts.astype(np.float32))
    return poses


def composite(frame, content, mask, corners):
    h, w = content.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(src, corners)
    warped = cv2.warpPerspective(content, m, (W, H), flags=cv2.INTER_LINEAR)
    a = cv2.warpPerspective(mask, m, (W, H), flags=cv2.INTER_LINEAR).astype(np.float32)[..., None] / 255
    return (frame * (1 - a) + warped * a).astype(np.float32), m


def lighting(rng, n):
    gx = smooth_path(rng, n, 0.3)
    gy = smooth_path(rng, n, 0.3)
    gain = 1 + smooth_path(rng, n, 0.15)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    xx = xx / W - 0.5
    yy = yy / H - 0.5
    return [(gain[i] * (1 + gx[i] * xx + gy[i] * yy))[..., None] for i in range(n)]


def camera(f, rng):
    f = f + rng.normal(0, 2.0, f.shape)
    return np.clip(f, 0, 255).astype(np.uint8)


def make_print(content, out_path, seed):
    rng = np.random.RandomState(seed)
    sheet = paper(content, rng)
    sheet, mask = bend(sheet, rng.uniform(0.1, 0.35) * rng.choice([-1, 1]))
    bg = background(rng).astype(np.float32)
    poses = sheet_pose(rng, NFRAMES, sheet.shape[1], sheet.shape[0])
    light = lighting(rng, NFRAMES)
    w = writer(out_path)
    for i in range(NFRAMES):
        f, _ = composite(bg, sheet, mask, poses[i])
        w.write(camera(f * light[i], rng))
    w.release()


def screen_surface(content, rng, bezel=True):
    """Render content on a display: each pixel becomes 3x3 sub-pixels (R,G,B stripes with a dark
    gap), plus a black bezel. The camera later resamples this grid, which produces real aliasing
    (moire) rather than a painted pattern."""
    h, w = content.shape[:2]
    scale = 360.0 / h  # screen resolution showing the content
    c = cv2.resize(content, (int(w * scale), 360), interpolation=cv2.INTER_AREA).astype(np.float32)
    c = c * 0.9 + 20  # backlight: blacks are not black
    ch, cw = c.shape[:2]
    up = np.repeat(np.repeat(c, 3, axis=0), 3, axis=1)
    sub = np.zeros((3 * ch, 3 * cw, 3), np.float32)
    for k, chan in enumerate([2, 1, 0]):  # R, G, B stripes (BGR order in OpenCV)
        sub[:, k::3, chan] = up[:, k::3, chan] * 2.6
    sub *= 3.0 / 2.5 / 2.6  # keep mean brightness after the row gap
    sub[2::3, :, :] *= 0.5  # row gap
    if bezel:
        b = int(0.06 * sub.shape[1])
        sub = cv2.copyMakeBorder(sub, b, b, b, b, cv2.BORDER_CONSTANT, value=(12, 12, 12))
    return sub


def capture_screen(bg, surf, corners, blur):
    """The camera sees the sub-pixel grid through its optics: warp at 2x sensor resolution, blur,
    then integrate 2x2 pixels (the sensor). Aliasing of the grid gives the moire."""
    h, w = surf.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(src, corners * 2)
    big = cv2.warpPerspective(surf, m, (2 * W, 2 * H), flags=cv2.INTER_LINEAR)
    a = cv2.warpPerspective(np.ones((h, w), np.float32), m, (2 * W, 2 * H), flags=cv2.INTER_LINEAR)[..., None]
    bg2 = cv2.resize(bg, (2 * W, 2 * H))
    big = bg2 * (1 - a) + big * a
    big = cv2.GaussianBlur(big, (0, 0), blur)
    return cv2.resize(big, (W, H), interpolation=cv2.INTER_AREA)


def screen_effects(f, rng, i, glare_pos, band_phase, amp):
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    # refresh banding: slow rolling horizontal bands
    band = 1 + 0.06 * np.sin(2 * math.pi * (yy / 60.0 + band_phase + 0.15 * i))
    f = f * band[..., None]
    # glare: soft bright ellipse that drifts
    gx, gy = glare_pos
    g = np.exp(-(((xx - gx - 3 * i) / 70) ** 2 + ((yy - gy) / 45) ** 2))
    f = f + amp * g[..., None]
    return f


def make_screen(frames_content, out_path, seed, moving=True, full=False):
    """frames_content: list of BGR images (one still or a sequence). full: the camera is held so
    close that the display overfills the frame and its bezel is never in view."""
    rng = np.random.RandomState(seed)
    bg = background(rng).astype(np.float32)
    first = screen_surface(frames_content[0], rng, bezel=not full)
    poses = sheet_pose(rng, NFRAMES, first.shape[1], first.shape[0], zoom_amp=0.08 if moving else 0.03,
                       pan=40 if moving else 10, tilt=0.12 if moving else 0.04,
                       fill=(1.3, 1.45) if full else (0.85, 1.1))
    light = lighting(rng, NFRAMES)
    glare_pos = (rng.uniform(200, 440), rng.uniform(120, 300))
    band_phase = rng.uniform(0, 1)
    glare_amp = rng.uniform(60, 160)
    blur = rng.uniform(0.7, 1.3)  # camera lens/defocus blur in 2x-sensor pixels
    w = writer(out_path)
    for i in range(NFRAMES):
        content = frames_content[min(i, len(frames_content) - 1)]
        surf = first if len(frames_content) == 1 else screen_surface(content, rng, bezel=not full)
        mask = np.full(surf.shape[:2], 255, np.uint8)
        f = capture_screen(bg, surf, poses[i], blur)
        f = screen_effects(f, rng, i, glare_pos, band_phase, glare_amp)
        w.write(camera(f * light[i], rng))
    w.release()


def read_frames(path, step=1, limit=10**9):
    cap = cv2.VideoCapture(path)
    fps = cap.get(cv2.CAP_PROP_FPS) or 25
    out = []
    i = 0
    while len(out) < limit:
        ok, f = cap.read()
        if not ok:
            break
        if i % step == 0:
            out.append(f)
        i += 1
    return out, fps


def make_reencode(src, out_path, generations=3):
    frames, fps = read_frames(src)
    tmp = out_path + ".tmp.mp4"
    for g in range(generations):
        h, w = frames[0].shape[:2]
        sw, sh = int(w * 0.7) // 2 * 2, int(h * 0.7) // 2 * 2
        wr = writer(tmp, fps, (w, h))
        for f in frames:
            small = cv2.resize(f, (sw, sh), interpolation=cv2.INTER_AREA)
            wr.write(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR))
        wr.release()
        frames, _ = read_frames(tmp)
    os.replace(tmp, out_path)


def make_reencode_sharp(src, out_path, generations=3):
    frames, fps = read_frames(src)
    h, w = frames[0].shape[:2]
    tmp = out_path + ".tmp.mp4"
    for g in range(generations):
        wr = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*"avc1"), fps, (w // 2 * 2, h // 2 * 2))
        if not wr.isOpened():
            sys.exit("cannot write " + tmp + " with H.264")
        for f in frames:
            wr.write(f[: h // 2 * 2, : w // 2 * 2])
        wr.release()
        frames, _ = read_frames(tmp)
    os.replace(tmp, out_path)


def make_lowq(src, out_path, codec):
    """A genuine clip as a low-end phone would upload it: captured at a lower resolution (never
    upscaled back) and encoded once."""
    frames, fps = read_frames(src)
    h, w = frames[0].shape[:2]
    scale = (0.5 if h >= 480 else 0.75) if codec == "avc1" else 1.0
    sw, sh = int(w * scale) // 2 * 2, int(h * scale) // 2 * 2
    tmp = out_path + ".tmp.mp4"
    wr = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*codec), fps, (sw, sh))
    if not wr.isOpened():
        sys.exit("cannot write " + tmp + " with " + codec)
    for f in frames:
        wr.write(f if scale == 1.0 else cv2.resize(f, (sw, sh), interpolation=cv2.INTER_AREA))
    wr.release()
    os.replace(tmp, out_path)


FRAMED_KINDS = ("door", "window_night", "monitor_off")


def framed_background(kind, w, h, rng):
    """A light wall with a dark straight-edged frame behind the person: a door frame around a lit
    opening, a night window (dark glass in a light frame), or a switched-off monitor."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    wall = (165 + 25 * xx / w - 10 * yy / h)[..., None] * np.array([1.0, 1.02, 1.05], np.float32)
    bg = wall + rng.normal(0, 3, (h, w, 3))
    t = max(4, int(0.035 * w))
    x0, x1, y0 = int(0.14 * w), int(0.86 * w), int(0.06 * h)
    if kind == "monitor_off":
        cv2.rectangle(bg, (x0, y0), (x1, int(0.72 * h)), (18, 18, 20), -1)
    elif kind == "door":
        cv2.rectangle(bg, (x0, y0), (x1, h), (30, 28, 26), -1)
        cv2.rectangle(bg, (x0 + t, y0 + t), (x1 - t, h), (120, 125, 130), -1)
    else:  # window_night
        y1 = int(0.8 * h)
        cv2.rectangle(bg, (x0, y0), (x1, y1), (235, 235, 235), -1)
        cv2.rectangle(bg, (x0 + t, y0 + t), (x1 - t, y1 - t), (14, 16, 22), -1)
    return np.clip(bg, 0, 255).astype(np.uint8)


def make_framed(src, out_path, seed, kind):
    """A genuine GRID clip (uniform blue-green backdrop) with its backdrop keyed out and replaced by
    a room whose dark frame surrounds the head: bona fide, for the screen-border cue's false
    rejections. Keying is by hue and leaves a thin halo; the person is untouched."""
    rng = np.random.RandomState(seed)
    frames, fps = read_frames(src)
    h, w = frames[0].shape[:2]
    bg = framed_background(kind, w, h, rng).astype(np.float32)
    tmp = out_path + ".tmp.mp4"
    wr = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*"avc1"), fps, (w, h))
    if not wr.isOpened():
        sys.exit("cannot write " + tmp)
    for f in frames:
        hsv = cv2.cvtColor(f, cv2.COLOR_BGR2HSV)
        m = cv2.inRange(hsv, (76, 70, 40), (115, 255, 255))
        m = cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        m = cv2.GaussianBlur(m, (5, 5), 0).astype(np.float32)[..., None] / 255
        wr.write((f * (1 - m) + bg * m).astype(np.uint8))
    wr.release()
    os.replace(tmp, out_path)


def photo_set(photo_dir, photos_all, attacks_dir, out_dir, n_first=36):
    out_dir = os.path.abspath(out_dir)
    """Single-photo (passive) check list: face photos as bona fide (the first n_first, which the
    photo thresholds were looked at on, as `genuine`; the rest as `genuine_unseen`) and frame 20
    of every print_photo / screen_photo / screen_photo_full clip as attacks."""
    os.makedirs(out_dir, exist_ok=True)
    rows = []
    for i, p in enumerate(photos_all):
        rows.append((os.path.join(photo_dir, p), "genuine", "genuine" if i < n_first else "genuine_unseen"))
    for name in sorted(os.listdir(attacks_dir)):
        for prefix, label, typ in (("print_photo_", "print", "print"),
                                   ("screen_photo_full_", "replay", "screen_full"),
                                   ("screen_photo_", "replay", "screen")):
            if name.startswith(prefix) and name.endswith(".mp4"):
                png = os.path.join(out_dir, name[:-4] + "_f20.png")
                if not os.path.exists(png):
                    frames, _ = read_frames(os.path.join(attacks_dir, name), limit=21)
                    cv2.imwrite(png, frames[min(20, len(frames) - 1)])
                rows.append((png, label, typ))
                break
    with open(os.path.join(out_dir, "list.csv"), "w", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(["path", "label", "attack_type"])
        wr.writerows(rows)
    print("wrote", len(rows), "rows to", os.path.join(out_dir, "list.csv"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default="/work/shared/data")
    ap.add_argument("--out", required=True)
    ap.add_argument("--photos", type=int, default=30, help="face photos used for print/screen attacks")
    ap.add_argument("--photo-out", help="also write the single-photo check list (and PNG frames) here")
    ap.add_argument("--photo-start", type=int, default=0,
                    help="first face photo used (sorted order); 30 takes the photos the default set never uses")
    ap.add_argument("--split", help="take the genuine clips of one part of this split (tools/live/split.csv) "
                                    "instead of face-videos-dev's genuine clips")
    ap.add_argument("--part", choices=("dev", "kept_aside"), help="the part of --split to use")
    ap.add_argument("--one-per-source", action="store_true",
                    help="with --split: only the first genuine clip of each source (split order), "
                         "for a smaller attack set that still covers every source")
    ap.add_argument("--max-clips", type=int, default=0,
                    help="with --split: at most this many genuine clips (split order; 0 = all)")
    ap.add_argument("--attacks-only", action="store_true",
                    help="skip the bona fide variants (lowq_*, framed_*): gen_genuine_variants.py "
                         "covers bona fide variety")
    ap.add_argument("--seed-offset", type=int, default=0,
                    help="added to every attack's seed: a fresh draw of motion, sheet, screen and light "
                         "parameters (the default set, offset 0, is the one the thresholds were set on)")
    args = ap.parse_args()
    args.out = os.path.abspath(args.out)  # list.csv rows must not depend on the working directory
    os.makedirs(args.out, exist_ok=True)
    vids = os.path.join(args.shared, "face-videos-dev")
    genuine = []
    if args.split:
        if not args.part:
            sys.exit("--split needs --part")
        with open(args.split) as fh:
            seen = set()
            for row in csv.DictReader(l for l in fh if not l.startswith("#")):
                if row["label"] == "genuine" and row["part"] == args.part:
                    if args.one_per_source and row["source"] in seen:
                        continue
                    seen.add(row["source"])
                    genuine.append(os.path.join(args.shared, row["file"]))
    else:
        with open(os.path.join(vids, "labels.csv")) as fh:
            for row in csv.DictReader(fh):
                if row["label"] == "genuine":
                    genuine.append(os.path.join(vids, row["file"]))
    if args.max_clips > 0:
        genuine = genuine[: args.max_clips]
    photo_dir = os.path.join(args.shared, "faces-dev", "deepface")
    photos_all = sorted(p for p in os.listdir(photo_dir) if p.lower().endswith((".jpg", ".jpeg", ".png")))
    photos = photos_all[args.photo_start : args.photo_start + args.photos]
    so = args.seed_offset
    rows = [(g, "genuine", "genuine") for g in genuine]

    def emit(name, label, typ, fn):
        path = os.path.join(args.out, name)
        if not os.path.exists(path):
            fn(path)
        rows.append((path, label, typ))
        print(typ, name, flush=True)

    def emit_reenc(name, label, typ):
        src = os.path.join(args.out, name)
        emit(name.replace(".mp4", "_reenc.mp4"), label, typ + "_reenc", lambda o: make_reencode_sharp(src, o))

    for k, p in enumerate(photos):
        img = cv2.imread(os.path.join(photo_dir, p))
        content = face_content(img, None)
        base = os.path.splitext(p)[0]
        emit(f"print_photo_{base}.mp4", "print", "print", lambda o: make_print(content, o, 1000 + k + so))
        emit(f"screen_photo_{base}.mp4", "replay", "screen_photo", lambda o: make_screen([content], o, 2000 + k + so))
        emit_reenc(f"print_photo_{base}.mp4", "print", "print")
        emit_reenc(f"screen_photo_{base}.mp4", "replay", "screen_photo")
        emit(f"screen_photo_full_{base}.mp4", "replay", "screen_photo_full",
             lambda o: make_screen([content], o, 5000 + k + so, full=True))
        emit_reenc(f"screen_photo_full_{base}.mp4", "replay", "screen_photo_full")
    for k, g in enumerate(genuine):
        base = os.path.splitext(os.path.basename(g))[0]
        frames, fps = read_frames(g)
        mid = frames[len(frames) // 2]
        emit(f"print_frame_{base}.mp4", "print", "print", lambda o: make_print(face_content(mid, None), o, 3000 + k + so))
        step = max(1, int(round(fps / FPS)))
        seq = frames[::step][:NFRAMES]
        emit(f"screen_video_{base}.mp4", "replay", "screen_video", lambda o: make_screen(seq, o, 4000 + k + so))
        emit_reenc(f"print_frame_{base}.mp4", "print", "print")
        emit_reenc(f"screen_video_{base}.mp4", "replay", "screen_video")
        emit(f"screen_video_full_{base}.mp4", "replay", "screen_video_full",
             lambda o: make_screen(seq, o, 6000 + k + so, full=True))
        emit_reenc(f"screen_video_full_{base}.mp4", "replay", "screen_video_full")
        emit(f"reencode_{base}.mp4", "replay", "reencode", lambda o: make_reencode(g, o))
        emit(f"reencode_sharp_{base}.mp4", "replay", "reencode_sharp", lambda o: make_reencode_sharp(g, o))
        if args.attacks_only:
            continue
        emit(f"lowq_h264_{base}.mp4", "genuine", "lowq_h264", lambda o: make_lowq(g, o, "avc1"))
        emit(f"lowq_mpeg4_{base}.mp4", "genuine", "lowq_mpeg4", lambda o: make_lowq(g, o, "mp4v"))
        if base.startswith("grid_"):
            for j, kind in enumerate(FRAMED_KINDS):
                emit(f"framed_{kind}_{base}.mp4", "genuine", "framed_" + kind,
                     lambda o: make_framed(g, o, 7000 + 10 * k + j + so, kind))
    with open(os.path.join(args.out, "list.csv"), "w", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(["path", "label", "attack_type"])
        wr.writerows(rows)
    print("wrote", len(rows), "rows to", os.path.join(args.out, "list.csv"))
    if args.photo_out:
        photo_set(photo_dir, photos_all, args.out, args.photo_out)


if __name__ == "__main__":
    main()
