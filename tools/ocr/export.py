#!/usr/bin/env python3
"""Exports a trained recogniser checkpoint to the ONNX file the server runs, with its reference data.

  tools/ocr/export.py --ckpt RUN/model-step024000.pt --out models/ocr

writes into --out:
  vn-line.onnx      the network with a softmax over the classes; input "lines" N x 1 x 32 x W
                    (W any multiple of 4), output "probs" N x C x 1 x W/4
  charset.txt       the alphabet, one character per line, in class order after the blank
  ref/vn-line.json  + .in.bin / .out.bin: a fixed input (rendered lines, seed below) and the
                    PyTorch outputs for it; the C++ model test runs the ONNX through OpenCV DNN
                    and compares (max |diff| <= 1e-4), as for every converted model
  vn-line.sha256    sha256 of the ONNX file (also recorded in models/models.lock)

The export is checked here too: OpenCV DNN must reproduce PyTorch's outputs on the reference
input before anything is written.
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import charset  # noqa: E402
from model import HEIGHT, Exported, Recognizer, prep  # noqa: E402

REF_WIDTH = 256
REF_SEED = 424242
MAX_ABS_DIFF = 1e-4


def strip_identity(path):
    """torch 1.13 exports shared constants as Identity nodes on initializers, which OpenCV 4.6
    cannot import; give each consumer its own copy of the initializer instead."""
    import onnx
    m = onnx.load(path)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    keep = []
    for n in g.node:
        if n.op_type == "Identity" and n.input[0] in inits:
            t = onnx.TensorProto()
            t.CopyFrom(inits[n.input[0]])
            t.name = n.output[0]
            g.initializer.append(t)
        else:
            keep.append(n)
    del g.node[:]
    g.node.extend(keep)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def reference_input(admin):
    """Four rendered lines of the training distribution, width-padded to REF_WIDTH."""
    import cv2
    import data
    items = data.fixed_set(admin, REF_SEED, 4) if admin else []
    x = np.zeros((4, 1, HEIGHT, REF_WIDTH), np.float32)
    rng = np.random.default_rng(REF_SEED)
    for n in range(4):
        if items:
            img = items[n][2]
            img = cv2.resize(img, (REF_WIDTH, HEIGHT)) if img.shape[1] != REF_WIDTH else img
        else:
            img = rng.integers(0, 256, (HEIGHT, REF_WIDTH)).astype(np.uint8)
        x[n] = prep(img)[0]
    return x


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--admin", default="", help="vn-admin.tsv: reference input from rendered lines "
                    "(default: seeded noise)")
    a = ap.parse_args()
    import cv2
    os.makedirs(os.path.join(a.out, "ref"), exist_ok=True)
    st = torch.load(a.ckpt, map_location="cpu")
    model = Recognizer(charset.NUM_CLASSES)
    model.load_state_dict(st["model"])
    model.eval()
    net = Exported(model).eval()
    onnx_path = os.path.join(a.out, "vn-line.onnx")
    dummy = torch.zeros(1, 1, HEIGHT, REF_WIDTH)
    torch.onnx.export(net, dummy, onnx_path, opset_version=11, input_names=["lines"],
                      output_names=["probs"], do_constant_folding=True,
                      dynamic_axes={"lines": {0: "n", 3: "width"}, "probs": {0: "n", 3: "columns"}})
    strip_identity(onnx_path)

    x = reference_input(a.admin)
    with torch.no_grad():
        ref = net(torch.from_numpy(x)).numpy()
    cvnet = cv2.dnn.readNetFromONNX(onnx_path)
    worst = 0.0
    for n in range(x.shape[0]):  # the server runs one line at a time
        cvnet.setInput(x[n:n + 1])
        got = cvnet.forward()
        worst = max(worst, float(np.abs(got - ref[n:n + 1]).max()))
    if worst > MAX_ABS_DIFF:
        sys.exit("OpenCV DNN differs from PyTorch by %.3g (> %g): not exported" % (worst, MAX_ABS_DIFF))

    with open(onnx_path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    with open(os.path.join(a.out, "charset.txt"), "w", encoding="utf-8") as f:
        for c in charset.CHARSET:
            f.write(c + "\n")
    # the reference input as the test feeds it: one line, N = 1
    x1, ref1 = x[:1], ref[:1]
    x1.astype("<f4").tofile(os.path.join(a.out, "ref", "vn-line.in.bin"))
    ref1.astype("<f4").tofile(os.path.join(a.out, "ref", "vn-line.out.bin"))
    meta = {"onnx_sha256": sha, "input_shape": list(x1.shape), "input": "vn-line.in.bin",
            "output": "vn-line.out.bin", "runtime": "PyTorch %s" % torch.__version__,
            "outputs": [{"name": "probs", "shape": list(ref1.shape)}],
            "checkpoint_step": int(st.get("step", -1))}
    with open(os.path.join(a.out, "ref", "vn-line.json"), "w") as f:
        json.dump(meta, f, indent=1)
    with open(os.path.join(a.out, "vn-line.sha256"), "w") as f:
        f.write("%s  vn-line.onnx\n" % sha)
    print("exported %s (sha256 %s, OpenCV vs PyTorch max |diff| %.2g)" % (onnx_path, sha, worst))


if __name__ == "__main__":
    main()
