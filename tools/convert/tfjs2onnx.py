#!/usr/bin/python3
"""Converts a TensorFlow.js graph model (model.json + .bin weight shards) into an ONNX file that
OpenCV 4.6's ONNX importer accepts.

Why a converter of our own: tf2onnx / tfjs-graph-converter are not in Debian and need TensorFlow.
This one needs only Debian's python3-onnx and numpy, and emits exactly the subset OpenCV 4.6 runs:

* fixed input shape (batch 1) and NCHW layout: activations are NCHW everywhere; a Transpose back
  to NHWC is inserted before any reshape that flattens, so element order matches TensorFlow's;
* weights dequantised to float32 (float16; uint8/uint16 with min/scale affine quantisation);
* fused ops expanded: _FusedConv2D, FusedDepthwiseConv2dNative and _FusedMatMul with BiasAdd and
  activations (Relu, Relu6, Elu, LeakyRelu, Sigmoid, Tanh, Prelu);
* TensorFlow's SAME padding turned into explicit (possibly asymmetric) pads, computed from the
  known input size, because OpenCV's auto_pad handling differs from TensorFlow's for stride 2;
* opset 10, so Clip and Pad carry their parameters as attributes (OpenCV 4.6 reads them there);
* the L2-normalisation pattern x * rsqrt(max(sum(x^2), eps)) rewritten to ReduceL2 -> Div (eps dropped);
* PReLU spelled as relu(x) + a * (x - |x|) rewritten to one PRelu with slope 2a;
* Minimum/Maximum against a scalar constant turned into Clip.

Usage: tfjs2onnx.py MODEL.json OUT.onnx [--input-shape 1,H,W,C]   (shape in TensorFlow's NHWC)
Prints a JSON summary (input name/shape NCHW, output names) on stdout.
"""
import argparse
import base64
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 10

DTYPE_BYTES = {"float32": 4, "int32": 4, "float16": 2, "uint8": 1, "uint16": 2, "bool": 1}
NP_DTYPE = {"float32": np.float32, "int32": np.int32, "float16": np.float16, "uint8": np.uint8,
            "uint16": np.uint16, "bool": np.bool_}


class ConvertError(Exception):
    pass


def load_weights(model_json, model_dir):
    """Returns {name: np.ndarray} with every weight dequantised to its original dtype."""
    out = {}
    for group in model_json["weightsManifest"]:
        blob = b"".join(open(os.path.join(model_dir, p), "rb").read() for p in group["paths"])
        off = 0
        for w in group["weights"]:
            shape = [int(s) for s in w["shape"]]
            n = int(np.prod(shape)) if shape else 1
            q = w.get("quantization")
            stored = q["dtype"] if q else w["dtype"]
            if stored not in DTYPE_BYTES:
                raise ConvertError(f"weight {w['name']}: unsupported stored dtype {stored}")
            size = n * DTYPE_BYTES[stored]
            raw = np.frombuffer(blob, dtype=NP_DTYPE[stored], count=n, offset=off)
            off += size
            if q:
                if stored == "float16":
                    arr = raw.astype(np.float32)
                elif stored in ("uint8", "uint16"):
                    if "min" in q and "scale" in q:
                        arr = raw.astype(np.float32) * np.float32(q["scale"]) + np.float32(q["min"])
                    else:
                        raise ConvertError(f"weight {w['name']}: quantisation without min/scale")
                else:
                    raise ConvertError(f"weight {w['name']}: unsupported quantisation {q}")
                arr = arr.astype(NP_DTYPE[w["dtype"]])
            else:
                arr = raw.copy()
            out[w["name"]] = arr.reshape(shape)
        if off != len(blob):
            raise ConvertError(f"weight shard size mismatch: manifest describes {off} bytes, files hold {len(blob)}")
    return out


def attr_value(node, key, default=None):
    a = node.get("attr", {}).get(key)
    if a is None:
        return default
    if "s" in a:
        return base64.b64decode(a["s"]).decode()
    if "i" in a:
        return int(a["i"])
    if "f" in a:
        return float(a["f"])
    if "b" in a:
        return bool(a["b"])
    if "list" in a:
        lst = a["list"]
        if "s" in lst:
            return [base64.b64decode(s).decode() for s in lst["s"]]
        if "i" in lst:
            return [int(i) for i in lst["i"]]
        if "f" in lst:
            return [float(f) for f in lst["f"]]
        return []
    if "type" in a:
        return a["type"]
    if "tensor" in a:
        return a["tensor"]
    return default


def inline_const(node):
    """Value of a Const whose data sits in the graph rather than the weight files."""
    t = attr_value(node, "value")
    if not isinstance(t, dict):
        raise ConvertError(f"Const {node['name']} has no weights and no inline value")
    dims = [int(d.get("size", 0)) for d in t.get("tensorShape", {}).get("dim", [])]
    dtype = t.get("dtype")
    if "floatVal" in t:
        vals = np.array([float(v) for v in t["floatVal"]], np.float32)
    elif "intVal" in t:
        vals = np.array([int(v) for v in t["intVal"]], np.int32)
    elif "tensorContent" in t:
        np_t = np.float32 if dtype == "DT_FLOAT" else np.int32
        vals = np.frombuffer(base64.b64decode(t["tensorContent"]), np_t)
    else:
        raise ConvertError(f"Const {node['name']}: unsupported inline tensor {list(t)}")
    n = int(np.prod(dims)) if dims else 1
    if vals.size == 1 and n > 1:
        vals = np.full(n, vals[0], vals.dtype)
    return vals.reshape(dims)


def same_pads(in_size, k, stride, dilation):
    """TensorFlow SAME padding: (begin, end), the extra pixel goes at the end."""
    eff = (k - 1) * dilation + 1
    out = -(-in_size // stride)
    total = max((out - 1) * stride + eff - in_size, 0)
    return total // 2, total - total // 2


class Converter:
    def __init__(self, model_json, weights, input_shape=None):
        self.mj = model_json
        self.w = weights
        self.nodes = {}
        for n in model_json["modelTopology"]["node"]:
            self.nodes[n["name"]] = n
        self.onnx_nodes = []
        self.inits = []
        self.consts = {}      # tf tensor -> np value (constants are folded, not emitted)
        self.t = {}           # tf tensor -> (onnx name, layout "nchw"|"plain", tf shape)
        self.uniq = 0
        self.input_shape = input_shape
        self.consumers = {}
        for n in model_json["modelTopology"]["node"]:
            for i in self.inputs_of(n):
                self.consumers.setdefault(i, []).append(n["name"])
        self.skip = set()     # tf nodes absorbed by a pattern rewrite

    # ---- helpers
    @staticmethod
    def ref(name):
        """TF tensor reference -> producing node name ("x:0" is output 0 of node x)."""
        return name[:-2] if name.endswith(":0") else name

    def inputs_of(self, n):
        return [self.ref(i) for i in n.get("input", []) if not i.startswith("^")]

    def fresh(self, base):
        self.uniq += 1
        return f"{base}__{self.uniq}"

    def init(self, base, arr):
        name = self.fresh(base)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def emit(self, op, inputs, outputs, **attrs):
        self.onnx_nodes.append(helper.make_node(op, inputs, outputs, name=outputs[0], **attrs))

    def rename_tensor(self, old, new):
        """Renames an emitted tensor everywhere, so a graph output can own the original name."""
        for node in self.onnx_nodes:
            for i, v in enumerate(node.input):
                if v == old:
                    node.input[i] = new
            for i, v in enumerate(node.output):
                if v == old:
                    node.output[i] = new
                    if node.name == old:
                        node.name = new
        return new

    def is_const(self, name):
        return name in self.consts

    def get(self, name):
        if name not in self.t:
            raise ConvertError(f"tensor {name} used before it is defined (unsupported op upstream?)")
        return self.t[name]

    def as_nchw(self, name):
        """ONNX name of tensor `name` in NCHW layout (4-D activations)."""
        oname, layout, shape = self.get(name)
        if len(shape) == 4 and layout == "plain":
            t = self.fresh(oname + "_nchw")
            self.emit("Transpose", [oname], [t], perm=[0, 3, 1, 2])
            self.t[name] = (t, "nchw", shape)
            return t
        return oname

    def as_nhwc(self, name):
        oname, layout, shape = self.get(name)
        if layout == "nchw":
            t = self.fresh(oname + "_nhwc")
            self.emit("Transpose", [oname], [t], perm=[0, 2, 3, 1])
            return t
        return oname

    def const_for(self, value, like_shape, like_layout, base):
        """Initializer broadcastable against an activation with TF shape `like_shape`."""
        v = np.asarray(value)
        if v.dtype == np.float64:
            v = v.astype(np.float32)
        if like_layout == "nchw" and len(like_shape) == 4 and v.ndim >= 1 and v.size > 1:
            # NHWC-broadcast constant: move its channel axis to position 1.
            v4 = v.reshape((1,) * (4 - v.ndim) + v.shape)
            v = np.transpose(v4, (0, 3, 1, 2))
        return self.init(base, v)

    # ---- main
    def topo_order(self):
        order, state = [], {}
        for root in self.nodes:
            stack = [(root, False)]
            while stack:
                name, done = stack.pop()
                if done:
                    if state.get(name) != 2:
                        state[name] = 2
                        order.append(name)
                    continue
                if state.get(name):
                    continue
                state[name] = 1
                stack.append((name, True))
                for i in self.inputs_of(self.nodes[name]):
                    if i in self.nodes and not state.get(i):
                        stack.append((i, False))
        return order

    def signature_outputs(self):
        sig = self.mj.get("signature") or (self.mj.get("userDefinedMetadata") or {}).get("signature")
        if sig and sig.get("outputs"):
            names = [self.ref(o["name"]) for o in sig["outputs"].values()]
            return sorted(set(names))
        consumed = set(self.consumers)
        return sorted(n for n, node in self.nodes.items() if n not in consumed and node["op"] not in ("Const", "Placeholder"))

    def find_patterns(self):
        """Pre-pass: marks the nodes that pattern rewrites absorb, before anything is emitted."""
        self.prelu, self.l2 = {}, {}
        for name, node in self.nodes.items():
            if node["op"] in ("Add", "AddV2"):
                m = self._prelu_match(node)
                if m:
                    self.prelu[name] = m[:2]
                    self.skip.update(m[2])
            elif node["op"] == "Mul":
                m = self._l2_match(node)
                if m:
                    self.l2[name] = m[:3]
                    self.skip.update(m[3])

    def run(self):
        self.find_patterns()
        for name in self.topo_order():
            if name in self.skip:
                continue
            node = self.nodes[name]
            handler = getattr(self, "op_" + node["op"].lstrip("_"), None)
            if handler is None:
                raise ConvertError(f"unsupported TF op {node['op']} (node {name})")
            handler(node)
        graph_inputs = []
        for name, node in self.nodes.items():
            if node["op"] == "Placeholder":
                _, _, shape = self.t[name]
                graph_inputs.append(helper.make_tensor_value_info(
                    name, TensorProto.FLOAT, [shape[0], shape[3], shape[1], shape[2]] if len(shape) == 4 else shape))
        if len(graph_inputs) != 1:
            raise ConvertError(f"expected one input, got {len(graph_inputs)}")
        outputs, out_info = [], []
        for o in self.signature_outputs():
            oname, layout, shape = self.get(o)
            src = oname
            if len(shape) == 4 and layout == "nchw":
                # Outputs are reported in TF layout so they compare 1:1 with the original model.
                src = self.as_nhwc(o)
            if src == o:
                src = self.rename_tensor(o, o + "__out")
            self.emit("Identity", [src], [o])
            outputs.append(helper.make_tensor_value_info(o, TensorProto.FLOAT, list(shape)))
            out_info.append({"name": o, "shape": list(shape)})
        graph = helper.make_graph(self.onnx_nodes, "tfjs_graph", graph_inputs, outputs, self.inits)
        model = helper.make_model(graph, producer_name="ekyc-tfjs2onnx", producer_version="1",
                                  opset_imports=[helper.make_opsetid("", OPSET)])
        model.ir_version = 6
        onnx.checker.check_model(model)
        return model, graph_inputs[0], out_info

    # ---- ops
    def op_Const(self, n):
        name = n["name"]
        self.consts[name] = self.w[name] if name in self.w else inline_const(n)

    def op_Placeholder(self, n):
        shape = self.input_shape or [int(d.get("size", -1)) for d in n.get("attr", {}).get("shape", {}).get("shape", {}).get("dim", [])]
        shape = [1 if s == -1 and i == 0 else s for i, s in enumerate(shape)]
        if any(s <= 0 for s in shape):
            raise ConvertError(f"input {n['name']} has unknown dims {shape}; pass --input-shape")
        self.t[n["name"]] = (n["name"], "nchw" if len(shape) == 4 else "plain", shape)

    def op_Identity(self, n):
        src = self.inputs_of(n)[0]
        if self.is_const(src):
            self.consts[n["name"]] = self.consts[src]
        else:
            self.t[n["name"]] = self.t[src]

    def _activation(self, kind, x, out, n, extra=None):
        if kind == "Relu":
            self.emit("Relu", [x], [out])
        elif kind == "Relu6":
            self.emit("Clip", [x], [out], min=0.0, max=6.0)
        elif kind == "Sigmoid":
            self.emit("Sigmoid", [x], [out])
        elif kind == "Tanh":
            self.emit("Tanh", [x], [out])
        elif kind == "Elu":
            self.emit("Elu", [x], [out], alpha=1.0)
        elif kind == "LeakyRelu":
            self.emit("LeakyRelu", [x], [out], alpha=float(attr_value(n, "leakyrelu_alpha", 0.2)))
        elif kind == "Prelu":
            self.emit("PRelu", [x, extra], [out])
        else:
            raise ConvertError(f"unsupported fused activation {kind} in {n['name']}")

    def _conv(self, n, depthwise):
        ins = self.inputs_of(n)
        x = self.as_nchw(ins[0])
        _, _, xs = self.get(ins[0])
        if attr_value(n, "data_format", "NHWC") != "NHWC":
            raise ConvertError(f"{n['name']}: only NHWC graphs are supported")
        k = self.consts[ins[1]].astype(np.float32)
        kh, kw = k.shape[0], k.shape[1]
        strides = attr_value(n, "strides", [1, 1, 1, 1])
        dil = attr_value(n, "dilations", [1, 1, 1, 1]) or [1, 1, 1, 1]
        pad = attr_value(n, "padding", "VALID")
        if pad == "SAME":
            pt, pb = same_pads(xs[1], kh, strides[1], dil[1])
            pl, pr = same_pads(xs[2], kw, strides[2], dil[2])
        elif pad == "VALID":
            pt = pb = pl = pr = 0
        elif pad == "EXPLICIT":
            e = attr_value(n, "explicit_paddings")
            pt, pb, pl, pr = e[2], e[3], e[4], e[5]
        else:
            raise ConvertError(f"{n['name']}: unsupported padding {pad}")
        if depthwise:
            cin, mult = k.shape[2], k.shape[3]
            w = np.transpose(k, (2, 3, 0, 1)).reshape(cin * mult, 1, kh, kw)
            group, cout = cin, cin * mult
        else:
            w = np.transpose(k, (3, 2, 0, 1))
            group, cout = 1, k.shape[3]
        fused = attr_value(n, "fused_ops", []) or []
        extra = ins[2:]
        conv_in = [x, self.init(n["name"] + "_W", np.ascontiguousarray(w))]
        acts = []
        for op in fused:
            if op == "BiasAdd":
                conv_in.append(self.init(n["name"] + "_B", self.consts[extra.pop(0)].astype(np.float32).reshape(-1)))
            elif op == "FusedBatchNorm":
                raise ConvertError(f"{n['name']}: fused batch norm in conv is not supported")
            else:
                acts.append(op)
        oh = (xs[1] + pt + pb - ((kh - 1) * dil[1] + 1)) // strides[1] + 1
        ow = (xs[2] + pl + pr - ((kw - 1) * dil[2] + 1)) // strides[2] + 1
        oshape = [xs[0], oh, ow, cout]
        out = n["name"] if not acts else self.fresh(n["name"] + "_conv")
        self.emit("Conv", conv_in, [out], kernel_shape=[kh, kw], strides=[strides[1], strides[2]],
                  dilations=[dil[1], dil[2]], pads=[pt, pl, pb, pr], group=group)
        for i, a in enumerate(acts):
            dst = n["name"] if i == len(acts) - 1 else self.fresh(n["name"] + "_act")
            extra_in = None
            if a == "Prelu":
                alpha = self.consts[extra.pop(0)].astype(np.float32).reshape(-1, 1, 1)
                extra_in = self.init(n["name"] + "_alpha", alpha)
            self._activation(a, out, dst, n, extra_in)
            out = dst
        self.t[n["name"]] = (n["name"], "nchw", oshape)

    def op_Conv2D(self, n):
        self._conv(n, False)

    def op_FusedConv2D(self, n):
        self._conv(n, False)

    def op_DepthwiseConv2dNative(self, n):
        self._conv(n, True)

    def op_FusedDepthwiseConv2dNative(self, n):
        self._conv(n, True)

    def _pool(self, n, op):
        src = self.inputs_of(n)[0]
        x = self.as_nchw(src)
        _, _, xs = self.get(src)
        ks = attr_value(n, "ksize")
        st = attr_value(n, "strides")
        pad = attr_value(n, "padding", "VALID")
        if pad == "SAME":
            pt, pb = same_pads(xs[1], ks[1], st[1], 1)
            pl, pr = same_pads(xs[2], ks[2], st[2], 1)
        else:
            pt = pb = pl = pr = 0
        oh = (xs[1] + pt + pb - ks[1]) // st[1] + 1
        ow = (xs[2] + pl + pr - ks[2]) // st[2] + 1
        self.emit(op, [x], [n["name"]], kernel_shape=[ks[1], ks[2]], strides=[st[1], st[2]], pads=[pt, pl, pb, pr])
        self.t[n["name"]] = (n["name"], "nchw", [xs[0], oh, ow, xs[3]])

    def op_MaxPool(self, n):
        self._pool(n, "MaxPool")

    def op_AvgPool(self, n):
        self._pool(n, "AveragePool")

    def op_Pad(self, n):
        ins = self.inputs_of(n)
        _, layout, xs = self.get(ins[0])
        p = self.consts[ins[1]].astype(np.int64)
        value = float(self.consts[ins[2]]) if len(ins) > 2 else 0.0
        if len(xs) == 4:
            x = self.as_nchw(ins[0])
            order = [0, 3, 1, 2]
        else:
            x = self.get(ins[0])[0]
            order = list(range(len(xs)))
        pads = [int(p[a, 0]) for a in order] + [int(p[a, 1]) for a in order]
        self.emit("Pad", [x], [n["name"]], pads=pads, mode="constant", value=value)
        self.t[n["name"]] = (n["name"], "nchw" if len(xs) == 4 else "plain",
                             [s + int(p[i, 0] + p[i, 1]) for i, s in enumerate(xs)])

    op_PadV2 = op_Pad

    def _unary(self, n, op, **attrs):
        src = self.inputs_of(n)[0]
        oname, layout, shape = self.get(src)
        self.emit(op, [oname], [n["name"]], **attrs)
        self.t[n["name"]] = (n["name"], layout, shape)

    def op_Relu(self, n):
        self._unary(n, "Relu")

    def op_Relu6(self, n):
        self._unary(n, "Clip", min=0.0, max=6.0)

    def op_Sigmoid(self, n):
        self._unary(n, "Sigmoid")

    def op_Tanh(self, n):
        self._unary(n, "Tanh")

    def op_Elu(self, n):
        self._unary(n, "Elu", alpha=1.0)

    def op_LeakyRelu(self, n):
        self._unary(n, "LeakyRelu", alpha=float(attr_value(n, "alpha", 0.2)))

    def op_Softmax(self, n):
        src = self.inputs_of(n)[0]
        oname, layout, shape = self.get(src)
        if len(shape) != 2:
            raise ConvertError(f"{n['name']}: Softmax only supported on 2-D tensors")
        self._unary(n, "Softmax", axis=1)

    def _binary(self, n, op):
        a, b = self.inputs_of(n)[:2]
        if self.is_const(a) and self.is_const(b):
            f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide,
                 "Max": np.maximum, "Min": np.minimum}[op]
            self.consts[n["name"]] = f(self.consts[a], self.consts[b])
            return
        if self.is_const(a) or self.is_const(b):
            c, v = (a, b) if self.is_const(a) else (b, a)
            cval = np.asarray(self.consts[c], np.float32)
            oname, layout, shape = self.get(v)
            if op in ("Max", "Min") and cval.size == 1:
                kw = {"min": float(cval.reshape(-1)[0])} if op == "Max" else {"max": float(cval.reshape(-1)[0])}
                self.emit("Clip", [oname], [n["name"]], **kw)
                self.t[n["name"]] = (n["name"], layout, shape)
                return
            cname = self.const_for(cval, shape, layout, n["name"] + "_c")
            ins = [oname, cname] if v == a else [cname, oname]
            self.emit(op, ins, [n["name"]])
            out_shape = list(np.broadcast_shapes(tuple(shape), cval.shape))
            self.t[n["name"]] = (n["name"], layout, out_shape)
            return
        sa, sb = self.get(a)[2], self.get(b)[2]
        if len(sa) == 4 or len(sb) == 4:
            ia, ib = self.as_nchw(a), self.as_nchw(b)
            layout = "nchw"
        else:
            ia, ib = self.get(a)[0], self.get(b)[0]
            layout = "plain"
        self.emit(op, [ia, ib], [n["name"]])
        self.t[n["name"]] = (n["name"], layout, list(np.broadcast_shapes(tuple(sa), tuple(sb))))

    def op_Add(self, n):
        if n["name"] in self.prelu:
            self._emit_prelu(n)
            return
        self._binary(n, "Add")

    op_AddV2 = op_Add

    def op_Sub(self, n):
        self._binary(n, "Sub")

    def op_Mul(self, n):
        if n["name"] in self.l2:
            self._emit_l2norm(n)
            return
        self._binary(n, "Mul")

    def op_RealDiv(self, n):
        self._binary(n, "Div")

    def op_Maximum(self, n):
        self._binary(n, "Max")

    def op_Minimum(self, n):
        self._binary(n, "Min")

    def op_Reshape(self, n):
        ins = self.inputs_of(n)
        if self.is_const(ins[0]):
            self.consts[n["name"]] = self.consts[ins[0]].reshape(self.consts[ins[1]])
            return
        _, _, xs = self.get(ins[0])
        target = [int(s) for s in self.consts[ins[1]].reshape(-1)]
        total = int(np.prod(xs))
        if -1 in target:
            known = int(np.prod([s for s in target if s != -1]))
            if total % known:
                raise ConvertError(f"{n['name']}: cannot reshape {xs} to {target}")
            target[target.index(-1)] = total // known
        # Flattening must see NHWC element order, as TensorFlow does.
        x = self.as_nhwc(ins[0]) if len(xs) == 4 else self.get(ins[0])[0]
        self.emit("Reshape", [x, self.init(n["name"] + "_shape", np.array(target, np.int64))], [n["name"]])
        self.t[n["name"]] = (n["name"], "plain", target)

    def op_Squeeze(self, n):
        src = self.inputs_of(n)[0]
        _, _, xs = self.get(src)
        axes = attr_value(n, "squeeze_dims", []) or [i for i, s in enumerate(xs) if s == 1 and i > 0]
        axes = [a % len(xs) for a in axes]
        target = [s for i, s in enumerate(xs) if i not in axes]
        x = self.as_nhwc(src) if len(xs) == 4 else self.get(src)[0]
        self.emit("Reshape", [x, self.init(n["name"] + "_shape", np.array(target, np.int64))], [n["name"]])
        self.t[n["name"]] = (n["name"], "plain", target)

    def op_Mean(self, n):
        ins = self.inputs_of(n)
        _, _, xs = self.get(ins[0])
        axes = sorted(int(a) % len(xs) for a in np.asarray(self.consts[ins[1]]).reshape(-1))
        keep = bool(attr_value(n, "keep_dims", False))
        if len(xs) != 4 or axes != [1, 2]:
            raise ConvertError(f"{n['name']}: only spatial Mean over axes [1,2] of a 4-D tensor is supported")
        x = self.as_nchw(ins[0])
        pooled = n["name"] if keep else self.fresh(n["name"] + "_gap")
        self.emit("GlobalAveragePool", [x], [pooled])
        if keep:
            self.t[n["name"]] = (n["name"], "nchw", [xs[0], 1, 1, xs[3]])
        else:
            self.emit("Flatten", [pooled], [n["name"]], axis=1)
            self.t[n["name"]] = (n["name"], "plain", [xs[0], xs[3]])

    def _matmul(self, n):
        ins = self.inputs_of(n)
        oname, layout, xs = self.get(ins[0])
        if len(xs) != 2 or not self.is_const(ins[1]):
            raise ConvertError(f"{n['name']}: only 2-D MatMul with constant weights is supported")
        if attr_value(n, "transpose_a", False):
            raise ConvertError(f"{n['name']}: transpose_a is not supported")
        wmat = self.consts[ins[1]].astype(np.float32)
        if attr_value(n, "transpose_b", False):
            wmat = wmat.T
        # Stored as [N, K] with transB=1: the form OpenCV's InnerProduct import expects.
        gin = [oname, self.init(n["name"] + "_W", np.ascontiguousarray(wmat.T))]
        acts = []
        extra = ins[2:]
        for op in attr_value(n, "fused_ops", []) or []:
            if op == "BiasAdd":
                gin.append(self.init(n["name"] + "_B", self.consts[extra.pop(0)].astype(np.float32).reshape(-1)))
            else:
                acts.append(op)
        if len(gin) == 2:
            gin.append(self.init(n["name"] + "_B", np.zeros(wmat.shape[1], np.float32)))
        out = n["name"] if not acts else self.fresh(n["name"] + "_gemm")
        self.emit("Gemm", gin, [out], transB=1)
        for i, a in enumerate(acts):
            dst = n["name"] if i == len(acts) - 1 else self.fresh(n["name"] + "_act")
            extra_in = None
            if a == "Prelu":
                extra_in = self.init(n["name"] + "_alpha", self.consts[extra.pop(0)].astype(np.float32))
            self._activation(a, out, dst, n, extra_in)
            out = dst
        self.t[n["name"]] = (n["name"], "plain", [xs[0], wmat.shape[1]])

    op_MatMul = _matmul
    op_FusedMatMul = _matmul

    def op_BiasAdd(self, n):
        self._binary(n, "Add")

    def op_ConcatV2(self, n):
        ins = self.inputs_of(n)
        axis = int(self.consts[ins[-1]])
        parts = ins[:-1]
        shapes = [self.get(p)[2] for p in parts]
        rank = len(shapes[0])
        axis %= rank
        if rank == 4:
            names = [self.as_nchw(p) for p in parts]
            onnx_axis = [0, 2, 3, 1][axis]
            layout = "nchw"
        else:
            names = [self.get(p)[0] for p in parts]
            onnx_axis = axis
            layout = "plain"
        self.emit("Concat", names, [n["name"]], axis=onnx_axis)
        out = list(shapes[0])
        out[axis] = sum(s[axis] for s in shapes)
        self.t[n["name"]] = (n["name"], layout, out)

    # ---- pattern rewrites
    def _node(self, name):
        return self.nodes.get(name)

    def _l2_match(self, n):
        """Mul(x, Rsqrt(Maximum(Sum(Square(x), axes), eps))) -> (x, sum node, eps const, absorbed)."""
        ins = self.inputs_of(n)
        if len(ins) != 2:
            return None
        for x, r in (ins, ins[::-1]):
            rs = self._node(r)
            if not rs or rs["op"] != "Rsqrt":
                continue
            mx = self._node(self.inputs_of(rs)[0])
            if not mx or mx["op"] != "Maximum":
                continue
            mi = self.inputs_of(mx)
            sum_name = next((i for i in mi if self._node(i) and self._node(i)["op"] == "Sum"), None)
            eps_name = next((i for i in mi if self._node(i) and self._node(i)["op"] == "Const"), None)
            if sum_name is None or eps_name is None:
                continue
            sm = self._node(sum_name)
            sq = self._node(self.inputs_of(sm)[0])
            if not sq or sq["op"] != "Square" or self.inputs_of(sq)[0] != x:
                continue
            return x, sm, eps_name, [sq["name"], sm["name"], mx["name"], rs["name"]]
        return None

    def _emit_l2norm(self, n):
        x, sm, eps_name = self.l2[n["name"]]
        xo, layout, xs = self.get(x)
        if len(xs) != 2:
            raise ConvertError(f"{n['name']}: L2 normalisation only supported on 2-D tensors")
        axes = [int(a) % 2 for a in np.asarray(self.consts[self.inputs_of(sm)[1]]).reshape(-1)]
        norm = self.fresh(n["name"] + "_l2")
        self.emit("ReduceL2", [xo], [norm], axes=axes, keepdims=1)
        # TF computes x * rsqrt(max(sum(x^2), eps)); eps only matters for an all-but-zero vector.
        # It is dropped because OpenCV 4.6 loses the shape after a Clip and then rejects the
        # broadcasting Div; ReduceL2 -> Div imports and runs.
        self.emit("Div", [xo, norm], [n["name"]])
        self.t[n["name"]] = (n["name"], "plain", xs)

    def _prelu_match(self, add):
        """Add(Relu(x), Mul(Sub(x, Abs(x)), alpha)) -> (x, alpha const, [absorbed nodes])."""
        ins = self.inputs_of(add)
        if len(ins) != 2:
            return None
        for r, m in (ins, ins[::-1]):
            rn, mn = self._node(r), self._node(m)
            if not rn or not mn or rn["op"] != "Relu" or mn["op"] != "Mul":
                continue
            x = self.inputs_of(rn)[0]
            mi = self.inputs_of(mn)
            alpha = next((i for i in mi if i in self.nodes and self.nodes[i]["op"] == "Const"), None)
            sub = next((i for i in mi if self._node(i) and self._node(i)["op"] == "Sub"), None)
            if alpha is None or sub is None:
                continue
            si = self.inputs_of(self._node(sub))
            ab = self._node(si[1]) if len(si) == 2 else None
            if si[0] != x or not ab or ab["op"] != "Abs" or self.inputs_of(ab)[0] != x:
                continue
            absorbed = [r, m, sub, ab["name"]]
            # Only rewrite when the intermediates feed nothing else.
            if any(len(self.consumers.get(a, [])) != 1 for a in absorbed):
                continue
            return x, alpha, absorbed
        return None

    def _emit_prelu(self, add):
        x, alpha = self.prelu[add["name"]]
        oname, layout, xs = self.get(x)
        slope = 2.0 * np.asarray(self.consts[alpha], np.float32)
        if len(xs) == 4:
            xin = self.as_nchw(x)
            slope = slope.reshape(-1, 1, 1) if slope.size > 1 else slope.reshape(1, 1, 1)
        else:
            xin = oname
        self.emit("PRelu", [xin, self.init(add["name"] + "_slope", slope)], [add["name"]])
        self.t[add["name"]] = (add["name"], "nchw" if len(xs) == 4 else "plain", xs)

    def op_Abs(self, n):
        self._unary(n, "Abs")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_json")
    ap.add_argument("out")
    ap.add_argument("--input-shape", help="fixed NHWC input shape, e.g. 1,128,128,3 (default: from the model, batch 1)")
    args = ap.parse_args()
    with open(args.model_json) as f:
        mj = json.load(f)
    if mj.get("format") not in (None, "graph-model"):
        sys.exit(f"tfjs2onnx: {args.model_json} is a {mj.get('format')}, only graph-model is supported")
    try:
        weights = load_weights(mj, os.path.dirname(os.path.abspath(args.model_json)))
        shape = [int(s) for s in args.input_shape.split(",")] if args.input_shape else None
        model, inp, outs = Converter(mj, weights, shape).run()
    except ConvertError as e:
        sys.exit(f"tfjs2onnx: {args.model_json}: {e}")
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(model.SerializeToString(deterministic=True))
    os.replace(tmp, args.out)
    dims = [d.dim_value for d in inp.type.tensor_type.shape.dim]
    print(json.dumps({"input_name": inp.name, "input_shape": dims, "outputs": outs}))


if __name__ == "__main__":
    main()
