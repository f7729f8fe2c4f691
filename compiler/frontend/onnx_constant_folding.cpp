#include "compiler/frontend/onnx_constant_folding.h"

#include <onnx/onnx_pb.h>

#include <set>

#include "compiler/frontend/onnx_fold_node.h"
#include "compiler/support/input_error.h"

namespace tilesim::frontend {

namespace {

// Ops folded when their inputs are constant, refused otherwise.
const std::set<std::string> kFoldOnly = {"Gather",          "Slice", "Split", "Expand", "Cast",
                                         "ConstantOfShape", "Range", "Equal", "Less",   "Greater"};
// Ops folded when their inputs are constant, imported as graph ops otherwise.
const std::set<std::string> kFoldIfConstant = {
    "Identity", "Unsqueeze", "Squeeze", "Reshape", "Concat",
    "Add",      "Sub",       "Mul",     "Div",     "Where"};  // issue 14: computed ones imported (onnx_math.h)

// Issue 14: ops whose data may also be computed: then they are views
// (onnx_select.h), not folded.
bool selects(const std::string& op) { return op == "Gather" || op == "Slice" || op == "Split"; }

bool is_shape_op(const std::string& op) {
  return op == "Shape" || op == "Gather" || op == "Slice" || op == "Split" || op == "Expand" || op == "Identity" ||
         op == "Reshape" || op == "Squeeze" || op == "Unsqueeze" || op == "Concat";
}

}  // namespace

const FoldedValue& FoldNode::value(int i, const std::string& role, bool data) const {
  if (const FoldedValue* v = folder_.find(name(i))) return *v;
  const ir::TensorId id =
      b_.input_of(node_, i);  // undefined, a pending Pad, a graph input of another type: those first
  const bool input = b_.tensor(id).kind == ir::TensorKind::Input;
  const std::string what = input ? "a graph input" : "computed by the graph";
  if (data) {
    fail(shown(i, role) + " is " + what,
         "a constant: " + op() + " of a " + (input ? "graph input" : "computed tensor") + " is not supported yet");
  }
  fail(shown(i, role) + " is " + what, "a constant " + role + " (an initializer, a Constant or folded from them)");
}

Dims FoldNode::ints(int i, const std::string& role, bool scalar) const {
  const FoldedValue& v = value(i, role);
  if (!v.is_integer()) fail(shown(i, role) + " has data type " + data_type_text(v.type), "INT64 or INT32");
  if (v.dims.size() != (scalar ? 0u : 1u)) {
    fail(shown(i, role) + " has shape " + list_text(v.dims), scalar ? "a scalar" : "a 1-D tensor");
  }
  return v.ints;
}

std::int64_t FoldNode::axis(std::int64_t axis, std::int64_t rank, const std::string& what) const {
  if (axis < -rank || axis >= rank) {
    fail(what + " is " + std::to_string(axis) + " for rank " + std::to_string(rank),
         "an axis in [" + std::to_string(-rank) + ", " + std::to_string(rank - 1) + "]");
  }
  return axis < 0 ? axis + rank : axis;
}

bool ConstantFolder::fold(const onnx::NodeProto& node, const NodeAttributes& attributes, const std::string& key) {
  const std::string& op = node.op_type();
  if (op != "Shape" && !kFoldOnly.count(op) && !kFoldIfConstant.count(op)) return false;
  if (selects(op) && node.input_size() > 0 && !is_constant(node.input(0))) return false;
  if (kFoldIfConstant.count(op)) {
    for (int i = 0; i < node.input_size(); ++i) {
      if (!node.input(i).empty() && !is_constant(node.input(i))) return false;
    }
    // Reshape, Squeeze and Unsqueeze read their setting through constant().
    const bool setting = op == "Reshape" || op == "Squeeze" || op == "Unsqueeze";
    if (setting && node.input_size() > 1) give(node.input(1));
  }
  FoldNode n(b_, *this, node, attributes, key);
  std::vector<FoldedValue> values;
  if (is_shape_op(op)) {
    values = fold_shape_op(n);
  } else {
    values.push_back(fold_math_op(n));
  }
  for (std::size_t i = 0; i < values.size(); ++i) store(node.output(static_cast<int>(i)), std::move(values[i]), key);
  return true;
}

bool ConstantFolder::is_constant(const std::string& name) const {
  return table_.count(name) > 0 || b_.constant(name) != nullptr;
}

const FoldedValue* ConstantFolder::find(const std::string& name) {
  if (const auto it = table_.find(name); it != table_.end()) return &it->second.value;
  const onnx::TensorProto* proto = b_.constant(name);
  if (!proto) return nullptr;
  Entry entry;
  entry.key = "constant " + quoted(name);
  entry.given = true;
  if (const auto refusal = read_folded(*proto, &entry.value)) b_.fail(entry.key, refusal->problem, refusal->expected);
  return &table_.emplace(name, std::move(entry)).first->second.value;
}

void ConstantFolder::reserve(const std::string& name, const Dims& dims, const std::string& key) {
  if (const auto refusal = elements_refusal(name, dims)) b_.fail(key, refusal->problem, refusal->expected);
  const std::int64_t total = total_bytes_ + element_count(dims) * 8;
  if (total > kMaxFoldedBytes) {
    b_.fail(key, "with " + quoted(name) + " the constants folded at import total " + std::to_string(total) + " bytes",
            "at most 1073741824 bytes (1 GiB), as much as an .onnx file holds");
  }
}

void ConstantFolder::store(const std::string& name, FoldedValue value, const std::string& key) {
  if (b_.defined(name) || table_.count(name)) {
    b_.fail(key, "writes tensor " + quoted(name) + ", which is already defined", "unique names");
  }
  reserve(name, value.dims, key);
  total_bytes_ += value.count() * 8;
  table_.emplace(name, Entry{std::move(value), key, false});
  if (!b_.is_graph_output(name)) return;
  // A graph output must be computed: the value under another name, copied.
  Entry& entry = table_.at(name);
  if (!entry.value.is_float()) {
    b_.fail(key, "its value, a graph output, has data type " + data_type_text(entry.value.type), "FLOAT");
  }
  entry.given = true;
  const onnx::TensorProto proto = to_proto(entry.value, b_.fresh(name + ".value"));
  const ir::TensorId id = b_.add_constant(proto, key);
  ir::Op copy;
  copy.kind = ir::OpKind::Scale;
  copy.inputs = {id};
  copy.scale = 1.0f;  // x * 1 is x, bit for bit
  b_.emit(std::move(copy), name, b_.tensor(id).shape, key);
}

void ConstantFolder::give(const std::string& name) {
  const auto it = table_.find(name);
  if (it == table_.end() || it->second.given) return;
  it->second.given = true;
  b_.add_constant(to_proto(it->second.value, name), it->second.key);
}

void ConstantFolder::give_inputs(const onnx::NodeProto& node) {
  for (const std::string& input : node.input()) give(input);
}

bool ConstantFolder::pending(const std::string& name) const {
  const auto it = table_.find(name);
  return it != table_.end() && !it->second.given;
}

}  // namespace tilesim::frontend
