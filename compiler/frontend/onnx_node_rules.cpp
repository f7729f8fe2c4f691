#include "compiler/frontend/onnx_node_rules.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>

#include "compiler/support/input_error.h"

namespace tilesim::frontend {

namespace {

using Type = onnx::AttributeProto::AttributeType;

struct AttributeRule {
  const char* name;
  Type type;
  std::int64_t before_opset;     // the attribute exists in opsets below this; 0: in every opset
  std::int64_t since_opset = 0;  // ... and from this one on
};

struct OpRule {
  const char* op;
  std::vector<const char*> inputs;  // ONNX's names for them, in order
  int optional_inputs;              // how many of the last ones may be absent
  std::vector<AttributeRule> attributes;
  std::vector<const char*> outputs = {"output"};  // ONNX's names for them, in order
  int optional_outputs = 0;                       // how many of the last ones may be absent
  bool variadic = false;                          // the last input may repeat (Max, Min)
  std::int64_t inputs_since = 0;                  // the optional inputs exist from this opset (before: attributes)
  std::int64_t since_opset = 0;                   // the op exists from this opset
  bool required_since = false;                    // the optional inputs are required from inputs_since
  std::int64_t until_opset = 0;                   // the rule holds below this opset (0: in every later one)
  bool variadic_outputs = false;                  // the last output may repeat (Split)
};

constexpr auto kInt = onnx::AttributeProto::INT;
constexpr auto kInts = onnx::AttributeProto::INTS;
constexpr auto kFloat = onnx::AttributeProto::FLOAT;

// Add, Sub and Mul share their attributes: broadcasting before opset 7.
std::vector<AttributeRule> legacy_broadcast() {
  return {{"broadcast", kInt, 7}, {"axis", kInt, 7}, {"consumed_inputs", kInts, 6}};
}

// The element-wise ops and activations (onnx_elementwise.cpp imports them).
std::vector<OpRule> elementwise_rules() {
  const std::vector<AttributeRule> consumed = {{"consumed_inputs", kInts, 6}};
  return {
      {"Sub", {"A", "B"}, 0, legacy_broadcast()},
      {"Mul", {"A", "B"}, 0, legacy_broadcast()},
      {"Max", {"data_0"}, 0, consumed, {"max"}, 0, true},
      {"Min", {"data_0"}, 0, consumed, {"min"}, 0, true},
      {"Clip",
       {"input", "min", "max"},
       2,
       {{"min", kFloat, 11}, {"max", kFloat, 11}, {"consumed_inputs", kInts, 6}},
       {"output"},
       0,
       false,
       11},
      {"LeakyRelu", {"X"}, 0, {{"alpha", kFloat, 0}, {"consumed_inputs", kInts, 6}}, {"Y"}},
      {"Sigmoid", {"X"}, 0, consumed, {"Y"}},
      {"Tanh", {"input"}, 0, consumed},
      {"HardSigmoid", {"X"}, 0, {{"alpha", kFloat, 0}, {"beta", kFloat, 0}, {"consumed_inputs", kInts, 6}}, {"Y"}},
      {"HardSwish", {"X"}, 0, {}, {"Y"}, 0, false, 0, 14},
      {"Identity", {"input"}, 0, {}},
      {"Dropout",
       {"data", "ratio", "training_mode"},
       2,
       {{"ratio", kFloat, 12}, {"is_test", kInt, 7}, {"consumed_inputs", kInts, 6}, {"seed", kInt, 0, 12}},
       {"output", "mask"},
       1,
       false,
       12},
      {"Constant",
       {},
       0,
       {{"value", onnx::AttributeProto::TENSOR, 0},
        {"sparse_value", onnx::AttributeProto::SPARSE_TENSOR, 0, 11},
        {"value_float", kFloat, 0, 12},
        {"value_floats", onnx::AttributeProto::FLOATS, 0, 12},
        {"value_int", kInt, 0, 12},
        {"value_ints", kInts, 0, 12},
        {"value_string", onnx::AttributeProto::STRING, 0, 12},
        {"value_strings", onnx::AttributeProto::STRINGS, 0, 12}}},
  };
}

// ---- issue 14: the arithmetic and transcendental ops (onnx_math.cpp imports
// them; Div's rule is with the folded ops, which fold it when constant).
// Pow from opset 7 (numpy broadcasting; before, a broadcast attribute).
std::vector<OpRule> math_rules() {
  const std::vector<AttributeRule> consumed = {{"consumed_inputs", kInts, 6}};
  return {
      {"Sqrt", {"X"}, 0, consumed, {"Y"}},
      {"Reciprocal", {"X"}, 0, consumed, {"Y"}},
      {"Exp", {"input"}, 0, consumed},
      {"Neg", {"X"}, 0, consumed, {"Y"}},
      {"Erf", {"input"}, 0, {}, {"output"}, 0, false, 0, 9},
      {"Pow", {"X", "Y"}, 0, {}, {"Z"}, 0, false, 0, 7},
      {"Gelu", {"X"}, 0, {{"approximation", onnx::AttributeProto::STRING, 0}}, {"Y"}, 0, false, 0, 20},
  };
}

// The pooling ops (onnx_pool.cpp imports them). MaxPool's Indices output
// may be declared but not read; storage_order only orders the indices.
std::vector<OpRule> pool_rules() {
  const std::vector<AttributeRule> window = {{"auto_pad", onnx::AttributeProto::STRING, 0},
                                             {"kernel_shape", kInts, 0},
                                             {"pads", kInts, 0},
                                             {"strides", kInts, 0},
                                             {"ceil_mode", kInt, 0, 10}};
  std::vector<AttributeRule> max = window, average = window;
  max.push_back({"dilations", kInts, 0, 10});
  max.push_back({"storage_order", kInt, 0, 8});
  average.push_back({"dilations", kInts, 0, 19});
  average.push_back({"count_include_pad", kInt, 0, 7});
  return {
      {"MaxPool", {"X"}, 0, max, {"Y", "Indices"}, 1},
      {"AveragePool", {"X"}, 0, average, {"Y"}},
      {"GlobalMaxPool", {"X"}, 0, {}, {"Y"}},
      {"GlobalAveragePool", {"X"}, 0, {}, {"Y"}},
      {"Pad",
       {"data", "pads", "constant_value", "axes"},
       3,
       {{"mode", onnx::AttributeProto::STRING, 0},
        {"pads", kInts, 11, 2},
        {"paddings", kInts, 2},
        {"value", kFloat, 11}},
       {"output"},
       0,
       false,
       11},
  };
}

// The ops that reshape (onnx_shape_ops.cpp imports them): their settings
// were attributes before they became inputs.
std::vector<OpRule> shape_rules() {
  return {
      {"Reshape",
       {"data", "shape"},
       1,
       {{"shape", kInts, 5}, {"consumed_inputs", kInts, 5}, {"allowzero", kInt, 0, 14}},
       {"reshaped"},
       0,
       false,
       5,
       0,
       true},
      {"Squeeze", {"data", "axes"}, 1, {{"axes", kInts, 13}}, {"squeezed"}, 0, false, 13},
      {"Unsqueeze", {"data", "axes"}, 1, {{"axes", kInts, 13}}, {"expanded"}, 0, false, 13, 0, true},
  };
}

// A rule for `op` in the opsets [since, until) (until 0: every later one).
OpRule ranged(OpRule rule, std::int64_t since, std::int64_t until) {
  rule.since_opset = since;
  rule.until_opset = until;
  return rule;
}

// The shape plumbing and integer arithmetic PyTorch emits around a model's
// computation, folded at import (onnx_constant_folding.h): ops of the
// opsets' float32 meaning (Cast-1's `to` was a string).
std::vector<OpRule> folding_rules() {
  const std::vector<AttributeRule> compare_broadcast = {{"broadcast", kInt, 7}, {"axis", kInt, 7}};
  OpRule split_1 = {"Split", {"input", "split"}, 1, {{"axis", kInt, 0}, {"split", kInts, 0}}, {"outputs"}};
  OpRule split_2 = {"Split", {"input"}, 0, {{"axis", kInt, 0}, {"split", kInts, 0}}, {"outputs"}};
  OpRule split_13 = {"Split", {"input", "split"}, 1, {{"axis", kInt, 0}, {"num_outputs", kInt, 0, 18}}, {"outputs"}};
  for (OpRule* split : {&split_1, &split_2, &split_13}) split->variadic_outputs = true;
  return {
      {"Shape", {"data"}, 0, {{"start", kInt, 0, 15}, {"end", kInt, 0, 15}}, {"shape"}},
      {"Gather", {"data", "indices"}, 0, {{"axis", kInt, 0}}},
      ranged({"Slice", {"data"}, 0, {{"starts", kInts, 0}, {"ends", kInts, 0}, {"axes", kInts, 0}}}, 1, 10),
      ranged({"Slice", {"data", "starts", "ends", "axes", "steps"}, 2, {}}, 10, 0),
      ranged(split_1, 1, 2),
      ranged(split_2, 2, 13),
      ranged(split_13, 13, 0),
      ranged({"Expand", {"input", "shape"}, 0, {}}, 8, 0),
      {"Cast", {"input"}, 0, {{"to", onnx::AttributeProto::STRING, 6}, {"to", kInt, 0, 6}, {"saturate", kInt, 0, 19}}},
      ranged({"ConstantOfShape", {"input"}, 0, {{"value", onnx::AttributeProto::TENSOR, 0}}}, 9, 0),
      ranged({"Range", {"start", "limit", "delta"}, 0, {}}, 11, 0),
      ranged({"Where", {"condition", "X", "Y"}, 0, {}}, 9, 0),
      {"Equal", {"A", "B"}, 0, compare_broadcast, {"C"}},
      {"Less", {"A", "B"}, 0, compare_broadcast, {"C"}},
      {"Greater", {"A", "B"}, 0, compare_broadcast, {"C"}},
      {"Div", {"A", "B"}, 0, legacy_broadcast(), {"C"}},
  };
}

// ---- Row reductions (issue 14; onnx_rows.cpp imports them) ----
std::vector<OpRule> row_rules() {
  const std::vector<AttributeRule> reduce_attributes = {{"axes", kInts, 0}, {"keepdims", kInt, 0}};
  const std::vector<AttributeRule> reduce_input = {{"keepdims", kInt, 0}, {"noop_with_empty_axes", kInt, 0}};
  std::vector<OpRule> rules = {
      {"Softmax", {"input"}, 0, {{"axis", kInt, 0}}},
      {"LayerNormalization",
       {"X", "Scale", "B"},
       1,
       {{"axis", kInt, 0}, {"epsilon", kFloat, 0}, {"stash_type", kInt, 0}},
       {"Y", "Mean", "InvStdDev"},
       2,
       false,
       0,
       17},
      ranged({"ReduceSum", {"data"}, 0, reduce_attributes, {"reduced"}}, 1, 13),
      ranged({"ReduceSum", {"data", "axes"}, 1, reduce_input, {"reduced"}}, 13, 0),
  };
  for (const char* op : {"ReduceMean", "ReduceMax"}) {
    rules.push_back(ranged({op, {"data"}, 0, reduce_attributes, {"reduced"}}, 1, 18));
    rules.push_back(ranged({op, {"data", "axes"}, 1, reduce_input, {"reduced"}}, 18, 0));
  }
  return rules;
}

std::vector<OpRule> make_op_rules() {
  std::vector<OpRule> rules = {
      {"Relu", {"X"}, 0, {{"consumed_inputs", onnx::AttributeProto::INTS, 6}}},
      {"Add",
       {"A", "B"},
       0,
       {{"broadcast", onnx::AttributeProto::INT, 7},
        {"axis", onnx::AttributeProto::INT, 7},
        {"consumed_inputs", onnx::AttributeProto::INTS, 6}}},
      {"MatMul", {"A", "B"}, 0, {}},
      {"Gemm",
       {"A", "B", "C"},
       1,
       {{"alpha", onnx::AttributeProto::FLOAT, 0},
        {"beta", onnx::AttributeProto::FLOAT, 0},
        {"transA", onnx::AttributeProto::INT, 0},
        {"transB", onnx::AttributeProto::INT, 0},
        {"broadcast", onnx::AttributeProto::INT, 7}}},
      {"Transpose", {"data"}, 0, {{"perm", onnx::AttributeProto::INTS, 0}}},
      {"Conv",
       {"X", "W", "B"},
       1,
       {{"auto_pad", onnx::AttributeProto::STRING, 0},
        {"dilations", onnx::AttributeProto::INTS, 0},
        {"group", onnx::AttributeProto::INT, 0},
        {"kernel_shape", onnx::AttributeProto::INTS, 0},
        {"pads", onnx::AttributeProto::INTS, 0},
        {"strides", onnx::AttributeProto::INTS, 0}}},
      {"BatchNormalization",
       {"X", "scale", "B", "input_mean", "input_var"},
       0,
       {{"epsilon", onnx::AttributeProto::FLOAT, 0},
        {"momentum", onnx::AttributeProto::FLOAT, 0},
        {"spatial", onnx::AttributeProto::INT, 9},
        {"is_test", onnx::AttributeProto::INT, 7},
        {"consumed_inputs", onnx::AttributeProto::INTS, 6},
        {"training_mode", onnx::AttributeProto::INT, 0, 14}},
       {"Y", "mean", "var", "saved_mean", "saved_var"},
       4},
      {"Flatten", {"input"}, 0, {{"axis", onnx::AttributeProto::INT, 0}}},
      {"Concat", {"inputs"}, 0, {{"axis", kInt, 0}}, {"concat_result"}, 0, true},
  };
  for (OpRule& rule : shape_rules()) rules.push_back(std::move(rule));
  for (OpRule& rule : elementwise_rules()) rules.push_back(std::move(rule));
  for (OpRule& rule : pool_rules()) rules.push_back(std::move(rule));
  for (OpRule& rule : math_rules()) rules.push_back(std::move(rule));  // issue 14
  for (OpRule& rule : folding_rules()) rules.push_back(std::move(rule));
  for (OpRule& rule : row_rules()) rules.push_back(std::move(rule));
  return rules;
}

const std::vector<OpRule>& op_rules() {
  static const std::vector<OpRule> rules = make_op_rules();
  return rules;
}

// The rule of `op` for `opset`; where none holds (an opset before the op's
// first), the earliest, whose since_opset the refusal names.
const OpRule& rule_of(const std::string& op, std::int64_t opset) {
  const OpRule* earliest = nullptr;
  for (const OpRule& rule : op_rules()) {
    if (rule.op != op) continue;
    if (opset >= rule.since_opset && (rule.until_opset == 0 || opset < rule.until_opset)) return rule;
    if (!earliest || rule.since_opset < earliest->since_opset) earliest = &rule;
  }
  if (earliest) return *earliest;
  throw std::logic_error("check_node on an unsupported op " + op);
}

bool in_opset(const AttributeRule& rule, std::int64_t opset) {
  return (rule.before_opset == 0 || opset < rule.before_opset) && opset >= rule.since_opset;
}

std::string type_name(int type) {
  if (!onnx::AttributeProto_AttributeType_IsValid(type)) return "type " + std::to_string(type);
  return onnx::AttributeProto_AttributeType_Name(static_cast<Type>(type));
}

// The AttributeProto field that holds a value of `type`.
const char* value_field(Type type) {
  switch (type) {
    case onnx::AttributeProto::FLOAT:
      return "f";
    case onnx::AttributeProto::INT:
      return "i";
    case onnx::AttributeProto::INTS:
      return "ints";
    case onnx::AttributeProto::FLOATS:
      return "floats";
    case onnx::AttributeProto::STRING:
      return "s";
    case onnx::AttributeProto::STRINGS:
      return "strings";
    case onnx::AttributeProto::TENSOR:
      return "t";
    case onnx::AttributeProto::SPARSE_TENSOR:
      return "sparse_tensor";
    default:
      return "";
  }
}

bool is_list(Type type) {
  return type == onnx::AttributeProto::INTS || type == onnx::AttributeProto::FLOATS ||
         type == onnx::AttributeProto::STRINGS;
}

std::string join(const std::vector<std::string>& items, const std::string& last_separator) {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) text += i + 1 == items.size() ? last_separator : ", ";
    text += items[i];
  }
  return text;
}

class NodeChecker {
 public:
  NodeChecker(const onnx::NodeProto& node, std::int64_t opset, const std::string& file, const std::string& key)
      : node_(node), rule_(rule_of(node.op_type(), opset)), opset_(opset), file_(file), key_(key) {}

  NodeAttributes run() {
    if (opset_ < rule_.since_opset) {
      fail(std::string(rule_.op) + " is not in opset " + std::to_string(opset_),
           "opset " + std::to_string(rule_.since_opset) + " or later for " + rule_.op);
    }
    check_inputs();
    check_outputs();
    std::set<std::string> seen;
    for (const onnx::AttributeProto& attribute : node_.attribute()) {
      if (!seen.insert(attribute.name()).second) {
        fail("attribute " + quoted(attribute.name()) + " is given twice", "each attribute once");
      }
      read(attribute, check_attribute(attribute));
    }
    if (std::string(rule_.op) == "Constant") check_constant();
    return attributes_;
  }

 private:
  [[noreturn]] void fail(const std::string& problem, const std::string& expected) const {
    throw InputError(file_, key_, problem, expected);
  }

  // Inputs required in this opset: Gemm's C is optional from opset 11 on.
  int required_inputs() const {
    const bool c_required = std::string(rule_.op) == "Gemm" && opset_ < 11;
    const bool now_required = rule_.required_since && opset_ >= rule_.inputs_since;
    return static_cast<int>(rule_.inputs.size()) - (c_required || now_required ? 0 : rule_.optional_inputs);
  }

  // Before inputs_since the optional inputs do not exist (they were attributes).
  int max_inputs() const {
    if (rule_.variadic) return std::numeric_limits<int>::max();
    const int all = static_cast<int>(rule_.inputs.size());
    return opset_ < rule_.inputs_since ? all - rule_.optional_inputs : all;
  }

  // ONNX's name for input i: a variadic input repeats as data_1, ... (Max,
  // Min) or inputs[1], ... (Concat).
  std::string input_name(int i) const {
    const int last = static_cast<int>(rule_.inputs.size()) - 1;
    const std::string name = rule_.inputs[static_cast<std::size_t>(std::min(i, last))];
    if (!rule_.variadic || i < last) return name;
    if (name == "data_0") return "data_" + std::to_string(i);
    return name + "[" + std::to_string(i) + "]";
  }

  std::string inputs_expected() const {
    const int all = max_inputs();
    const int required = required_inputs();
    std::vector<std::string> names(rule_.inputs.begin(),
                                   rule_.inputs.begin() + std::min<int>(all, rule_.inputs.size()));
    if (rule_.variadic) return "1 or more inputs: " + input_name(0) + ", " + input_name(1) + ", ...";
    if (required == all) {
      std::string text = std::to_string(all) + (all == 1 ? " input: " : " inputs: ") + join(names, " and ");
      if (std::string(rule_.op) == "Gemm") text += " (C is optional from opset 11)";
      return text;
    }
    if (all - required == 1) {
      names.back() = "optionally " + names.back();
      return std::to_string(required) + " or " + std::to_string(all) + " inputs: " + join(names, " and ");
    }
    const std::vector<std::string> optional(names.begin() + required, names.end());
    names.resize(static_cast<std::size_t>(required));
    return std::to_string(required) + " to " + std::to_string(all) + " inputs: " + join(names, " and ") +
           ", then optionally " + join(optional, " and ");
  }

  void check_inputs() const {
    const int count = node_.input_size();
    if (count < required_inputs() || count > max_inputs()) {
      fail("has " + std::to_string(count) + (count == 1 ? " input" : " inputs"), inputs_expected());
    }
    for (int i = 0; i < count; ++i) {
      if (!node_.input(i).empty() || (i >= required_inputs() && !rule_.variadic)) continue;
      const std::string name = input_name(i);
      fail("input " + std::to_string(i) + " (" + name + ") is the empty name",
           "a tensor: " + name + " is not optional");
    }
  }

  void check_outputs() const {
    const int count = node_.output_size();
    const int all = static_cast<int>(rule_.outputs.size());
    const int required = all - rule_.optional_outputs;
    if (rule_.variadic_outputs && count >= required) {
      for (int i = 0; i < count; ++i) {
        if (node_.output(i).empty()) fail("output " + std::to_string(i) + " is the empty name", "a tensor name");
      }
      return;
    }
    if (count < required || count > all) {
      std::vector<std::string> names(rule_.outputs.begin(), rule_.outputs.end());
      if (required < all) names.back() = "optionally " + names.back();
      fail("has " + std::to_string(count) + (count == 1 ? " output" : " outputs"),
           required == all && all == 1
               ? "1 output"
               : std::to_string(required) + " or " + std::to_string(all) + " outputs: " + join(names, " and "));
    }
    if (node_.output(0).empty()) fail("output 0 is the empty name", "a tensor name");
  }

  std::string known_attributes() const {
    std::vector<std::string> names;
    for (const AttributeRule& rule : rule_.attributes) {
      if (in_opset(rule, opset_)) names.push_back(rule.name);
    }
    const std::string where = std::string(" for ") + rule_.op + " in opset " + std::to_string(opset_);
    return names.empty() ? "no attributes" + where : join(names, " or ") + where;
  }

  // The rule for `attribute`, after checking its name, type and value field.
  const AttributeRule& check_attribute(const onnx::AttributeProto& attribute) const {
    const std::string name = "attribute " + quoted(attribute.name());
    const AttributeRule* rule = nullptr;
    for (const AttributeRule& candidate : rule_.attributes) {
      if (candidate.name == attribute.name() && in_opset(candidate, opset_)) rule = &candidate;
    }
    if (!rule) fail("unknown " + name, known_attributes());
    if (!attribute.ref_attr_name().empty()) {
      fail(name + " refers to " + quoted(attribute.ref_attr_name()), "a value (ref_attr_name belongs in functions)");
    }
    if (attribute.type() != rule->type) fail(name + " has type " + type_name(attribute.type()), type_name(rule->type));
    check_value_fields(attribute, *rule, name);
    return *rule;
  }

  // The value is in the type's own field and nowhere else (an INTS list may be empty).
  void check_value_fields(const onnx::AttributeProto& attribute, const AttributeRule& rule,
                          const std::string& name) const {
    const std::string own = value_field(rule.type);
    std::vector<const google::protobuf::FieldDescriptor*> fields;
    attribute.GetReflection()->ListFields(attribute, &fields);
    bool has_own = false;
    for (const auto* field : fields) {
      const std::string& field_name = field->name();
      if (field_name == "name" || field_name == "type" || field_name == "doc_string") continue;
      if (field_name != own) fail(name + " of type " + type_name(rule.type) + " sets " + field_name, "only " + own);
      has_own = true;
    }
    if (!has_own && !is_list(rule.type)) {
      fail(name + " of type " + type_name(rule.type) + " has no value", "a value in " + own);
    }
  }

  bool flag(const onnx::AttributeProto& attribute) const {
    if (attribute.i() != 0 && attribute.i() != 1) {
      fail(attribute.name() + " is " + std::to_string(attribute.i()), "0 or 1");
    }
    return attribute.i() == 1;
  }

  float finite(const onnx::AttributeProto& attribute) const {
    if (!std::isfinite(attribute.f())) {
      std::ostringstream shown;
      shown << attribute.f();
      fail(attribute.name() + " is " + shown.str(), "a finite number");
    }
    return attribute.f();
  }

  // A Clip bound given as an attribute (before opset 11): any number, -inf or inf.
  float bound(const onnx::AttributeProto& attribute) const {
    if (std::isnan(attribute.f())) fail(attribute.name() + " is nan", "a number, -inf or inf");
    return attribute.f();
  }

  float ratio(const onnx::AttributeProto& attribute) const {
    if (!(attribute.f() >= 0.0f && attribute.f() < 1.0f)) {
      std::ostringstream shown;
      shown << attribute.f();
      fail("ratio is " + shown.str(), "a dropout ratio in [0, 1)");
    }
    return attribute.f();
  }

  void read(const onnx::AttributeProto& attribute, const AttributeRule& rule) {
    const std::string name = rule.name;
    if (name == "alpha") {
      attributes_.alpha = finite(attribute);
      attributes_.alpha_given = true;
    }
    if (name == "beta") {
      attributes_.beta = finite(attribute);
      attributes_.beta_given = true;
    }
    if (name == "transA") attributes_.trans_a = flag(attribute);
    if (name == "transB") attributes_.trans_b = flag(attribute);
    if (name == "broadcast") attributes_.broadcast = flag(attribute);
    if (name == "axis") attributes_.axis = attribute.i();
    if (name == "perm") attributes_.perm.emplace(attribute.ints().begin(), attribute.ints().end());
    if (name == "auto_pad") attributes_.auto_pad = auto_pad(attribute);
    if (name == "dilations") attributes_.dilations.emplace(attribute.ints().begin(), attribute.ints().end());
    if (name == "kernel_shape") attributes_.kernel_shape.emplace(attribute.ints().begin(), attribute.ints().end());
    if (name == "pads") attributes_.pads.emplace(attribute.ints().begin(), attribute.ints().end());
    if (name == "strides") attributes_.strides.emplace(attribute.ints().begin(), attribute.ints().end());
    if (name == "group") attributes_.group = attribute.i();
    if (name == "ceil_mode") attributes_.ceil_mode = flag(attribute);
    if (name == "count_include_pad") attributes_.count_include_pad = flag(attribute);
    if (name == "paddings") attributes_.pads.emplace(attribute.ints().begin(), attribute.ints().end());
    if (name == "mode") attributes_.pad_mode = attribute.s();
    if (name == "value") attributes_.pad_value = attribute.f();
    if (name == "storage_order") flag(attribute);  // orders MaxPool's indices, which are never read
    if (name == "epsilon") attributes_.epsilon = finite(attribute);
    if (name == "axes") attributes_.axes.emplace(attribute.ints().begin(), attribute.ints().end());
    if (name == "shape") attributes_.shape.emplace(attribute.ints().begin(), attribute.ints().end());
    if (name == "allowzero") attributes_.allowzero = flag(attribute);
    if (name == "spatial" && !flag(attribute)) fail("spatial is 0 (per-element statistics)", "spatial 1");
    if (name == "training_mode" && flag(attribute)) fail("training_mode is 1", "0 (inference)");
    // momentum only matters in training; is_test and spatial's 1 are inference's defaults.
    if (name == "min") attributes_.clip_min = bound(attribute);
    if (name == "max") attributes_.clip_max = bound(attribute);
    if (name == "ratio") ratio(attribute);
    if (name == "is_test") attributes_.is_test = flag(attribute);
    if (name == "start") attributes_.start = attribute.i();
    if (name == "end") attributes_.end = attribute.i();
    if (name == "starts") attributes_.starts.emplace(attribute.ints().begin(), attribute.ints().end());
    if (name == "ends") attributes_.ends.emplace(attribute.ints().begin(), attribute.ints().end());
    if (name == "split") attributes_.split.emplace(attribute.ints().begin(), attribute.ints().end());
    if (name == "num_outputs") attributes_.num_outputs = attribute.i();
    if (name == "keepdims") attributes_.keepdims = flag(attribute);
    if (name == "noop_with_empty_axes") attributes_.noop_with_empty_axes = flag(attribute);
    // stash_type: LayerNormalization's precision of its statistics (float32 either way here).
    if (name == "to") attributes_.to = to_type(attribute);
    if (name == "approximation") attributes_.approximation = approximation(attribute);  // Gelu
    // saturate: only casts to the float8 types use it, which are refused.
    if (rule.type == onnx::AttributeProto::TENSOR || name.rfind("value_", 0) == 0 || name == "sparse_value") {
      attributes_.constant_value = &attribute;
    }
    // consumed_inputs: a buffer-reuse hint of opsets 1-5; the result is the same without it.
    // seed: Dropout's random seed, unused in inference.
  }

  // A Constant gives its value in exactly one attribute.
  void check_constant() const {
    const onnx::AttributeProto* first = nullptr;
    for (const onnx::AttributeProto& attribute : node_.attribute()) {
      if (first) fail("has both " + quoted(first->name()) + " and " + quoted(attribute.name()), "one value attribute");
      first = &attribute;
    }
    if (!first) fail("has no value attribute", "one of " + known_attributes());
  }

  // Cast's target: a data type number (a name such as "FLOAT" in opset 1).
  int to_type(const onnx::AttributeProto& attribute) const {
    if (attribute.type() == onnx::AttributeProto::INT) {
      if (!onnx::TensorProto_DataType_IsValid(static_cast<int>(attribute.i())) || attribute.i() == 0) {
        fail("to is " + std::to_string(attribute.i()), "a TensorProto data type");
      }
      return static_cast<int>(attribute.i());
    }
    onnx::TensorProto_DataType type;
    if (!onnx::TensorProto_DataType_Parse(attribute.s(), &type) || type == onnx::TensorProto::UNDEFINED) {
      fail("to is " + quoted(attribute.s()), "a TensorProto data type name");
    }
    return type;
  }

  std::string approximation(const onnx::AttributeProto& attribute) const {
    const std::string& value = attribute.s();
    if (value != "none" && value != "tanh") fail("approximation is " + quoted(value), "none or tanh");
    return value;
  }

  std::string auto_pad(const onnx::AttributeProto& attribute) const {
    const std::string& value = attribute.s();
    if (value != "NOTSET" && value != "SAME_UPPER" && value != "SAME_LOWER" && value != "VALID") {
      fail("auto_pad is " + quoted(value), "NOTSET, SAME_UPPER, SAME_LOWER or VALID");
    }
    return value;
  }

  const onnx::NodeProto& node_;
  const OpRule& rule_;
  std::int64_t opset_;
  const std::string& file_;
  const std::string& key_;
  NodeAttributes attributes_;
};

}  // namespace

bool is_supported_op(const std::string& op_type) {
  for (const OpRule& rule : op_rules()) {
    if (rule.op == op_type) return true;
  }
  return false;
}

const std::string& supported_ops() {
  static const std::string text = [] {
    std::set<std::string> unique;  // an op whose inputs changed has a rule per opset range
    for (const OpRule& rule : op_rules()) unique.insert(rule.op);
    return join({unique.begin(), unique.end()}, " or ");
  }();
  return text;
}

NodeAttributes check_node(const onnx::NodeProto& node, std::int64_t opset, const std::string& file,
                          const std::string& key) {
  return NodeChecker(node, opset, file, key).run();
}

bool has_input(const onnx::NodeProto& node, int index) {
  return index < node.input_size() && !node.input(index).empty();
}

}  // namespace tilesim::frontend
