#include "compiler/frontend/onnx_rows.h"

#include <onnx/onnx_pb.h>

#include <algorithm>

#include "compiler/frontend/image_layout.h"
#include "compiler/frontend/onnx_shape_ops.h"

namespace tilesim::frontend {

namespace {

using ir::OpKind;
using ir::Shape;
using ir::TensorId;
using Dims = std::vector<std::int64_t>;

class RowImporter {
 public:
  RowImporter(OnnxGraphBuilder& b, const onnx::NodeProto& node, const NodeAttributes& a, const std::string& key)
      : b_(b), node_(node), a_(a), key_(key), out_(node.output(0)) {}

  bool run() {
    const std::string& op = node_.op_type();
    if (op == "Softmax") return softmax(), true;
    if (op == "LayerNormalization") return layer_norm(), true;
    if (op == "ReduceSum" || op == "ReduceMean" || op == "ReduceMax") return reduce(), true;
    return false;
  }

 private:
  [[noreturn]] void fail(const std::string& problem, const std::string& expected) const {
    b_.fail(key_, problem, expected);
  }

  // `axis` in [-rank, rank) made non-negative; refused otherwise.
  std::int64_t axis_of(std::int64_t axis, std::int64_t rank, const std::string& name) const {
    if (axis < -rank || axis >= rank) {
      fail(name + " is " + std::to_string(axis) + " for a rank-" + std::to_string(rank) + " input",
           "an axis in [" + std::to_string(-rank) + ", " + std::to_string(rank - 1) + "]");
    }
    return axis < 0 ? axis + rank : axis;
  }

  // x's rows for the trailing dims from `k` on: [dims before k (or 1), their product].
  static Dims row_dims(const Dims& dims, std::size_t k) {
    Dims to(dims.begin(), dims.begin() + static_cast<std::ptrdiff_t>(k));
    if (to.empty()) to.push_back(1);
    std::int64_t n = 1;
    for (std::size_t i = k; i < dims.size(); ++i) n *= dims[i];
    to.push_back(n);
    return to;
  }

  TensorId as_rows(TensorId x, std::size_t k) {
    const Dims dims = b_.tensor(x).shape.dims();
    if (dims.size() >= 2 && k + 1 == dims.size()) return matrix_form(b_, x, key_);
    return relayout(b_, x, Shape::from_dims(row_dims(dims, k)), b_.fresh(out_ + ".rows"), key_);
  }

  // Emits `op` giving `shape`, named out_ when that is the node's shape `final`.
  TensorId emit(ir::Op op, const Dims& shape, const Dims& final, const std::string& name) {
    if (shape == final) return b_.emit(std::move(op), name, Shape::from_dims(shape), key_);
    const TensorId y = b_.emit(std::move(op), b_.fresh(name + ".rows"), Shape::from_dims(shape), key_);
    return relayout(b_, y, Shape::from_dims(final), name, key_);
  }

  TensorId stats(OpKind kind, TensorId rows, float epsilon) {
    Dims dims = b_.tensor(rows).shape.dims();
    dims.back() = 2;
    ir::Op op;
    op.kind = kind;
    op.inputs = {rows};
    op.param[0] = epsilon;
    return b_.emit(std::move(op), b_.fresh(out_ + ".stats"), Shape::from_dims(dims), key_);
  }

  void softmax() {
    const TensorId x = b_.input_of(node_, 0);
    const Dims dims = b_.tensor(x).shape.dims();
    const auto rank = static_cast<std::int64_t>(dims.size());
    const bool coerced = b_.opset() < 13;  // the dims from axis on, flattened
    const std::int64_t axis = axis_of(a_.axis.value_or(coerced ? 1 : -1), std::max<std::int64_t>(rank, 1), "axis");
    if (!coerced && axis != rank - 1) {
      fail("axis is " + std::to_string(*a_.axis) + " of a rank-" + std::to_string(rank) +
               " input (softmax over a dimension other than the last)",
           "axis -1 or " + std::to_string(rank - 1) + ": the last dimension");
    }
    const TensorId rows = as_rows(x, static_cast<std::size_t>(axis));
    ir::Op op;
    op.kind = OpKind::Softmax;
    op.inputs = {rows, stats(OpKind::SoftmaxStats, rows, 0.0f)};
    emit(std::move(op), b_.tensor(rows).shape.dims(), dims, out_);
  }

  void layer_norm() {
    for (int i = 1; i < node_.output_size(); ++i) {
      if (!node_.output(i).empty() && b_.is_read(node_.output(i))) {
        fail("output " + std::to_string(i) + " " + quoted(node_.output(i)) + " is read",
             "Y only (Mean and InvStdDev unread)");
      }
    }
    const TensorId x = b_.input_of(node_, 0);
    const Dims dims = b_.tensor(x).shape.dims();
    const auto rank = static_cast<std::int64_t>(dims.size());
    const std::int64_t axis = axis_of(a_.axis.value_or(-1), rank, "axis");
    if (axis != rank - 1) {
      fail("axis is " + std::to_string(*a_.axis) + " of a rank-" + std::to_string(rank) +
               " input (normalizes more than the last dimension)",
           "axis -1 or " + std::to_string(rank - 1) + ": the last dimension");
    }
    ir::Op op;
    op.kind = OpKind::LayerNorm;
    const TensorId rows = as_rows(x, static_cast<std::size_t>(axis));
    op.inputs = {rows, stats(OpKind::LayerNormStats, rows, a_.epsilon)};
    for (int i = 1; i < 3; ++i) {
      if (!has_input(node_, i)) continue;
      const TensorId t = b_.input_of(node_, i);
      if (b_.tensor(t).shape.dims() != Dims{dims.back()}) {
        fail(std::string(i == 1 ? "Scale " : "B ") + quoted(node_.input(i)) + " is " +
                 list_text(b_.tensor(t).shape.dims()),
             "[" + std::to_string(dims.back()) + "]: one value per element of the last dimension");
      }
      op.inputs.push_back(t);
    }
    emit(std::move(op), b_.tensor(rows).shape.dims(), dims, out_);
  }

  // The axes reduced, sorted, non-negative; all of them when none are given.
  Dims reduce_axes(std::int64_t rank) {
    const bool input = b_.opset() >= (node_.op_type() == "ReduceSum" ? 13 : 18);
    Dims axes;
    if (input && has_input(node_, 1)) {
      axes = constant_ints(b_, node_, 1, "axes", key_);
    } else if (!input && a_.axes) {
      axes = *a_.axes;
    }
    if (axes.empty()) {
      if (a_.noop_with_empty_axes) fail("noop_with_empty_axes is 1 with no axes", "axes to reduce");
      for (std::int64_t i = 0; i < rank; ++i) axes.push_back(i);
    }
    for (std::int64_t& axis : axes) axis = axis_of(axis, rank, "axes");
    std::sort(axes.begin(), axes.end());
    return axes;
  }

  void reduce() {
    const TensorId x = b_.input_of(node_, 0);
    const Dims dims = b_.tensor(x).shape.dims();
    const auto rank = static_cast<std::int64_t>(dims.size());
    const Dims axes = reduce_axes(rank);
    const std::int64_t k = axes.front();
    for (std::size_t i = 0; i < axes.size(); ++i) {
      if (axes[i] != k + static_cast<std::int64_t>(i) || axes.back() != rank - 1) {
        fail("axes is " + list_text(axes) + " for a rank-" + std::to_string(rank) + " input",
             "the trailing axes, each once: the last axis, or [" + std::to_string(rank - 2) + ", " +
                 std::to_string(rank - 1) + "] of an image");
      }
    }
    Dims final(dims.begin(), dims.begin() + k);
    if (a_.keepdims) final.resize(dims.size(), 1);
    if (rank == 4 && k == 2) b_.store_as_image(x);  // its rows are then its channels
    const TensorId rows = as_rows(x, static_cast<std::size_t>(k));
    Dims shape = b_.tensor(rows).shape.dims();
    const std::int64_t cols = shape.back();
    shape.back() = 1;
    ir::Op op;
    op.kind = node_.op_type() == "ReduceMax" ? OpKind::ReduceMax : OpKind::ReduceSum;
    if (node_.op_type() == "ReduceMean") op.scale = 1.0f / static_cast<float>(cols);
    op.inputs = {rows};
    emit(std::move(op), shape, final.empty() ? Dims{} : final, out_);
  }

  OnnxGraphBuilder& b_;
  const onnx::NodeProto& node_;
  const NodeAttributes& a_;
  const std::string& key_;
  std::string out_;
};

}  // namespace

bool import_rows(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                 const std::string& key) {
  return RowImporter(builder, node, attributes, key).run();
}

}  // namespace tilesim::frontend
