#include "compiler/frontend/onnx_concat.h"

#include <vector>

#include "compiler/frontend/image_layout.h"
#include "compiler/frontend/onnx_node_importer.h"
#include "compiler/support/input_error.h"

namespace tilesim::frontend {

namespace {

using ir::OpKind;
using ir::Shape;
using ir::TensorId;

class ConcatImporter : NodeImporter {
 public:
  using NodeImporter::NodeImporter;

  void run() {
    for (int i = 0; i < node_.input_size(); ++i) {
      inputs_.push_back(with_storage(b_, b_.input_of(node_, i), key_));
      dims_.push_back(b_.tensor(inputs_.back()).shape.dims());
    }
    check_ranks();
    const int axis = check_axis();
    std::vector<std::int64_t> out = dims_[0];
    out[static_cast<std::size_t>(axis)] = 0;
    for (std::size_t i = 0; i < dims_.size(); ++i) {
      check_dims(i, axis);
      out[static_cast<std::size_t>(axis)] += dims_[i][static_cast<std::size_t>(axis)];
    }
    const Shape shape = output_shape(out);
    if (inputs_.size() == 1) {
      emit(OpKind::Relayout, {inputs_[0]}, out_, shape);
      return;
    }
    join(axis, shape);
  }

 private:
  // "input 1 'b' [1, 4, 6, 3]"
  std::string input_text(std::size_t i) const {
    return "input " + std::to_string(i) + " " + quoted(node_.input(static_cast<int>(i))) + " " + list_text(dims_[i]);
  }

  void check_ranks() const {
    if (dims_[0].empty()) fail(input_text(0) + " is a scalar", "inputs of rank 1 or more: Concat joins along an axis");
    for (std::size_t i = 1; i < dims_.size(); ++i) {
      if (dims_[i].size() != dims_[0].size()) {
        fail(input_text(i) + " has rank " + std::to_string(dims_[i].size()) + " and " + input_text(0) + " rank " +
                 std::to_string(dims_[0].size()),
             "inputs of one rank");
      }
    }
  }

  // The axis in [0, rank): required from opset 4, negative from opset 11.
  int check_axis() const {
    const auto rank = static_cast<std::int64_t>(dims_[0].size());
    if (!attributes_.axis && b_.opset() >= 4) {
      fail("has no attribute 'axis'", "an attribute 'axis': Concat requires one from opset 4");
    }
    const std::int64_t axis = attributes_.axis.value_or(1);
    const std::int64_t lowest = b_.opset() >= 11 ? -rank : 0;
    if (axis < lowest || axis >= rank) {
      fail("attribute axis is " + std::to_string(axis) + " for rank-" + std::to_string(rank) + " inputs",
           "an axis in [" + std::to_string(lowest) + ", " + std::to_string(rank - 1) + "]" +
               (b_.opset() >= 11 ? "" : "; negative axes count from the end from opset 11"));
    }
    return static_cast<int>(axis < 0 ? axis + rank : axis);
  }

  void check_dims(std::size_t i, int axis) const {
    for (std::size_t d = 0; d < dims_[i].size(); ++d) {
      if (static_cast<int>(d) != axis && dims_[i][d] != dims_[0][d]) {
        fail(input_text(i) + " and " + input_text(0) + " differ on axis " + std::to_string(d),
             "the same dims but on axis " + std::to_string(axis));
      }
    }
  }

  // An image in nhwc when a convolution made one of the inputs (so that the
  // next convolution gathers whole pixels), else a matrix.
  Shape output_shape(const std::vector<std::int64_t>& dims) const {
    for (const TensorId id : inputs_) {
      if (dims.size() == 4 && b_.tensor(id).shape.layout == ir::Layout::Nhwc) {
        return Shape::with_layout(dims, ir::Layout::Nhwc);
      }
    }
    return Shape::from_dims(dims);
  }

  TensorId place(TensorId x, const std::string& name, const Shape& shape, ir::Placement at) {
    ir::Op op;
    op.kind = OpKind::Place;
    op.inputs = {x};
    op.place = at;
    return b_.emit(std::move(op), name, shape, key_);
  }

  // sum_i place(input i at its offset): the DMA gathers each input into its
  // place, zero elsewhere, and the adds are exact.
  void join(int axis, const Shape& shape) {
    const std::string& out = out_;
    std::int64_t offset = 0;
    TensorId sum = ir::kNone;
    for (std::size_t i = 0; i < inputs_.size(); ++i) {
      const TensorId placed =
          place(inputs_[i], b_.fresh(out + ".place" + std::to_string(i)), shape, ir::Placement{axis, offset});
      offset += dims_[i][static_cast<std::size_t>(axis)];
      if (i == 0) {
        sum = placed;
        continue;
      }
      const bool last = i + 1 == inputs_.size();
      sum = emit(OpKind::Add, {sum, placed}, last ? out : b_.fresh(out + ".sum" + std::to_string(i)), shape);
    }
  }

  std::vector<TensorId> inputs_;
  std::vector<std::vector<std::int64_t>> dims_;
};

}  // namespace

bool import_concat(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                   const std::string& key) {
  if (node.op_type() != "Concat") return false;
  ConcatImporter(builder, node, attributes, key).run();
  return true;
}

}  // namespace tilesim::frontend
