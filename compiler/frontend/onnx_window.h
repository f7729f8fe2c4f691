// The sliding window of an ONNX Conv or pooling node: its attributes
// (kernel_shape, strides, dilations, pads, auto_pad) checked against the
// input image and turned into an ir::Window, or an InputError naming the node
// and the attribute. Only 2-D windows over [N, C, H, W] images exist here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/frontend/graph_builder.h"
#include "compiler/frontend/onnx_node_rules.h"
#include "compiler/ir/graph.h"

namespace tilesim::frontend {

// `x` is the input's dims; `kernel` the kernel's [KH, KW] (a Conv's from its
// weights, a pooling node's from kernel_shape). Pads follow auto_pad:
// SAME_UPPER/SAME_LOWER pad to an output of ceil(in / stride), the odd pixel
// at the end (UPPER) or the start (LOWER); VALID pads nothing. The window's
// own checks and size are window_ops.h make_window's.
ir::Window onnx_window(const NodeAttributes& attributes, const std::vector<std::int64_t>& x,
                       const std::vector<std::int64_t>& kernel, const GraphBuilder& builder, const std::string& key);

}  // namespace tilesim::frontend
