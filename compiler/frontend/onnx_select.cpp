#include "compiler/frontend/onnx_select.h"

#include <onnx/onnx_pb.h>

#include "compiler/frontend/image_layout.h"
#include "compiler/frontend/onnx_fold_node.h"
#include "compiler/support/input_error.h"

namespace tilesim::frontend {

namespace {

using ir::OpKind;
using ir::Shape;
using ir::TensorId;

class SelectImporter {
 public:
  SelectImporter(OnnxGraphBuilder& b, ConstantFolder& folder, const onnx::NodeProto& node,
                 const NodeAttributes& attributes, const std::string& key)
      : b_(b), n_(b, folder, node, attributes, key) {}

  bool run() {
    const std::string& op = n_.op();
    if (op != "Gather" && op != "Slice" && op != "Split") return false;
    x_ = b_.input_of(n_.node(), 0);
    dims_ = b_.tensor(x_).shape.dims();
    if (op == "Gather") {
      gather();
    } else if (op == "Slice") {
      slice();
    } else {
      split();
    }
    return true;
  }

 private:
  std::int64_t rank() const { return static_cast<std::int64_t>(dims_.size()); }
  std::string data_text() const { return "data " + quoted(n_.name(0)) + " " + list_text(dims_); }

  // A Slice view of x (dims `from`) along `axis`, as tensor `name` of dims `out`.
  TensorId slice_view(TensorId x, const Dims& from, std::int64_t axis, const SliceAxis& s, const Dims& out,
                      const std::string& name) {
    ir::Selection select;
    select.from = from;
    select.axis = static_cast<int>(axis);
    select.start = s.start, select.step = s.step, select.count = s.count;
    return select_view(b_, OpKind::Slice, x, select, Shape::from_dims(out), name, n_.key());
  }

  void refuse_empty(const std::string& what, std::int64_t axis) const {
    n_.fail(what + " selects no elements on axis " + std::to_string(axis) + " of " + data_text(),
            "at least one element (tilesim has no empty tensors)");
  }

  void gather() {
    if (dims_.empty()) n_.fail(n_.shown(0, "data") + " is a scalar", "data of rank 1 or more");
    const std::int64_t axis = n_.axis(n_.attributes().axis.value_or(0), rank(), "attribute axis");
    const FoldedValue& indices = n_.value(1, "indices");
    if (!indices.is_integer()) {
      n_.fail(n_.shown(1, "indices") + " has data type " + data_type_text(indices.type), "INT64 or INT32");
    }
    const std::int64_t size = dims_[static_cast<std::size_t>(axis)];
    Dims at = indices.ints;
    for (std::size_t i = 0; i < at.size(); ++i) {
      if (at[i] < -size || at[i] >= size) {
        n_.fail(n_.shown(1, "indices") + " has " + std::to_string(at[i]) + " at position " + std::to_string(i) +
                    " for axis " + std::to_string(axis) + " of " + data_text(),
                "indices in [" + std::to_string(-size) + ", " + std::to_string(size - 1) + "]");
      }
      if (at[i] < 0) at[i] += size;
    }
    if (at.empty()) refuse_empty(n_.shown(1, "indices"), axis);
    const std::int64_t step = at.size() > 1 ? at[1] - at[0] : 1;
    for (std::size_t i = 1; i < at.size(); ++i) {
      if (step == 0 || at[i] - at[i - 1] != step) {
        n_.fail(n_.shown(1, "indices") + " " + list_text(indices.ints) + " are not evenly spaced",
                "one index, or distinct indices evenly spaced (Gather of a computed tensor is a strided slice)");
      }
    }
    Dims out(dims_.begin(), dims_.begin() + axis);
    out.insert(out.end(), indices.dims.begin(), indices.dims.end());
    out.insert(out.end(), dims_.begin() + axis + 1, dims_.end());
    slice_view(x_, dims_, axis, {at[0], static_cast<std::int64_t>(at.size()), step}, out, n_.node().output(0));
  }

  // Each sliced axis that selects less than all of it, one view after another.
  void slice() {
    const SliceSettings s = slice_settings(n_, rank());
    std::vector<std::pair<std::int64_t, SliceAxis>> cuts;
    for (std::size_t i = 0; i < s.axes.size(); ++i) {
      const std::int64_t axis = s.axes[i], dim = dims_[static_cast<std::size_t>(axis)];
      const SliceAxis a = slice_axis(s.starts[i], s.ends[i], s.steps[i], dim);
      if (a.count == 0) refuse_empty("starts " + list_text(s.starts) + ", ends " + list_text(s.ends), axis);
      if (a.count != dim || a.step != 1) cuts.push_back({axis, a});
    }
    const std::string& name = n_.node().output(0);
    if (cuts.empty()) {
      relayout(b_, x_, Shape::from_dims(dims_), name, n_.key());
      return;
    }
    TensorId x = x_;
    Dims dims = dims_;
    for (std::size_t i = 0; i < cuts.size(); ++i) {
      Dims out = dims;
      out[static_cast<std::size_t>(cuts[i].first)] = cuts[i].second.count;
      const bool last = i + 1 == cuts.size();
      x = slice_view(x, dims, cuts[i].first, cuts[i].second, out, last ? name : b_.fresh(name + ".slice"));
      dims = out;
    }
  }

  void split() {
    if (dims_.empty()) n_.fail(n_.shown(0, "input") + " is a scalar", "an input of rank 1 or more");
    const std::int64_t axis = n_.axis(n_.attributes().axis.value_or(0), rank(), "attribute axis");
    const Dims sizes = split_checked(n_, dims_, axis);
    std::int64_t start = 0;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      if (sizes[i] == 0) refuse_empty("split " + list_text(sizes) + " at output " + std::to_string(i), axis);
      Dims out = dims_;
      out[static_cast<std::size_t>(axis)] = sizes[i];
      const std::string& name = n_.node().output(static_cast<int>(i));
      if (!name.empty()) slice_view(x_, dims_, axis, {start, sizes[i], 1}, out, name);
      start += sizes[i];
    }
  }

  OnnxGraphBuilder& b_;
  FoldNode n_;
  TensorId x_ = ir::kNone;
  Dims dims_;
};

}  // namespace

bool import_select(OnnxGraphBuilder& builder, ConstantFolder& folder, const onnx::NodeProto& node,
                   const NodeAttributes& attributes, const std::string& key) {
  return SelectImporter(builder, folder, node, attributes, key).run();
}

TensorId permuted(GraphBuilder& b, TensorId x, const std::vector<std::int64_t>& perm, const std::string& name,
                  const std::string& key) {
  const Dims dims = b.tensor(x).shape.dims();
  Dims out;
  bool identity = true;
  for (std::size_t k = 0; k < perm.size(); ++k) {
    out.push_back(dims[static_cast<std::size_t>(perm[k])]);
    identity = identity && perm[k] == static_cast<std::int64_t>(k);
  }
  if (identity) return relayout(b, x, Shape::from_dims(dims), name, key);
  ir::Selection select;
  select.from = dims;
  select.perm = perm;
  return select_view(b, OpKind::Permute, x, select, Shape::from_dims(out), name, key);
}

}  // namespace tilesim::frontend
