// Import of ONNX Concat (opsets 1-13 and later, whose float32 meaning is
// unchanged since Concat-4): inputs of one rank, equal dims but on `axis`,
// joined along it. `axis` is required from opset 4 (before: default 1) and
// may be negative (counted from the end) from opset 11. One input or more:
// graph inputs, initializers or computed tensors, in any layout.
//
// Lowering (docs/onnx.md, "Concat"): input i becomes a place view of the
// output's shape (ir::OpKind::Place) that shows it at offset o_i = the sum of
// the earlier inputs' dims on the axis and 0 elsewhere; the output is the sum
// of those views (Add ops, exact: x + 0 = x), so the DMA engine gathers every
// input into its place and the compute unit adds. One input is a relayout
// view of itself (no EXEC). An input that is itself a view (a Flatten's, a
// Transpose's) is first copied by a scale-by-1 EXEC: a view shows a tensor
// with storage. The output is nhwc when it is an image and some
// input is nhwc (a convolution's result), else a matrix.
//
// Refusals, each one InputError naming the node: no axis (opset 4 on), a
// scalar input, inputs of different ranks, an axis outside [-r, r-1] ([0,
// r-1] before opset 11), dims that differ off the axis. No inputs is refused
// by onnx_node_rules.h.
#pragma once

#include <string>

#include "compiler/frontend/onnx_graph_builder.h"
#include "compiler/frontend/onnx_node_rules.h"

namespace tilesim::frontend {

// Imports `node` when it is a Concat and returns true; false (and nothing
// done) for any other op.
bool import_concat(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                   const std::string& key);

}  // namespace tilesim::frontend
