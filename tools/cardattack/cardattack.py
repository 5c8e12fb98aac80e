#!/usr/bin/python3
"""Card presentation attacks for evaluating card liveness (docs/card-liveness.md).

For every document the card generator draws (tools/cardgen/cardgen.py, same seed -> same cards),
writes the genuine card photographed at every capture level the generator has (clean, scan,
phone) and, for each attack kind, the same card presented as a copy and photographed by a phone:

  copy_grey     grey photocopy: luminance only, a contrast setting (low / mid / high), the copier's
                toner screen, paper grain; the sheet cut around the card or not
  copy_colour   colour photocopy: a narrower, shifted gamut, a contrast setting, laser halftone
  print_laser   colour laser printout: CMYK clustered-dot screens (AM) at 100-200 lpi, paper white
  print_inkjet  colour inkjet printout: dispersed (FM) dots, ink bleed, paper white
  screen        the card's photo shown on a phone or monitor: RGB stripe subpixels at a display
                pitch, display gamma, black level and white point, a bezel, an optional specular
                glare, photographed at an angle and distance (pitch in the photo)

Every attack is then "re-encoded as phones do": the phone chain of the generator (perspective,
background, light gradient, colour cast, blur, noise, JPEG 65-88), then with probability 1/2 a
messaging-app re-encode (downscale to 1280 px on the long side, JPEG 70-85).

The physical media (toner, ink dots, subpixels) are drawn at 2-3 x the card's resolution and
blurred by the lens before the camera samples them, so aliasing (moire) appears only where the
optics would let it through.

Writes NAME.jpg and NAME.json (kind, level, attack parameters, type, side). Which seeds are for
development and which are held out: tools/cardattack/SEEDS.md.

Usage: /usr/bin/python3 tools/cardattack/cardattack.py --out DIR --count N --seed S
       [--genuine-levels clean,scan,phone] [--kinds copy_grey,...] [--types ...]
"""
import argparse
import json
import math
import os
import random
import sys

import cv2
import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "cardgen"))
import cardgen  # noqa: E402
from style import Style  # noqa: E402

KINDS = ["copy_grey", "copy_colour", "print_laser", "print_inkjet", "screen"]
SS = 2  # supersampling of printed media relative to the rendered card (about 600 dpi)
SS_SCREEN = 3  # a display pixel is drawn as 3 x 3 samples: R | G | B stripes


# ----------------------------------------------------------------------------- media
def paper(nprng, h, w, white):
    """Paper: a white point and a fibre grain (low-amplitude, slightly blurred noise)."""
    grain = nprng.normal(0, 1.0, (h // 2 + 1, w // 2 + 1)).astype(np.float32)
    grain = cv2.resize(cv2.GaussianBlur(grain, (0, 0), 1.0), (w, h))
    return np.float32(white)[None, None, :] + grain[..., None] * 4.0


def contrast(x, setting, r):
    """A copier's contrast setting on [0,1] data: low washes out, high clips to paper and toner."""
    gain = {"low": r.uniform(0.55, 0.8), "mid": r.uniform(0.9, 1.2), "high": r.uniform(1.4, 2.0)}[setting]
    mid = r.uniform(0.45, 0.6)
    return np.clip((x - mid) * gain + mid + r.uniform(-0.05, 0.08), 0, 1)


_GRID = {}


def am_screen(h, w, period, angle_deg):
    """Clustered-dot screen threshold in [0,1] (a rotated cosine grid)."""
    if (h, w) not in _GRID:
        _GRID.clear()
        _GRID[(h, w)] = (np.arange(h, dtype=np.float32)[:, None], np.arange(w, dtype=np.float32)[None, :])
    yy, xx = _GRID[(h, w)]
    a = math.radians(angle_deg)
    u = (xx * math.cos(a) + yy * math.sin(a)) * (2 * math.pi / period)
    v = (-xx * math.sin(a) + yy * math.cos(a)) * (2 * math.pi / period)
    return (0.5 + 0.25 * (np.cos(u) + np.cos(v))).astype(np.float32)


def upsample(card_rgb):
    arr = np.asarray(card_rgb).astype(np.float32) / 255.0
    h, w = arr.shape[:2]
    return cv2.resize(arr, (w * SS, h * SS), interpolation=cv2.INTER_CUBIC)


def rgb_to_cmyk(x):
    k = 1 - x.max(axis=2)
    d = np.maximum(1 - k, 1e-3)[..., None]
    cmy = (1 - x - k[..., None]) / d
    return np.clip(cmy, 0, 1), np.clip(k, 0, 1)


def cmyk_to_rgb(cmy, k, inks):
    """Subtractive mix of ink coverages (0/1 or fractional) over white paper."""
    out = np.ones(cmy.shape, np.float32)
    for i in range(3):
        out *= 1 - cmy[..., i:i + 1] * inks[i][None, None, :]
    out *= 1 - k[..., None] * inks[3][None, None, :]
    return out


def laser_inks(r):
    # Absorption of cyan, magenta, yellow, black toners in R, G, B (printed toners are not ideal).
    return [np.float32([r.uniform(0.8, 0.92), r.uniform(0.3, 0.45), r.uniform(0.05, 0.15)]),
            np.float32([r.uniform(0.05, 0.15), r.uniform(0.75, 0.9), r.uniform(0.3, 0.45)]),
            np.float32([0.02, r.uniform(0.05, 0.12), r.uniform(0.8, 0.92)]),
            np.float32([r.uniform(0.85, 0.95)] * 3)]


def halftone_am(x, r, lpi, dpi_sim):
    period = dpi_sim / lpi
    cmy, k = rgb_to_cmyk(x)
    h, w = x.shape[:2]
    angles = [15, 75, 0, 45]
    off = r.uniform(0, 90)
    cov = np.zeros_like(cmy)
    for i in range(3):
        cov[..., i] = (cmy[..., i] > am_screen(h, w, period, angles[i] + off)).astype(np.float32)
    kc = (k > am_screen(h, w, period, angles[3] + off)).astype(np.float32)
    return cov, kc


def halftone_fm(x, nprng):
    cmy, k = rgb_to_cmyk(x)
    cov = (cmy > nprng.random(cmy.shape, dtype=np.float32)).astype(np.float32)
    kc = (k > nprng.random(k.shape, dtype=np.float32)).astype(np.float32)
    return cov, kc


def make_copy_grey(card_rgb, r, nprng):
    x = upsample(card_rgb)
    y = x @ np.float32([0.299, 0.587, 0.114])
    setting = r.choice(["low", "mid", "high"])
    y = contrast(y, setting, r)
    # The copier renders grey with a clustered toner screen (or nearly solid at high contrast).
    lpi = r.uniform(85, 150)
    screened = r.random() < 0.7
    if screened:
        t = am_screen(*y.shape, 600 * SS / 2 / lpi, 45)
        k = ((1 - y) > t).astype(np.float32)
        k = cv2.GaussianBlur(k, (0, 0), 0.6 * SS / 2)
    else:
        k = 1 - y
    white = [r.uniform(225, 250)] * 3
    toner = r.uniform(0.8, 0.95)
    pap = paper(nprng, *y.shape, white) / 255.0
    out = pap * (1 - toner * k[..., None])
    # Toner specks and drum streaks.
    specks = nprng.random(y.shape) < 0.0008
    out[specks] *= 0.3
    return out, {"contrast": setting, "screen_lpi": round(lpi, 1) if screened else None,
                 "paper_white": round(white[0], 1)}


def make_copy_colour(card_rgb, r, nprng):
    x = upsample(card_rgb)
    setting = r.choice(["low", "mid", "high"])
    # Colour copiers desaturate and shift hue; the contrast setting acts on every channel.
    grey = x.mean(axis=2, keepdims=True)
    sat = r.uniform(0.45, 0.85)
    x = grey + (x - grey) * sat
    x = contrast(x, setting, r) * np.float32([r.uniform(0.94, 1.04) for _ in range(3)])
    x = np.clip(x, 0, 1)
    lpi = r.uniform(100, 170)
    cov, kc = halftone_am(x, r, lpi, 600 * SS / 2)
    out = cmyk_to_rgb(cov, kc, laser_inks(r))
    out = cv2.GaussianBlur(out, (0, 0), 0.5 * SS / 2)
    out *= paper(nprng, *x.shape[:2], [r.uniform(228, 250)] * 3) / 255.0
    return out, {"contrast": setting, "saturation": round(sat, 2), "screen_lpi": round(lpi, 1)}


def make_print_laser(card_rgb, r, nprng):
    x = upsample(card_rgb)
    lpi = r.uniform(100, 200)
    cov, kc = halftone_am(x, r, lpi, 600 * SS / 2)
    out = cmyk_to_rgb(cov, kc, laser_inks(r))
    out = cv2.GaussianBlur(out, (0, 0), 0.4 * SS / 2)
    paper_kind = r.choice(["plain", "photo"])
    out *= paper(nprng, *x.shape[:2], [r.uniform(232, 252)] * 3) / 255.0
    return out, {"screen_lpi": round(lpi, 1), "paper": paper_kind}


def make_print_inkjet(card_rgb, r, nprng):
    x = upsample(card_rgb)
    cov, kc = halftone_fm(x, nprng)
    bleed = r.uniform(0.5, 1.3)
    cov = cv2.GaussianBlur(cov, (0, 0), bleed)
    kc = cv2.GaussianBlur(kc, (0, 0), bleed)
    inks = [np.float32([0.9, 0.25, 0.05]), np.float32([0.08, 0.88, 0.25]),
            np.float32([0.02, 0.06, 0.9]), np.float32([0.92] * 3)]
    out = cmyk_to_rgb(cov, kc, inks)
    out *= paper(nprng, *x.shape[:2], [r.uniform(235, 252)] * 3) / 255.0
    return out, {"ink_bleed_px": round(bleed, 2)}


def make_screen(card_rgb, r, nprng):
    """The card's own photo (lit, as the attacker photographed it) on a display."""
    arr = np.asarray(card_rgb).astype(np.float32) / 255.0
    h, w = arr.shape[:2]
    # How many display pixels the card spans (a phone at ~450 ppi, a monitor at ~100 ppi, zoomed).
    display = r.choice(["phone", "monitor", "laptop"])
    disp_w = int(w * {"phone": r.uniform(0.9, 1.3), "monitor": r.uniform(0.55, 0.9),
                      "laptop": r.uniform(0.7, 1.1)}[display])
    disp_h = int(disp_w * h / w)
    img = cv2.resize(arr, (disp_w, disp_h), interpolation=cv2.INTER_AREA)
    # Display response: gamma, a raised black level, a cool or warm white point.
    gamma = r.uniform(0.8, 1.25)
    black = r.uniform(0.02, 0.09)
    wp = np.float32([r.uniform(0.88, 1.0), r.uniform(0.92, 1.0), r.uniform(0.95, 1.0)])[::-1]
    img = black + (1 - black) * np.power(np.clip(img, 0, 1), gamma) * wp[None, None, :]
    brightness = r.uniform(0.85, 1.15)
    img = np.clip(img * brightness, 0, 1.1)
    # Subpixels: each display pixel is n x n samples, R | G | B vertical stripes, a dark gap.
    fill = r.uniform(0.6, 0.9)
    n = SS_SCREEN
    big = np.repeat(np.repeat(img, n, axis=0), n, axis=1)
    mask = np.zeros((n, n, 3), np.float32)
    for c in range(3):
        mask[:, c, c] = 1.0  # RGB stripes: column 0 red
    mask[n - 1, :, :] *= 1 - fill * 0.5  # inter-row gap
    tile = np.tile(mask, (disp_h, disp_w, 1))
    big = big * tile * 3.0 * fill + big * (1 - fill) * 0.0
    # A bezel around the displayed picture.
    bz = int(r.uniform(0.03, 0.12) * big.shape[1])
    dark = r.uniform(0.01, 0.08)
    out = np.full((big.shape[0] + 2 * bz, big.shape[1] + 2 * bz, 3), dark, np.float32)
    out[bz:bz + big.shape[0], bz:bz + big.shape[1]] = big
    glare = r.random() < 0.5
    if glare:
        # Specular reflection on the glass: a broad bright blob, flat in colour.
        hh, ww = out.shape[:2]
        yy, xx = np.mgrid[0:hh, 0:ww].astype(np.float32)
        cx, cy = r.uniform(0.1, 0.9) * ww, r.uniform(0.1, 0.9) * hh
        rx, ry = r.uniform(0.15, 0.45) * ww, r.uniform(0.15, 0.45) * hh
        a = np.exp(-(((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2)) * r.uniform(0.25, 0.6)
        out = out * (1 - a[..., None]) + a[..., None] * 1.0
    # Scale so that the card's part keeps the card's size in the photo: the sheet is bigger.
    return out, {"display": display, "display_px": disp_w, "gamma": round(gamma, 2),
                 "black_level": round(black, 3), "glare": glare, "bezel": True,
                 "card_fraction": big.shape[1] / out.shape[1]}


MAKERS = {"copy_grey": make_copy_grey, "copy_colour": make_copy_colour,
          "print_laser": make_print_laser, "print_inkjet": make_print_inkjet, "screen": make_screen}


# ----------------------------------------------------------------------------- capture
def capture(medium, card_fraction, r, nprng, style):
    """A phone photo of `medium` (float [0,1] RGB, supersampled): the generator's
    phone chain, with the lens blur applied before the sensor samples (aliasing where due)."""
    mh, mw = medium.shape[:2]
    card_w = cardgen.W * r.uniform(0.95, 1.35)
    # Distance: the card's width in the photo; the medium around the card scales with it.
    scale = card_w / (mw * card_fraction)
    out_w_med, out_h_med = mw * scale, mh * scale
    out_w = int(max(out_w_med * r.uniform(1.15, 1.4), card_w * 1.2))
    out_h = int(max(out_h_med * r.uniform(1.3, 1.8), card_w * 0.63 * 1.4))
    bg = cardgen.background(r, out_w, out_h).astype(np.float32)
    cx = out_w / 2 + r.uniform(-0.05, 0.05) * out_w
    cy = out_h / 2 + r.uniform(-0.05, 0.05) * out_h
    ang = math.radians(r.uniform(-8, 8))
    tilt = r.uniform(0.02, 0.07)  # angle of the phone to the medium (perspective)
    src = np.float32([[0, 0], [mw, 0], [mw, mh], [0, mh]])
    dst = []
    for x, y in src:
        x0, y0 = (x - mw / 2) * scale, (y - mh / 2) * scale
        jx, jy = r.uniform(-tilt, tilt) * out_w_med, r.uniform(-tilt, tilt) * out_h_med
        dst.append([cx + x0 * math.cos(ang) - y0 * math.sin(ang) + jx,
                    cy + x0 * math.sin(ang) + y0 * math.cos(ang) + jy])
    dst = np.float32(dst)
    # Lens blur before sampling, in medium pixels.
    lens = r.uniform(0.35, 1.0) / scale
    med = cv2.GaussianBlur(medium, (0, 0), lens)
    med = cv2.cvtColor(np.clip(med * 255, 0, 255).astype(np.float32), cv2.COLOR_RGB2BGR)
    M = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(med, M, (out_w, out_h), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((mh, mw), 255, np.uint8), M, (out_w, out_h))
    mask = cv2.GaussianBlur(mask, (3, 3), 0)[..., None] / 255.0
    img = warped * mask + bg * (1 - mask)
    gx = np.linspace(r.uniform(0.75, 1.0), r.uniform(0.9, 1.15), out_w, dtype=np.float32)
    gy = np.linspace(r.uniform(0.8, 1.05), r.uniform(0.85, 1.1), out_h, dtype=np.float32)
    img = img * (gy[:, None] * gx[None, :])[..., None]
    img = img * np.float32([r.uniform(0.92, 1.06) for _ in range(3)])
    img = cv2.GaussianBlur(img, (0, 0), r.uniform(0.2, 0.6))  # demosaicing, sharpening residue
    img += nprng.normal(0, r.uniform(2, 6), img.shape)
    img = style.photo_effects(img, dst)  # fingers holding the sheet or the phone
    img = np.clip(img, 0, 255).astype(np.uint8)
    rot = r.choice([0, 0, 0, 0, 0, 90, 180, 270])  # as the generator turns its phone photos
    if rot:
        img, _ = cardgen.rotate(img, dst.tolist(), rot)
    return img


def phone_encode(img, r):
    q = r.randint(65, 88)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])
    img = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    reencoded = r.random() < 0.5
    if reencoded:
        f = 1280 / max(img.shape[:2])
        if f < 1:
            img = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        q2 = r.randint(70, 85)
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q2])
        return bytes(buf), {"jpeg": q, "reencoded_jpeg": q2}
    return bytes(buf), {"jpeg": q}


# ----------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=24)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--genuine-levels", default="clean,scan,phone")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--types", default=",".join(cardgen.TYPES))
    ap.add_argument("--admin", default=cardgen.DEFAULT_PKG)
    args = ap.parse_args()
    if not os.path.exists(args.admin):
        sys.exit("administrative units not found: %s (run `make fetch`)" % args.admin)
    admin = cardgen.Admin(args.admin)
    types = args.types.split(",")
    levels = [lv for lv in args.genuine_levels.split(",") if lv]
    kinds = [k for k in args.kinds.split(",") if k]
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    nprng = np.random.default_rng(args.seed)
    n = 0
    for i in range(args.count):
        t = types[i % len(types)]
        p = cardgen.person(rng, admin, t)
        mrz = cardgen.make_mrz(t, p)
        qr_text = cardgen.make_qr(t, p) if t in ("CCCD_CHIP", "CAN_CUOC") else None
        style = Style(True, random.Random(args.seed * 1000003 + i))
        cardgen.STYLE = style
        for side in cardgen.sides_of(t):
            card, _, _ = cardgen.render_fitting(t, side, p, rng, [], qr_text, mrz)
            base = "%04d_%s_%s" % (i, t.lower(), side)

            def write(name, data, meta):
                with open(os.path.join(args.out, name + ".jpg"), "wb") as f:
                    f.write(data)
                meta.update({"image": name + ".jpg", "type": t, "side": side, "seed": args.seed, "doc": i})
                with open(os.path.join(args.out, name + ".json"), "w") as f:
                    json.dump(meta, f, indent=1)

            for level in levels:
                img, _, _ = cardgen.degrade(card, level, rng, nprng)
                q = {"clean": 92, "scan": 88, "phone": rng.randint(65, 88)}[level]
                ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])
                write(base + "_genuine_" + level, bytes(buf), {"kind": "genuine", "level": level, "jpeg": q})
                n += 1
            for kind in kinds:
                # The copy is made from the card as it is (worn or not); a screen shows a photo of it.
                src = style.card_effects(card, lit=kind == "screen")
                medium, params = MAKERS[kind](src, rng, nprng)
                frac = params.pop("card_fraction", 1.0)
                # A copied sheet is cut around the card with a paper margin, or tight.
                if kind != "screen" and rng.random() < 0.4:
                    m = int(rng.uniform(0.02, 0.08) * medium.shape[1])
                    white = np.float32(medium[2:8, 2:8].reshape(-1, 3).max(axis=0))
                    pad = np.ones((medium.shape[0] + 2 * m, medium.shape[1] + 2 * m, 3), np.float32) * white
                    pad[m:m + medium.shape[0], m:m + medium.shape[1]] = medium
                    medium, frac = pad, medium.shape[1] / pad.shape[1]
                    params["paper_margin"] = True
                # No hologram or laminate on a copy: the capture draws no sheen, only fingers.
                cap_style = Style(True, random.Random(rng.randint(0, 1 << 30)))
                cap_style.laminated = False
                img = capture(medium, frac, rng, nprng, cap_style)
                data, enc = phone_encode(img, rng)
                params.update(enc)
                write(base + "_" + kind, data, {"kind": kind, "level": "phone", "attack": params})
                n += 1
    print("wrote %d images to %s" % (n, args.out))


if __name__ == "__main__":
    main()
