#include "compiler/frontend/onnx_pool.h"

#include <onnx/onnx_pb.h>

#include "compiler/frontend/onnx_window.h"

namespace tilesim::frontend {

namespace {

std::string dims_text(const std::vector<std::int64_t>& dims) {
  std::string text = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

// The window of a global pool: the whole image, whatever the input's rank
// (onnx_window refuses anything but an image).
NodeAttributes global_window(const std::vector<std::int64_t>& x) {
  NodeAttributes whole;
  if (x.size() == 4) whole.kernel_shape = std::vector<std::int64_t>{x[2], x[3]};
  return whole;
}

// The first output pixel whose window holds no input pixel, as "(oh, ow)";
// empty when every window holds one.
std::string empty_window(const ir::Window& w, std::int64_t h, std::int64_t wd) {
  for (std::int64_t oh = 0; oh < w.out_h(h); ++oh) {
    for (std::int64_t ow = 0; ow < w.out_w(wd); ++ow) {
      if (w.taps_h(oh, h, false) == 0 || w.taps_w(ow, wd, false) == 0) {
        return "(" + std::to_string(oh) + ", " + std::to_string(ow) + ")";
      }
    }
  }
  return "";
}

}  // namespace

bool import_pool(OnnxGraphBuilder& b, const onnx::NodeProto& node, const NodeAttributes& attributes,
                 const std::string& key) {
  const std::string& op = node.op_type();
  const bool global = op == "GlobalMaxPool" || op == "GlobalAveragePool";
  if (!global && op != "MaxPool" && op != "AveragePool") return false;
  const ir::TensorId x = b.input_of(node, 0);
  b.store_as_image(x);
  const std::vector<std::int64_t> xd = b.tensor(x).shape.dims();
  const NodeAttributes window_attributes = global ? global_window(xd) : attributes;
  if (!window_attributes.kernel_shape) {
    b.fail(key, "has no attribute kernel_shape", "kernel_shape [KH, KW]");
  }
  if (op == "MaxPool" && node.output_size() > 1 && !node.output(1).empty() && b.is_read(node.output(1))) {
    b.fail(key, "output Indices " + quoted(node.output(1)) + " is read", "MaxPool's Indices unused (Y only)");
  }
  ir::Op pool;
  pool.kind = op == "MaxPool" || op == "GlobalMaxPool" ? ir::OpKind::MaxPool : ir::OpKind::AveragePool;
  pool.inputs = {x};
  pool.window = onnx_window(window_attributes, xd, *window_attributes.kernel_shape, b.path(), key);
  if (pool.kind == ir::OpKind::AveragePool && !pool.window.count_include_pad) {
    const std::string pixel = empty_window(pool.window, xd[2], xd[3]);
    if (!pixel.empty()) {
      b.fail(key, "the window of output pixel " + pixel + " holds only padding (input " + dims_text(xd) + ")",
             "pads that leave every window an input pixel, or count_include_pad 1");
    }
  }
  const ir::Shape y =
      ir::Shape::with_layout({xd[0], xd[1], pool.window.out_h(xd[2]), pool.window.out_w(xd[3])}, ir::Layout::Nhwc);
  b.emit(pool, node.output(0), y, key);
  return true;
}

}  // namespace tilesim::frontend
