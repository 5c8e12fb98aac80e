"""Font families the line renderer draws with, and which of them are held out of training.

Families come from Debian font packages (scripts/install-deps.sh installs them). A family is used
only when every character of the alphabet is in its character map (checked with fontTools at
start-up), so a missing glyph never turns into a box the model must learn.

HELD_OUT families are never drawn during training. Their clean renders measure whether the model
learned Vietnamese letters and marks rather than the shapes of its training fonts. The project's
card generator draws with Noto and DejaVu; those two are ordinary training families here and
make up a small share of the mix, so the model cannot learn them alone.
"""
import glob
import os

from charset import CHARSET

# family -> file-name patterns (under /usr/share/fonts), all styles of the family.
FAMILIES = {
    # sans
    "Noto Sans": ["truetype/noto/NotoSans-*.ttf"],
    "DejaVu Sans": ["truetype/dejavu/DejaVuSans.ttf", "truetype/dejavu/DejaVuSans-Bold*.ttf",
                    "truetype/dejavu/DejaVuSansCondensed*.ttf"],
    "Liberation Sans": ["truetype/liberation2/LiberationSans-*.ttf"],
    "FreeSans": ["truetype/freefont/FreeSans*.ttf"],
    "Open Sans": ["truetype/open-sans/OpenSans-*.ttf"],
    "Lato": ["truetype/lato/Lato-Regular.ttf", "truetype/lato/Lato-Bold.ttf",
             "truetype/lato/Lato-Semibold.ttf", "truetype/lato/Lato-Medium.ttf",
             "truetype/lato/Lato-Heavy.ttf", "truetype/lato/Lato-*Italic.ttf"],
    "Inter": ["opentype/inter/Inter-Regular.otf", "opentype/inter/Inter-Bold.otf",
              "opentype/inter/Inter-Medium.otf", "opentype/inter/Inter-SemiBold.otf",
              "opentype/inter/Inter-Italic.otf"],
    "Cantarell": ["opentype/cantarell/Cantarell-Regular.otf", "opentype/cantarell/Cantarell-Bold.otf"],
    "Clear Sans": ["truetype/clear-sans/ClearSans-Regular.ttf", "truetype/clear-sans/ClearSans-Bold.ttf",
                   "truetype/clear-sans/ClearSans-Medium.ttf"],
    "Carlito": ["truetype/crosextra/Carlito-*.ttf"],
    "Manrope": ["truetype/manrope/Manrope-Regular.ttf", "truetype/manrope/Manrope-Bold.ttf",
                "truetype/manrope/Manrope-SemiBold.ttf", "truetype/manrope/Manrope-Medium.ttf"],
    "M PLUS 2": ["opentype/mplus/Mplus2-Regular.otf", "opentype/mplus/Mplus2-Bold.otf",
                 "opentype/mplus/Mplus2-Medium.otf"],
    "Linux Biolinum": ["opentype/linux-libertine/LinBiolinum_R*.otf"],
    "Andika": ["truetype/andika/Andika-*.ttf"],
    "Jura": ["opentype/jura/Jura-Regular.otf", "opentype/jura/Jura-Bold.otf",
             "opentype/jura/Jura-Medium.otf"],
    # serif
    "Noto Serif": ["truetype/noto/NotoSerif-Regular.ttf", "truetype/noto/NotoSerif-Bold.ttf",
                   "truetype/noto/NotoSerif-Italic.ttf", "truetype/noto/NotoSerif-Medium.ttf"],
    "DejaVu Serif": ["truetype/dejavu/DejaVuSerif.ttf", "truetype/dejavu/DejaVuSerif-Bold.ttf",
                     "truetype/dejavu/DejaVuSerifCondensed*.ttf"],
    "Liberation Serif": ["truetype/liberation2/LiberationSerif-*.ttf"],
    "FreeSerif": ["truetype/freefont/FreeSerif*.ttf"],
    "Charis SIL": ["truetype/charis/CharisSIL-*.ttf"],
    "Linux Libertine": ["opentype/linux-libertine/LinLibertine_R*.otf"],
    "EB Garamond": ["opentype/ebgaramond/EBGaramond12-Regular.otf"],
    # monospace (typewriter-like numbers and old cards)
    "Liberation Mono": ["truetype/liberation2/LiberationMono-*.ttf"],
    "FreeMono": ["truetype/freefont/FreeMono*.ttf"],
    "JetBrains Mono": ["truetype/jetbrains-mono/JetBrainsMono-Regular.ttf",
                       "truetype/jetbrains-mono/JetBrainsMono-Bold.ttf"],
    # held out (see HELD_OUT)
    "Roboto": ["truetype/roboto/unhinted/RobotoTTF/Roboto-*.ttf",
               "truetype/roboto/unhinted/RobotoCondensed-*.ttf"],
    "Gentium": ["truetype/gentiumplus/GentiumPlus-*.ttf", "truetype/gentiumplus/GentiumBookPlus-*.ttf"],
}
HELD_OUT = ["Roboto", "Gentium"]
# OCR-B has no Vietnamese letters; it draws only machine-readable-zone lines and plain numbers,
# as passports and chip cards print them.
OCRB = ["opentype/ocr-b/OCRB.otf", "opentype/ocr-b/OCRBS.otf"]

ROOT = "/usr/share/fonts"


# Cards print in regular to bold weights; hairline weights would teach shapes no card has.
_TOO_THIN = ("Thin", "Hairline", "ExtraLight", "Extralight")


def _files(patterns):
    out = []
    for p in patterns:
        out.extend(sorted(glob.glob(os.path.join(ROOT, p))))
    return sorted(f for f in set(out) if not any(t in os.path.basename(f) for t in _TOO_THIN))


def _covers(path, chars):
    from fontTools.ttLib import TTFont
    try:
        cmap = TTFont(path, fontNumber=0, lazy=True).getBestCmap()
    except Exception:
        return False
    return all(ord(c) in cmap for c in chars if c != " ")


def load(held_out=False, require_all=True):
    """{family: [font files that cover the alphabet]} for the training (or the held-out) families."""
    chosen = {}
    missing = []
    for fam, pats in FAMILIES.items():
        if (fam in HELD_OUT) != held_out:
            continue
        files = [f for f in _files(pats) if _covers(f, CHARSET)]
        if files:
            chosen[fam] = files
        else:
            missing.append(fam)
    if missing and require_all:
        raise SystemExit("font families missing or without Vietnamese coverage: %s "
                         "(run scripts/install-deps.sh)" % ", ".join(missing))
    return chosen


def ocrb():
    files = _files(OCRB)
    if not files:
        raise SystemExit("OCR-B not installed (Debian fonts-ocr-b)")
    return files


if __name__ == "__main__":
    for held in (False, True):
        for fam, files in load(held).items():
            print("%-9s %-18s %d files: %s" % ("held-out" if held else "train", fam, len(files),
                                               ", ".join(os.path.basename(f) for f in files)))
    print("ocr-b", ocrb())


def pick(rng, files):
    """A file of a family: upright 90 % of the time (cards print italics only in English
    sub-labels), bold about half the time (names and numbers are bold)."""
    def is_italic(f):
        b = os.path.basename(f).lower()
        return "italic" in b or "oblique" in b or b.endswith(("ri.otf", "rbi.otf", "rzi.otf"))
    upright = [f for f in files if not is_italic(f)] or files
    italic = [f for f in files if is_italic(f)]
    pool = italic if italic and rng.random() < 0.1 else upright
    bold = [f for f in pool if "bold" in os.path.basename(f).lower() or os.path.basename(f).endswith(
        ("_RB.otf", "_RZ.otf"))]
    if bold and rng.random() < 0.45:
        pool = bold
    return rng.choice(pool)
