// Import of the ONNX element-wise ops, activations and pass-through ops into
// the graph IR (called by onnx_loader.cpp for every node, after
// onnx_node_rules.h has checked its inputs, outputs and attributes):
//   Add, Sub, Mul       numpy broadcasting from opset 7 (before: the old
//                       broadcast/axis attributes, onnx_broadcast.h)
//   Max, Min            1 or more inputs, folded left into binary ops; one
//                       input passes through; equal shapes before opset 8
//   Relu, LeakyRelu (alpha, 0.01), Sigmoid, Tanh, HardSigmoid (alpha 0.2,
//   beta 0.5), HardSwish (opset 14)
//   Clip                bounds as attributes before opset 11 (absent: -inf
//                       and inf in opsets 1-5, -FLT_MAX and FLT_MAX in 6-10),
//                       as scalar inputs from 11 (absent: -inf, inf). Constant
//                       bounds make one clip op; a bound known only at run
//                       time makes max(x, min) and min(., max) ops instead
//   Identity, Dropout   the output is the input: another name for the same
//                       tensor, or a copy (a scale by 1, exact) when the
//                       output is a graph output. Dropout is refused in
//                       training mode (is_test 0 before opset 7, a
//                       training_mode input not a constant false) and when
//                       its mask output is read
//   Constant            an initializer holding its value (value, value_float,
//                       value_floats, value_int, value_ints; sparse and
//                       string values are refused)
// Every refusal is one InputError naming the node.
#pragma once

#include <string>

#include "compiler/frontend/onnx_graph_builder.h"
#include "compiler/frontend/onnx_node_rules.h"

namespace tilesim::frontend {

// Imports `node` when its op is one of the above and returns true; returns
// false (and does nothing) for any other op.
bool import_elementwise(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                        const std::string& key);

}  // namespace tilesim::frontend
