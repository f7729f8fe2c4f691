// Import of the ONNX arithmetic and transcendental ops of issue 14 into the
// graph IR (called by onnx_loader.cpp after onnx_node_rules.h has checked the
// node, and after constant folding had its chance):
//   Div                 numpy broadcasting as Add (the old broadcast/axis
//                       attributes before opset 7). By a constant scalar c
//                       it is a Scale by 1/c only when c is a power of two
//                       (1/c exact, so x * (1/c) is x / c bit for bit, as
//                       PyTorch computes it); otherwise a div EXEC
//   Pow                 the exponent a constant scalar: 2 is Mul(x, x), 0.5
//                       is Sqrt (PyTorch does the same), anything else a pow
//                       op with the exponent as its constant; an exponent
//                       computed by the graph is refused
//   Sqrt, Reciprocal, Exp, Neg, Erf   one unary op each
//   Gelu (opset 20)     approximation "none" or "tanh"
//   Where               a constant BOOL condition (an initializer, a Constant
//                       or folded) and one of X, Y a constant scalar: a where
//                       op of the other and the condition's 0/1 mask (negated
//                       when the other is Y), the scalar its constant; a
//                       computed condition, or two tensors, are refused
// Every refusal is one InputError naming the node and the input.
#pragma once

#include <string>

#include "compiler/frontend/onnx_graph_builder.h"
#include "compiler/frontend/onnx_node_rules.h"

namespace tilesim::frontend {

// Imports `node` when its op is one of the above and returns true; returns
// false (and does nothing) for any other op.
bool import_math(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                 const std::string& key);

}  // namespace tilesim::frontend
