#!/usr/bin/python3
"""Convert a float TFLite CNN (e.g. MobileFaceNet.tflite) to an OpenCV-4.6-loadable ONNX file.

Usage: /usr/bin/python3 tools/convert/tflite2onnx.py IN.tflite OUT.onnx [--batch 1]

- NHWC TFLite graph -> NCHW ONNX graph with a fixed N x C x H x W input (batch 1 by default).
- The TFLite decomposition of PReLU (relu(x) + c * (x - abs(x))) is folded back into one PRelu
  op with slope 2c, which OpenCV runs as a single channel-wise layer.
- Asymmetric TFLite SAME padding is emitted as an explicit Pad node (OpenCV's Conv importer only
  takes symmetric pads).
- fp16 / int8 / uint8 constant weights are dequantised to float32.
Dependencies: Debian python3-onnx (1.12) and numpy.
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tflite_reader import TfModel  # noqa: E402

OPSET = 11


def same_pads(in_size, k, stride, dil):
    eff = (k - 1) * dil + 1
    out = (in_size + stride - 1) // stride
    total = max((out - 1) * stride + eff - in_size, 0)
    return total // 2, total - total // 2


class Converter:
    def __init__(self, model, batch):
        self.m = model
        self.batch = batch
        self.nodes, self.inits = [], []
        self.names = {}  # tflite tensor index -> onnx value name
        self.consumers = {}
        for k, op in enumerate(model.ops):
            for i in op.inputs:
                self.consumers.setdefault(i, []).append(k)
        self.producer = {o: k for k, op in enumerate(model.ops) for o in op.outputs}
        self.counter = 0

    def fresh(self, base):
        self.counter += 1
        return "%s_%d" % (base, self.counter)

    def const(self, arr, base):
        name = self.fresh(base)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def value(self, idx):
        """ONNX name for a TFLite tensor; constants become initialisers in NCHW-broadcastable form."""
        if idx in self.names:
            return self.names[idx]
        t = self.m.tensors[idx]
        d = t.float_data()
        if d is None:
            raise ValueError("tensor %s has no producer and no data" % t.name)
        if d.ndim == 1:  # per-channel constant against NHWC activations -> [C,1,1]
            d = d.reshape(-1, 1, 1)
        elif d.ndim == 4:
            d = d.transpose(0, 3, 1, 2)
        name = self.const(d.astype(np.float32), "const")
        self.names[idx] = name
        return name

    def shape(self, idx):
        return self.m.tensors[idx].shape

    def act(self, out_name, act):
        if act is None:
            return out_name
        n = self.fresh("act")
        if act == "RELU":
            self.nodes.append(helper.make_node("Relu", [out_name], [n]))
        elif act == "RELU6":
            self.nodes.append(helper.make_node("Clip", [out_name, self.const(np.array(0, np.float32), "lo"),
                                                         self.const(np.array(6, np.float32), "hi")], [n]))
        elif act == "TANH":
            self.nodes.append(helper.make_node("Tanh", [out_name], [n]))
        else:
            raise ValueError("unsupported fused activation " + act)
        return n

    def conv(self, op, depthwise):
        o = op.opt
        x = self.names[op.inputs[0]]
        w = self.m.tensors[op.inputs[1]].float_data()  # conv: [O,kh,kw,I]; depthwise: [1,kh,kw,C*m]
        in_shape = self.shape(op.inputs[0])
        if depthwise:
            w_onnx = w.transpose(3, 0, 1, 2)  # [C*m,1,kh,kw]
            group = in_shape[3]
        else:
            w_onnx = w.transpose(0, 3, 1, 2)
            group = 1
        kh, kw = w.shape[1], w.shape[2]
        if o["padding"] == 0:  # SAME
            pt, pb = same_pads(in_shape[1], kh, o["stride_h"], o["dil_h"])
            pl, pr = same_pads(in_shape[2], kw, o["stride_w"], o["dil_w"])
        else:
            pt = pb = pl = pr = 0
        conv_pads = [pt, pl, pb, pr]
        if pt != pb or pl != pr:
            padded = self.fresh("pad")
            pads = self.const(np.array([0, 0, pt, pl, 0, 0, pb, pr], np.int64), "pads")
            self.nodes.append(helper.make_node("Pad", [x, pads], [padded], mode="constant"))
            x, conv_pads = padded, [0, 0, 0, 0]
        inputs = [x, self.const(w_onnx.astype(np.float32), "w")]
        if len(op.inputs) > 2 and op.inputs[2] >= 0:
            inputs.append(self.const(self.m.tensors[op.inputs[2]].float_data().astype(np.float32), "b"))
        out = self.fresh("conv")
        self.nodes.append(helper.make_node("Conv", inputs, [out], kernel_shape=[kh, kw],
                                           strides=[o["stride_h"], o["stride_w"]],
                                           dilations=[o["dil_h"], o["dil_w"]], pads=conv_pads, group=group))
        self.names[op.outputs[0]] = self.act(out, o["act"])

    def match_prelu(self, k):
        """If op k is the RELU of a decomposed PReLU, return (x, slope, ops_used, output)."""
        m = self.m
        relu = m.ops[k]
        x = relu.inputs[0]
        users = [m.ops[j] for j in self.consumers.get(x, [])]
        abs_op = next((u for u in users if u.name == "OP_101"), None)
        if abs_op is None:
            return None
        sub = next((u for u in users if u.name == "SUB" and u.inputs == [x, abs_op.outputs[0]]), None)
        if sub is None:
            return None
        mul_ids = self.consumers.get(sub.outputs[0], [])
        if len(mul_ids) != 1 or m.ops[mul_ids[0]].name != "MUL":
            return None
        mul = m.ops[mul_ids[0]]
        c_idx = [i for i in mul.inputs if i != sub.outputs[0]][0]
        c = m.tensors[c_idx].float_data()
        if c is None:
            return None
        add_ids = self.consumers.get(mul.outputs[0], [])
        if len(add_ids) != 1 or m.ops[add_ids[0]].name != "ADD":
            return None
        add = m.ops[add_ids[0]]
        if sorted(add.inputs) != sorted([relu.outputs[0], mul.outputs[0]]):
            return None
        used = {k, self.producer[abs_op.outputs[0]], self.producer[sub.outputs[0]],
                mul_ids[0], add_ids[0]}
        return x, 2.0 * c.reshape(-1), used, add.outputs[0]

    def run(self):
        m = self.m
        in_idx = m.inputs[0]
        ishape = m.tensors[in_idx].shape  # NHWC
        self.names[in_idx] = "input"
        skip = set()
        for k, op in enumerate(m.ops):
            if k in skip:
                continue
            if op.name == "RELU":
                p = self.match_prelu(k)
                if p is not None:
                    x, slope, used, out_idx = p
                    out = self.fresh("prelu")
                    self.nodes.append(helper.make_node(
                        "PRelu", [self.names[x], self.const(slope.reshape(-1, 1, 1).astype(np.float32), "slope")], [out]))
                    self.names[out_idx] = out
                    skip |= used
                    continue
                out = self.fresh("relu")
                self.nodes.append(helper.make_node("Relu", [self.names[op.inputs[0]]], [out]))
                self.names[op.outputs[0]] = out
            elif op.name == "CONV_2D":
                self.conv(op, False)
            elif op.name == "DEPTHWISE_CONV_2D":
                self.conv(op, True)
            elif op.name in ("ADD", "MUL", "SUB"):
                out = self.fresh(op.name.lower())
                onnx_op = {"ADD": "Add", "MUL": "Mul", "SUB": "Sub"}[op.name]
                self.nodes.append(helper.make_node(onnx_op, [self.value(i) for i in op.inputs], [out]))
                self.names[op.outputs[0]] = self.act(out, op.opt.get("act"))
            elif op.name == "OP_101":  # ABS
                out = self.fresh("abs")
                self.nodes.append(helper.make_node("Abs", [self.names[op.inputs[0]]], [out]))
                self.names[op.outputs[0]] = out
            elif op.name in ("RESHAPE", "SQUEEZE", "FULLY_CONNECTED"):
                src = op.inputs[0]
                s = self.shape(src)
                x = self.names[src]
                if len(s) == 4 and (s[1] != 1 or s[2] != 1):  # restore NHWC element order before flattening
                    t = self.fresh("nhwc")
                    self.nodes.append(helper.make_node("Transpose", [x], [t], perm=[0, 2, 3, 1]))
                    x = t
                flat = self.fresh("flat")
                self.nodes.append(helper.make_node("Flatten", [x], [flat], axis=1))
                if op.name == "FULLY_CONNECTED":
                    w = m.tensors[op.inputs[1]].float_data()
                    ins = [flat, self.const(w.astype(np.float32), "fc_w")]
                    if len(op.inputs) > 2 and op.inputs[2] >= 0:
                        ins.append(self.const(m.tensors[op.inputs[2]].float_data().astype(np.float32), "fc_b"))
                    out = self.fresh("fc")
                    self.nodes.append(helper.make_node("Gemm", ins, [out], transB=1))
                    flat = self.act(out, op.opt.get("act"))
                else:
                    oshape = self.shape(op.outputs[0])
                    if len(oshape) != 2:
                        raise ValueError("only reshapes to [batch, features] are supported")
                self.names[op.outputs[0]] = flat
            elif op.name == "L2_NORMALIZATION":
                out = self.fresh("l2")
                self.nodes.append(helper.make_node("LpNormalization", [self.names[op.inputs[0]]], [out], axis=1, p=2))
                self.names[op.outputs[0]] = out
            else:
                raise ValueError("unsupported TFLite op %s" % op.name)
        out_idx = m.outputs[0]
        oshape = list(m.tensors[out_idx].shape)
        oshape[0] = self.batch
        final = "embeddings"
        self.nodes.append(helper.make_node("Identity", [self.names[out_idx]], [final]))
        graph = helper.make_graph(
            self.nodes, "converted_from_tflite",
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, [self.batch, ishape[3], ishape[1], ishape[2]])],
            [helper.make_tensor_value_info(final, TensorProto.FLOAT, oshape)], self.inits)
        model = helper.make_model(graph, producer_name="ekyc-tflite2onnx",
                                  opset_imports=[helper.make_opsetid("", OPSET)])
        model.ir_version = 6
        onnx.checker.check_model(model)
        return model


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--batch", type=int, default=1)
    a = ap.parse_args()
    model = Converter(TfModel(a.input), a.batch).run()
    os.makedirs(os.path.dirname(os.path.abspath(a.output)), exist_ok=True)
    onnx.save(model, a.output)
    ops = {}
    for n in model.graph.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    print("wrote %s: %s" % (a.output, ", ".join("%s x%d" % kv for kv in sorted(ops.items()))))


if __name__ == "__main__":
    main()
