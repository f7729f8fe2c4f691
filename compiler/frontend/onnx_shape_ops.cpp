#include "compiler/frontend/onnx_shape_ops.h"

#include "compiler/frontend/onnx_node_importer.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cstring>

#include "compiler/frontend/onnx_image.h"
#include "compiler/frontend/reshape_rules.h"
#include "compiler/frontend/window_ops.h"
#include "compiler/support/input_error.h"

namespace tilesim::frontend {

namespace {

using ir::Shape;
using ir::TensorId;

// Little-endian int64s from raw_data (the host is little-endian, as x86-64 is).
std::vector<std::int64_t> raw_ints(const std::string& raw) {
  std::vector<std::int64_t> values(raw.size() / sizeof(std::int64_t));
  if (!values.empty()) std::memcpy(values.data(), raw.data(), values.size() * sizeof(std::int64_t));
  return values;
}

class ShapeOpImporter : NodeImporter {
 public:
  using NodeImporter::NodeImporter;

  bool run() {
    const std::string& op = node_.op_type();
    if (op != "Reshape" && op != "Squeeze" && op != "Unsqueeze") return false;
    const TensorId x = b_.input_of(node_, 0);
    relayout(b_, x, Shape::from_dims(out_dims(b_.tensor(x).shape.dims())), out_, key_);
    return true;
  }

  std::vector<std::int64_t> out_dims(std::vector<std::int64_t> dims) {
    dims_ = std::move(dims);
    const std::string& op = node_.op_type();
    return op == "Reshape" ? reshape() : op == "Squeeze" ? squeeze() : unsqueeze();
  }

 private:
  std::string input_text() const { return "the input " + list_text(dims_); }
  std::int64_t rank() const { return static_cast<std::int64_t>(dims_.size()); }

  // An attribute before opset `since`, a required constant input from it.
  std::vector<std::int64_t> setting(const std::optional<std::vector<std::int64_t>>& attribute, std::int64_t since,
                                    const std::string& what) const {
    if (b_.opset() < since) {
      if (!attribute)
        fail("has no attribute " + quoted(what), "the " + what + " attribute before opset " + std::to_string(since));
      return *attribute;
    }
    if (!has_input(node_, 1)) fail("has 1 input", "2 inputs: data and " + what);
    return constant_ints(b_, node_, 1, what, key_);
  }

  std::vector<std::int64_t> reshape() const {
    return reshape_dims(b_, dims_, setting(attributes_.shape, 5, "shape"), attributes_.allowzero, key_);
  }

  // Axes in [-limit, limit - 1] (negative ones from opset 11), made
  // non-negative, each once.
  std::vector<std::int64_t> normalized(std::vector<std::int64_t> axes, std::int64_t limit) const {
    const std::string shown = "axes " + list_text(axes);
    const bool negative = b_.opset() >= 11;
    for (std::int64_t& a : axes) {
      if (a < (negative ? -limit : 0) || a >= limit) {
        fail(shown + " has " + std::to_string(a) + " for " +
                 (node_.op_type() == "Squeeze" ? input_text() : "an output of rank " + std::to_string(limit)),
             "axes in [" + std::to_string(negative ? -limit : 0) + ", " + std::to_string(limit - 1) + "]" +
                 (negative ? "" : " (negative axes from opset 11)"));
      }
      if (a < 0) a += limit;
    }
    std::vector<std::int64_t> sorted = axes;
    std::sort(sorted.begin(), sorted.end());
    const auto twice = std::adjacent_find(sorted.begin(), sorted.end());
    if (twice != sorted.end()) fail(shown + " names axis " + std::to_string(*twice) + " twice", "each axis once");
    return sorted;
  }

  std::vector<std::int64_t> squeeze() const {
    std::optional<std::vector<std::int64_t>> axes = attributes_.axes;  // before opset 13
    if (has_input(node_, 1)) axes = constant_ints(b_, node_, 1, "axes", key_);
    std::vector<std::int64_t> out;
    if (!axes) {
      std::copy_if(dims_.begin(), dims_.end(), std::back_inserter(out), [](std::int64_t d) { return d != 1; });
      return out;
    }
    const std::vector<std::int64_t> drop = normalized(*axes, rank());
    for (const std::int64_t a : drop) {
      if (dims_[static_cast<std::size_t>(a)] != 1) {
        fail("axes " + list_text(*axes) + " squeezes dim " + std::to_string(a) + " of " + input_text() + ", which is " +
                 std::to_string(dims_[static_cast<std::size_t>(a)]),
             "axes of dims equal to 1");
      }
    }
    for (std::int64_t i = 0; i < rank(); ++i) {
      if (!std::binary_search(drop.begin(), drop.end(), i)) out.push_back(dims_[static_cast<std::size_t>(i)]);
    }
    return out;
  }

  std::vector<std::int64_t> unsqueeze() const {
    const std::vector<std::int64_t> axes = setting(attributes_.axes, 13, "axes");
    const auto out_rank = rank() + static_cast<std::int64_t>(axes.size());
    const std::vector<std::int64_t> add = normalized(axes, out_rank);
    std::vector<std::int64_t> out;
    auto next = dims_.begin();
    for (std::int64_t i = 0; i < out_rank; ++i) {
      out.push_back(std::binary_search(add.begin(), add.end(), i) ? 1 : *next++);
    }
    return out;
  }

  std::vector<std::int64_t> dims_;
};

}  // namespace

bool import_shape_op(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                     const std::string& key) {
  return ShapeOpImporter(builder, node, attributes, key).run();
}

std::vector<std::int64_t> shape_op_dims(OnnxGraphBuilder& builder, const onnx::NodeProto& node,
                                        const NodeAttributes& attributes, std::vector<std::int64_t> dims,
                                        const std::string& key) {
  return ShapeOpImporter(builder, node, attributes, key).out_dims(std::move(dims));
}

std::vector<std::int64_t> constant_ints(const OnnxGraphBuilder& b, const onnx::NodeProto& node, int index,
                                        const std::string& what, const std::string& key) {
  const std::string& name = node.input(index);
  const onnx::TensorProto* value = b.constant(name);
  const std::string shown = what + " " + quoted(name);
  if (!value) {
    if (!b.defined(name)) b.input_of(node, index);  // nothing defines it: that error first
    b.fail(key, shown + " is not a constant",
           (what == "shape" ? "a constant " : "constant ") + what + " (initializer or Constant)");
  }
  if (value->data_type() != onnx::TensorProto::INT64) {
    const int type = value->data_type();
    b.fail(key,
           shown + " has data type " +
               (onnx::TensorProto_DataType_IsValid(type)
                    ? onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(type))
                    : "number " + std::to_string(type)),
           "INT64");
  }
  if (value->dims_size() != 1)
    b.fail(key, shown + " has " + std::to_string(value->dims_size()) + " dims", "a 1-D tensor");
  const bool external = value->data_location() == onnx::TensorProto::EXTERNAL;
  const bool raw = !value->raw_data().empty();
  const std::int64_t count = raw ? static_cast<std::int64_t>(value->raw_data().size() / 8) : value->int64_data_size();
  const bool exact = !raw || value->raw_data().size() % 8 == 0;
  if (external || (raw && value->int64_data_size() > 0) || !exact || count != value->dims(0)) {
    b.fail(key, shown + " does not hold its " + std::to_string(value->dims(0)) + " values in one place",
           "exactly as many INT64 values as its dims give, in raw_data or int64_data");
  }
  return raw ? raw_ints(value->raw_data())
             : std::vector<std::int64_t>(value->int64_data().begin(), value->int64_data().end());
}

}  // namespace tilesim::frontend
