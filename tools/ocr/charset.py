"""The recogniser's alphabet: every character a Vietnamese identity document prints in its fields.

Index 0 is the CTC blank; the characters follow in the order of CHARSET. The list is written out
next to the exported model (models/ocr/charset.txt), and the C++ reader decodes with that file,
so changing this list means retraining.
"""
import unicodedata

VOWELS = "aăâeêioôơuưy"
# Combining tone marks in the order of the Vietnamese tone names: huyền, hỏi, ngã, sắc, nặng.
TONES = ["\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
DIGITS = "0123456789"
# Punctuation seen in fields and labels: dates (/), addresses (, . - /), labels (: /), the MRZ
# filler (<), minority names and places (' as in H'Mông), parentheses in marks and issuers.
PUNCT = " .,:;/-()'<\"&+"


def _letters():
    out = []
    for c in "abcdefghijklmnopqrstuvwxyz":
        out.append(c)
    out.append("đ")
    for v in VOWELS:
        if v not in out:
            out.append(v)
        for t in TONES:
            out.append(unicodedata.normalize("NFC", v + t))
    upper = [c.upper() for c in out]
    return out + upper


CHARSET = _letters() + list(DIGITS) + list(PUNCT)
assert len(set(CHARSET)) == len(CHARSET), "duplicate characters in the charset"
INDEX = {c: i + 1 for i, c in enumerate(CHARSET)}  # 0 = blank
NUM_CLASSES = len(CHARSET) + 1


def normalize(text):
    """NFC, with look-alike code points folded onto the alphabet's (typographic quotes, dashes)."""
    text = unicodedata.normalize("NFC", text)
    for a, b in (("\u2019", "'"), ("\u2018", "'"), ("\u2013", "-"), ("\u2014", "-"), ("\u00a0", " "),
                 ("\u201c", "\""), ("\u201d", "\""), ("Ð", "Đ"), ("ð", "đ")):
        text = text.replace(a, b)
    return text


def encode(text):
    """Label indices for a text; raises KeyError on a character outside the alphabet."""
    return [INDEX[c] for c in normalize(text)]


def decode(indices):
    return "".join(CHARSET[i - 1] for i in indices if i > 0)


def covers(text):
    return all(c in INDEX for c in normalize(text))
