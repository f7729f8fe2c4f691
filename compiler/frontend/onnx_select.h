// Import of the ONNX ops that select elements of a computed tensor (issue
// 14): each becomes a Permute or Slice view (image_layout.h select_view(),
// ir::OpKind::Permute), which the DMA gathers from the tensor in DRAM; no
// EXEC. Called by onnx_loader.cpp after onnx_node_rules.h has checked the
// node and the constant folder (onnx_constant_folding.h) has declined it
// (its data is not a constant):
//   Transpose  any permutation `perm` (default: the dims reversed); the swap
//              of the last two dims of a graph input or initializer stays the
//              transposing LOAD (onnx_matmul.cpp), everything else is a
//              Permute view (identity: the same tensor).
//   Slice      per sliced axis a Slice view with ONNX's clamping (negative
//              starts and ends from the end, any step but 0); several sliced
//              axes chain through copies (a view never shows a view).
//   Split      one Slice view per output along `axis`.
//   Gather     constant indices on `axis` (negative from the end): one index
//              or indices evenly spaced (a strided Slice view); the output's
//              dims are data's with the axis replaced by the indices' dims (a
//              scalar index drops the axis).
// Settings (starts, ends, axes, steps, split, indices) must be constants
// (initializers, Constant nodes or folded from them); a selection of no
// elements, an axis out of range and an index out of bounds are refused.
// Each refusal is one InputError naming the node and the setting.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/frontend/onnx_constant_folding.h"
#include "compiler/frontend/onnx_graph_builder.h"
#include "compiler/frontend/onnx_node_rules.h"

namespace tilesim::frontend {

// Imports `node` when it is a Gather, Slice or Split and returns true;
// returns false (and does nothing) for any other op.
bool import_select(OnnxGraphBuilder& builder, ConstantFolder& folder, const onnx::NodeProto& node,
                   const NodeAttributes& attributes, const std::string& key);

// x's dims permuted by `perm` (a permutation of them, checked by the caller)
// as tensor `name`: a Permute view, or x itself under `name` for the identity.
ir::TensorId permuted(GraphBuilder& builder, ir::TensorId x, const std::vector<std::int64_t>& perm,
                      const std::string& name, const std::string& key);

}  // namespace tilesim::frontend
