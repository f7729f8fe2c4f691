// Import of the ONNX ops on images [N, C, H, W] into the graph IR, and the
// layout rules every op importer follows when it touches an image (called by
// onnx_loader.cpp after onnx_node_rules.h has checked the node):
//   Conv                2-D, the window from onnx_window.h, group, bias; a
//                       graph input it reads first is stored as nchw, its
//                       weights (an initializer) become conv_weight (so they
//                       may feed only it) and its output is an nhwc image
//   BatchNormalization  onnx_batch_norm.h
//   Flatten             a relayout view [outer, inner]
// The layouts and checks are the shared ones of image_layout.h and
// window_ops.h, which the YAML model format uses too.
#pragma once

#include <string>

#include "compiler/frontend/image_layout.h"
#include "compiler/frontend/onnx_graph_builder.h"
#include "compiler/frontend/onnx_node_rules.h"

namespace tilesim::frontend {

// Imports `node` when it is a Conv, BatchNormalization or Flatten and
// returns true; returns false (and does nothing) for any other op.
bool import_image(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                  const std::string& key);

}  // namespace tilesim::frontend
