// The ops that slide a window over an image [N, C, H, W] - Conv, MaxPool,
// AveragePool - as every frontend adds them to the graph (the YAML model
// format and the ONNX import share these rules, so the same network gives the
// same graph): the window's checks and output size, a Conv's weights, group
// and bias, and the layouts (image_layout.h): the input image read from
// storage of its own, the weights stored as conv_weight, the result an nhwc
// image. Each frontend reads the settings in its own syntax (ONNX attributes,
// YAML keys) and checks their count and range itself; every refusal here is
// one InputError through GraphBuilder::fail with the key the caller names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/frontend/graph_builder.h"

namespace tilesim::frontend {

// A window's settings in ONNX's terms, already of the right count and range
// (kernel and strides >= 1, dilations >= 1, pads >= 0).
struct WindowSettings {
  std::vector<std::int64_t> kernel;            // [KH, KW]
  std::vector<std::int64_t> strides{1, 1};     // [SH, SW]
  std::vector<std::int64_t> dilations{1, 1};   // [DH, DW]
  std::vector<std::int64_t> pads{0, 0, 0, 0};  // [top, left, bottom, right]
  bool ceil_mode = false;                      // pooling: the last partial window counts
  bool count_include_pad = false;              // AveragePool: padding counts in the divisor
};

// "[1, 2, 3]": dims or settings as messages show them.
std::string list_text(const std::vector<std::int64_t>& values);

// Refuses (at `key`) an input `x` that is not a rank-4 image.
void require_image(const GraphBuilder& b, const std::vector<std::int64_t>& x, const std::string& key);

// The window of `s` over image `x`; refused (at `key`) when x is no image or
// the window is larger than the padded input (an output of no pixel).
ir::Window make_window(const GraphBuilder& b, const WindowSettings& s, const std::vector<std::int64_t>& x,
                       const std::string& key);

// Refuses (at `key`) weights `w` that are not rank-4 [OC, C/group, KH, KW] in
// matrix layout or that another op reads too (they are stored as the GEMM
// operand, a layout no other op reads).
void check_conv_weights(const GraphBuilder& b, ir::TensorId w, const std::string& key);

struct ConvSpec {
  ir::TensorId x = ir::kNone, w = ir::kNone;
  ir::TensorId bias = ir::kNone;  // kNone: no bias
  ir::Window window;              // its group set, from make_window
  std::string name;               // the output tensor
  std::string key;                // where the input, weight and bias refusals point
  std::string group_key;          // where a group refusal points
  std::string group_subject;      // how it names the group ("attribute group"; "" when the key says it)
};

// Adds the Conv of `spec` (weights checked by check_conv_weights, window by
// make_window): refuses a group that does not divide C and OC or does not
// match the weights, and a bias that is not [OC]. Returns the nhwc result
// [N, OC, OH, OW].
ir::TensorId emit_conv(GraphBuilder& b, const ConvSpec& spec);

// Adds a MaxPool or AveragePool (`kind`) of image x over `window` (from
// make_window), writing `name` [N, C, OH, OW] in nhwc. An AveragePool
// without count_include_pad whose window holds only padding somewhere (its
// average would divide by zero) is refused at `key`.
ir::TensorId emit_pool(GraphBuilder& b, ir::OpKind kind, ir::TensorId x, const ir::Window& window,
                       const std::string& name, const std::string& key);

}  // namespace tilesim::frontend
