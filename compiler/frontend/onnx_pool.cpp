#include "compiler/frontend/onnx_pool.h"

#include <sstream>

#include <onnx/onnx_pb.h>

#include "compiler/frontend/onnx_image.h"
#include "compiler/frontend/onnx_node_importer.h"
#include "compiler/frontend/onnx_shape_ops.h"
#include "compiler/frontend/onnx_tensor.h"
#include "compiler/frontend/onnx_window.h"
#include "compiler/frontend/window_ops.h"

namespace tilesim::frontend {

namespace {

// The window of a global pool: the whole image, whatever the input's rank
// (onnx_window refuses anything but an image).
NodeAttributes global_window(const std::vector<std::int64_t>& x) {
  NodeAttributes whole;
  if (x.size() == 4) whole.kernel_shape = std::vector<std::int64_t>{x[2], x[3]};
  return whole;
}

class PadImporter : NodeImporter {
 public:
  using NodeImporter::NodeImporter;

  void run() {
    const ir::TensorId x = b_.input_of(node_, 0);
    const std::vector<std::int64_t> xd = b_.tensor(x).shape.dims();
    if (attributes_.pad_mode != "constant") {
      fail("mode is " + quoted(attributes_.pad_mode), "constant (zero padding, folded into an AveragePool)");
    }
    if (has_input(node_, 3)) fail("has an axes input", "pads for every axis");
    const std::vector<std::int64_t> pads = pads_of();
    if (xd.size() != 4 || pads.size() != 8 || pads[0] || pads[1] || pads[4] || pads[5]) {
      fail("pads " + list_text(pads) + " for input " + list_text(xd),
           "an image [N, C, H, W] padded on H and W only: [0, 0, top, left, 0, 0, bottom, right]");
    }
    for (const std::int64_t p : pads) {
      if (p < 0) fail("pads " + list_text(pads) + " crop the input", "pads >= 0");
    }
    check_zero_value();
    if (pads[2] || pads[3] || pads[6] || pads[7]) {
      return b_.defer_pad(out_, PendingPad{x, pads[2], pads[3], pads[6], pads[7], key_}, key_);
    }
    if (!b_.is_graph_output(out_)) return b_.alias(out_, x, key_);  // pads nothing
    emit(ir::OpKind::Scale, {x}, out_, shape(x));                   // x * 1 is x, bit for bit
  }

 private:
  std::vector<std::int64_t> pads_of() const {
    if (b_.opset() < 11) {
      if (!attributes_.pads) fail("has no attribute pads", "pads [0, 0, top, left, 0, 0, bottom, right]");
      return *attributes_.pads;
    }
    if (!has_input(node_, 1)) fail("has no pads input", "pads, a constant INT64 tensor");
    return constant_ints(b_, node_, 1, "pads", key_);
  }

  // Only zero padding folds: the value attribute (before opset 11) or the
  // constant_value input, absent or 0.
  void check_zero_value() const {
    float value = attributes_.pad_value;
    if (b_.opset() >= 11 && has_input(node_, 2)) {
      const onnx::TensorProto* given = b_.constant(node_.input(2));
      if (!given || given->data_type() != onnx::TensorProto::FLOAT || tensor_storage_refusal(*given, ".onnx") ||
          tensor_values_refusal(*given, 1)) {
        fail("constant_value " + quoted(node_.input(2)) + " is not a constant float32 scalar", "absent or 0");
      }
      value = tensor_values(*given, 1)[0];
    }
    if (value != 0.0f) {
      std::ostringstream shown;
      shown << value;
      fail("pads with the value " + shown.str(), "zero padding (absent or 0)");
    }
  }
};

// An AveragePool reading a pending Pad: the Pad's zeros are elements the
// average counts, as its own pads are with count_include_pad. Folded when
// that gives the same windows: no auto_pad, own pads only with
// count_include_pad, and the same output size.
NodeAttributes fold_pad(const OnnxGraphBuilder& b, const PendingPad& pad, const NodeAttributes& attributes,
                        const std::vector<std::int64_t>& xd, const std::string& key) {
  const std::vector<std::int64_t> own = attributes.pads.value_or(std::vector<std::int64_t>(4, 0));
  const bool own_pads = own.size() == 4 && (own[0] || own[1] || own[2] || own[3]);
  const std::string expected =
      "an AveragePool after a Pad with explicit pads (no auto_pad) of its own only with count_include_pad 1";
  if (attributes.auto_pad != "NOTSET" || (own_pads && !attributes.count_include_pad) || own.size() != 4) {
    b.fail(key, "reads the result of " + pad.node, expected);
  }
  NodeAttributes folded = attributes;
  folded.pads = std::vector<std::int64_t>{own[0] + pad.top, own[1] + pad.left, own[2] + pad.bottom, own[3] + pad.right};
  folded.count_include_pad = true;
  const std::vector<std::int64_t> padded{xd[0], xd[1], xd[2] + pad.top + pad.bottom, xd[3] + pad.left + pad.right};
  const auto& k = *attributes.kernel_shape;
  const ir::Window apart = onnx_window(attributes, padded, k, b, key);
  const ir::Window together = onnx_window(folded, xd, k, b, key);
  if (apart.out_h(padded[2]) != together.out_h(xd[2]) || apart.out_w(padded[3]) != together.out_w(xd[3])) {
    b.fail(key, "reads the result of " + pad.node + " with ceil_mode windows that folding would change",
           "an AveragePool after a Pad without ceil_mode");
  }
  return folded;
}

}  // namespace

bool import_pool(OnnxGraphBuilder& b, const onnx::NodeProto& node, const NodeAttributes& attributes,
                 const std::string& key) {
  const std::string& op = node.op_type();
  if (op == "Pad") {
    PadImporter(b, node, attributes, key).run();
    return true;
  }
  const bool global = op == "GlobalMaxPool" || op == "GlobalAveragePool";
  if (!global && op != "MaxPool" && op != "AveragePool") return false;
  const PendingPad* pad = op == "AveragePool" ? b.pending_pad(node.input(0)) : nullptr;
  const ir::TensorId x = pad ? pad->x : b.input_of(node, 0);
  b.store_as_image(x);
  const std::vector<std::int64_t> xd = b.tensor(x).shape.dims();
  NodeAttributes window_attributes = global ? global_window(xd) : attributes;
  if (!window_attributes.kernel_shape) {
    b.fail(key, "has no attribute kernel_shape", "kernel_shape [KH, KW]");
  }
  if (pad) window_attributes = fold_pad(b, *pad, window_attributes, xd, key);
  if (op == "MaxPool" && node.output_size() > 1 && !node.output(1).empty() && b.is_read(node.output(1))) {
    b.fail(key, "output Indices " + quoted(node.output(1)) + " is read", "MaxPool's Indices unused (Y only)");
  }
  const ir::OpKind kind = op == "MaxPool" || op == "GlobalMaxPool" ? ir::OpKind::MaxPool : ir::OpKind::AveragePool;
  const ir::Window window = onnx_window(window_attributes, xd, *window_attributes.kernel_shape, b, key);
  emit_pool(b, kind, x, window, node.output(0), key);
  return true;
}

}  // namespace tilesim::frontend
