// Import of the ONNX row reductions into the graph IR (called by
// onnx_loader.cpp for every node, after onnx_node_rules.h has checked its
// attributes). Each reduces rows: the trailing dims from an axis on,
// flattened (a relayout view when they are not the last dim alone):
//   Softmax             opset 13 on: any axis (another than the last is
//                       swapped with it by permute views); before 13:
//                       any axis, over the dims from it on (ONNX's coerced
//                       2-D meaning). SoftmaxStats + Softmax
//   LayerNormalization  opset 17: axis -1 (or rank-1), epsilon, Scale [C],
//                       optional B [C]; outputs Mean and InvStdDev unread.
//                       LayerNormStats + LayerNorm
//   ReduceSum, ReduceMean, ReduceMax
//                       axes (an attribute before opset 13 / 18, a constant
//                       INT64 input from it) that are the trailing dims
//                       (the last one, or H and W of an image), keepdims 0
//                       or 1. ReduceSum or ReduceMax (a mean: ReduceSum
//                       with scale 1/C)
// Every refusal is one InputError naming the node and the attribute.
#pragma once

#include <string>

#include "compiler/frontend/onnx_graph_builder.h"
#include "compiler/frontend/onnx_node_rules.h"

namespace tilesim::frontend {

// Imports `node` when its op is one of the above and returns true; returns
// false (and does nothing) for any other op.
bool import_rows(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                 const std::string& key);

}  // namespace tilesim::frontend
