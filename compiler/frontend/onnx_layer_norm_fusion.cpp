#include "compiler/frontend/onnx_layer_norm_fusion.h"

#include <cstring>
#include <optional>
#include <vector>

namespace tilesim::frontend {

namespace {

using Node = onnx::NodeProto;

class Matcher {
 public:
  explicit Matcher(const onnx::GraphProto& g) : g_(g) {
    for (const Node& n : g.node()) {
      for (const std::string& input : n.input()) readers_[input].push_back(&n);
    }
    for (const auto& output : g.output()) outputs_.insert(output.name());
    for (const auto& init : g.initializer()) constants_[init.name()] = &init;
    for (const Node& n : g.node()) {
      if (n.op_type() != "Constant" || n.output_size() != 1 || n.attribute_size() != 1) continue;
      if (n.attribute(0).name() == "value") constants_[n.output(0)] = &n.attribute(0).t();
    }
  }

  LayerNormFusion run() {
    LayerNormFusion fusion;
    for (const Node& n : g_.node()) {
      if (n.op_type() == "ReduceMean") match(n, fusion);
    }
    return fusion;
  }

 private:
  // The one node reading `name`, of type `op`; nullptr when there is not
  // exactly one reader or `name` is a graph output.
  const Node* only_reader(const std::string& name, const char* op) const {
    const auto it = readers_.find(name);
    if (it == readers_.end() || it->second.size() != 1 || outputs_.count(name)) return nullptr;
    return it->second[0]->op_type() == op && it->second[0]->output_size() == 1 ? it->second[0] : nullptr;
  }

  std::optional<float> scalar(const std::string& name) const {
    const auto it = constants_.find(name);
    if (it == constants_.end() || it->second->data_type() != onnx::TensorProto::FLOAT) return std::nullopt;
    const onnx::TensorProto& t = *it->second;
    for (const auto d : t.dims()) {
      if (d != 1) return std::nullopt;
    }
    if (t.float_data_size() == 1 && t.raw_data().empty()) return t.float_data(0);
    if (t.float_data_size() != 0 || t.raw_data().size() != sizeof(float)) return std::nullopt;
    float value = 0.0f;
    std::memcpy(&value, t.raw_data().data(), sizeof value);
    return value;
  }

  // A ReduceMean over axes [-1] with keepdims 1, axes as an attribute.
  static bool last_axis_mean(const Node& n) {
    bool axes = false;
    for (const auto& a : n.attribute()) {
      if (a.name() == "axes") axes = a.ints_size() == 1 && a.ints(0) == -1;
      if (a.name() == "keepdims" && a.i() != 1) return false;
      if (a.name() != "axes" && a.name() != "keepdims") return false;
    }
    return axes && n.input_size() == 1;
  }

  // The operand of binary node `n` that is not `name` (either order); "" if neither is.
  static std::string other(const Node& n, const std::string& name) {
    if (n.input_size() != 2 || !n.attribute().empty()) return "";
    if (n.input(0) == name) return n.input(1);
    return n.input(1) == name ? n.input(0) : "";
  }

  void match(const Node& m, LayerNormFusion& fusion) const {
    if (!last_axis_mean(m)) return;
    const std::string& x = m.input(0);
    const Node* sub = only_reader(m.output(0), "Sub");
    if (!sub || sub->input_size() != 2 || sub->input(0) != x || sub->input(1) != m.output(0)) return;
    const auto it = readers_.find(sub->output(0));
    if (it == readers_.end() || it->second.size() != 2 || outputs_.count(sub->output(0))) return;
    const Node* pow = it->second[0]->op_type() == "Pow" ? it->second[0] : it->second[1];
    const Node* div = pow == it->second[0] ? it->second[1] : it->second[0];
    if (pow->op_type() != "Pow" || div->op_type() != "Div" || pow->input_size() != 2 ||
        pow->input(0) != sub->output(0) || scalar(pow->input(1)) != 2.0f) {
      return;
    }
    const Node* var = only_reader(pow->output(0), "ReduceMean");
    if (!var || !last_axis_mean(*var)) return;
    const Node* add = only_reader(var->output(0), "Add");
    const std::optional<float> epsilon = add ? scalar(other(*add, var->output(0))) : std::nullopt;
    const Node* sqrt = epsilon ? only_reader(add->output(0), "Sqrt") : nullptr;
    if (!sqrt || only_reader(sqrt->output(0), "Div") != div || div->input(0) != sub->output(0)) return;
    const Node* mul = only_reader(div->output(0), "Mul");
    const std::string gamma = mul ? other(*mul, div->output(0)) : "";
    const Node* last = gamma.empty() ? nullptr : only_reader(mul->output(0), "Add");
    const std::string beta = last ? other(*last, mul->output(0)) : "";
    if (beta.empty()) return;
    fusion.at[last] = FusedLayerNorm{x, gamma, beta, *epsilon};
    for (const Node* n : {&m, sub, pow, var, add, sqrt, div, mul}) fusion.absorbed.insert(n);
  }

  const onnx::GraphProto& g_;
  std::unordered_map<std::string, std::vector<const Node*>> readers_;
  std::unordered_set<std::string> outputs_;
  std::unordered_map<std::string, const onnx::TensorProto*> constants_;
};

}  // namespace

LayerNormFusion find_layer_norms(const onnx::GraphProto& graph) { return Matcher(graph).run(); }

}  // namespace tilesim::frontend
