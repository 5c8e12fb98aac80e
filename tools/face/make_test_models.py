#!/usr/bin/python3
"""Writes the two tiny ONNX networks the face module's contract tests load (tests/data/face/).

  mean_colour.onnx  1x3xSxS -> 1x3: the mean of each input channel. Depends on its input, so it
                    passes the engine's contract checks as a (useless) 3-D embedder.
  constant.onnx     1x3xSxS -> 1x8: all ones whatever the input (a zero convolution plus bias), the
                    kind of broken network the contract check must refuse.
S is dynamic in neither: both are fixed at 112. Deterministic output (no random weights).
Usage: /usr/bin/python3 tools/face/make_test_models.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(graph, path):
    model = helper.make_model(graph, producer_name="ekyc-tests", opset_imports=[helper.make_opsetid("", 11)])
    model.ir_version = 6
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    x = helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 112, 112])
    y3 = helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 3])
    save(helper.make_graph([helper.make_node("GlobalAveragePool", ["input"], ["pooled"]),
                            helper.make_node("Flatten", ["pooled"], ["output"], axis=1)],
                           "mean_colour", [x], [y3]), os.path.join(out, "mean_colour.onnx"))
    w = numpy_helper.from_array(np.zeros((8, 3, 1, 1), np.float32), "w")
    b = numpy_helper.from_array(np.ones((8,), np.float32), "b")
    y8 = helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 8])
    save(helper.make_graph([helper.make_node("Conv", ["input", "w", "b"], ["conv"], kernel_shape=[1, 1]),
                            helper.make_node("GlobalAveragePool", ["conv"], ["pooled"]),
                            helper.make_node("Flatten", ["pooled"], ["output"], axis=1)],
                           "constant", [x], [y8], initializer=[w, b]), os.path.join(out, "constant.onnx"))


if __name__ == "__main__":
    main()
