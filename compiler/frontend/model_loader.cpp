#include "compiler/frontend/model_loader.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <queue>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "compiler/frontend/image_layout.h"
#include "compiler/frontend/model_ops.h"
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
constexpr char kShapeExpected[] = "a shape of 1 to 4 dims: [cols], [rows, cols], [C, H, W] or [N, C, H, W]";
constexpr char kNameExpected[] = "a name of letters, digits and _ . : / -";
constexpr char kOpExpected[] = "a mapping with keys op, inputs, output";

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
  const OpSpec* spec = nullptr;
  OpSettings settings;
  std::vector<std::string> input_names;  // once resolved
};

// The graph a checked model file describes, built op by op through the
// rules the ONNX import shares (GraphBuilder): an op's refusals point at its
// keys, every tensor it adds (its output and the views and copies the layout
// rules add) carries its lines and passes the size limits.
class YamlBuilder : public GraphBuilder {
 public:
  YamlBuilder(const yaml::Document& doc, const Graph& skeleton, SizeBudget& budget)
      : doc_(doc), skeleton_(skeleton), budget_(budget) {
    graph_.name = skeleton.name;
    graph_.source = skeleton.source;
    for (const ir::Tensor& t : skeleton.tensors) file_names_.insert(t.name);
    for (const ir::TensorId id : skeleton.outputs) output_names_.insert(skeleton.tensors[id].name);
  }

  // A graph input or param as declared (already within the size limits).
  void declare(const ir::Tensor& t) {
    ir::Tensor copy = t;
    copy.users.clear();  // the skeleton's readers
    by_name_[t.name] = add_tensor(std::move(copy));
  }
  void count_read(const std::string& name) { ++read_counts_[name]; }

  // Imports op `index` of the file.
  void import(const PendingOp& p, int index) {
    current_ = &p;
    origin_ = index;
    std::vector<TensorId> inputs;
    for (const std::string& name : p.input_names) inputs.push_back(by_name_.at(name));
    import_op(*this, *p.spec, p.settings, inputs, skeleton_.tensors[p.op.output].name);
  }

  // The graph output `name` (written by `producer`), stored in its own layout.
  void mark_output(const std::string& name, const PendingOp& producer, int index) {
    current_ = &producer;
    origin_ = index;
    TensorId id = by_name_.at(name);
    if (needs_output_copy(*this, id)) {
      const bool image = graph_.tensors[id].shape.layout == ir::Layout::Nhwc;
      graph_.tensors[id].name = fresh(name + (image ? ".nhwc" : ".view"));
      by_name_[graph_.tensors[id].name] = id;
      id = output_copy(*this, id, name, "output");
    }
    graph_.tensors[id].kind = TensorKind::Output;
    graph_.outputs.push_back(id);
  }

  // The graph with its tensors and ops in the file's order - the declared
  // tensors, then what each op of the file added, in the order it added
  // them - whatever order they were built in: a file whose ops are not in
  // data-flow order keeps the numbering it always had.
  Graph take() {
    const std::vector<int> tensor_rank = file_ranks(tensor_origin_), op_rank = file_ranks(op_origin_);
    std::vector<ir::Tensor> tensors(graph_.tensors.size());
    for (std::size_t i = 0; i < tensors.size(); ++i) tensors[tensor_rank[i]] = std::move(graph_.tensors[i]);
    std::vector<ir::Op> ops(graph_.ops.size());
    for (std::size_t i = 0; i < ops.size(); ++i) {
      ir::Op& op = graph_.ops[i];
      for (TensorId& t : op.inputs) t = tensor_rank[t];
      op.output = tensor_rank[op.output];
      ops[op_rank[i]] = std::move(op);
    }
    for (TensorId& id : graph_.outputs) id = tensor_rank[id];
    graph_.tensors = std::move(tensors);
    graph_.ops = std::move(ops);
    graph_.relink();
    return std::move(graph_);
  }

  // ---- GraphBuilder ----
  const std::string& path() const override { return doc_.file(); }
  InputError error(const std::string& key, const std::string& problem, const std::string& expected) const override {
    const std::string key_path = current_->reader.key_path(key);
    return InputError(doc_.location(current_->reader.mark_of(key), key_path), key_path, problem, expected);
  }
  const ir::Tensor& tensor(TensorId id) const override { return graph_.tensors[id]; }
  const ir::Op& op(ir::OpId id) const override { return graph_.ops[id]; }
  TensorId emit(ir::Op op, const std::string& out_name, const Shape& out_shape, const std::string&) override {
    ir::Tensor t;
    t.name = out_name;
    t.shape = out_shape;
    t.line = current_->reader.mark_of("output").line + 1;
    if (const auto over = budget_.add(t.name, t.shape)) current_->reader.fail("output", over->problem, over->expected);
    op.output = add_tensor(std::move(t));
    op.line = current_->op.line;
    op_origin_.push_back(origin_);
    by_name_[out_name] = op.output;
    graph_.add_op(std::move(op));
    return by_name_[out_name];
  }
  std::string fresh(const std::string& base) const override {
    for (int i = 0;; ++i) {
      const std::string name = base + (i ? "." + std::to_string(i) : "");
      if (!by_name_.count(name) && !file_names_.count(name)) return name;
    }
  }
  void alias(const std::string& name, TensorId id, const std::string&) override { by_name_[name] = id; }
  TensorId add_param(const std::string& name, const Shape& shape, std::vector<float> values,
                     const std::string&) override {
    ir::Tensor t;
    t.name = name;
    t.shape = shape;
    t.kind = TensorKind::Param;
    t.values = std::move(values);
    t.line = current_->op.line;
    if (const auto over = budget_.add(t.name, t.shape)) current_->reader.fail("output", over->problem, over->expected);
    return by_name_[name] = add_tensor(std::move(t));
  }
  bool is_graph_output(const std::string& name) const override { return output_names_.count(name) > 0; }
  int readers(TensorId id) const override { return count_readers(id, by_name_, read_counts_); }
  void store_as_image(TensorId x) override { store_input_as_image(graph_.tensors[x]); }
  void set_layout(TensorId id, const Shape& shape) override { graph_.tensors[id].shape = shape; }

 private:
  TensorId add_tensor(ir::Tensor t) {
    tensor_origin_.push_back(origin_);
    return graph_.add_tensor(std::move(t));
  }

  // Each element's position when sorted (stably) by its origin.
  static std::vector<int> file_ranks(const std::vector<int>& origin) {
    std::vector<int> order(origin.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return origin[a] < origin[b]; });
    std::vector<int> rank(origin.size());
    for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = static_cast<int>(i);
    return rank;
  }

  const yaml::Document& doc_;
  const Graph& skeleton_;
  SizeBudget& budget_;
  Graph graph_;
  std::unordered_map<std::string, TensorId> by_name_;  // aliases too: two names, one tensor
  std::unordered_map<std::string, int> read_counts_;   // op inputs and graph outputs naming each
  std::unordered_set<std::string> file_names_, output_names_;
  const PendingOp* current_ = nullptr;
  int origin_ = -1;                             // the file's op being imported; -1: declarations
  std::vector<int> tensor_origin_, op_origin_;  // which: per tensor and op built
};

// The ops in a topological order that keeps the file's order where it can
// (Kahn's algorithm, the earliest ready op first): a file written in data-flow
// order keeps its op numbering. Precondition: no cycle.
std::vector<ir::OpId> file_order(const Graph& g) {
  std::vector<int> waiting(g.ops.size(), 0);
  std::vector<std::vector<ir::OpId>> next(g.ops.size());
  std::priority_queue<ir::OpId, std::vector<ir::OpId>, std::greater<>> ready;
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    for (const TensorId t : g.ops[i].inputs) {
      if (g.tensors[t].producer == ir::kNone) continue;
      ++waiting[i];
      next[static_cast<std::size_t>(g.tensors[t].producer)].push_back(static_cast<ir::OpId>(i));
    }
    if (waiting[i] == 0) ready.push(static_cast<ir::OpId>(i));
  }
  std::vector<ir::OpId> order;
  while (!ready.empty()) {
    const ir::OpId id = ready.top();
    ready.pop();
    order.push_back(id);
    for (const ir::OpId user : next[static_cast<std::size_t>(id)]) {
      if (--waiting[static_cast<std::size_t>(user)] == 0) ready.push(user);
    }
  }
  return order;
}

// Reads the file's structure into a skeleton graph (every name, line and
// edge checked, in file order), then builds the graph op by op.
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
    graph_.topological_order();  // a cycle is an error
    return build(pending);
  }

 private:
  Graph build(const std::vector<PendingOp>& pending) {
    YamlBuilder builder(doc_, graph_, budget_);
    for (const ir::Tensor& t : graph_.tensors) {
      if (t.kind == TensorKind::Input || t.kind == TensorKind::Param) builder.declare(t);
    }
    for (const PendingOp& p : pending) {
      for (const std::string& name : p.input_names) builder.count_read(name);
    }
    for (const ir::TensorId id : graph_.outputs) builder.count_read(graph_.tensors[id].name);
    for (const ir::OpId id : file_order(graph_)) builder.import(pending[static_cast<std::size_t>(id)], id);
    for (const ir::TensorId id : graph_.outputs) {
      const ir::OpId producer = graph_.tensors[id].producer;
      builder.mark_output(graph_.tensors[id].name, pending[static_cast<std::size_t>(producer)], producer);
    }
    return builder.take();
  }

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
      if (dims.empty() || dims.size() > 4) {
        section.fail(entry.key, "has rank " + std::to_string(dims.size()), kShapeExpected);
      }
      const yaml::IntRule rule{1, kMaxTensorElements, ""};
      std::vector<std::int64_t> values;
      for (const auto& dim : dims) values.push_back(section.integer_at(dim, rule));
      const Shape shape = Shape::from_dims(values);

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
    const OpSpec* spec = find_op(kind_text);
    // An absent op is finish()'s to report, after the keys that are unknown anyway.
    if (!spec && reader.has("op")) {
      reader.fail("op", "unknown op " + quoted(kind_text) + yaml::did_you_mean(kind_text, op_names()), known_ops());
    }
    OpSettings settings = spec ? read_settings(*spec, reader) : OpSettings{};
    reader.finish();
    op.kind = spec->kind;
    check_arity(*spec, inputs.size(), reader);

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
    return PendingOp{reader, std::move(inputs), std::move(op), spec, settings, {}};
  }

  void resolve_inputs(const MapReader& root, PendingOp& p) {
    ir::Op op = p.op;  // the builder reads p.op.output and p.op.line later
    for (const auto& item : p.inputs) {
      const std::string name = p.reader.string_at(item, "a tensor name");
      const auto it = by_name_.find(name);
      if (it == by_name_.end()) {
        root.fail_at(item.mark, item.path, "undefined tensor " + quoted(name) + yaml::did_you_mean(name, names()),
                     "a graph input, a param or an op's output");
      }
      op.inputs.push_back(it->second);
      p.input_names.push_back(name);
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
