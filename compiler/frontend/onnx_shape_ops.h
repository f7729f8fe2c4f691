// Import of the ONNX ops that give a tensor another shape but keep its
// elements in row-major order of the true dims (PyTorch's view semantics,
// also for an image stored nhwc): each becomes a relayout view (onnx_image.h
// relayout()), which the DMA gathers; no EXEC. Called by onnx_loader.cpp
// after onnx_node_rules.h has checked the node.
//   Reshape    the shape: a constant INT64 [k] input (an initializer or a
//              Constant node's value; before opset 5 the `shape` attribute).
//              0 copies the input's dim at that index, -1 (at most one) is
//              inferred; with allowzero=1 (opset 14) a 0 is a dim of 0, which
//              tilesim refuses (no empty tensors). The product must be the
//              input's element count.
//   Squeeze    axes: the attribute before opset 13, an optional constant
//              INT64 input from 13; negative (from the end) from opset 11.
//              Each names a dim of 1, once; no axes: every dim of 1 goes.
//   Unsqueeze  axes (the same, required): where the new dims of 1 stand in
//              the output, negative counting from the output's end.
// A shape or axes input that is not a constant is refused, as is any value
// out of range; each refusal is one InputError naming the node.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/frontend/onnx_graph_builder.h"
#include "compiler/frontend/onnx_node_rules.h"

namespace tilesim::frontend {

// Imports `node` when it is a Reshape, Squeeze or Unsqueeze and returns true;
// returns false (and does nothing) for any other op.
bool import_shape_op(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                     const std::string& key);

// The output dims of Reshape, Squeeze or Unsqueeze `node` for input dims
// `dims`, with the checks and refusals import_shape_op makes; its shape or
// axes input is read through constant(). The constant folder
// (onnx_constant_folding.h) reshapes constants with it.
std::vector<std::int64_t> shape_op_dims(OnnxGraphBuilder& builder, const onnx::NodeProto& node,
                                        const NodeAttributes& attributes, std::vector<std::int64_t> dims,
                                        const std::string& key);

// The values of input `index` of `node`, a constant 1-D INT64 tensor (an
// initializer or a Constant node's value): its values in raw_data or
// int64_data, as many as its dims give. Else an InputError naming the node,
// the input as `what` ("shape", "axes") and "a constant `what` (initializer
// or Constant)".
std::vector<std::int64_t> constant_ints(const OnnxGraphBuilder& builder, const onnx::NodeProto& node, int index,
                                        const std::string& what, const std::string& key);

}  // namespace tilesim::frontend
