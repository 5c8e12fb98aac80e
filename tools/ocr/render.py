"""Renders one text line the way a card field looks in a phone photo, cropped as the reader crops it.

A sample is a pure function of (text, font file, seed): the same arguments give the same pixels.

What varies, and why:
- font family, weight and size; tracking and width (condensed print runs);
- ink colour (black, blue-black, the red of CMND numbers) and the card's tinted background with
  guilloche lines, a security-print pattern, gradients, a faint emblem, and neighbouring lines of
  text that a line crop catches at its top or bottom edge;
- geometry: small rotation, shear (perspective, italics), baseline curvature (a bent card);
- the camera: resolution (text drawn large then scaled to as few as 12 px), defocus and motion
  blur, sensor noise, JPEG, exposure and gamma, glare spots from the laminate, shadows.

The crop convention (shared with the C++ reader, src/doc): the line's ink box, tone marks included,
with a margin of 0-35 % of its height above and below and 0-60 % of its height left and right,
scaled to HEIGHT pixels high. `clean=True` draws black on white with no degradation (the
held-out-font test).
"""
import math
import random

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

HEIGHT = 32
MAX_WIDTH = 1024

_font_cache = {}


def _font(path, size):
    key = (path, size)
    f = _font_cache.get(key)
    if f is None:
        if len(_font_cache) > 4000:
            _font_cache.clear()
        f = ImageFont.truetype(path, size)
        _font_cache[key] = f
    return f


def _background(rng, w, h):
    """Card-like background as float32 RGB in [0, 255]."""
    nr = np.random.default_rng(rng.getrandbits(32))
    kind = rng.random()
    if kind < 0.15:
        base = np.array([rng.uniform(235, 255)] * 3)
    else:  # pale tints of CCCD blue-green, CMND blue, passport pink/violet, Căn cước beige
        base = np.array([rng.uniform(170, 250), rng.uniform(175, 250), rng.uniform(170, 250)])
    img = np.ones((h, w, 3), np.float32) * base.astype(np.float32)
    # gradient
    if rng.random() < 0.6:
        gx = np.linspace(-1, 1, w, dtype=np.float32)[None, :, None] * np.float32(rng.uniform(-25, 25))
        gy = np.linspace(-1, 1, h, dtype=np.float32)[:, None, None] * np.float32(rng.uniform(-20, 20))
        img += gx + gy
    # guilloche: families of thin sinusoidal curves
    if rng.random() < 0.7:
        canvas = Image.new("L", (w, h), 0)
        d = ImageDraw.Draw(canvas)
        n = rng.randint(4, 24)
        amp, per, ph = rng.uniform(2, h / 2), rng.uniform(20, 200), rng.uniform(0, 6.3)
        step = rng.uniform(2, 10)
        xs = np.arange(0, w + 4, 3)
        for k in range(n):
            y0 = k * step - h * 0.3
            ys = y0 + amp * np.sin(xs / per * 2 * math.pi + ph + k * 0.3)
            d.line(list(zip(xs.tolist(), ys.tolist())), fill=255, width=1)
        g = np.asarray(canvas, np.float32)[:, :, None] / 255.0
        col = np.array([rng.uniform(-70, 10) for _ in range(3)], np.float32)
        img += g * (col * np.float32(rng.uniform(0.3, 1.0)))
    # fine security print: random dots / microtext-like texture
    if rng.random() < 0.4:
        tex = nr.random((h, w)).astype(np.float32)
        tex = cv2.GaussianBlur(tex, (0, 0), rng.uniform(0.5, 1.5))
        img += (tex[:, :, None] - 0.5) * np.float32(rng.uniform(10, 40))
    # a faint large circle (emblem / seal watermark)
    if rng.random() < 0.2:
        canvas = np.zeros((h, w), np.float32)
        cv2.circle(canvas, (rng.randint(0, w), rng.randint(-h, 2 * h)), rng.randint(h, 4 * h), 1.0,
                   rng.randint(2, 8))
        img -= canvas[:, :, None] * np.array([rng.uniform(0, 60) for _ in range(3)], np.float32)
    return img


def _ink(rng, bg_mean):
    r = rng.random()
    if r < 0.55:
        v = rng.uniform(0, 60)
        c = np.array([v, v, v])
    elif r < 0.8:  # blue-black
        c = np.array([rng.uniform(0, 50), rng.uniform(10, 60), rng.uniform(40, 110)])
    elif r < 0.9:  # red (CMND numbers, stamps)
        c = np.array([rng.uniform(150, 220), rng.uniform(0, 60), rng.uniform(0, 60)])
    else:  # faded / grey print
        v = rng.uniform(60, 120)
        c = np.array([v, v, v * rng.uniform(0.9, 1.2)])
    # keep a minimum contrast: a field nobody can read is not a training example
    lum = lambda x: 0.299 * x[0] + 0.587 * x[1] + 0.114 * x[2]
    if lum(bg_mean) - lum(c) < 50:
        c = c * 0.4
    return c


def _draw_text(draw, xy, text, font, fill, tracking, stroke):
    if tracking == 0:
        draw.text(xy, text, font=font, fill=fill, anchor="ls", stroke_width=stroke, stroke_fill=fill)
        return
    x, y = xy
    for ch in text:
        draw.text((x, y), ch, font=font, fill=fill, anchor="ls", stroke_width=stroke, stroke_fill=fill)
        x += font.getlength(ch) + tracking


def _text_width(text, font, tracking):
    if tracking == 0:
        return font.getlength(text)
    return sum(font.getlength(c) + tracking for c in text)


def render(text, font_path, seed, clean=False, neighbours=None):
    """Grey uint8 image HEIGHT pixels high (width proportional, at most MAX_WIDTH) of `text`.

    neighbours: optional list of two strings drawn as the lines above and below (their edges may
    fall inside the crop). Returns None when the font cannot draw the text."""
    rng = random.Random(seed)
    # Drawn at 1-1.5x the final scale: enough for anti-aliasing; _camera lowers it further.
    size = rng.randint(24, 46) if not clean else 40
    font = _font(font_path, size)
    tracking = 0 if clean or rng.random() < 0.7 else rng.uniform(-0.04, 0.18) * size
    stroke = 1 if (not clean and rng.random() < 0.08) else 0
    tw = _text_width(text, font, tracking)
    if tw <= 0:
        return None
    pad = int(size * 1.2)
    W = int(tw + 2 * pad)
    H = int(size * 3.6)
    base_y = int(H / 2 + size * 0.35)
    mask = Image.new("L", (W, H), 0)
    _draw_text(ImageDraw.Draw(mask), (pad, base_y), text, font, 255, tracking, stroke)
    m = np.asarray(mask)
    rows = np.where(m.max(axis=1) > 40)[0]
    cols = np.where(m.max(axis=0) > 40)[0]
    if len(rows) == 0 or len(cols) == 0:
        return None
    y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    ink_h = y1 - y0

    # the crop: the ink box with random margins
    if clean:
        mt = mb = 0.15
        ml = mr = 0.3
    else:
        mt, mb = rng.uniform(0.0, 0.35), rng.uniform(0.0, 0.35)
        ml, mr = rng.uniform(0.0, 0.6), rng.uniform(0.0, 0.6)
    cy0, cy1 = max(0, int(y0 - mt * ink_h)), min(H, int(y1 + mb * ink_h))
    cx0, cx1 = max(0, int(x0 - ml * ink_h)), min(W, int(x1 + mr * ink_h))
    # work region: the crop plus a border, so that geometry never pulls in undefined pixels
    bord = int(0.5 * ink_h) + 2
    ry0, ry1, rx0, rx1 = max(0, cy0 - bord), min(H, cy1 + bord), max(0, cx0 - bord), min(W, cx1 + bord)
    alpha = m[ry0:ry1, rx0:rx1].astype(np.float32)[:, :, None] * (1.0 / 255.0)
    rh, rw = ry1 - ry0, rx1 - rx0

    if clean:
        img = np.full((rh, rw, 3), 255.0, np.float32)
        ink = np.zeros(3, np.float32)
    else:
        img = _background(rng, rw, rh)
        ink = _ink(rng, img[rh // 2, ::8].mean(0)).astype(np.float32)
    if not clean and neighbours and rng.random() < 0.5:
        nm = Image.new("L", (W, H), 0)
        nd = ImageDraw.Draw(nm)
        pitch = size * rng.uniform(1.1, 1.7)
        nfont = _font(font_path, max(10, int(size * rng.uniform(0.6, 1.1))))
        nd.text((pad + rng.uniform(-size, size), base_y - pitch), neighbours[0], font=nfont, fill=255,
                anchor="ls")
        nd.text((pad + rng.uniform(-size, size), base_y + pitch), neighbours[1], font=nfont, fill=255,
                anchor="ls")
        na = np.asarray(nm)[ry0:ry1, rx0:rx1].astype(np.float32)[:, :, None] * (1.0 / 255.0)
        img = img * (1 - na) + ink * na
    img = img * (1 - alpha) + ink * alpha

    if not clean:
        ang = rng.gauss(0, 0.8) if rng.random() < 0.6 else 0.0
        shear = rng.uniform(-0.18, 0.18) if rng.random() < 0.35 else 0.0
        if ang or shear:
            cx, cy = (cx0 + cx1) / 2 - rx0, (cy0 + cy1) / 2 - ry0
            A = cv2.getRotationMatrix2D((cx, cy), ang, 1.0)
            A[0, 1] += shear
            A[0, 2] -= shear * cy
            img = cv2.warpAffine(img, A, (rw, rh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        if rng.random() < 0.1:  # bent card: baseline curvature
            amp = rng.uniform(-0.08, 0.08) * ink_h
            xs = np.arange(rw, dtype=np.float32)
            dy = (amp * np.sin(np.pi * (xs + rx0 - cx0) / max(1, cx1 - cx0))).astype(np.float32)
            mapx = np.tile(xs, (rh, 1))
            mapy = np.arange(rh, dtype=np.float32)[:, None] + dy[None, :]
            img = cv2.remap(img, mapx, mapy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    crop = img[cy0 - ry0:cy1 - ry0, cx0 - rx0:cx1 - rx0]
    crop = np.clip(crop, 0, 255).astype(np.uint8)
    if crop.shape[0] < 4 or crop.shape[1] < 4:
        return None

    if not clean:
        crop = _camera(rng, crop)
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    h, w = grey.shape
    out_w = min(MAX_WIDTH, max(8, int(round(w * HEIGHT / h))))
    return cv2.resize(grey, (out_w, HEIGHT), interpolation=cv2.INTER_AREA if h > HEIGHT else cv2.INTER_LINEAR)


def _camera(rng, rgb):
    """Phone-camera degradations on an RGB uint8 crop."""
    img = rgb.astype(np.float32)
    h, w = img.shape[:2]
    # glare spot from the laminate: brightens and flattens contrast locally
    if rng.random() < 0.2:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        cx, cy = rng.uniform(0, w), rng.uniform(-h, 2 * h)
        sx, sy = rng.uniform(0.1, 0.6) * w, rng.uniform(0.5, 2.0) * h
        g = np.exp(-(((xx - cx) / sx) ** 2 + ((yy - cy) / sy) ** 2))[:, :, None]
        s = rng.uniform(0.3, 0.85)
        img = img * (1 - s * g) + 255 * s * g
    # shadow / uneven light
    if rng.random() < 0.3:
        gx = np.linspace(rng.uniform(0.55, 1.0), rng.uniform(0.55, 1.0), w)[None, :, None]
        img = img * gx
    # exposure, contrast, gamma
    if rng.random() < 0.7:
        a = rng.uniform(0.6, 1.25)
        b = rng.uniform(-40, 40)
        img = (img - 128) * a + 128 + b
        img = np.clip(img, 0, 255)
        gamma = rng.uniform(0.7, 1.5)
        img = 255 * (img / 255) ** gamma
    img = np.clip(img, 0, 255).astype(np.uint8)
    # resolution: the line as the camera saw it, 12-48 px high
    target_h = int(rng.choice([rng.uniform(13, 22), rng.uniform(18, 34), rng.uniform(26, 48)]))
    # below ~18 px the strokes are already soft: heavier blur or JPEG would leave nothing legible
    tiny = target_h < 18
    scale = target_h / h
    if scale < 1:
        small = cv2.resize(img, (max(4, int(w * scale)), max(4, target_h)), interpolation=cv2.INTER_AREA)
    else:
        small = img
    # defocus / motion blur at camera resolution
    r = rng.random()
    if r < 0.35:
        small = cv2.GaussianBlur(small, (0, 0), rng.uniform(0.3, 0.6 if tiny else 1.1))
    elif r < 0.45 and not tiny:
        k = rng.randint(2, 4)
        kern = np.zeros((k * 2 + 1, k * 2 + 1), np.float32)
        ang = rng.uniform(0, math.pi)
        for t in np.linspace(-k, k, 4 * k + 1):
            kern[int(round(k + t * math.sin(ang))), int(round(k + t * math.cos(ang)))] = 1
        small = cv2.filter2D(small, -1, kern / kern.sum())
    # sensor noise
    if rng.random() < 0.6:
        nr = np.random.default_rng(rng.getrandbits(32))
        small = np.clip(small.astype(np.float32) + nr.normal(0, rng.uniform(2, 12), small.shape), 0,
                        255).astype(np.uint8)
    # JPEG
    if rng.random() < 0.7:
        q = int(rng.uniform(45 if tiny else 20, 95))
        ok, enc = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, q])
        if ok:
            small = cv2.imdecode(enc, cv2.IMREAD_COLOR)
    return small


if __name__ == "__main__":
    import argparse

    import corpus
    import fonts

    ap = argparse.ArgumentParser(description="write a sheet of sample renders for inspection")
    ap.add_argument("--admin", required=True)
    ap.add_argument("--out", default="/tmp/ocr-samples.png")
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--clean", action="store_true")
    ap.add_argument("--held-out", action="store_true")
    a = ap.parse_args()
    fam = fonts.load(held_out=a.held_out)
    table = corpus.kinds(corpus.Admin(a.admin))
    rng = random.Random(5)
    rows = []
    for i in range(a.n):
        kind, text = corpus.sample_text(rng, table)
        f = rng.choice(fam[rng.choice(sorted(fam))]) if kind != "mrz" else rng.choice(fonts.ocrb())
        im = render(text, f, i, clean=a.clean, neighbours=[corpus.sample_text(rng, table)[1] for _ in range(2)])
        if im is None:
            continue
        canvas = np.full((HEIGHT, 900), 255, np.uint8)
        canvas[:, :min(900, im.shape[1])] = im[:, :900]
        rows.append(canvas)
        print(i, kind, text)
    cv2.imwrite(a.out, np.vstack(rows))
