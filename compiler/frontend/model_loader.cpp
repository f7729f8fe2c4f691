#include "compiler/frontend/model_loader.h"

#include <cfloat>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "compiler/frontend/size_limits.h"
#include "compiler/support/input_error.h"
#include "compiler/support/yaml_reader.h"

namespace tilesim::frontend {

namespace {

using ir::Graph;
using ir::OpKind;
using ir::Shape;
using ir::TensorId;
using ir::TensorKind;
using yaml::MapReader;

constexpr char kTopExpected[] = "a mapping with keys name, inputs, params, ops, outputs";
constexpr char kShapeExpected[] = "a shape [rows, cols] or [cols]";
constexpr char kNameExpected[] = "a name of letters, digits and _ . : / -";
constexpr char kOpExpected[] = "a mapping with keys op, inputs, output";
constexpr float kInf = std::numeric_limits<float>::infinity();

// An op of the file: its IR kind, how many inputs, and its constants with
// their defaults (ONNX's): the keys its mapping may have besides op, inputs
// and output.
struct OpSpec {
  const char* name;
  OpKind kind;
  std::size_t arity;
  std::vector<std::pair<const char*, float>> constants;
};

const std::vector<OpSpec>& op_specs() {
  static const std::vector<OpSpec> specs = {
      {"add", OpKind::Add, 2, {}},
      {"clip", OpKind::Clip, 1, {{"min", -kInf}, {"max", kInf}}},
      {"hard_sigmoid", OpKind::HardSigmoid, 1, {{"alpha", 0.2f}, {"beta", 0.5f}}},
      {"hard_swish", OpKind::HardSwish, 1, {}},
      {"leaky_relu", OpKind::LeakyRelu, 1, {{"alpha", 0.01f}}},
      {"matmul", OpKind::MatMul, 2, {}},
      {"max", OpKind::Max, 2, {}},
      {"min", OpKind::Min, 2, {}},
      {"mul", OpKind::Mul, 2, {}},
      {"relu", OpKind::Relu, 1, {}},
      {"sigmoid", OpKind::Sigmoid, 1, {}},
      {"sub", OpKind::Sub, 2, {}},
      {"tanh", OpKind::Tanh, 1, {}},
  };
  return specs;
}

std::vector<std::string> op_names() {
  std::vector<std::string> names;
  for (const OpSpec& spec : op_specs()) names.emplace_back(spec.name);
  return names;
}

// "one of: add, clip, ..., tanh".
std::string known_ops() {
  std::string text = "one of: ";
  for (const OpSpec& spec : op_specs()) text += std::string(text.size() > 8 ? ", " : "") + spec.name;
  return text;
}

// A constant: any finite float32 (a clip bound may instead be left out: -inf, inf).
const yaml::NumberRule& constant_rule() {
  static const yaml::NumberRule rule{std::nextafter(-double{FLT_MAX}, -HUGE_VAL), FLT_MAX, "",
                                     "a number from -3.4028235e+38 to 3.4028235e+38"};
  return rule;
}

std::string shape_text(const Shape& s) { return ir::to_string(s); }

// Names end up in messages, file names of dumps and the schedule text: keep
// them to characters that need no quoting anywhere.
bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == ':' || c == '/' || c == '-';
}

// Empty when the name is fine, else what is wrong with it.
std::string name_problem(const std::string& name) {
  if (name.empty()) return "tensor name is empty";
  for (const char c : name) {
    if (name_char(c)) continue;
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) return "tensor name " + quoted(name) + " has a non-ASCII character";
    return "tensor name " + quoted(name) + " has the character " + quoted(std::string(1, c));
  }
  return "";
}

// An op as read from the file, before its inputs are resolved.
struct PendingOp {
  MapReader reader;
  std::vector<MapReader::Item> inputs;
  ir::Op op;
};

class Loader {
 public:
  explicit Loader(const yaml::Document& doc) : doc_(doc) {}

  Graph load() {
    MapReader root = doc_.root(kTopExpected);
    graph_.name = root.string("name", std::nullopt);
    graph_.source = doc_.file();
    MapReader inputs = root.section("inputs", true, "a mapping of tensor name to shape [rows, cols]");
    MapReader params = root.section("params", false, "a mapping of tensor name to shape [rows, cols] or bias [cols]");
    const auto ops = root.sequence("ops", true, "a list of ops, each {op: ..., inputs: [...], output: ...}");
    const auto outputs = root.sequence("outputs", true, "a list of tensor names, e.g. [y]");
    root.finish();

    declare(inputs, "inputs", TensorKind::Input);
    declare(params, "params", TensorKind::Param);
    if (ops.empty()) root.fail("ops", "is an empty list", "at least one op");
    if (outputs.empty()) root.fail("outputs", "is an empty list", "at least one op output");

    std::vector<PendingOp> pending;
    for (const auto& item : ops) pending.push_back(read_op(root, item));
    for (auto& p : pending) resolve_inputs(root, p);  // op ids follow the file order
    mark_outputs(root, outputs);

    for (const ir::OpId id : graph_.topological_order()) infer(pending[id], id);
    return std::move(graph_);
  }

 private:
  void declare(MapReader& section, const char* section_key, TensorKind kind) {
    for (const auto& entry : section.entries()) {
      const std::string problem = name_problem(entry.key);
      if (!problem.empty()) section.fail_at(entry.mark, section_key, problem, kNameExpected);
      if (const auto it = by_name_.find(entry.key); it != by_name_.end()) {
        const ir::Tensor& first = graph_.tensors[it->second];
        section.fail(entry.key,
                     "tensor " + quoted(entry.key) + " is already declared as " +
                         (first.kind == TensorKind::Input ? "an input" : "a param") + " on line " +
                         std::to_string(first.line),
                     "unique tensor names");
      }
      const auto dims = section.sequence(entry.key, true, kShapeExpected);
      if (dims.size() != 1 && dims.size() != 2) {
        section.fail(entry.key, "has rank " + std::to_string(dims.size()), kShapeExpected);
      }
      const yaml::IntRule rule{1, kMaxTensorElements, ""};
      Shape shape;
      shape.rank = static_cast<int>(dims.size());
      shape.rows = dims.size() == 2 ? section.integer_at(dims[0], rule) : 1;
      shape.cols = section.integer_at(dims.back(), rule);

      ir::Tensor tensor;
      tensor.name = entry.key;
      tensor.shape = shape;
      tensor.kind = kind;
      tensor.line = entry.mark.line + 1;
      check_size(section, entry.key, tensor);
      by_name_[entry.key] = graph_.add_tensor(std::move(tensor));
    }
    section.finish();
  }

  // Padded size limits: one tensor, and all of them together.
  void check_size(const MapReader& reader, const std::string& key, const ir::Tensor& t) {
    if (const auto over = budget_.add(t.name, t.shape)) reader.fail(key, over->problem, over->expected);
  }

  PendingOp read_op(const MapReader& ops_owner, const MapReader::Item& item) {
    MapReader reader = ops_owner.map_at(item, kOpExpected);
    const std::string kind_text = reader.string("op", std::nullopt);
    auto inputs = reader.sequence("inputs", true, "a list of tensor names, e.g. [x, w1]");
    const std::string output = reader.string("output", std::nullopt);

    ir::Op op;
    const OpSpec* spec = nullptr;
    for (const OpSpec& candidate : op_specs()) {
      if (kind_text == candidate.name) spec = &candidate;
    }
    // An absent op is finish()'s to report, after the keys that are unknown anyway.
    if (!spec && reader.has("op")) {
      reader.fail("op", "unknown op " + quoted(kind_text) + yaml::did_you_mean(kind_text, op_names()), known_ops());
    }
    for (std::size_t i = 0; spec && i < spec->constants.size(); ++i) {
      const auto& [key, fallback] = spec->constants[i];
      op.param[i] = static_cast<float>(reader.number(key, constant_rule(), fallback));
    }
    reader.finish();
    op.kind = spec->kind;
    const std::size_t arity = spec->arity;
    if (inputs.size() != arity) {
      reader.fail("inputs",
                  kind_text + " takes " + std::to_string(arity) + (arity == 1 ? " input" : " inputs") + ", got " +
                      std::to_string(inputs.size()),
                  arity == 1 ? "a list of 1 tensor name, e.g. [h1]" : "a list of 2 tensor names, e.g. [x, w1]");
    }

    const std::string problem = name_problem(output);
    if (!problem.empty()) reader.fail("output", problem, kNameExpected);
    if (const auto it = by_name_.find(output); it != by_name_.end()) {
      const ir::Tensor& first = graph_.tensors[it->second];
      if (first.kind == TensorKind::Intermediate) {
        reader.fail("output",
                    "tensor " + quoted(output) + " is produced twice (first by " + op_paths_[it->second] + " on line " +
                        std::to_string(first.line) + ")",
                    "each tensor written by one op");
      }
      reader.fail("output",
                  "writes " + quoted(output) + ", a graph " + (first.kind == TensorKind::Input ? "input" : "param") +
                      " declared on line " + std::to_string(first.line),
                  "the name of a new tensor");
    }
    ir::Tensor tensor;
    tensor.name = output;
    tensor.kind = TensorKind::Intermediate;
    tensor.line = reader.mark_of("output").line + 1;
    op.output = graph_.add_tensor(std::move(tensor));
    by_name_[output] = op.output;
    op_paths_[op.output] = item.path;
    op.line = item.mark.line + 1;
    return PendingOp{reader, std::move(inputs), std::move(op)};
  }

  void resolve_inputs(const MapReader& root, PendingOp& p) {
    ir::Op op = std::move(p.op);
    for (const auto& item : p.inputs) {
      const std::string name = p.reader.string_at(item, "a tensor name");
      const auto it = by_name_.find(name);
      if (it == by_name_.end()) {
        root.fail_at(item.mark, item.path, "undefined tensor " + quoted(name) + yaml::did_you_mean(name, names()),
                     "a graph input, a param or an op's output");
      }
      op.inputs.push_back(it->second);
    }
    graph_.add_op(std::move(op));
  }

  void mark_outputs(const MapReader& root, const std::vector<MapReader::Item>& outputs) {
    for (const auto& item : outputs) {
      const std::string name = root.string_at(item, "a tensor name");
      const auto it = by_name_.find(name);
      if (it == by_name_.end()) {
        root.fail_at(item.mark, item.path, "undefined tensor " + quoted(name) + yaml::did_you_mean(name, names()),
                     "the output of an op");
      }
      ir::Tensor& t = graph_.tensors[it->second];
      if (t.kind == TensorKind::Input || t.kind == TensorKind::Param) {
        root.fail_at(item.mark, item.path,
                     quoted(name) + " is a graph " + (t.kind == TensorKind::Input ? "input" : "param") +
                         ", which no op produces",
                     "the output of an op");
      }
      if (t.kind == TensorKind::Output) {
        root.fail_at(item.mark, item.path, quoted(name) + " is listed twice", "each output once");
      }
      t.kind = TensorKind::Output;
      graph_.outputs.push_back(it->second);
    }
  }

  // Shape inference for one op whose inputs' shapes are known.
  void infer(const PendingOp& p, ir::OpId id) {
    ir::Op& op = graph_.ops[id];
    const Shape a = graph_.tensors[op.inputs[0]].shape;
    Shape out = a;
    if (op.kind == OpKind::MatMul || ir::is_binary(op.kind)) {
      const Shape b = graph_.tensors[op.inputs[1]].shape;
      const std::string mismatch =
          "shapes " + shape_text(a) + " and " + shape_text(b) + " do not match for " + ir::to_string(op.kind);
      if (op.kind == OpKind::MatMul) {
        if (a.rank != 2 || b.rank != 2 || a.cols != b.rows) p.reader.fail("inputs", mismatch, "[M, K] @ [K, N]");
        out = Shape::from_dims({a.rows, b.cols});
      } else if (const auto broadcast = ir::broadcast(a, b)) {
        out = *broadcast;
      } else {
        p.reader.fail("inputs", mismatch,
                      "dims that are equal or 1, aligned at the last: [r, c] and [c], [r, 1] and [1, c], ...");
      }
    }
    ir::Tensor& t = graph_.tensors[op.output];
    t.shape = out;
    check_size(p.reader, "output", t);
  }

  std::vector<std::string> names() const {
    std::vector<std::string> all;
    for (const auto& t : graph_.tensors) all.push_back(t.name);
    return all;
  }

  const yaml::Document& doc_;
  Graph graph_;
  std::unordered_map<std::string, TensorId> by_name_;
  std::unordered_map<TensorId, std::string> op_paths_;  // "ops[3]" for each op output
  SizeBudget budget_;
};

}  // namespace

ir::Graph load_model(const std::string& path) {
  const yaml::Document doc = yaml::Document::load_file(path);
  return Loader(doc).load();
}

ir::Graph parse_model(const std::string& text, const std::string& name) {
  const yaml::Document doc = yaml::Document::parse(text, name);
  return Loader(doc).load();
}

}  // namespace tilesim::frontend
