#include "compiler/frontend/onnx_image.h"

#include "compiler/frontend/onnx_node_importer.h"

#include <onnx/onnx_pb.h>

#include "compiler/frontend/onnx_batch_norm.h"
#include "compiler/frontend/onnx_window.h"
#include "compiler/frontend/reshape_rules.h"
#include "compiler/frontend/window_ops.h"
#include "compiler/support/input_error.h"

namespace tilesim::frontend {

namespace {

using ir::Shape;
using ir::TensorId;

class ImageImporter : NodeImporter {
 public:
  using NodeImporter::NodeImporter;

  bool run() {
    const std::string& op = node_.op_type();
    if (op == "Conv") {
      conv();
    } else if (op == "BatchNormalization") {
      import_batch_norm(b_, node_, attributes_, key_);
    } else if (op == "Flatten") {
      const TensorId x = b_.input_of(node_, 0);
      const auto dims =
          flatten_dims(b_, b_.tensor(x).shape.dims(), attributes_.axis.value_or(1), key_, "attribute axis");
      relayout(b_, x, Shape::from_dims(dims), out_, key_);
    } else {
      return false;
    }
    return true;
  }

 private:
  // The weights: an initializer (constant weights), checked by window_ops.h.
  TensorId weights() const {
    const TensorId w = b_.input_of(node_, 1);
    const ir::Tensor& t = b_.tensor(w);
    if (t.kind != ir::TensorKind::Param || t.values.empty()) {
      fail("weights " + quoted(node_.input(1)) + " is computed by the graph or a graph input",
           "an initializer (constant weights)");
    }
    check_conv_weights(b_, w, key_);
    return w;
  }

  void conv() {
    ConvSpec spec;
    spec.x = b_.input_of(node_, 0);
    b_.store_as_image(spec.x);
    spec.w = weights();
    const std::vector<std::int64_t> xd = b_.tensor(spec.x).shape.dims(), wd = b_.tensor(spec.w).shape.dims();
    spec.window = onnx_window(attributes_, xd, {wd[2], wd[3]}, b_, key_);
    spec.window.group = attributes_.group;
    if (has_input(node_, 2)) spec.bias = b_.input_of(node_, 2);
    spec.name = out_;
    spec.key = spec.group_key = key_;
    spec.group_subject = "attribute group";
    emit_conv(b_, spec);
  }
};

}  // namespace

bool import_image(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                  const std::string& key) {
  return ImageImporter(builder, node, attributes, key).run();
}

}  // namespace tilesim::frontend
