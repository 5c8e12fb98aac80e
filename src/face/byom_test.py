#!/usr/bin/python3
"""Bring your own model, end to end: an operator's embedding network replaces the default one.

A registry network (the pinned MobileFaceNet, copied out of the model set and described by its
own input-contract file, as an operator would describe a licensed ArcFace model) stands in for
the operator's network:

  1. `ekyc serve` with the default engine registers a user (the gallery exists before the swap);
  2. `ekyc face calibrate` fits the calibration of the operator's embedder on labelled pairs
     (faces-dev, every pair, cross-set impostors);
  3. `ekyc store reembed` re-embeds the stored face with the operator's network;
  4. `ekyc serve` with EKYC_FACE_EMBEDDER + EKYC_FACE_CALIBRATION answers verify_user_face over
     HTTPS: the same person matches, another person does not, and the stored face carries the
     operator's model id (named by the file's hash).

Usage: byom_test.py --ekyc BIN --source-dir DIR --shared-dir DIR --model-dir DIR
Exit 0 pass, 1 fail, 77 skip (shared dev faces absent).
"""
import argparse
import csv
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "api"))
import ekyc_testserver as ts  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ekyc", required=True)
    p.add_argument("--source-dir", required=True)
    p.add_argument("--shared-dir", required=True)
    p.add_argument("--model-dir", required=True)
    a = p.parse_args()
    faces = os.path.join(a.shared_dir, "data", "faces-dev")
    if not os.path.exists(os.path.join(faces, "identities.csv")):
        print("SKIP: shared dev faces (%s) absent" % faces)
        return ts.SKIP_CODE
    failures = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what, flush=True)
        if not cond:
            failures.append(what)

    work = tempfile.mkdtemp(prefix="ekyc-byom-")
    S = None
    try:
        # The operator's network and its contract (no "builtin", no model-set id: a plain file).
        onnx = os.path.join(work, "operator-arcface.onnx")
        shutil.copy(os.path.join(a.model_dir, "mobilefacenet-tflite.onnx"), onnx)
        embedder = os.path.join(work, "embedder.json")
        with open(embedder, "w") as f:
            json.dump({"name": "operator-arcface@2024", "onnx": "operator-arcface.onnx",
                       "input": {"size": 112, "channels": "RGB", "mean": 127.5, "std": 128},
                       "alignment": "arcface", "output": {"dim": 192}}, f)
        # Labelled pairs: every pair of faces-dev, cross-set pairs as more impostors.
        with open(os.path.join(faces, "identities.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        pairs = os.path.join(work, "pairs.csv")
        with open(pairs, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["img_a", "img_b", "same", "set"])
            for x, y in itertools.combinations(rows, 2):
                w.writerow([x["image"], y["image"], int(x["identity"] == y["identity"]), "dev"])
        base = {"EKYC_MODEL_DIR": a.model_dir, "EKYC_WORKERS": "1", "EKYC_RATE_LIMIT_RPS": "0",
                "EKYC_REQUEST_TIMEOUT_MS": "120000"}
        deepface = os.path.join(faces, "deepface")

        def photo(name):
            with open(os.path.join(deepface, name), "rb") as f:
                return f.read()

        # 1. A gallery made by the default engine.
        S = ts.LiveServer(a.ekyc, base, name="ekyc-byom")
        data_dir = S.env["EKYC_DATA_DIR"]
        S.add_key("default")
        S.start()
        _, _, r = S.call("register_user_face", {"user_id": "byom-1"}, {"image_face": photo("img1.jpg")})
        check("code" not in r, "register with the default engine: %s" % json.dumps(r)[:200])
        S.proc.terminate()
        S.proc.wait(60)

        env = dict(S.env, EKYC_FACE_EMBEDDER=embedder)
        # 2. Calibrate the operator's embedder.
        cal = os.path.join(work, "calibration.json")
        proc = subprocess.run([a.ekyc, "face", "calibrate", "dev=" + pairs, "--root", faces, "--out", cal,
                               "--card", "none", "--bootstrap", "50"], env=env, capture_output=True, text=True,
                              timeout=1800)
        check(proc.returncode == 0, "ekyc face calibrate: %s" % (proc.stderr.strip()[-300:] or "ok"))
        if proc.returncode != 0:
            return 1
        c = json.load(open(cal))
        check(c["model"].startswith("operator-arcface@2024#"), "calibration names the operator's model: "
              + c["model"])
        check(c["populations"]["dev"]["far_at_0.5"] <= 1e-3, "FAR at 0.5 on the fit pairs <= 1e-3")
        check(c["anchors"]["0.5"]["set_by"] == "dev", "0.5 anchored on the given population")

        # 3. Re-embed the stored face with the operator's network.
        proc = subprocess.run([a.ekyc, "store", "reembed"], env=env, capture_output=True, text=True, timeout=600)
        check(proc.returncode == 0, "ekyc store reembed: %s" % (proc.stderr.strip()[-300:] or proc.stdout.strip()))
        if proc.returncode == 0:
            rep = json.loads(proc.stdout)
            check(rep["embedded"] == 1 and rep["to_model"] == c["model"],
                  "reembed moved the face to the operator's model: %s" % proc.stdout.strip())

        # 4. Serve with the operator's model and its calibration.
        env_serve = dict(base, EKYC_FACE_EMBEDDER=embedder, EKYC_FACE_CALIBRATION=cal)
        S2 = ts.LiveServer(a.ekyc, env_serve, name="ekyc-byom2")
        shutil.rmtree(S2.dir)
        S2.dir = S.dir
        S2.env["EKYC_DATA_DIR"] = data_dir
        S2.keys = S.keys
        S2.start()
        try:
            _, _, r = S2.call("verify_user_face", {"user_id": "byom-1"}, {"image_general": photo("img2.jpg")})
            out = r.get("output") or {}
            check(out.get("is_matched", {}).get("value") == "True",
                  "same person verifies with the operator's model: %s" % json.dumps(r)[:300])
            _, _, r = S2.call("verify_user_face", {"user_id": "byom-1"}, {"image_general": photo("img3.jpg")})
            out = r.get("output") or {}
            check(out.get("is_matched", {}).get("value") == "False",
                  "another person does not: %s" % json.dumps(r)[:300])
            _, _, r = S2.call("get_all_face_of_user", json_body={"user_id": "byom-1"})
            models = (r.get("output") or {}).get("faces", [{}])[0].get("models", [])
            check(c["model"] in models, "the stored face carries the operator's model id: %s" % models)
        finally:
            S2.proc.terminate()
            S2.proc.wait(60)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if S is not None:
            if S.proc and S.proc.poll() is None:
                S.proc.kill()
            shutil.rmtree(S.dir, ignore_errors=True)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
