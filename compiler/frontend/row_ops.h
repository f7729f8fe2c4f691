// The graph the row ops become, shared by the YAML model format (softmax,
// layer_norm, reduce_*) and the ONNX import (onnx_rows.h), so both build the
// same graph: the rows are x's trailing dims from axis k on, flattened (x
// itself in matrix form when k is its last dim; a relayout view otherwise);
// a statistics op writes [.., R, 2], an apply op reads them; a result whose
// shape is not the rows' is a relayout view of them named `name`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/frontend/graph_builder.h"

namespace tilesim::frontend {

// Softmax over the dims from k on (k the last dim: ONNX Softmax-13).
ir::TensorId emit_softmax(GraphBuilder& b, ir::TensorId x, std::size_t k, const std::string& name,
                          const std::string& key);
// Layer normalization over the last dim; gamma (and beta, or ir::kNone) [C].
ir::TensorId emit_layer_norm(GraphBuilder& b, ir::TensorId x, ir::TensorId gamma, ir::TensorId beta, float epsilon,
                             const std::string& name, const std::string& key);
// The sum (times 1/C for a mean) or maximum over the dims from k on, with
// those dims kept as 1s or dropped. An image [N, C, H, W] reduced over H and
// W is read in its nchw storage when nothing has read it yet.
ir::TensorId emit_reduce(GraphBuilder& b, ir::OpKind kind, bool mean, ir::TensorId x, std::size_t k, bool keepdims,
                         const std::string& name, const std::string& key);

}  // namespace tilesim::frontend
