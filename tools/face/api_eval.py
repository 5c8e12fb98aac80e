#!/usr/bin/python3
"""Face decisions measured through the HTTPS API, the way a client meets them.

Starts the real `ekyc serve` (temporary data directory, loopback port, its own API key), enrols one
photo per person and probes with the others:

  verify    verify_user_face of every probe against its own user (genuine) and against every other
            user (impostor) at the default threshold: TAR, FAR.
  search    search_face of every probe (top_k 5, default threshold): rank-1 = its own user.
  duplicate register_user_face of every probe as a NEW user while its owner is enrolled: E850 naming
            the owner = the duplicate is caught; E850 naming anybody else = a stranger refused.
  stranger  every photo of a person registered as a new user while that person is NOT enrolled
            (the others are): any E850 refuses a new customer because of a stranger.
  card      check_match_image_card_image_general with image_card1 = a synthetic card portrait of
            the enrolment photo (`ekyc face degrade`; synthetic, not a real printed card) against
            the person's probes (genuine) and --card-impostors other people's probes: TAR, FAR.
  webcam    the same with image_card1 = the enrolment photo shrunk to 168x193 px (a small webcam
            photo given as the card image): how often a score comes back, and TAR.

Every figure comes with its count and a Wilson 95 % interval, and refusals are counted by reason.

Usage:
  /usr/bin/python3 tools/face/api_eval.py --ekyc build/ekyc --data DIR [--identities FILE]
      [--split tools/face/splits/eastasia.csv --part report] [--card-impostors 5]
      [--max-per-person 20] [--env NAME=VALUE ...] [--out RESULT.json] [--label NAME]

--data is the data set folder (image paths of identities.csv are relative to it). The server gets
the caller's environment plus --env (e.g. EKYC_MODEL_DIR, EKYC_FACE_CALIBRATION, EKYC_FACE_EMBEDDER).
Exit 0 after a run (the figures are the output, not a verdict), 77 when the data is absent.
"""
import argparse
import collections
import http.client
import csv
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
import ekyc_testserver as ts  # noqa: E402

COLLECTION = "face-eval"


def wilson(k, n):
    if n == 0:
        return [None, None]
    z = 1.959964
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return [round(max(0.0, c - h), 4), round(min(1.0, c + h), 4)]


def rate(k, n):
    return {"count": k, "of": n, "rate": round(k / n, 4) if n else None, "ci95": wilson(k, n)}


def natural(path):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path)]


def user_id(identity):
    return "p-" + re.sub(r"[^A-Za-z0-9_.-]", "_", identity)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ekyc", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--identities", default="")
    ap.add_argument("--split", default="")
    ap.add_argument("--part", default="report")
    ap.add_argument("--card-impostors", type=int, default=5)
    ap.add_argument("--max-per-person", type=int, default=20)
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--out", default="")
    ap.add_argument("--label", default="")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--skip", default="", help="comma-separated parts to skip (e.g. card,webcam)")
    a = ap.parse_args()
    ident_file = a.identities or os.path.join(a.data, "identities.csv")
    if not os.path.exists(ident_file):
        print("SKIP: %s absent" % ident_file)
        return ts.SKIP_CODE
    import cv2  # Debian python3-opencv (the webcam-sized copies)

    skip = set(filter(None, a.skip.split(",")))
    part = None
    if a.split:
        with open(a.split, newline="") as f:
            part = {r["identity"]: r["part"] for r in csv.DictReader(f)}
    people = collections.defaultdict(list)
    with open(ident_file, newline="") as f:
        for r in csv.DictReader(f):
            if part is not None and part.get(r["identity"]) != a.part:
                continue
            people[r["identity"]].append(r["image"])
    people = {k: sorted(v, key=natural)[:a.max_per_person] for k, v in people.items() if len(v) >= 2}
    ids = sorted(people)
    rng = random.Random(a.seed)
    # The evaluation sends thousands of impostor verifications from one key: the abuse limit on
    # searches and verifications that match nobody (E462) would refuse them, so it is lifted.
    env = {"EKYC_WORKERS": "1", "EKYC_QUEUE": "8", "EKYC_RATE_LIMIT_RPS": "0",
           "EKYC_REQUEST_TIMEOUT_MS": "300000", "EKYC_ENUMERATION_LIMIT_KEY": "1000000"}
    for e in a.env:
        k, v = e.split("=", 1)
        env[k] = v
    result = {"label": a.label, "data": os.path.basename(os.path.normpath(a.data)),
              "split": os.path.basename(a.split) + ":" + a.part if a.split else "all",
              "people": len(ids), "photos": sum(len(v) for v in people.values()),
              "enrolment": "the first photo of each person (natural order); the others probe"}
    refusals = collections.Counter()
    t0 = time.monotonic()
    work = tempfile.mkdtemp(prefix="face-api-eval-")
    S = ts.LiveServer(a.ekyc, env, name="face-api-eval")
    try:
        S.add_key("default")
        S.start(timeout_s=300)
        conn = S.connection(timeout=600)

        def call(route, fields=None, files=None, json_body=None):
            nonlocal conn
            for attempt in range(3):
                try:
                    return S.call(route, fields=fields, files=files, json_body=json_body, conn=conn)[2]
                except (ConnectionError, OSError, http.client.HTTPException):
                    conn = S.connection(timeout=600)
            raise RuntimeError("server unreachable")

        def img(rel):
            with open(os.path.join(a.data, rel), "rb") as f:
                return f.read()

        def register(uid, rel):
            return call("register_user_face", {"user_id": uid, "collection": COLLECTION},
                        {"image_face": img(rel)})

        def delete(uid):
            call("delete_user_face", json_body={"user_id": uid, "face_id": "all", "collection": COLLECTION})

        # Enrolment.
        enrol_refused = []
        for p in ids:
            r = register(user_id(p), people[p][0])
            if "code" in r:
                enrol_refused.append({"person": p, "code": r["code"], "reason": r.get("message", "")[:120]})
                refusals["enrol " + r["code"]] += 1
        result["enrolment_refused"] = enrol_refused
        enrolled = [p for p in ids if p not in {e["person"] for e in enrol_refused}]
        probes = [(p, rel) for p in enrolled for rel in people[p][1:]]
        print("enrolled %d of %d people, %d probes (%.0f s)" % (len(enrolled), len(ids), len(probes),
                                                              time.monotonic() - t0), flush=True)

        # Verify: genuine and every impostor, at the default threshold.
        if "verify" not in skip:
            gen_ok = gen_n = imp_acc = imp_n = 0
            gen_refused = 0
            worst = []
            for i, (p, rel) in enumerate(probes):
                data = img(rel)
                for q in [p] + [x for x in enrolled if x != p]:
                    r = call("verify_user_face", {"user_id": user_id(q), "collection": COLLECTION},
                             {"image_general": data})
                    out = r.get("output") or {}
                    matched = (out.get("is_matched") or {}).get("value") == "True"
                    sim = (out.get("is_matched") or {}).get("similarity")
                    if q == p:
                        gen_n += 1
                        gen_ok += matched
                        if not out:
                            gen_refused += 1
                            refusals["verify " + r.get("code", "?")] += 1
                    elif out:
                        imp_n += 1
                        imp_acc += matched
                        if matched:
                            worst.append({"probe": rel, "user": q, "similarity": sim})
                    else:
                        break  # the probe itself was refused: no impostor comparison either
                if i % 20 == 0:
                    print("verify %d/%d (%.0f s)" % (i, len(probes), time.monotonic() - t0), flush=True)
            result["verify"] = {"tar": rate(gen_ok, gen_n), "far": rate(imp_acc, imp_n),
                                "genuine_refused_before_scoring": gen_refused,
                                "impostors_accepted": sorted(worst, key=lambda w: -w["similarity"])[:20]}

        # Search: rank-1 at the default threshold.
        if "search" not in skip:
            r1 = n = no_match = 0
            for p, rel in probes:
                r = call("search_face", {"collection": COLLECTION, "top_k": "5"}, {"image_general": img(rel)})
                out = r.get("output") or {}
                if "matches" not in out:
                    refusals["search " + r.get("code", "?")] += 1
                    n += 1
                    continue
                n += 1
                m = out["matches"]
                no_match += not m
                r1 += bool(m) and m[0]["user_id"] == user_id(p)
            result["search"] = {"rank1": rate(r1, n), "no_match": no_match}

        # Duplicates: each probe registered as a new user while its owner is enrolled.
        if "duplicate" not in skip:
            caught = stranger = missed = refused = 0
            strangers = []
            for p, rel in probes:
                uid = "dup-" + str(rng.getrandbits(48))
                r = register(uid, rel)
                if r.get("code") == "E850":
                    owner = r["output"]["duplicate"]["user_id"]
                    if owner == user_id(p):
                        caught += 1
                    else:
                        stranger += 1
                        strangers.append({"probe": rel, "refused_as": owner,
                                          "similarity": r["output"]["duplicate"]["similarity"]})
                elif "code" in r:
                    refused += 1
                    refusals["duplicate-test " + r["code"]] += 1
                else:
                    missed += 1
                    delete(uid)
            n = caught + stranger + missed
            result["duplicate"] = {"caught": rate(caught, n), "stranger_refused": rate(stranger, n),
                                   "missed": missed, "refused_before_scoring": refused,
                                   "strangers": strangers}

        # Strangers: a person absent from the gallery registers each photo as a new user.
        if "stranger" not in skip:
            e850 = n = refused = 0
            cases = []
            for p in enrolled:
                delete(user_id(p))
                for rel in people[p]:
                    uid = "new-" + str(rng.getrandbits(48))
                    r = register(uid, rel)
                    if r.get("code") == "E850":
                        e850 += 1
                        n += 1
                        cases.append({"photo": rel, "refused_as": r["output"]["duplicate"]["user_id"],
                                      "similarity": r["output"]["duplicate"]["similarity"]})
                    elif "code" in r:
                        refused += 1
                    else:
                        n += 1
                        delete(uid)
                r = register(user_id(p), people[p][0])
                if "code" in r:
                    raise RuntimeError("could not re-enrol %s: %s" % (p, r))
            result["stranger"] = {"refused_as_duplicate": rate(e850, n), "refused_before_scoring": refused,
                                  "comparisons_per_registration": len(enrolled) - 1, "cases": cases}

        # Card portrait (synthetic) and small webcam photo as image_card1 vs the probes.
        def card_run(kind, make_card):
            cards = {}
            for p in enrolled:
                cards[p] = make_card(p)
            gen_ok = gen_n = imp_acc = imp_n = no_score = 0
            codes = collections.Counter()
            for p, rel in probes:
                data = img(rel)
                others = [q for q in enrolled if q != p]
                targets = [p] + rng.sample(others, min(a.card_impostors, len(others)))
                for q in targets:
                    r = call("check_match_image_card_image_general", {}, {"image_card1": cards[q],
                                                                         "image_general": data})
                    out = r.get("output") or {}
                    im = out.get("is_matched") or {}
                    if "similarity" not in im or (out.get("error") or {}).get("code") in (0, 1, 2):
                        no_score += 1
                        codes[r.get("code", "?") + " " + str((out.get("error") or {}).get("code", ""))] += 1
                        if q == p:
                            gen_n += 1
                        continue
                    matched = im.get("value") == "True"
                    if q == p:
                        gen_n += 1
                        gen_ok += matched
                    else:
                        imp_n += 1
                        imp_acc += matched
            result[kind] = {"tar": rate(gen_ok, gen_n), "far": rate(imp_acc, imp_n),
                            "no_score": rate(no_score, len(probes) * (1 + min(a.card_impostors, len(enrolled) - 1))),
                            "no_score_codes": dict(codes)}

        if "card" not in skip:
            def synthetic(p):
                out = os.path.join(work, "card-" + user_id(p) + ".png")
                subprocess.run([a.ekyc, "face", "degrade", os.path.join(a.data, people[p][0]), out,
                                "--name", people[p][0]], env=S.env, check=True, capture_output=True)
                with open(out, "rb") as f:
                    return f.read()
            card_run("card", synthetic)
        if "webcam" not in skip:
            def webcam(p):
                im = cv2.imread(os.path.join(a.data, people[p][0]))
                h, w = im.shape[:2]
                # A 168x193 frame (the aspect of the small webcam photos clients send).
                cw = min(w, int(h * 168 / 193))
                x0 = (w - cw) // 2
                small = cv2.resize(im[:, x0:x0 + cw], (168, 193), interpolation=cv2.INTER_AREA)
                ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 85])
                return buf.tobytes()
            card_run("webcam_as_card", webcam)
        result["refusals"] = dict(refusals)
        result["server_cpu_s"] = round(S.cpu_seconds(), 1)
    finally:
        S.stop()
    result["wall_s"] = round(time.monotonic() - t0, 1)
    text = json.dumps(result, indent=1)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    summary = {k: v for k, v in result.items() if k not in ("enrolment_refused",)}
    for k in ("verify", "duplicate", "stranger"):
        if k in summary:
            summary[k] = {kk: vv for kk, vv in summary[k].items()
                          if kk not in ("impostors_accepted", "strangers", "cases")}
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
