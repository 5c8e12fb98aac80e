#!/usr/bin/python3
"""Video liveness evaluation on one part of the split (tools/live/split.csv): BPCER per genuine
transform and per source, APCER per attack kind.

Inputs are made once by the generators (deterministic, in a build directory, never committed):
  tools/live/gen_genuine_variants.py --part PART --out OUT/PART/bona_fide
  tools/live/gen_attacks.py --split tools/live/split.csv --part PART --out OUT/PART/attacks ...
(docs/liveness.md, "Evaluation", gives the exact commands). This script runs
`ekyc-live live eval` with the server's models (--model-dir: the BlazeFace fallback detector) on
both lists (and, for `dev`, on the real replay clips of the split), keeps
one JSON line per clip in OUT/PART/TAG/, and prints the tables (also written to
OUT/PART/TAG/report.md).

Outcomes per clip: `live` (accepted), `spoof` (decided: evidence of an attack),
`not_enough_evidence` (decided: retry with a blink or a slow head turn), `refused:<reason>` (no
usable face: no face, face lost, several faces, face covered...). For bona fide clips
BPCER counts every outcome but `live` (a genuine user who has to retry was not accepted); the
columns split it into spoof decisions, retries and refusals. For attacks APCER counts `live` only.

`mask_synthetic` (a drawn mask) is reported apart and not counted in the bona fide totals: the
product may refuse a covered face with its own reason (live.face_covered) instead of deciding.

Usage: tools/live/eval_split.py --part dev|kept_aside [--binary build/ekyc-live] [--tag after]
                                [--out build/live-eval] [--reuse] [--only bona_fide|attacks]
"""
import argparse
import collections
import csv
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
APART = {"mask_synthetic"}  # bona fide types reported apart from the totals
NOT_ATTACK_TYPES = {"genuine"}  # gen_attacks.py also lists the untransformed clips (= `original`)


def read_csv(path):
    with open(path) as fh:
        return list(csv.DictReader(l for l in fh if not l.startswith("#")))


def outcome(j):
    if "decision" in j:
        d = j["decision"]
        if d == "refused" or (d not in ("live", "spoof", "not_enough_evidence")):
            return "refused:" + j.get("error", "?")
        return d
    if j.get("live"):
        return "live"
    err = j.get("error", "")
    if err == "live.spoof_detected":
        return "spoof"
    if err == "live.not_enough_evidence":
        return "not_enough_evidence"
    return "refused:" + (err or "?")


def read_details(path):
    out = {}
    if os.path.exists(path):
        with open(path) as fh:
            for line in fh:
                j = json.loads(line)
                out[j["path"]] = j
    return out


def run_eval(binary, model_dir, rows, list_path, details_path, reuse):
    """One JSON line per clip in details_path. With `reuse`, only the clips not yet in it are
    evaluated (appended), so a run can be resumed or extended with newly generated clips."""
    done = read_details(details_path) if reuse else {}
    todo = [r for r in rows if r["path"] not in done]
    if not todo:
        return done
    with open(list_path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["path", "label", "attack_type"])
        for r in todo:
            w.writerow([r["path"], r["label"], r["type"]])
    part = details_path + ".part"
    nice = os.environ.get("EVAL_NICE", "10")  # the machine may be shared
    cmd = ["nice", "-n", nice, binary, "live", "--model-dir", model_dir, "eval", list_path, "--details", part]
    print("+", " ".join(cmd), f"({len(todo)} clips)", file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(details_path, "a" if reuse else "w") as out, open(part) as fh:
        out.write(fh.read())
    os.remove(part)
    return read_details(details_path)


def pct(a, n):
    return f"{100.0 * a / n:.1f} %" if n else "-"


def bona_fide_table(rows, res, key):
    groups = collections.OrderedDict()
    for r in rows:
        groups.setdefault(r[key], []).append(r)
    lines = [f"| {key} | n | accepted | spoof | not enough evidence | refused | BPCER |",
             "|---|---|---|---|---|---|---|"]
    tot = collections.Counter()
    for g, rs in groups.items():
        c = collections.Counter()
        for r in rs:
            o = outcome(res[r["path"]])
            c["n"] += 1
            c["live" if o == "live" else "spoof" if o == "spoof" else "nee" if o == "not_enough_evidence" else "ref"] += 1
        lines.append(f"| {g} | {c['n']} | {c['live']} | {c['spoof']} | {c['nee']} | {c['ref']} | "
                     f"{pct(c['n'] - c['live'], c['n'])} |")
        if g not in APART:
            tot.update(c)
    lines.append(f"| **all** | {tot['n']} | {tot['live']} | {tot['spoof']} | {tot['nee']} | {tot['ref']} | "
                 f"**{pct(tot['n'] - tot['live'], tot['n'])}** |")
    return lines, tot


def attack_table(rows, res):
    groups = collections.OrderedDict()
    for r in rows:
        groups.setdefault(r["type"], []).append(r)
    lines = ["| attack kind | n | accepted | spoof | not enough evidence | refused | APCER |",
             "|---|---|---|---|---|---|---|"]
    for g, rs in groups.items():
        c = collections.Counter()
        for r in rs:
            o = outcome(res[r["path"]])
            c["n"] += 1
            c["live" if o == "live" else "spoof" if o == "spoof" else "nee" if o == "not_enough_evidence" else "ref"] += 1
        lines.append(f"| {g} | {c['n']} | {c['live']} | {c['spoof']} | {c['nee']} | {c['ref']} | "
                     f"{pct(c['live'], c['n'])} |")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", required=True, choices=("dev", "kept_aside"))
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "ekyc-live"))
    ap.add_argument("--model-dir", default=os.path.join(ROOT, "build", "models"),
                    help="the server's converted models (as `make models` builds them)")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "live-eval"))
    ap.add_argument("--tag", default="after")
    ap.add_argument("--shared", default=os.environ.get("EKYC_SHARED_DATA", "/work/shared/data"))
    ap.add_argument("--reuse", action="store_true", help="reuse the details of an earlier run with this tag")
    ap.add_argument("--only", choices=("bona_fide", "attacks"))
    ap.add_argument("--clips", action="store_true", help="also list every clip that was not decided right")
    args = ap.parse_args()
    base = os.path.join(args.out, args.part)
    tag_dir = os.path.join(base, args.tag)
    os.makedirs(tag_dir, exist_ok=True)
    report = [f"# Liveness evaluation: part `{args.part}`, run `{args.tag}`", "",
              f"binary: `{os.path.relpath(args.binary, ROOT)}`", ""]
    wrong = []

    bona = []
    attacks = []
    if args.only != "attacks":
        bona = [dict(r) for r in read_csv(os.path.join(base, "bona_fide", "list.csv"))]
    if args.only != "bona_fide":
        for r in read_csv(os.path.join(base, "attacks", "list.csv")):
            r = {"path": r["path"], "label": r["label"], "type": r["attack_type"]}
            if r["type"] in NOT_ATTACK_TYPES:
                continue
            if r["label"] == "genuine":
                # Bona fide variants made by gen_attacks.py (lowq_*, framed_*): their source is the
                # clip name's last part.
                stem = os.path.splitext(os.path.basename(r["path"]))[0]
                r["source"] = "gen_attacks"
                r["person"] = stem
                bona.append(r)
            else:
                attacks.append(r)
        if args.part == "dev":
            for s in read_csv(os.path.join(ROOT, "tools", "live", "split.csv")):
                if s["part"] == "dev" and s["label"] != "genuine":
                    attacks.append({"path": os.path.join(args.shared, s["file"]), "label": s["label"],
                                    "type": "real_replay"})

    res = {}
    if bona:
        res.update(run_eval(args.binary, args.model_dir, bona, os.path.join(tag_dir, "bona_fide.csv"),
                            os.path.join(tag_dir, "bona_fide.jsonl"), args.reuse))
    if attacks:
        res.update(run_eval(args.binary, args.model_dir, attacks, os.path.join(tag_dir, "attacks.csv"),
                            os.path.join(tag_dir, "attacks.jsonl"), args.reuse))

    if bona:
        lines, tot = bona_fide_table(bona, res, "type")
        report += ["## Bona fide, per transform", ""] + lines + [""]
        by_src = [r for r in bona if r["type"] not in APART and r.get("source") != "gen_attacks"]
        lines, _ = bona_fide_table(by_src, res, "source")
        report += ["## Bona fide, per source (transforms of gen_genuine_variants.py, mask apart)", ""] + lines + [""]
        lines, _ = bona_fide_table(by_src, res, "person")
        report += ["## Bona fide, per person (mask apart)", ""] + lines + [""]
        for r in bona:
            if outcome(res[r["path"]]) != "live":
                wrong.append(r)
    if attacks:
        report += ["## Attacks, per kind", ""] + attack_table(attacks, res) + [""]
        for r in attacks:
            if outcome(res[r["path"]]) == "live":
                wrong.append(r)
    if args.clips and wrong:
        report += ["## Clips not decided right", "", "| type | clip | outcome | reasons |", "|---|---|---|---|"]
        for r in wrong:
            j = res[r["path"]]
            reasons = "; ".join(j.get("reasons", [])) or j.get("message", "")
            report.append(f"| {r['type']} | {os.path.basename(r['path'])} | {outcome(j)} | {reasons} |")
        report.append("")
    text = "\n".join(report)
    with open(os.path.join(tag_dir, "report.md"), "w") as fh:
        fh.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
