#include "compiler/frontend/onnx_rows.h"

#include <onnx/onnx_pb.h>

#include <algorithm>

#include "compiler/frontend/onnx_select.h"
#include "compiler/frontend/onnx_shape_ops.h"
#include "compiler/frontend/row_ops.h"

namespace tilesim::frontend {

namespace {

using ir::OpKind;
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

  void softmax() {
    const TensorId x = b_.input_of(node_, 0);
    const Dims dims = b_.tensor(x).shape.dims();
    const auto rank = static_cast<std::int64_t>(dims.size());
    const bool coerced = b_.opset() < 13;  // the dims from axis on, flattened
    const std::int64_t axis = axis_of(a_.axis.value_or(coerced ? 1 : -1), std::max<std::int64_t>(rank, 1), "axis");
    if (!coerced && axis != rank - 1) return softmax_moved(x, axis, rank);
    emit_softmax(b_, x, static_cast<std::size_t>(axis), out_, key_);
  }

  // Softmax-13 over another axis: that axis swapped with the last (a permute
  // view the DMA gathers), the softmax over the last, and the swap undone.
  void softmax_moved(TensorId x, std::int64_t axis, std::int64_t rank) {
    std::vector<std::int64_t> swap(static_cast<std::size_t>(rank));
    for (std::int64_t k = 0; k < rank; ++k) swap[static_cast<std::size_t>(k)] = k;
    std::swap(swap[static_cast<std::size_t>(axis)], swap.back());
    const TensorId moved = permuted(b_, x, swap, out_ + "/axis_last", key_);
    const TensorId y = emit_softmax(b_, moved, static_cast<std::size_t>(rank - 1), out_ + "/softmax_last", key_);
    permuted(b_, y, swap, out_, key_);
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
    TensorId affine[2] = {ir::kNone, ir::kNone};
    for (int i = 1; i < 3; ++i) {
      if (!has_input(node_, i)) continue;
      affine[i - 1] = b_.input_of(node_, i);
      if (b_.tensor(affine[i - 1]).shape.dims() != Dims{dims.back()}) {
        fail(std::string(i == 1 ? "Scale " : "B ") + quoted(node_.input(i)) + " is " +
                 list_text(b_.tensor(affine[i - 1]).shape.dims()),
             "[" + std::to_string(dims.back()) + "]: one value per element of the last dimension");
      }
    }
    emit_layer_norm(b_, x, affine[0], affine[1], a_.epsilon, out_, key_);
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
             rank == 4 ? "the trailing axes, each once: the last axis, or [2, 3] of an image"
                       : "the trailing axes, each once: the last axis (" + std::to_string(rank - 1) + " or -1)");
      }
    }
    const OpKind kind = node_.op_type() == "ReduceMax" ? OpKind::ReduceMax : OpKind::ReduceSum;
    emit_reduce(b_, kind, node_.op_type() == "ReduceMean", x, static_cast<std::size_t>(k), a_.keepdims, out_, key_);
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
