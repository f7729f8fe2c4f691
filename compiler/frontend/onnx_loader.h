// The ONNX frontend: a model exported from PyTorch or another framework
// becomes an ir::Graph, read with the protobuf classes of Debian's libonnx-dev.
//
// Supported, and computed on the simulated hardware: MatMul (rank 2, and
// rank 3-4 with equal batch dims or a shared 2-D right operand), Gemm (alpha,
// beta, transA, transB; C of shape [], [1], [N], [1,N] or [M,N]), Transpose of
// the last two dims of a graph input or initializer, Relu and Add of any rank
// (Add broadcasting a trailing-dims operand, a row or a scalar).
//
// Nothing is guessed: the file as a whole (onnx_model.h: size, opset, fields
// onnx.proto lacks, sparse initializers, functions), every node against its
// op in the model's opset (onnx_node_rules.h), every initializer's values
// (onnx_tensor.h), the size limits shared with the YAML frontend
// (size_limits.h), and the declared types of inputs, outputs and value_info
// against what the import computes. Anything else - another op, a dtype other
// than float32, a dynamic dimension - is one InputError naming the file, the
// node (name and op type) or tensor, and what was expected. docs/onnx.md lists
// every field and what is done with it.
#pragma once

#include <string>

#include "compiler/ir/graph.h"

namespace tilesim::frontend {

ir::Graph load_onnx(const std::string& path);

// load_onnx for *.onnx, load_model (YAML) otherwise.
ir::Graph load_any_model(const std::string& path);

}  // namespace tilesim::frontend
