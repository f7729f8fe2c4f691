#include "compiler/frontend/window_ops.h"

#include <algorithm>

#include "compiler/frontend/image_layout.h"

namespace tilesim::frontend {

namespace {

using ir::Layout;
using ir::Shape;
using ir::TensorId;

// The first output pixel (row-major) whose window holds no input pixel, as
// "(oh, ow)"; empty when every window holds one. A window is empty when its
// rows or its columns are, so one pass over each axis finds it (not one per
// pixel: a huge image must not cost a loop over all its outputs).
std::string empty_window(const ir::Window& w, std::int64_t h, std::int64_t wd) {
  std::int64_t row = -1, col = -1;
  for (std::int64_t oh = 0; oh < w.out_h(h) && row < 0; ++oh) {
    if (w.taps_h(oh, h, false) == 0) row = oh;
  }
  for (std::int64_t ow = 0; ow < w.out_w(wd) && col < 0; ++ow) {
    if (w.taps_w(ow, wd, false) == 0) col = ow;
  }
  if (row < 0 && col < 0) return "";
  const std::int64_t oh = col >= 0 || row == 0 ? 0 : row;
  const std::int64_t ow = row == 0 ? 0 : std::max<std::int64_t>(col, 0);
  return "(" + std::to_string(oh) + ", " + std::to_string(ow) + ")";
}

void check_group(const GraphBuilder& b, const ConvSpec& spec) {
  const std::vector<std::int64_t> xd = b.tensor(spec.x).shape.dims(), wd = b.tensor(spec.w).shape.dims();
  const std::int64_t group = spec.window.group;
  if (group < 1 || xd[1] % group != 0 || wd[0] % group != 0 || wd[1] * group != xd[1]) {
    b.fail(spec.group_key,
           (spec.group_subject.empty() ? "" : spec.group_subject + " ") + "is " + std::to_string(group) +
               " for input " + ir::to_string(b.tensor(spec.x).shape) + " and weights " +
               ir::to_string(b.tensor(spec.w).shape),
           "a group count dividing the input channels (C) and the output channels (OC), with weights [OC, C/group, "
           "KH, KW]");
  }
}

}  // namespace

std::string list_text(const std::vector<std::int64_t>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + std::to_string(values[i]);
  return text + "]";
}

void require_image(const GraphBuilder& b, const std::vector<std::int64_t>& x, const std::string& key) {
  if (x.size() != 4) {
    b.fail(key, "input is " + list_text(x) + ", a rank-" + std::to_string(x.size()) + " tensor",
           "a rank-4 image [N, C, H, W] (1-D and 3-D windows are not supported)");
  }
}

ir::Window make_window(const GraphBuilder& b, const WindowSettings& s, const std::vector<std::int64_t>& x,
                       const std::string& key) {
  require_image(b, x, key);
  ir::Window w;
  w.kernel_h = s.kernel[0];
  w.kernel_w = s.kernel[1];
  w.stride_h = s.strides[0];
  w.stride_w = s.strides[1];
  w.dilation_h = s.dilations[0];
  w.dilation_w = s.dilations[1];
  w.pad_top = s.pads[0];
  w.pad_left = s.pads[1];
  w.pad_bottom = s.pads[2];
  w.pad_right = s.pads[3];
  w.ceil_mode = s.ceil_mode;
  w.count_include_pad = s.count_include_pad;
  if (w.out_h(x[2]) < 1 || w.out_w(x[3]) < 1) {
    b.fail(key,
           "the window (kernel " + list_text(s.kernel) + ", dilations " + list_text(s.dilations) +
               ") is larger than the padded input " + list_text(x),
           "an output of at least one pixel");
  }
  return w;
}

void check_conv_weights(const GraphBuilder& b, TensorId w, const std::string& key) {
  const ir::Tensor& t = b.tensor(w);
  if (t.shape.rank != 4 || t.shape.layout != Layout::Matrix) {
    b.fail(key, "weights " + quoted(t.name) + " are " + ir::to_string(t.shape),
           "rank-4 weights [OC, C/group, KH, KW] used by this Conv only (2-D convolution)");
  }
  if (b.readers(w) > 1)
    b.fail(key, "weights " + quoted(t.name) + " are shared with another node", "weights for one Conv");
}

TensorId emit_conv(GraphBuilder& b, const ConvSpec& spec) {
  check_group(b, spec);
  const std::vector<std::int64_t> xd = b.tensor(spec.x).shape.dims(), wd = b.tensor(spec.w).shape.dims();
  ir::Op op;
  op.kind = ir::OpKind::Conv;
  op.window = spec.window;
  op.inputs = {with_storage(b, spec.x, spec.key), spec.w};
  if (spec.bias != ir::kNone) {
    const Shape& bias = b.tensor(spec.bias).shape;
    if (bias.dims() != std::vector<std::int64_t>{wd[0]}) {
      b.fail(spec.key, "bias " + quoted(b.tensor(spec.bias).name) + " is " + ir::to_string(bias),
             "[" + std::to_string(wd[0]) + "], one value per output channel");
    }
    op.inputs.push_back(spec.bias);
  }
  b.set_layout(spec.w, Shape::with_layout(wd, Layout::ConvWeight, spec.window.group));
  const std::int64_t oh = spec.window.out_h(xd[2]), ow = spec.window.out_w(xd[3]);
  return b.emit(std::move(op), spec.name, Shape::with_layout({xd[0], wd[0], oh, ow}, Layout::Nhwc), spec.key);
}

TensorId emit_pool(GraphBuilder& b, ir::OpKind kind, TensorId x, const ir::Window& window, const std::string& name,
                   const std::string& key) {
  const std::vector<std::int64_t> xd = b.tensor(x).shape.dims();
  if (kind == ir::OpKind::AveragePool && !window.count_include_pad) {
    const std::string pixel = empty_window(window, xd[2], xd[3]);
    if (!pixel.empty()) {
      b.fail(key, "the window of output pixel " + pixel + " holds only padding (input " + list_text(xd) + ")",
             "pads that leave every window an input pixel, or count_include_pad 1");
    }
  }
  ir::Op pool;
  pool.kind = kind;
  pool.inputs = {with_storage(b, x, key)};  // the im2col gathers from storage, never from a view
  pool.window = window;
  const Shape y = Shape::with_layout({xd[0], xd[1], window.out_h(xd[2]), window.out_w(xd[3])}, Layout::Nhwc);
  return b.emit(std::move(pool), name, y, key);
}

}  // namespace tilesim::frontend
