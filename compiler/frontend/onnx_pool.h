// Import of the ONNX pooling ops into the graph IR (called by onnx_loader.cpp
// for every node, after onnx_node_rules.h has checked its attributes):
//   MaxPool            kernel_shape (required), strides, pads or auto_pad,
//                      dilations and ceil_mode (opset 10 on); storage_order
//                      and the Indices output only while Indices is not read
//   AveragePool        the same, count_include_pad (opset 7 on), dilations
//                      (opset 19 on)
//   GlobalMaxPool,     a window of the whole image: kernel [H, W]
//   GlobalAveragePool
//   Pad                constant zero padding of an image's H and W (PyTorch's
//                      AvgPool2d(count_include_pad=True) emits Pad +
//                      AveragePool), pads as an attribute before opset 11, a
//                      constant INT64 input from 11: folded into the
//                      AveragePool that reads it (count_include_pad); all-zero
//                      pads name the input again. Any other mode, value or
//                      reader is refused
// Each pooling op becomes one ir MaxPool or AveragePool op over an image [N, C, H, W]
// giving [N, C, OH, OW] in nhwc. A window that holds no input pixel is
// refused for AveragePool without count_include_pad (its average divides by
// zero). Every refusal is one InputError naming the node.
#pragma once

#include <string>

#include "compiler/frontend/onnx_graph_builder.h"
#include "compiler/frontend/onnx_node_rules.h"

namespace tilesim::frontend {

// Imports `node` when its op is a pooling op or Pad and returns true; returns false
// (and does nothing) for any other op.
bool import_pool(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                 const std::string& key);

}  // namespace tilesim::frontend
