"""Print-run and photo variation for cardgen.py (`--style varied`).

Real cards of one type differ between print runs and photos: the typeface, the tint and the
security print, where a value sits relative to its label (on the label's line or the next; the
English sub-label before or after the value), how a long value wraps, and what the photo adds
(holograms' glare, wear, lamination sheen, a finger over an edge). A `Style` draws all of these
from its own random generator, seeded from the set's seed and the document's index, so that a
document's data (names, numbers, dates) is the same in `classic` and `varied` sets of one seed and
every variation is reproducible from the seed alone.

`Style.classic()` makes no choice at all and draws nothing: `--style classic` renders exactly the
cards of the original generator (the committed test cards regenerate from it).
"""
import math
import os
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

# Typeface families with full Vietnamese coverage in Debian packages (checked glyph by glyph for
# every precomposed Vietnamese letter): (package, directory, regular, bold, italic).
FAMILIES = {
    "noto-sans": ("fonts-noto-core", "/usr/share/fonts/truetype/noto",
                  "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf"),
    "noto-serif": ("fonts-noto-core", "/usr/share/fonts/truetype/noto",
                   "NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf"),
    "dejavu-sans": ("fonts-dejavu-core", "/usr/share/fonts/truetype/dejavu",
                    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"),
    "dejavu-serif": ("fonts-dejavu-core", "/usr/share/fonts/truetype/dejavu",
                     "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf"),
    "liberation-sans": ("fonts-liberation2", "/usr/share/fonts/truetype/liberation2",
                        "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf"),
    "liberation-serif": ("fonts-liberation2", "/usr/share/fonts/truetype/liberation2",
                         "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf"),
    "freesans": ("fonts-freefont-ttf", "/usr/share/fonts/truetype/freefont",
                 "FreeSans.ttf", "FreeSansBold.ttf", "FreeSansOblique.ttf"),
    "freeserif": ("fonts-freefont-ttf", "/usr/share/fonts/truetype/freefont",
                  "FreeSerif.ttf", "FreeSerifBold.ttf", "FreeSerifItalic.ttf"),
    "roboto": ("fonts-roboto-unhinted", "/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF",
               "Roboto-Regular.ttf", "Roboto-Bold.ttf", "Roboto-Italic.ttf"),
    "open-sans": ("fonts-open-sans", "/usr/share/fonts/truetype/open-sans",
                  "OpenSans-Regular.ttf", "OpenSans-Bold.ttf", "OpenSans-Italic.ttf"),
    "texgyre-heros": ("fonts-texgyre", "/usr/share/texmf/fonts/opentype/public/tex-gyre",
                      "texgyreheros-regular.otf", "texgyreheros-bold.otf", "texgyreheros-italic.otf"),
    "texgyre-termes": ("fonts-texgyre", "/usr/share/texmf/fonts/opentype/public/tex-gyre",
                       "texgyretermes-regular.otf", "texgyretermes-bold.otf", "texgyretermes-italic.otf"),
    "arimo": ("fonts-croscore", "/usr/share/fonts/truetype/croscore",
              "Arimo-Regular.ttf", "Arimo-Bold.ttf", "Arimo-Italic.ttf"),
    "tinos": ("fonts-croscore", "/usr/share/fonts/truetype/croscore",
              "Tinos-Regular.ttf", "Tinos-Bold.ttf", "Tinos-Italic.ttf"),
}
# Every MRZ is printed in OCR-B (ICAO 9303 part 3).
OCRB = ("fonts-ocr-b", "/usr/share/fonts/opentype/ocr-b/OCRB.otf")

# How a bilingual label is written ("Họ và tên / Full name:", "Họ và tên/Full name:").
SEPARATORS = [" / ", "/", " /"]
# Where a value sits relative to its label:
#   inline       label: value                     (the value on the label's line)
#   next         label:  \n value                 (the value on the next line)
#   sub_before   VN:  \n EN  \n value             (English sub-label, then the value)
#   sub_after    VN:  \n value \n EN              (the value between the two labels)
#   beside_sub   VN: value \n EN                  (value on the label's line, English under the label)
ARRANGEMENTS = ["inline", "next", "sub_before", "sub_after", "beside_sub"]

_font_cache = {}


def load_font(path, size):
    key = (path, size)
    if key not in _font_cache:
        if not os.path.exists(path):
            raise SystemExit("font not found: %s (run scripts/install-deps.sh)" % path)
        _font_cache[key] = ImageFont.truetype(path, size)
    return _font_cache[key]


class Style:
    def __init__(self, varied, rng=None):
        self.varied = varied
        self.r = rng
        if not varied:
            return
        r = rng
        fams = sorted(FAMILIES)
        self.label_family = r.choice(fams)
        self.value_family = self.label_family if r.random() < 0.6 else r.choice(fams)
        self.scale = r.uniform(0.93, 1.05)
        self.separator = r.choice(SEPARATORS)
        # A print run favours one arrangement; single fields still differ.
        self.favourite = r.choice(ARRANGEMENTS)
        self.tint = [r.randint(-14, 14) for _ in range(3)]
        self.guilloche_boost = r.uniform(0.7, 1.8)
        self.wrap_indent = r.random() < 0.5  # wrapped lines start under the value, not the label
        self.passport_grid = r.random() < 0.6  # real data pages: labels above values, two columns
        self.ink = r.randint(0, 45)  # lighter or darker value ink
        self.glare = r.random() < 0.35
        self.worn = r.random() < 0.25
        self.laminated = r.random() < 0.3
        self.fingers = r.random() < 0.25

    @staticmethod
    def classic():
        return Style(False)

    def describe(self):
        if not self.varied:
            return {"style": "classic"}
        return {"style": "varied", "label_font": self.label_family, "value_font": self.value_family,
                "arrangement": self.favourite, "separator": self.separator,
                "passport_grid": self.passport_grid,
                "effects": [e for e in ("glare", "worn", "laminated", "fingers") if getattr(self, e)]}

    # ------------------------------------------------------------------------------ fonts
    def font(self, kind, size):
        """The classic kinds (regular, bold, italic, serif..., mono) mapped to this print run."""
        if kind == "mono":
            return load_font(OCRB[1], size)
        fam = self.value_family if kind in ("bold", "serif_bold") else self.label_family
        _, d, reg, bold, ital = FAMILIES[fam]
        name = {"regular": reg, "serif": reg, "bold": bold, "serif_bold": bold, "italic": ital}[kind]
        return load_font(os.path.join(d, name), max(8, int(round(size * self.scale))))

    def value_fill(self, fill):
        if fill[0] > 150 and fill[1] < 80:  # red ID numbers stay red
            return fill
        return tuple(min(255, c + self.ink) for c in fill)

    # ------------------------------------------------------------------------------ layout
    def arrangement(self, allowed):
        """One of `allowed`, the print run's favourite most often."""
        if getattr(self, "compact", False):
            return "inline" if "inline" in allowed else allowed[0]
        if self.favourite in allowed and self.r.random() < 0.6:
            return self.favourite
        return self.r.choice(allowed)

    def bilingual(self, vn, en):
        return vn + self.separator + en + ":"

    def background(self, bg):
        return tuple(max(0, min(255, c + t)) for c, t in zip(bg, self.tint))

    # ------------------------------------------------------------------------------ surface effects
    def card_effects(self, img, lit):
        """Effects on the card itself: wear (on every level: the card is worn) and, when `lit`
        (photographed or scanned, not rendered), holograms' glare."""
        if not self.varied:
            return img
        r = self.r
        arr = np.asarray(img).astype(np.float32)
        h, w = arr.shape[:2]
        nprng = np.random.default_rng(r.randint(0, 1 << 30))
        if self.worn:
            # Faded ink and a paler card, scratches, specks, rubbed corners.
            fade = r.uniform(0.78, 0.92)
            arr = 255 - (255 - arr) * fade
            scratch = Image.new("L", (w, h), 0)
            d = ImageDraw.Draw(scratch)
            for _ in range(r.randint(6, 18)):
                x0, y0 = r.uniform(0, w), r.uniform(0, h)
                ang, ln = r.uniform(0, math.pi), r.uniform(40, 300)
                d.line([(x0, y0), (x0 + ln * math.cos(ang), y0 + ln * math.sin(ang))],
                       fill=r.randint(60, 140), width=1)
            s = np.asarray(scratch, np.float32)[..., None] / 255.0
            arr = arr * (1 - s) + 235 * s
            specks = nprng.random((h, w)) < 0.0015
            arr[specks] = nprng.uniform(120, 240, (int(specks.sum()), 1))
        if self.glare and lit:
            # Hologram glare: a bright, faintly iridescent ellipse that washes out part of the card.
            cx, cy = r.uniform(0.15, 0.85) * w, r.uniform(0.15, 0.85) * h
            rx, ry = r.uniform(0.10, 0.28) * w, r.uniform(0.10, 0.30) * h
            yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
            dist = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2
            strength = r.uniform(0.25, 0.5)
            a = np.exp(-dist * 1.6) * strength
            hue = (xx / w * 2 * math.pi * r.uniform(1, 3))[..., None]
            rainbow = 225 + 30 * np.concatenate([np.sin(hue), np.sin(hue + 2.1), np.sin(hue + 4.2)], axis=2)
            arr = arr * (1 - a[..., None]) + rainbow * a[..., None]
        return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))

    def photo_effects(self, img, card_quad):
        """Effects of the photo (after the card is placed in the scene): lamination sheen and
        fingers over the card's edges. `img` is float32 BGR, `card_quad` the card corners."""
        if not self.varied:
            return img
        r = self.r
        h, w = img.shape[:2]
        if self.laminated:
            # A soft diagonal band of reflected light over the laminate, and a little haze.
            yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
            ang = r.uniform(0, math.pi)
            t = (xx * math.cos(ang) + yy * math.sin(ang))
            c = r.uniform(t.min(), t.max())
            width = r.uniform(0.04, 0.12) * max(w, h)
            band = np.exp(-((t - c) / width) ** 2) * r.uniform(0.12, 0.3)
            img = img * (1 - band[..., None]) + 250 * band[..., None]
            img = img * 0.95 + 12
        if self.fingers:
            q = np.float32(card_quad)
            for _ in range(r.choice([1, 1, 2])):
                img = _finger(img, q, r)
        return img


def _finger(img, quad, r):
    """A fingertip entering the card from one of its long or short edges, covering at most a
    small margin of the card (a thumb holding it)."""
    h, w = img.shape[:2]
    edge = r.randint(0, 3)
    a, b = quad[edge], quad[(edge + 1) % 4]
    t = r.uniform(0.15, 0.85)
    p = a + (b - a) * t
    centre = quad.mean(axis=0)
    inward = centre - p
    inward /= max(1e-6, np.linalg.norm(inward))
    card_w = np.linalg.norm(quad[1] - quad[0])
    depth = r.uniform(0.02, 0.07) * card_w
    fw = r.uniform(0.07, 0.11) * card_w
    tip = p + inward * depth
    mask = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(mask)
    # The finger: a long rounded shape from outside the card to its tip.
    outside = p - inward * 4 * fw
    ang = math.degrees(math.atan2(inward[1], inward[0]))
    length = float(np.linalg.norm(tip - outside))
    finger = Image.new("L", (int(length + fw * 2), int(fw * 2)), 0)
    ImageDraw.Draw(finger).rounded_rectangle([0, fw * 0.5, length, fw * 1.5], radius=fw * 0.5, fill=255)
    finger = finger.rotate(-ang, expand=True, resample=Image.BICUBIC)
    mid = (outside + tip) / 2
    mask.paste(finger, (int(mid[0] - finger.size[0] / 2), int(mid[1] - finger.size[1] / 2)), finger)
    mask = mask.filter(ImageFilter.GaussianBlur(2))
    m = np.asarray(mask, np.float32)[..., None] / 255.0
    skin = np.float32([r.randint(120, 170), r.randint(150, 190), r.randint(190, 235)])  # BGR
    shade = np.linspace(0.8, 1.05, w, dtype=np.float32)[None, :, None]
    return img * (1 - m) + skin * shade * m
