#!/usr/bin/env python3
"""Runs every example of docs/examples (curl, Python, Node) against a live `ekyc serve`.

For each language, the routes run in an order that leaves the store as it found it (register,
read, verify, search, delete), each with its own user id; each printed envelope is validated
against docs/openapi.yaml and must carry the expected outcome. `curl` and `node` must be
installed (scripts/install-deps.sh): a missing one fails the test, it is not skipped.

Usage: examples_test.py --ekyc BIN --source-dir DIR --shared-dir DIR --model-dir DIR
Exit 0 pass, 1 fail, 77 skip (shared dev faces absent).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "api"))
import ekyc_testserver as ts  # noqa: E402
import openapi_schema  # noqa: E402

ROUTES = ["predict", "check_match_image_card_image_general", "register_ekyc_front_back_face",
          "register_ekyc_front_back_face_video", "register_user_face", "get_all_face_of_user",
          "verify_user_face", "search_face", "register_user_face_third_party", "delete_user_face"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ekyc", required=True)
    p.add_argument("--source-dir", required=True)
    p.add_argument("--shared-dir", required=True)
    p.add_argument("--model-dir", required=True)
    a = p.parse_args()
    missing = [tool for tool in ("curl", "node") if shutil.which(tool) is None]
    if missing:
        print("FAIL: %s not installed (scripts/install-deps.sh installs them)" % ", ".join(missing))
        return 1
    node_major = int(subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
                     .lstrip("v").split(".")[0])
    if node_major < 18:
        print("FAIL: node %d has no built-in fetch; Node 18+ is needed" % node_major)
        return 1
    faces = os.path.join(a.shared_dir, "data", "faces-dev", "deepface")
    videos = os.path.join(a.shared_dir, "data", "face-videos-dev")
    if not os.path.exists(os.path.join(faces, "img1.jpg")) or not os.path.exists(
            os.path.join(videos, "grid_bbaf2n.mp4")):
        print("SKIP: shared dev faces / videos (%s/data) absent" % a.shared_dir)
        return ts.SKIP_CODE
    ex = os.path.join(a.source_dir, "docs", "examples")
    spec = openapi_schema.Spec(os.path.join(a.source_dir, "docs", "openapi.yaml"))
    cards = os.path.join(a.source_dir, "tests", "data", "cards")
    failures = []
    t0 = time.monotonic()

    S = ts.LiveServer(a.ekyc, {"EKYC_MODEL_DIR": a.model_dir, "EKYC_WORKERS": "1", "EKYC_QUEUE": "4",
                               "EKYC_RATE_LIMIT_RPS": "0", "EKYC_REQUEST_TIMEOUT_MS": "120000"},
                      name="ekyc-examples")
    try:
        key = S.add_key("examples")
        S.start()
        card = os.path.join(S.dir, "card_front_with_face.jpg")
        ts.card_front_with_face(cards, os.path.join(faces, "img26.jpg"), card)
        video = os.path.join(videos, "grid_bbaf2n.mp4")
        video_card = os.path.join(S.dir, "card_front_video_holder.jpg")
        ts.video_frame_card(cards, video, video_card)
        base_env = dict(os.environ)
        base_env.update({
            "EKYC_URL": S.url, "EKYC_CA_CERT": S.cert, "NODE_EXTRA_CA_CERTS": S.cert, "EKYC_API_KEY": key,
            "EKYC_CARD_FRONT": card, "EKYC_SELFIE": os.path.join(faces, "img27.jpg"),
            "EKYC_VIDEO": video, "EKYC_FACE": os.path.join(faces, "img1.jpg"),
            "EKYC_PROBE": os.path.join(faces, "img2.jpg"),
        })
        base_env.pop("EKYC_COLLECTION", None)
        commands = {
            "curl": lambda r: ["bash", os.path.join(ex, "curl.sh"), r],
            "python": lambda r: [sys.executable, os.path.join(ex, "python", "ekyc_example.py"), r],
            "node": lambda r: ["node", os.path.join(ex, "js", "ekyc_example.mjs"), r],
        }
        for lang, cmd in commands.items():
            user = "example-" + lang
            steps = [(r, {}) for r in ROUTES[:-1]] + [
                ("delete_user_face", {}), ("delete_user_face", {"EKYC_COLLECTION": "partner_x"})]
            for route, extra in steps:
                env = dict(base_env, EKYC_USER_ID=user, **extra)
                if route == "register_ekyc_front_back_face_video":
                    env["EKYC_CARD_FRONT"] = video_card
                label = "%s %s%s" % (lang, route, " " + json.dumps(extra) if extra else "")
                t = time.monotonic()
                proc = subprocess.run(cmd(route), env=env, capture_output=True, text=True, timeout=300)
                took = time.monotonic() - t
                if proc.returncode != 0:
                    failures.append("%s: exit %d: %s" % (label, proc.returncode, proc.stderr.strip()[-400:]))
                    print("FAIL", failures[-1], flush=True)
                    continue
                try:
                    env_json = json.loads(proc.stdout)
                except ValueError:
                    failures.append("%s: not one JSON envelope on stdout: %r" % (label, proc.stdout[:300]))
                    print("FAIL", failures[-1], flush=True)
                    continue
                problems = check(spec, route, env_json, user)
                if problems:
                    failures.append("%s: %s\n  %s" % (label, "; ".join(problems), json.dumps(env_json)[:500]))
                    print("FAIL", failures[-1], flush=True)
                else:
                    print("ok   %-70s %.1f s" % (label, took), flush=True)
        # The ops endpoints through curl.sh too.
        for ep in ("healthz", "readyz"):
            proc = subprocess.run(["bash", os.path.join(ex, "curl.sh"), ep], env=base_env, capture_output=True,
                                  text=True, timeout=60)
            body = proc.stdout.strip()
            if proc.returncode != 0 or not spec.validator("/" + ep, "get", 200).is_valid(json.loads(body or "null")):
                failures.append("curl %s: %r" % (ep, body[:200]))
        server_cpu = S.cpu_seconds()
    finally:
        S.stop()
    print("wall %.1f s, server CPU %.1f s (wall is inflated on a shared machine; step times include "
          "the client's start)" % (time.monotonic() - t0, server_cpu))
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("PASS")
    return 0


def check(spec, route, envelope, user):
    """Problems with one example's envelope: the schema of its route, then the expected outcome."""
    problems = []
    validator = spec.validator("/call/" + route, "post", 200)
    for e in validator.iter_errors(envelope):
        problems.append("schema: %s at %s" % (e.message[:200], list(e.absolute_path)))
        break
    if "code" in envelope:
        problems.append("expected success, got code %s (%s)" % (envelope["code"], envelope.get("error")))
        return problems
    out = envelope.get("output")
    if route == "predict" and len(out) != 2:
        problems.append("predict: %d sides, expected 2" % len(out))
    if route == "check_match_image_card_image_general" and out["card"]["face_source"] != "card":
        problems.append("check_match: the card was not read as a card: %s" % out["card"])
    if route.startswith("register_ekyc") and not out[2]["registration"]["registered"]:
        problems.append("not registered")
    if route == "register_ekyc_front_back_face_video" and out[2]["is_matched"]["liveness"] != "True":
        problems.append("video not judged live")
    if route == "get_all_face_of_user" and len(out["faces"]) != 3:
        problems.append("expected the 3 faces registered before, got %d" % len(out["faces"]))
    if route == "search_face" and (not out["matches"] or out["matches"][0]["user_id"] != user):
        problems.append("search: %s is not the top match" % user)
    return problems


if __name__ == "__main__":
    sys.exit(main())
