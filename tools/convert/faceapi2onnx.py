#!/usr/bin/python3
"""Converts face-api's dlib ResNet face descriptor (FaceRecognitionNet, 128-D) into ONNX.

face-api ships this network as weights only (`face_recognition_model-weights_manifest.json` +
`.bin`, uint8-quantised); the architecture lives in its source
(src/faceRecognitionNet/FaceRecognitionNet.ts, residualLayer.ts, convLayer.ts), which this script
re-states op for op:

  input 150x150 RGB (0..255), x' = (x - [122.782, 117.001, 104.298]) / 255
  convDown 7x7/2 valid (conv + bias, per-channel scale w*y + b, relu) -> maxPool 3/2 valid
  residual x3 (32) | residualDown + x3 (64) | residualDown + x2 (128) | residualDown + x2 (256)
  | residualDown (256) -> mean over H, W -> matmul fc (256x128)
  residual:     relu(convNoRelu(conv(x)) + x)                       (3x3 SAME = pad 1)
  residualDown: relu(convNoRelu(convDown(x)) + avgPool2/2(x))        (3x3/2 VALID); the shortcut is
                zero-padded to the doubled channel count, the main branch gets one zero row and
                column (bottom, right) when its spatial size is smaller than the pooled shortcut.

Why our own: face-api has no graph file for tfjs2onnx.py to read. Emitted for OpenCV 4.6
(opset 10): the input normalisation is folded into the first convolution (exact: it is VALID, no
zero padding sees the mean), bias and scale are folded into each Conv, the shortcut's average pool
plus channel zero-padding is one 2x2/2 Conv with 0.25 on the channel diagonal, the spatial
zero-padding is an explicit Pad, the head is GlobalAveragePool -> Flatten -> Gemm.

Usage: faceapi2onnx.py face_recognition_model-weights_manifest.json OUT.onnx
Input "input" 1x3x150x150 float RGB 0..255 (NCHW); output "descriptor" 1x128 (not normalised;
face-api compares Euclidean distances of these, we L2-normalise and use cosine).
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tfjs2onnx import load_weights  # noqa: E402  (same uint8 min/scale dequantisation)

OPSET = 10
SIZE = 150
MEAN_RGB = np.array([122.782, 117.001, 104.298], np.float64)
# (prefix, kind) in forward order, from FaceRecognitionNet.forwardInput.
BLOCKS = ([("conv32_1", "res"), ("conv32_2", "res"), ("conv32_3", "res"),
           ("conv64_down", "down"), ("conv64_1", "res"), ("conv64_2", "res"), ("conv64_3", "res"),
           ("conv128_down", "down"), ("conv128_1", "res"), ("conv128_2", "res"),
           ("conv256_down", "down"), ("conv256_1", "res"), ("conv256_2", "res"),
           ("conv256_down_out", "down")])


class Builder:
    def __init__(self, weights):
        self.w = weights
        self.nodes, self.inits, self.n = [], [], 0
        self.used = set()

    def name(self, base):
        self.n += 1
        return f"{base}_{self.n}"

    def const(self, arr, base):
        nm = self.name(base)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr.astype(np.float32)), nm))
        return nm

    def get(self, key):
        self.used.add(key)
        return self.w[key].astype(np.float64)

    def conv_layer(self, x, prefix, stride, relu, pad, fold_input_norm=False):
        """conv + bias, then scale (x*w + b), then optional relu, as one Conv (+ Relu)."""
        f = self.get(f"{prefix}/conv/filters")            # HWIO
        b = self.get(f"{prefix}/conv/bias")
        s = self.get(f"{prefix}/scale/weights")
        sb = self.get(f"{prefix}/scale/biases")
        w = f.transpose(3, 2, 0, 1)                        # OIHW
        if fold_input_norm:
            # conv((x - m) / 255, W) = conv(x, W / 255) - sum(W * m) / 255 (VALID: no padded zeros)
            b = b - np.einsum("oihw,i->o", w, MEAN_RGB) / 255.0
            w = w / 255.0
        w = w * s[:, None, None, None]
        bias = b * s + sb
        out = self.name(prefix.replace("/", "_"))
        k = w.shape[2]
        self.nodes.append(helper.make_node(
            "Conv", [x, self.const(w, prefix + "_w"), self.const(bias, prefix + "_b")], [out],
            kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4))
        if relu:
            r = self.name("relu")
            self.nodes.append(helper.make_node("Relu", [out], [r]))
            out = r
        return out

    def add_relu(self, a, b):
        s, r = self.name("add"), self.name("relu")
        self.nodes.append(helper.make_node("Add", [a, b], [s]))
        self.nodes.append(helper.make_node("Relu", [s], [r]))
        return r


def conv_out(size, k, stride, pad):
    return (size + 2 * pad - k) // stride + 1


def build(weights):
    g = Builder(weights)
    x = "input"
    ch, hw = 3, SIZE
    x = g.conv_layer(x, "conv32_down", 2, True, 0, fold_input_norm=True)
    ch, hw = 32, conv_out(hw, 7, 2, 0)
    mp = g.name("maxpool")
    g.nodes.append(helper.make_node("MaxPool", [x], [mp], kernel_shape=[3, 3], strides=[2, 2]))
    x, hw = mp, conv_out(hw, 3, 2, 0)
    for prefix, kind in BLOCKS:
        if kind == "res":
            y = g.conv_layer(x, f"{prefix}/conv1", 1, True, 1)
            y = g.conv_layer(y, f"{prefix}/conv2", 1, False, 1)
            x = g.add_relu(y, x)
            continue
        out_ch = g.w[f"{prefix}/conv2/conv/filters"].shape[3]
        y = g.conv_layer(x, f"{prefix}/conv1", 2, True, 0)
        y = g.conv_layer(y, f"{prefix}/conv2", 1, False, 1)
        main_hw, pool_hw = conv_out(hw, 3, 2, 0), conv_out(hw, 2, 2, 0)
        if main_hw != pool_hw:
            if pool_hw - main_hw != 1:
                raise SystemExit(f"faceapi2onnx: {prefix}: unexpected sizes {main_hw} vs {pool_hw}")
            p = g.name("pad")
            g.nodes.append(helper.make_node("Pad", [y], [p], mode="constant",
                                            pads=[0, 0, 0, 0, 0, 0, 1, 1], value=0.0))
            y = p
        sc = g.name("shortcut")
        if out_ch != ch:
            # avgPool 2/2 and zero channels ch..out_ch-1 in one Conv.
            k = np.zeros((out_ch, ch, 2, 2))
            for c in range(ch):
                k[c, c] = 0.25
            g.nodes.append(helper.make_node("Conv", [x, g.const(k, prefix + "_pool_w")], [sc],
                                            kernel_shape=[2, 2], strides=[2, 2], pads=[0, 0, 0, 0]))
        else:
            g.nodes.append(helper.make_node("AveragePool", [x], [sc], kernel_shape=[2, 2], strides=[2, 2]))
        x, ch, hw = g.add_relu(y, sc), out_ch, pool_hw
    gap, flat = g.name("gap"), g.name("flat")
    g.nodes.append(helper.make_node("GlobalAveragePool", [x], [gap]))
    g.nodes.append(helper.make_node("Flatten", [gap], [flat], axis=1))
    fc = g.get("fc")                                       # [256, 128]
    g.nodes.append(helper.make_node("Gemm", [flat, g.const(fc.T, "fc_w"), g.const(np.zeros(fc.shape[1]), "fc_b")],
                                    ["descriptor"], transB=1))
    unused = set(weights) - g.used
    if unused:
        raise SystemExit(f"faceapi2onnx: weights not used by the architecture: {sorted(unused)[:5]}")
    graph = helper.make_graph(
        g.nodes, "faceapi_face_recognition",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
        [helper.make_tensor_value_info("descriptor", TensorProto.FLOAT, [1, fc.shape[1]])], g.inits)
    model = helper.make_model(graph, producer_name="ekyc-faceapi2onnx", producer_version="1",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 6
    onnx.checker.check_model(model)
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("manifest", help="face_recognition_model-weights_manifest.json")
    ap.add_argument("out")
    args = ap.parse_args()
    with open(args.manifest) as f:
        manifest = json.load(f)
    weights = load_weights({"weightsManifest": manifest}, os.path.dirname(os.path.abspath(args.manifest)))
    model = build(weights)
    with open(args.out, "wb") as f:
        f.write(model.SerializeToString())
    print(json.dumps({"input": "input", "input_shape": [1, 3, SIZE, SIZE], "outputs": ["descriptor"],
                      "nodes": len(model.graph.node)}))


if __name__ == "__main__":
    main()
