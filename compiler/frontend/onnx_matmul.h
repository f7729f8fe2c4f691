// Import of the ONNX ops the matmul array runs (called by onnx_loader.cpp
// after onnx_node_rules.h has checked the node):
//   MatMul     rank 2; rank 3-4 with equal batch dims or a 2-D right operand;
//              an image operand is read in matrix layout (onnx_image.h)
//   Gemm       alpha, beta, transA, transB; C of [], [1], [N], [1, N] or
//              [M, N] (onnx_broadcast.h): op(A) @ op(B), a Scale by alpha,
//              an Add of C, itself scaled by beta
//   Transpose  a swap of the last two dims of a graph input or initializer
//              in matrix layout: a view every LOAD transposes (transA and
//              transB are the same view)
// Every refusal is one InputError naming the node.
#pragma once

#include <string>

#include "compiler/frontend/onnx_graph_builder.h"
#include "compiler/frontend/onnx_node_rules.h"

namespace tilesim::frontend {

// Imports `node` when it is a MatMul, Gemm or Transpose and returns true;
// returns false (and does nothing) for any other op.
bool import_matmul(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                   const std::string& key);

}  // namespace tilesim::frontend
