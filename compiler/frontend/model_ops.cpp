#include "compiler/frontend/model_ops.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

#include "compiler/frontend/image_layout.h"
#include "compiler/frontend/reshape_rules.h"
#include "compiler/frontend/row_ops.h"
#include "compiler/frontend/size_limits.h"

namespace tilesim::frontend {

namespace {

using ir::OpKind;
using ir::Shape;
using ir::TensorId;
using yaml::MapReader;

constexpr float kInf = std::numeric_limits<float>::infinity();
// Kernel, stride, dilation and pad values: far above any real network, low
// enough that no window arithmetic comes near overflow.
constexpr std::int64_t kMaxWindowValue = 65536;

const std::vector<OpSpec>& op_specs() {
  static const std::vector<OpSpec> specs = {
      {"add", OpKind::Add, 2, 2, OpKeys::None, {}},
      {"avg_pool", OpKind::AveragePool, 1, 1, OpKeys::AvgPool, {}},
      {"clip", OpKind::Clip, 1, 1, OpKeys::None, {{"min", -kInf}, {"max", kInf}}},
      {"conv", OpKind::Conv, 2, 3, OpKeys::Conv, {}},
      {"flatten", OpKind::Relayout, 1, 1, OpKeys::Flatten, {}},
      {"global_avg_pool", OpKind::AveragePool, 1, 1, OpKeys::GlobalPool, {}},
      {"global_max_pool", OpKind::MaxPool, 1, 1, OpKeys::GlobalPool, {}},
      {"hard_sigmoid", OpKind::HardSigmoid, 1, 1, OpKeys::None, {{"alpha", 0.2f}, {"beta", 0.5f}}},
      {"hard_swish", OpKind::HardSwish, 1, 1, OpKeys::None, {}},
      {"layer_norm", OpKind::LayerNorm, 2, 3, OpKeys::None, {{"epsilon", 1e-5f}}},
      {"leaky_relu", OpKind::LeakyRelu, 1, 1, OpKeys::None, {{"alpha", 0.01f}}},
      {"matmul", OpKind::MatMul, 2, 2, OpKeys::None, {}},
      {"max", OpKind::Max, 2, 2, OpKeys::None, {}},
      {"max_pool", OpKind::MaxPool, 1, 1, OpKeys::Pool, {}},
      {"min", OpKind::Min, 2, 2, OpKeys::None, {}},
      {"mul", OpKind::Mul, 2, 2, OpKeys::None, {}},
      {"reduce_max", OpKind::ReduceMax, 1, 1, OpKeys::None, {}},
      {"reduce_mean", OpKind::ReduceSum, 1, 1, OpKeys::None, {}},
      {"reduce_sum", OpKind::ReduceSum, 1, 1, OpKeys::None, {}},
      {"relu", OpKind::Relu, 1, 1, OpKeys::None, {}},
      {"reshape", OpKind::Relayout, 1, 1, OpKeys::Reshape, {}},
      {"sigmoid", OpKind::Sigmoid, 1, 1, OpKeys::None, {}},
      {"softmax", OpKind::Softmax, 1, 1, OpKeys::None, {}},
      {"sub", OpKind::Sub, 2, 2, OpKeys::None, {}},
      {"tanh", OpKind::Tanh, 1, 1, OpKeys::None, {}},
      // ---- issue 14, element-wise (docs/model-format.md) ----
      {"div", OpKind::Div, 2, 2, OpKeys::None, {}},
      {"erf", OpKind::Erf, 1, 1, OpKeys::None, {}},
      {"exp", OpKind::Exp, 1, 1, OpKeys::None, {}},
      {"gelu", OpKind::Gelu, 1, 1, OpKeys::Gelu, {}},
      {"neg", OpKind::Neg, 1, 1, OpKeys::None, {}},
      {"pow", OpKind::Pow, 1, 1, OpKeys::None, {{"exponent", 1.0f}}},
      {"reciprocal", OpKind::Reciprocal, 1, 1, OpKeys::None, {}},
      {"sqrt", OpKind::Sqrt, 1, 1, OpKeys::None, {}},
  };
  return specs;
}

// A constant: any finite float32 (a clip bound may instead be left out: -inf, inf).
const yaml::NumberRule& constant_rule() {
  static const yaml::NumberRule rule{std::nextafter(-double{FLT_MAX}, -HUGE_VAL), FLT_MAX, "",
                                     "a number from -3.4028235e+38 to 3.4028235e+38"};
  return rule;
}

// A list of `count` integers from `min` to kMaxWindowValue at `key`;
// `fallback` when absent (and, for a required key, until finish() says so).
std::vector<std::int64_t> int_list(MapReader& r, const char* key, bool required, std::size_t count, std::int64_t min,
                                   std::vector<std::int64_t> fallback, const std::string& expected) {
  const auto items = r.sequence(key, required, expected);
  if (!r.has(key)) return fallback;
  if (items.size() != count) {
    r.fail(key, "has " + std::to_string(items.size()) + (items.size() == 1 ? " value" : " values"), expected);
  }
  std::vector<std::int64_t> values;
  for (const auto& item : items) values.push_back(r.integer_at(item, yaml::IntRule{min, kMaxWindowValue, ""}));
  return values;
}

bool flag(MapReader& r, const char* key) { return r.integer(key, yaml::IntRule{0, 1, ""}, 0) == 1; }

void read_window(MapReader& r, OpSettings& s, bool kernel) {
  const std::string most = std::to_string(kMaxWindowValue);
  if (kernel) s.window.kernel = int_list(r, "kernel", true, 2, 1, {1, 1}, "[kh, kw], each from 1 to " + most);
  s.window.strides = int_list(r, "strides", false, 2, 1, {1, 1}, "[sh, sw], each from 1 to " + most);
  s.window.pads = int_list(r, "pads", false, 4, 0, {0, 0, 0, 0}, "[top, left, bottom, right], each from 0 to " + most);
  s.window.dilations = int_list(r, "dilations", false, 2, 1, {1, 1}, "[dh, dw], each from 1 to " + most);
}

// reshape's shape: 1 to 4 dims, each -1 (inferred), 0 (the input's) or a size.
std::vector<std::int64_t> read_shape(MapReader& r) {
  const std::string expected = "a list of 1 to 4 dims, e.g. [2, -1]: a size, 0 (the input's dim) or -1 (inferred)";
  const auto items = r.sequence("shape", true, expected);
  if (!r.has("shape")) return {1};
  if (items.empty() || items.size() > 4) r.fail("shape", "has " + std::to_string(items.size()) + " dims", expected);
  std::vector<std::int64_t> dims;
  for (const auto& item : items) dims.push_back(r.integer_at(item, yaml::IntRule{-1, kMaxTensorElements, ""}));
  return dims;
}

std::string shape_text(const Shape& s) { return ir::to_string(s); }

// Conv weights come from a param: their values are fixed for the run.
void check_weights_source(const GraphBuilder& b, TensorId w) {
  const ir::Tensor& t = b.tensor(w);
  if (t.kind == ir::TensorKind::Param) return;
  b.fail("inputs",
         "weights " + quoted(t.name) + " are " + (t.kind == ir::TensorKind::Input ? "a graph input" : "an op's output"),
         "a param [OC, C/group, KH, KW]");
}

void import_conv(GraphBuilder& b, const OpSettings& s, const std::vector<TensorId>& inputs, const std::string& name) {
  ConvSpec spec;
  spec.x = inputs[0];
  b.store_as_image(spec.x);
  spec.w = inputs[1];
  check_weights_source(b, spec.w);
  check_conv_weights(b, spec.w, "inputs");
  const std::vector<std::int64_t> xd = b.tensor(spec.x).shape.dims(), wd = b.tensor(spec.w).shape.dims();
  WindowSettings window = s.window;
  window.kernel = {wd[2], wd[3]};
  spec.window = make_window(b, window, xd, "inputs");
  spec.window.group = s.group;
  if (inputs.size() == 3) spec.bias = inputs[2];
  spec.name = name;
  spec.key = "inputs";
  // Without a group key the weights are what does not fit the input.
  spec.group_key = s.group_given ? "group" : "inputs";
  spec.group_subject = s.group_given ? "" : "group";
  emit_conv(b, spec);
}

void import_pool(GraphBuilder& b, const OpSpec& spec, const OpSettings& s, TensorId x, const std::string& name) {
  b.store_as_image(x);
  const std::vector<std::int64_t> xd = b.tensor(x).shape.dims();
  require_image(b, xd, "inputs");
  WindowSettings window = s.window;
  if (spec.keys == OpKeys::GlobalPool) window.kernel = {xd[2], xd[3]};
  const ir::Window w = make_window(b, window, xd, spec.keys == OpKeys::GlobalPool ? "inputs" : "kernel");
  emit_pool(b, spec.kind, x, w, name, "pads");
}

void import_matmul(GraphBuilder& b, TensorId x, TensorId y, const std::string& name) {
  const Shape a = b.tensor(x).shape, c = b.tensor(y).shape;
  if (a.rank != 2 || c.rank != 2 || a.cols != c.rows) {
    b.fail("inputs", "shapes " + shape_text(a) + " and " + shape_text(c) + " do not match for matmul",
           "[M, K] @ [K, N]");
  }
  ir::Op op;
  op.kind = OpKind::MatMul;
  op.inputs = {x, y};
  b.emit(std::move(op), name, Shape::from_dims({a.rows, c.cols}), "output");
}

void import_binary(GraphBuilder& b, OpKind kind, TensorId x, TensorId y, const std::string& name) {
  const Shape a = b.tensor(x).shape, c = b.tensor(y).shape;
  if (!ir::broadcast(a, c)) {
    b.fail("inputs", "shapes " + shape_text(a) + " and " + shape_text(c) + " do not match for " + ir::to_string(kind),
           "dims that are equal or 1, aligned at the last: [r, c] and [c], [r, 1] and [1, c], ...");
  }
  combine(b, kind, x, y, name, ir::to_string(kind), "inputs");
}

// softmax, layer_norm, reduce_*: over the last dim (row_ops.h).
void import_row(GraphBuilder& b, const OpSpec& spec, const OpSettings& s, const std::vector<TensorId>& inputs,
                const std::string& name) {
  const std::vector<std::int64_t> dims = b.tensor(inputs[0]).shape.dims();
  const std::size_t last = dims.empty() ? 0 : dims.size() - 1;
  if (spec.kind == OpKind::Softmax) {
    emit_softmax(b, inputs[0], last, name, "inputs");
  } else if (spec.kind == OpKind::LayerNorm) {
    const std::int64_t c = dims.empty() ? 1 : dims.back();
    for (std::size_t i = 1; i < inputs.size(); ++i) {
      if (b.tensor(inputs[i]).shape.dims() != std::vector<std::int64_t>{c}) {
        b.fail("inputs",
               std::string(i == 1 ? "gamma " : "beta ") + quoted(b.tensor(inputs[i]).name) + " is " +
                   shape_text(b.tensor(inputs[i]).shape),
               "[" + std::to_string(c) + "]: one value per element of the last dim");
      }
    }
    emit_layer_norm(b, inputs[0], inputs[1], inputs.size() > 2 ? inputs[2] : ir::kNone, s.param[0], name, "inputs");
  } else {
    emit_reduce(b, spec.kind, std::string(spec.name) == "reduce_mean", inputs[0], last, true, name, "inputs");
  }
}

}  // namespace

const OpSpec* find_op(const std::string& name) {
  for (const OpSpec& spec : op_specs()) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

std::vector<std::string> op_names() {
  std::vector<std::string> names;
  for (const OpSpec& spec : op_specs()) names.emplace_back(spec.name);
  return names;
}

std::string known_ops() {
  std::vector<std::string> names = op_names();
  std::sort(names.begin(), names.end());  // the table keeps each issue's ops in a block
  std::string text = "one of: ";
  for (const std::string& name : names) text += std::string(text.size() > 8 ? ", " : "") + name;
  return text;
}

OpSettings read_settings(const OpSpec& spec, MapReader& r) {
  OpSettings s;
  for (std::size_t i = 0; i < spec.constants.size(); ++i) {
    const auto& [key, fallback] = spec.constants[i];
    s.param[i] = static_cast<float>(r.number(key, constant_rule(), fallback));
  }
  switch (spec.keys) {
    case OpKeys::Conv:
      read_window(r, s, false);
      s.group = r.integer("group", yaml::IntRule{1, kMaxTensorElements, ""}, 1);
      s.group_given = r.has("group");
      break;
    case OpKeys::Pool:
    case OpKeys::AvgPool:
      read_window(r, s, true);
      s.window.ceil_mode = flag(r, "ceil_mode");
      if (spec.keys == OpKeys::AvgPool) s.window.count_include_pad = flag(r, "count_include_pad");
      break;
    case OpKeys::Flatten:
      s.axis = r.integer("axis", yaml::IntRule{-4, 4, ""}, 1);
      break;
    case OpKeys::Reshape:
      s.shape = read_shape(r);
      break;
    case OpKeys::Gelu:  // 0: exact (erf), 1: the tanh approximation
      s.param[0] = flag(r, "tanh") ? 1.0f : 0.0f;
      break;
    case OpKeys::None:
    case OpKeys::GlobalPool:
      break;
  }
  return s;
}

void check_arity(const OpSpec& spec, std::size_t given, const MapReader& reader) {
  if (given >= spec.min_inputs && given <= spec.max_inputs) return;
  const std::string count = std::to_string(spec.min_inputs) +
                            (spec.max_inputs > spec.min_inputs ? " or " + std::to_string(spec.max_inputs) : "");
  const char* example = spec.max_inputs == 3 ? "[x, w] or [x, w, b]" : spec.min_inputs == 1 ? "[h1]" : "[x, w1]";
  reader.fail("inputs",
              std::string(spec.name) + " takes " + count + (spec.max_inputs == 1 ? " input" : " inputs") + ", got " +
                  std::to_string(given),
              "a list of " + count + (spec.max_inputs == 1 ? " tensor name" : " tensor names") + ", e.g. " + example);
}

void import_op(GraphBuilder& b, const OpSpec& spec, const OpSettings& s, const std::vector<TensorId>& inputs,
               const std::string& name) {
  const TensorId x = inputs[0];
  if (spec.kind == OpKind::Conv) return import_conv(b, s, inputs, name);
  if (ir::is_pool(spec.kind)) return import_pool(b, spec, s, x, name);
  if (spec.kind == OpKind::MatMul) return import_matmul(b, x, inputs[1], name);
  if (ir::is_binary(spec.kind)) return import_binary(b, spec.kind, x, inputs[1], name);
  if (ir::is_row_op(spec.kind)) return import_row(b, spec, s, inputs, name);
  const std::vector<std::int64_t> dims = b.tensor(x).shape.dims();
  if (spec.keys == OpKeys::Flatten) {
    relayout(b, x, Shape::from_dims(flatten_dims(b, dims, s.axis, "axis", "")), name, "axis");
  } else if (spec.keys == OpKeys::Reshape) {
    relayout(b, x, Shape::from_dims(reshape_dims(b, dims, s.shape, false, "shape")), name, "shape");
  } else {  // an activation: the input's shape and layout
    ir::Op op;
    op.kind = spec.kind;
    op.inputs = {x};
    op.param[0] = s.param[0];
    op.param[1] = s.param[1];
    const Shape out = b.tensor(x).shape;
    b.emit(std::move(op), name, out, "output");
  }
}

}  // namespace tilesim::frontend
