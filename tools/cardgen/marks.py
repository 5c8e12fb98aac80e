"""Identifying marks ("Đặc điểm nhận dạng") composed the way issuing officers write them.

A description names the kind of mark (sometimes its shape or colour), its distance from a part of
the face ("C:2cm", the abbreviation of "cách", or "cách 2cm"), where it lies relative to that part
and, for a part that has two, the side: "Nốt ruồi C:1cm trên sau đầu lông mày trái". Some are
shorter ("Sẹo dài 2cm ở cằm", "Vết bớt nâu dưới má phải"). The varied print runs draw from this
grammar so that the reader's marks vocabulary is tested on combinations it was not written from,
including words outside it ("nhỏ", "rõ"); the classic style keeps its six fixed descriptions.
"""

KINDS = ["Nốt ruồi", "Nốt ruồi đen", "Nốt ruồi nhỏ", "Sẹo", "Sẹo chấm", "Sẹo thâm", "Sẹo lồi",
         "Vết bớt", "Vết bớt nâu", "Vết sẹo", "Nốt ruồi son"]
LENGTHS = ["0,5", "1", "1", "1,5", "2", "2", "2,5", "3", "3,5", "4"]
# Positions relative to a part: one word, or two (above or below, then in front or behind).
POSITIONS = ["trên", "dưới", "trước", "sau", "trên sau", "trên trước", "dưới sau", "dưới trước"]
# Parts with a left and a right.
SIDED = ["đầu lông mày", "đuôi lông mày", "đầu mày", "đuôi mày", "đuôi mắt", "khóe mắt", "cánh mũi",
         "mép", "vành tai", "dái tai", "gò má", "má", "thái dương", "mí mắt"]
# Parts without sides.
UNSIDED = ["cằm", "trán", "nhân trung", "sống mũi", "môi trên", "môi dưới", "giữa trán"]
SIDES = ["trái", "phải"]


def compose_mark(r):
    """One description drawn with `r` (a random.Random of its own, so that the rest of the card's
    draws do not depend on it)."""
    kind = r.choice(KINDS)
    length = r.choice(LENGTHS) + "cm"
    shape = r.random()
    if shape < 0.12:  # "Sẹo dài 2cm ở cằm": a length, not a distance
        part = r.choice(UNSIDED + SIDED)
        side = " " + r.choice(SIDES) if part in SIDED else ""
        return "%s dài %s ở %s%s" % (r.choice(["Sẹo", "Vết sẹo", "Vết bớt"]), length, part, side)
    distance = ("C:" if r.random() < 0.65 else "cách ") + length
    if r.random() < 0.75:
        part = r.choice(SIDED)
        return "%s %s %s %s %s" % (kind, distance, r.choice(POSITIONS), part, r.choice(SIDES))
    part = r.choice(UNSIDED)
    return "%s %s %s %s" % (kind, distance, r.choice(["trên", "dưới"]), part)
