#!/usr/bin/env python3
"""Compares two `ekyc read --eval` outputs of the same generated set, value by value.

Every change of a field value, of the MRZ lines or of the error is printed and tagged against the
ground truth written by cardgen.py: FIX (the new value is right), BREAK (the old value was right)
or other (wrong before and after). Used to check a reader change on every set before committing
it (docs/doc.md): a change that fixes values somewhere must break none elsewhere.

Usage: diff_outputs.py OLD.jsonl NEW.jsonl GT_DIR
Exit status: 0, or 1 when a value broke.
"""
import json
import os
import sys


def load(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            result = row.get("result") or {}
            values = {k: v.get("value") for k, v in result.items()
                      if isinstance(v, dict) and "value" in v and k != "class_name"}
            mrz = result.get("mrz")
            values["__mrz"] = tuple(mrz["lines"]) if mrz else None
            if not row.get("ok", True):
                values["__error"] = row.get("error")
            out[row["image"]] = values
    return out


def truth(gt_dir, image):
    with open(os.path.join(gt_dir, os.path.splitext(image)[0] + ".json"), encoding="utf-8") as f:
        gt = json.load(f)
    want = dict(gt["fields"])
    want["__mrz"] = tuple(gt["mrz"]) if gt.get("mrz") else None
    return want


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    old, new, gt_dir = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3]
    counts = {"FIX": 0, "BREAK": 0, "other": 0}
    for image in sorted(old):
        if image not in new:
            print("missing in NEW:", image)
            continue
        want = truth(gt_dir, image)
        a, b = old[image], new[image]
        for key in sorted(set(a) | set(b)):
            if a.get(key) == b.get(key):
                continue
            tag = ("FIX" if b.get(key) == want.get(key)
                   else "BREAK" if a.get(key) == want.get(key) else "other")
            counts[tag] += 1
            print(tag, image, key, a.get(key), "->", b.get(key))
    print("changed", sum(counts.values()), "fix", counts["FIX"], "break", counts["BREAK"],
          "other", counts["other"])
    sys.exit(1 if counts["BREAK"] else 0)


if __name__ == "__main__":
    main()
