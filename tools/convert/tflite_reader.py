"""Minimal read-only TFLite flatbuffer reader (no generated schema needed).

Reads the tables a float CNN needs: Model, SubGraph, Tensor, Operator, Buffer, OperatorCode,
QuantizationParameters and the builtin options unions used by face models. Field numbers follow
tensorflow/lite/schema/schema.fbs. Shared by tflite2onnx.py (graph building) and
tflite_reference.py (independent NHWC interpreter); only parsing is shared.
"""
import struct

import numpy as np

BUILTIN_NAMES = {
    0: "ADD", 1: "AVERAGE_POOL_2D", 2: "CONCATENATION", 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D",
    6: "DEQUANTIZE", 9: "FULLY_CONNECTED", 11: "L2_NORMALIZATION", 14: "LOGISTIC",
    17: "MAX_POOL_2D", 18: "MUL", 19: "RELU", 21: "RELU6", 22: "RESHAPE", 25: "SOFTMAX",
    28: "TANH", 34: "PAD", 39: "TRANSPOSE", 40: "MEAN", 41: "SUB", 42: "DIV", 43: "SQUEEZE",
    54: "PRELU", 55: "MAXIMUM", 75: "SQRT", 76: "RSQRT", 74: "SUM", 92: "SQUARE",
}
# TensorType -> numpy dtype
TENSOR_TYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 6: np.bool_,
                7: np.int16, 9: np.int8}
ACTIVATIONS = {0: None, 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH"}


class Table:
    """A flatbuffer table at absolute position `pos` in `buf`."""

    def __init__(self, buf, pos):
        self.buf, self.pos = buf, pos
        vt = pos - struct.unpack_from("<i", buf, pos)[0]
        self.vt_len = struct.unpack_from("<H", buf, vt)[0]
        self.vt = vt

    def _off(self, field):
        o = 4 + 2 * field
        if o >= self.vt_len:
            return 0
        return struct.unpack_from("<H", self.buf, self.vt + o)[0]

    def scalar(self, field, fmt, default=0):
        o = self._off(field)
        return default if o == 0 else struct.unpack_from("<" + fmt, self.buf, self.pos + o)[0]

    def _ref(self, field):
        o = self._off(field)
        if o == 0:
            return None
        p = self.pos + o
        return p + struct.unpack_from("<I", self.buf, p)[0]

    def table(self, field):
        p = self._ref(field)
        return None if p is None else Table(self.buf, p)

    def string(self, field):
        p = self._ref(field)
        if p is None:
            return None
        n = struct.unpack_from("<I", self.buf, p)[0]
        return bytes(self.buf[p + 4:p + 4 + n]).decode("utf-8", "replace")

    def vector_raw(self, field):
        """(start, length) of a vector, or None."""
        p = self._ref(field)
        if p is None:
            return None
        return p + 4, struct.unpack_from("<I", self.buf, p)[0]

    def vector_scalars(self, field, dtype):
        v = self.vector_raw(field)
        if v is None:
            return None
        start, n = v
        return np.frombuffer(self.buf, dtype=np.dtype(dtype).newbyteorder("<"), count=n, offset=start).copy()

    def vector_tables(self, field):
        v = self.vector_raw(field)
        if v is None:
            return []
        start, n = v
        out = []
        for i in range(n):
            p = start + 4 * i
            out.append(Table(self.buf, p + struct.unpack_from("<I", self.buf, p)[0]))
        return out


class TfTensor:
    def __init__(self, t, buffers, buf):
        self.shape = [int(s) for s in t.vector_scalars(0, np.int32)] if t.vector_raw(0) else []
        self.type = t.scalar(1, "b", 0)
        self.buffer = t.scalar(2, "I", 0)
        self.name = t.string(3) or ""
        q = t.table(4)
        self.scale = self.zero_point = None
        if q is not None:
            self.scale = q.vector_scalars(2, np.float32)
            self.zero_point = q.vector_scalars(3, np.int64)
            self.quant_dim = q.scalar(6, "i", 0)
        self.data = None
        b = buffers[self.buffer] if self.buffer < len(buffers) else None
        if b is not None:
            raw = b.vector_raw(0)
            if raw is not None and raw[1] > 0:
                dt = TENSOR_TYPES[self.type]
                arr = np.frombuffer(buf, dtype=np.dtype(dt).newbyteorder("<"), count=raw[1] // np.dtype(dt).itemsize,
                                    offset=raw[0]).copy()
                self.data = arr.reshape(self.shape) if self.shape else arr

    def float_data(self):
        """Constant data as float32, dequantising fp16/int8/uint8 weights."""
        if self.data is None:
            return None
        d = self.data
        if d.dtype == np.float32:
            return d
        if d.dtype == np.float16:
            return d.astype(np.float32)
        if self.scale is not None and len(self.scale) > 0:
            s, z = self.scale.astype(np.float32), self.zero_point.astype(np.float32)
            if len(s) > 1:
                shp = [1] * d.ndim
                shp[self.quant_dim] = -1
                s, z = s.reshape(shp), z.reshape(shp)
            return ((d.astype(np.float32) - z) * s).astype(np.float32)
        return d.astype(np.float32)


class TfOp:
    def __init__(self, o, opcodes):
        self.opcode = opcodes[o.scalar(0, "I", 0)]
        self.name = BUILTIN_NAMES.get(self.opcode, "OP_%d" % self.opcode)
        self.inputs = [int(i) for i in o.vector_scalars(1, np.int32)]
        self.outputs = [int(i) for i in o.vector_scalars(2, np.int32)]
        self.options_type = o.scalar(3, "B", 0)
        self.options = o.table(4)
        self.opt = self._parse_options()

    def _parse_options(self):
        t, n = self.options, self.name
        if t is None:
            return {}
        if n == "CONV_2D":
            return dict(padding=t.scalar(0, "b"), stride_w=t.scalar(1, "i"), stride_h=t.scalar(2, "i"),
                        act=ACTIVATIONS[t.scalar(3, "b")], dil_w=t.scalar(4, "i", 1), dil_h=t.scalar(5, "i", 1))
        if n == "DEPTHWISE_CONV_2D":
            return dict(padding=t.scalar(0, "b"), stride_w=t.scalar(1, "i"), stride_h=t.scalar(2, "i"),
                        depth_multiplier=t.scalar(3, "i"), act=ACTIVATIONS[t.scalar(4, "b")],
                        dil_w=t.scalar(5, "i", 1), dil_h=t.scalar(6, "i", 1))
        if n in ("ADD", "MUL", "SUB", "DIV", "L2_NORMALIZATION"):
            return dict(act=ACTIVATIONS[t.scalar(0, "b")])
        if n == "FULLY_CONNECTED":
            return dict(act=ACTIVATIONS[t.scalar(0, "b")], weights_format=t.scalar(1, "b"),
                        keep_num_dims=bool(t.scalar(2, "B")))
        if n == "RESHAPE":
            v = t.vector_scalars(0, np.int32)
            return dict(new_shape=None if v is None else [int(x) for x in v])
        if n in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
            return dict(padding=t.scalar(0, "b"), stride_w=t.scalar(1, "i"), stride_h=t.scalar(2, "i"),
                        filter_w=t.scalar(3, "i"), filter_h=t.scalar(4, "i"), act=ACTIVATIONS[t.scalar(5, "b")])
        if n == "CONCATENATION":
            return dict(axis=t.scalar(0, "i"), act=ACTIVATIONS[t.scalar(1, "b")])
        if n in ("MEAN", "SUM"):
            return dict(keep_dims=bool(t.scalar(0, "B")))
        if n == "SQUEEZE":
            v = t.vector_scalars(0, np.int32)
            return dict(squeeze_dims=[] if v is None else [int(x) for x in v])
        return {}


class TfModel:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.buf = f.read()
        root = Table(self.buf, struct.unpack_from("<I", self.buf, 0)[0])
        self.version = root.scalar(0, "I")
        self.opcodes = []
        for oc in root.vector_tables(1):
            dep = oc.scalar(0, "b", 0)
            code = oc.scalar(3, "i", 0)
            self.opcodes.append(max(dep, code))
        buffers = root.vector_tables(4)
        sg = root.vector_tables(2)[0]
        self.tensors = [TfTensor(t, buffers, self.buf) for t in sg.vector_tables(0)]
        self.inputs = [int(i) for i in sg.vector_scalars(1, np.int32)]
        self.outputs = [int(i) for i in sg.vector_scalars(2, np.int32)]
        self.ops = [TfOp(o, self.opcodes) for o in sg.vector_tables(3)]


if __name__ == "__main__":
    import collections
    import sys
    m = TfModel(sys.argv[1])
    print("inputs", [(m.tensors[i].name, m.tensors[i].shape) for i in m.inputs])
    print("outputs", [(m.tensors[i].name, m.tensors[i].shape) for i in m.outputs])
    print(collections.Counter(op.name for op in m.ops))
    print(collections.Counter(TENSOR_TYPES[t.type].__name__ for t in m.tensors))
    for op in m.ops[:12]:
        print(op.name, [m.tensors[i].shape for i in op.inputs], "->", [m.tensors[i].shape for i in op.outputs], op.opt)
