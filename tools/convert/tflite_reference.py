#!/usr/bin/python3
"""Independent numpy interpreter of a float TFLite graph, used as the reference runtime.

Usage: /usr/bin/python3 tools/convert/tflite_reference.py MODEL.tflite OUT_PREFIX [--n 4]

Why: the official TFLite runtime is not available here (no PyPI; tfjs-tflite needs a browser-like
WASM loader), so converted ONNX models are checked against this interpreter instead. It executes
the original op list in NHWC straight from the flatbuffer, op by op (PReLU stays decomposed as
RELU/ABS/SUB/MUL/ADD), sharing only the flatbuffer parser with tflite2onnx.py, not its graph building.

Writes OUT_PREFIX.input.f32 (N x 3 x H x W float32, NCHW, already normalised),
OUT_PREFIX.output.f32 (N x D float32, raw model output) and OUT_PREFIX.json (shapes + provenance).
Inputs are deterministic: seeded noise, a smooth gradient pattern, and (if given with --image)
a real 112x112 face crop normalised as (x - 127.5) / 128 in RGB order.
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tflite_reader import TfModel  # noqa: E402


def pad_same(x, k, stride, dil, axis_in):
    eff = (k - 1) * dil + 1
    out = -(-axis_in // stride)
    total = max((out - 1) * stride + eff - axis_in, 0)
    return total // 2, total - total // 2


def windows(x, kh, kw, sh, sw, padding):
    """x: [N,H,W,C] -> patches [N,OH,OW,kh,kw,C] (TFLite SAME/VALID semantics)."""
    n, h, w, c = x.shape
    if padding == 0:
        pt, pb = pad_same(x, kh, sh, 1, h)
        pl, pr = pad_same(x, kw, sw, 1, w)
        x = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    h2, w2 = x.shape[1], x.shape[2]
    oh, ow = (h2 - kh) // sh + 1, (w2 - kw) // sw + 1
    s = x.strides
    return np.lib.stride_tricks.as_strided(
        x, shape=(n, oh, ow, kh, kw, c), strides=(s[0], s[1] * sh, s[2] * sw, s[1], s[2], s[3]), writeable=False)


def fused(y, act):
    if act is None:
        return y
    if act == "RELU":
        return np.maximum(y, 0)
    if act == "RELU6":
        return np.clip(y, 0, 6)
    if act == "TANH":
        return np.tanh(y)
    raise ValueError(act)


def run(model, x):
    vals = {model.inputs[0]: x.astype(np.float64)}

    def get(i):
        if i in vals:
            return vals[i]
        return model.tensors[i].float_data().astype(np.float64)

    for op in model.ops:
        o = op.opt
        if op.name == "CONV_2D":
            if o["dil_w"] != 1 or o["dil_h"] != 1:
                raise ValueError("dilation not supported in reference")
            w = get(op.inputs[1])  # [O,kh,kw,I]
            p = windows(get(op.inputs[0]), w.shape[1], w.shape[2], o["stride_h"], o["stride_w"], o["padding"])
            y = np.einsum("nhwijc,oijc->nhwo", p, w, optimize=True)
            if len(op.inputs) > 2 and op.inputs[2] >= 0:
                y = y + get(op.inputs[2])
            y = fused(y, o["act"])
        elif op.name == "DEPTHWISE_CONV_2D":
            w = get(op.inputs[1])[0]  # [kh,kw,C*m]
            if o["depth_multiplier"] != 1:
                raise ValueError("depth_multiplier != 1 not supported in reference")
            p = windows(get(op.inputs[0]), w.shape[0], w.shape[1], o["stride_h"], o["stride_w"], o["padding"])
            y = np.einsum("nhwijc,ijc->nhwc", p, w, optimize=True)
            if len(op.inputs) > 2 and op.inputs[2] >= 0:
                y = y + get(op.inputs[2])
            y = fused(y, o["act"])
        elif op.name == "RELU":
            y = np.maximum(get(op.inputs[0]), 0)
        elif op.name == "OP_101":
            y = np.abs(get(op.inputs[0]))
        elif op.name == "ADD":
            y = fused(get(op.inputs[0]) + get(op.inputs[1]), o.get("act"))
        elif op.name == "SUB":
            y = fused(get(op.inputs[0]) - get(op.inputs[1]), o.get("act"))
        elif op.name == "MUL":
            y = fused(get(op.inputs[0]) * get(op.inputs[1]), o.get("act"))
        elif op.name == "RESHAPE":
            shape = list(o["new_shape"])
            shape[0] = -1  # the file fixes batch 2; keep the batch we run
            y = get(op.inputs[0]).reshape(shape)
        elif op.name == "L2_NORMALIZATION":
            v = get(op.inputs[0])
            y = v / np.sqrt(np.maximum(np.sum(v * v, axis=-1, keepdims=True), 1e-12))
        else:
            raise ValueError("reference interpreter does not implement " + op.name)
        vals[op.outputs[0]] = y
    return vals[model.outputs[0]].astype(np.float32)


def inputs(h, w, n, image):
    rng = np.random.default_rng(20261125)
    xs = []
    if image:
        import cv2
        img = cv2.imread(image, cv2.IMREAD_COLOR)
        img = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)[:, :, ::-1].astype(np.float32)
        xs.append((img - 127.5) / 128.0)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    xs.append(np.stack([np.sin(xx / 9.0), np.cos(yy / 7.0), (xx + yy) / (h + w) * 2 - 1], -1))
    while len(xs) < n:
        xs.append(rng.uniform(-1, 1, size=(h, w, 3)).astype(np.float32))
    return np.stack(xs[:n]).astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("out_prefix")
    ap.add_argument("--n", type=int, default=4)
    ap.add_argument("--image", help="optional face image to include as the first input")
    a = ap.parse_args()
    m = TfModel(a.model)
    _, h, w, c = m.tensors[m.inputs[0]].shape
    x = inputs(h, w, a.n, a.image)
    y = run(m, x)
    os.makedirs(os.path.dirname(os.path.abspath(a.out_prefix)), exist_ok=True)
    np.ascontiguousarray(x.transpose(0, 3, 1, 2)).astype("<f4").tofile(a.out_prefix + ".input.f32")
    y.astype("<f4").tofile(a.out_prefix + ".output.f32")
    with open(a.model, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    meta = {"model": os.path.basename(a.model), "model_sha256": sha, "runtime": "numpy NHWC reference (tools/convert/tflite_reference.py)",
            "n": int(x.shape[0]), "input_shape_nchw": [1, int(c), int(h), int(w)], "output_dim": int(y.shape[1])}
    with open(a.out_prefix + ".json", "w") as f:
        json.dump(meta, f, indent=1)
    print("reference: %d inputs, output dim %d, |y| mean %.4f" % (x.shape[0], y.shape[1], float(np.abs(y).mean())))


if __name__ == "__main__":
    main()
