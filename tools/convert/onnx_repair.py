#!/usr/bin/python3
"""Repairs ONNX files that OpenCV 4.6's importer rejects, without changing what they compute.

* Dynamic input dims -> fixed (--input-shape). OpenCV 4.6 needs static shapes, e.g. to resolve
  Shape -> Slice -> Concat -> Reshape chains (PP-OCR's classifier) and Resize scales.
* Clip with min/max given as inputs (opset >= 11) -> min/max attributes. OpenCV 4.6's parseClip
  accepts only the single-input form. The inputs must be constants (Constant nodes or
  initializers); anything else stops with an error.
* Output dims are re-derived by ONNX shape inference so they are fixed too.

Usage: onnx_repair.py IN.onnx OUT.onnx --input-shape 1,3,H,W
Prints a JSON summary (input name/shape, output names, what was repaired) on stdout.
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def constant_values(graph):
    vals = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    for n in graph.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    vals[n.output[0]] = numpy_helper.to_array(a.t)
    return vals


def repair(model, input_shape):
    g = model.graph
    notes = []
    init_names = {i.name for i in g.initializer}
    real_inputs = [i for i in g.input if i.name not in init_names]
    if len(real_inputs) != 1:
        raise SystemExit(f"onnx_repair: expected one graph input, found {len(real_inputs)}")
    inp = real_inputs[0]
    dims = inp.type.tensor_type.shape.dim
    if len(dims) != len(input_shape):
        raise SystemExit(f"onnx_repair: input {inp.name} has rank {len(dims)}, --input-shape gives {len(input_shape)}")
    for d, v in zip(dims, input_shape):
        if d.HasField("dim_value") and d.dim_value != v:
            raise SystemExit(f"onnx_repair: input dim fixed at {d.dim_value} in the model, --input-shape says {v}")
        if not d.HasField("dim_value"):
            notes.append(f"input dim {d.dim_param or '?'} -> {v}")
        d.Clear()
        d.dim_value = v

    # Fixed output dims from shape inference (before the Clip rewrite, which
    # opset-11 inference would not accept).
    del g.value_info[:]
    try:
        inferred = onnx.shape_inference.infer_shapes(model)
        by_name = {o.name: o for o in inferred.graph.output}
        for o in g.output:
            io = by_name.get(o.name)
            if io is not None and all(d.HasField("dim_value") for d in io.type.tensor_type.shape.dim):
                o.type.CopyFrom(io.type)
    except Exception as e:  # inference is only cosmetic here
        notes.append(f"shape inference skipped: {e}")

    consts = constant_values(g)
    clips = 0
    for n in g.node:
        if n.op_type != "Clip" or len(n.input) <= 1:
            continue
        for idx, attr in ((1, "min"), (2, "max")):
            if idx < len(n.input) and n.input[idx]:
                if n.input[idx] not in consts:
                    raise SystemExit(f"onnx_repair: Clip {n.name} has a non-constant {attr}; cannot repair")
                n.attribute.append(helper.make_attribute(attr, float(np.asarray(consts[n.input[idx]]).reshape(-1)[0])))
        del n.input[1:]
        clips += 1
    if clips:
        notes.append(f"{clips} Clip nodes: min/max inputs -> attributes")

    # Drop constants nothing reads any more (the Clip bounds).
    used = {i for n in g.node for i in n.input} | {o.name for o in g.output}
    keep = [n for n in g.node if n.op_type != "Constant" or n.output[0] in used]
    if len(keep) != len(g.node):
        del g.node[:]
        g.node.extend(keep)
    dead_inits = [i for i in g.initializer if i.name not in used]
    for i in dead_inits:
        g.initializer.remove(i)

    return inp.name, notes


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--input-shape", required=True)
    args = ap.parse_args()
    shape = [int(s) for s in args.input_shape.split(",")]
    model = onnx.load(args.src)
    name, notes = repair(model, shape)
    # No onnx.checker here: Clip with attributes is not valid opset-11 ONNX, but it is what OpenCV 4.6 reads.
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(model.SerializeToString(deterministic=True))
    os.replace(tmp, args.out)
    outs = [{"name": o.name, "shape": [d.dim_value if d.HasField("dim_value") else -1 for d in o.type.tensor_type.shape.dim]}
            for o in model.graph.output]
    print(json.dumps({"input_name": name, "input_shape": shape, "outputs": outs, "repairs": notes}))


if __name__ == "__main__":
    main()
