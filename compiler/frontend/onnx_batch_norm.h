// Import of an inference BatchNormalization (called by onnx_image.cpp):
//   Y = (X - input_mean) / sqrt(input_var + epsilon) * scale + B
// per channel (axis 1 of X [N, C, ...]), the four statistics initializers of
// [C]. `momentum` is training's and ignored; training is refused: is_test 0
// before opset 7, training_mode 1 from opset 14 (onnx_node_rules.h), and
// any output beyond Y (running or saved statistics) that something reads.
//
// s = scale / sqrt(var + epsilon) and t = B - mean * s are computed at import
// in double precision, then
//  1. after a Conv whose result only this node reads: folded into the Conv,
//     w' = w * s per output channel and b' = (b - mean) * s + B, and the Conv
//     writes Y (one pass: Conv, BN and a following ReLU fuse as a matmul);
//  2. after a MatMul - alone, or the product of a Gemm or of x @ W + c with a
//     constant c of [], [1], [N], [1, N] or [M, N] - on a rank-2 X, whose
//     product only this node reads and whose B is a 2-D initializer only it
//     reads: folded into B's columns (its rows under transB) and the bias, c'
//     = (c - mean) * s + B, or an added t when there is no c;
//  3. otherwise a per-channel scale and shift on the compute unit: Mul by s,
//     then Add of t, both of X's layout (onnx_image.h): for an image a row of
//     nhwc storage or a column of nchw storage (a graph input BN reads first
//     is stored as nchw), for a matrix [N, C] a row [C].
// Refused, one InputError naming the node: statistics that are not constants
// of [C], a non-finite statistic, var + epsilon <= 0, and an s or t beyond
// float32.
#pragma once

#include <string>

#include "compiler/frontend/onnx_graph_builder.h"
#include "compiler/frontend/onnx_node_rules.h"

namespace tilesim::frontend {

void import_batch_norm(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                       const std::string& key);

}  // namespace tilesim::frontend
