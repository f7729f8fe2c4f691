#include "compiler/frontend/onnx_loader.h"

#include <cmath>
#include <deque>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "compiler/frontend/onnx_concat.h"
#include "compiler/frontend/onnx_constant_folding.h"
#include "compiler/frontend/onnx_elementwise.h"
#include "compiler/frontend/onnx_graph_builder.h"
#include "compiler/frontend/onnx_image.h"
#include "compiler/frontend/onnx_layer_norm_fusion.h"
#include "compiler/frontend/onnx_math.h"
#include "compiler/frontend/onnx_matmul.h"
#include "compiler/frontend/onnx_model.h"
#include "compiler/frontend/onnx_node_rules.h"
#include "compiler/frontend/onnx_pool.h"
#include "compiler/frontend/onnx_rows.h"
#include "compiler/frontend/onnx_select.h"
#include "compiler/frontend/onnx_shape_ops.h"
#include "compiler/frontend/onnx_tensor.h"
#include "compiler/frontend/row_ops.h"
#include "compiler/frontend/size_limits.h"
#include "compiler/support/input_error.h"

namespace tilesim::frontend {

namespace {

using ir::OpKind;
using ir::Shape;
using ir::TensorId;
using ir::TensorKind;

std::string dtype_name(int type) {
  if (onnx::TensorProto_DataType_IsValid(type)) {
    return onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(type));
  }
  return "type " + std::to_string(type);
}

// "[4, batch, ?]": a declared shape, dim_param names and unknown dims included.
std::string declared_text(const onnx::TensorShapeProto& shape) {
  std::string text = "[";
  for (int i = 0; i < shape.dim_size(); ++i) {
    const auto& dim = shape.dim(i);
    text += i ? ", " : "";
    text += dim.has_dim_value()   ? std::to_string(dim.dim_value())
            : dim.has_dim_param() ? printable(dim.dim_param())
                                  : "?";
  }
  return text + "]";
}

bool agrees(const onnx::TensorShapeProto& declared, const Shape& actual) {
  const std::vector<std::int64_t> dims = actual.dims();
  if (declared.dim_size() != static_cast<int>(dims.size())) return false;
  for (int i = 0; i < declared.dim_size(); ++i) {
    if (declared.dim(i).has_dim_value() && declared.dim(i).dim_value() != dims[static_cast<std::size_t>(i)]) {
      return false;
    }
  }
  return true;
}

class OnnxImporter : public OnnxGraphBuilder {
 public:
  explicit OnnxImporter(std::string path) : path_(std::move(path)) {}

  ir::Graph run() {
    const onnx::ModelProto model = read_onnx_model(path_);
    opset_ = default_opset(model);
    const onnx::GraphProto& g = model.graph();
    graph_.name = g.name().empty() ? std::filesystem::path(path_).stem().string() : g.name();
    graph_.source = path_;
    for (const onnx::NodeProto& node : g.node()) {
      for (const std::string& input : node.input()) ++read_counts_[input];
    }
    for (const onnx::ValueInfoProto& output : g.output()) {
      ++read_counts_[output.name()];
      output_names_.insert(output.name());
    }
    for (const onnx::TensorProto& init : g.initializer()) add_initializer(init, "initializer " + quoted(init.name()));
    std::set<std::string> inputs;
    for (const onnx::ValueInfoProto& input : g.input()) {
      const std::string key = "input " + quoted(input.name());
      if (!inputs.insert(input.name()).second) fail(key, "is declared twice", "each graph input once");
      add_input(input, key);
    }
    layer_norms_ = find_layer_norms(g);
    check_supported_ops(g);
    for (const onnx::NodeProto& node : g.node()) add_node(node);
    for (const onnx::ValueInfoProto& output : g.output()) add_output(output);
    if (graph_.outputs.empty()) fail("graph", "has no outputs", "at least one graph output");
    for (const onnx::ValueInfoProto& info : g.value_info()) check_value_info(info);
    graph_.relink();
    graph_.topological_order();  // a cycle is an error too
    return std::move(graph_);
  }

 private:
  // ---- OnnxGraphBuilder: what the op importers (onnx_elementwise.cpp, ...) may do ----
  std::int64_t opset() const override { return opset_; }
  const std::string& path() const override { return path_; }
  const ir::Tensor& tensor(TensorId id) const override { return graph_.tensors[id]; }
  const onnx::TensorProto* constant(const std::string& name) const override {
    const auto it = constants_.find(name);
    return it == constants_.end() ? nullptr : it->second;
  }
  bool is_graph_output(const std::string& name) const override { return output_names_.count(name) > 0; }
  bool is_read(const std::string& name) const override { return read_counts_.count(name) > 0; }
  int readers(TensorId id) const override { return count_readers(id, by_name_, read_counts_); }
  // A graph input image read first by a Conv, a pooling or a
  // BatchNormalization is stored as N matrices [C, H*W] (the same row-major
  // order, without padding each channel to 32 x 32).
  void defer_pad(const std::string& name, const PendingPad& pad, const std::string& key) override {
    if (defined(name)) fail(key, "writes tensor " + quoted(name) + ", which is already defined", "unique names");
    pads_.emplace(name, pad);
  }
  const PendingPad* pending_pad(const std::string& name) const override {
    const auto it = pads_.find(name);
    return it == pads_.end() ? nullptr : &it->second;
  }

  void store_as_image(TensorId x) override { store_input_as_image(graph_.tensors[x]); }
  void set_layout(TensorId id, const Shape& shape) override { graph_.tensors[id].shape = shape; }
  TensorId add_param(const std::string& name, const Shape& shape, std::vector<float> values,
                     const std::string& key) override {
    const TensorId id = add_tensor(name, shape, TensorKind::Param, key);
    graph_.tensors[id].values = std::move(values);
    return id;
  }
  void set_values(TensorId id, std::vector<float> values) override { graph_.tensors[id].values = std::move(values); }
  const ir::Op& op(ir::OpId id) const override { return graph_.ops[id]; }
  void set_inputs(ir::OpId id, std::vector<TensorId> inputs) override {
    graph_.ops[id].inputs = std::move(inputs);
    graph_.relink();
  }
  void rename(TensorId id, const std::string& name, const std::string& key) override {
    if (defined(name)) fail(key, "writes tensor " + quoted(name) + ", which is already defined", "unique names");
    for (auto it = by_name_.begin(); it != by_name_.end();) it = it->second == id ? by_name_.erase(it) : std::next(it);
    graph_.tensors[id].name = name;
    by_name_.emplace(name, id);
  }
  void alias(const std::string& name, TensorId id, const std::string& key) override {
    if (defined(name)) fail(key, "writes tensor " + quoted(name) + ", which is already defined", "unique names");
    by_name_.emplace(name, id);
  }
  TensorId add_constant(const onnx::TensorProto& value, const std::string& key) override {
    if (defined(value.name())) {
      fail(key, "writes tensor " + quoted(value.name()) + ", which is already defined", "unique names");
    }
    constant_values_.push_back(value);
    add_initializer(constant_values_.back(), key);
    return find(value.name());
  }

  void refuse_if(const std::optional<Refusal>& refusal, const std::string& key) const {
    if (refusal) fail(key, refusal->problem, refusal->expected);
  }

  static std::string node_key(const onnx::NodeProto& node) {
    const std::string& name = !node.name().empty() ? node.name() : node.output_size() ? node.output(0) : "?";
    return "node " + quoted(name) + " (" + printable(node.op_type()) + ")";
  }

  Shape shape_of(const std::vector<std::int64_t>& dims, const std::string& key) const {
    refuse_if(dims_refusal(dims), key);
    return Shape::from_dims(dims);
  }

  // A name a tensor, an alias or a constant of another type already has.
  bool defined(const std::string& name) const override {
    return find(name) != ir::kNone || deferred_.count(name) > 0 || other_typed_inputs_.count(name) > 0 ||
           pads_.count(name) > 0 || folder_.pending(name);
  }

  // Every tensor of the graph comes through here: named, new, within the size limits.
  TensorId add_tensor(const std::string& name, Shape shape, TensorKind kind, const std::string& key) {
    if (name.empty()) fail(key, "has an empty name", "named tensors");
    if (defined(name)) fail(key, "tensor " + quoted(name) + " is defined twice", "unique tensor names");
    refuse_if(budget_.add(name, shape), key);
    ir::Tensor t;
    t.name = name;
    t.shape = std::move(shape);
    t.kind = kind;
    const TensorId id = graph_.add_tensor(std::move(t));
    by_name_.emplace(name, id);
    return id;
  }

  // ir::Graph::find scans every tensor; a model of many nodes needs a map.
  TensorId find(const std::string& name) const {
    const auto it = by_name_.find(name);
    return it == by_name_.end() ? ir::kNone : it->second;
  }

  // Size limits first, from the dims alone, then the stored values: nothing
  // is allocated for a tensor over a limit or whose values do not match. A
  // constant of a type tilesim does not compute with (BOOL, INT64, ...) is
  // kept aside: refused if a node reads it as a tensor (input_of), readable
  // through constant() by an op that takes it as a setting.
  void add_initializer(const onnx::TensorProto& init, const std::string& key) {
    const Shape shape = shape_of({init.dims().begin(), init.dims().end()}, key);
    constants_[init.name()] = &init;
    if (init.data_type() != onnx::TensorProto::FLOAT && init.data_type() != onnx::TensorProto::DOUBLE) {
      if (defined(init.name())) fail(key, "tensor " + quoted(init.name()) + " is defined twice", "unique tensor names");
      deferred_.emplace(init.name(), key);
      return;
    }
    refuse_if(tensor_storage_refusal(init, ".onnx"), key);
    const TensorId id = add_tensor(init.name(), shape, TensorKind::Param, key);
    const std::int64_t count = shape.batch() * shape.rows * shape.cols;
    refuse_if(tensor_values_refusal(init, count), key);
    graph_.tensors[id].values = tensor_values(init, count);
  }

  // The declared type of a graph input, output or value_info entry: a float32
  // tensor, and where the shape gives a dim, the dim `actual` has.
  void check_declared(const onnx::ValueInfoProto& info, TensorId id, const std::string& key,
                      const std::string& actual_source) const {
    if (!info.has_type()) return;
    if (!info.type().has_tensor_type()) fail(key, "is not declared as a tensor", "a float32 tensor");
    const auto& tt = info.type().tensor_type();
    if (tt.elem_type() != onnx::TensorProto_DataType_FLOAT) {
      fail(key, "has element type " + dtype_name(tt.elem_type()), "FLOAT (float32) tensors only");
    }
    const Shape& actual = shape(id);
    if (tt.has_shape() && !agrees(tt.shape(), actual)) {
      fail(key, "is declared as " + declared_text(tt.shape()) + " but " + actual_source + " " + ir::to_string(actual),
           "a declared shape that matches");
    }
  }

  Shape declared_shape(const onnx::ValueInfoProto& info, const std::string& key) const {
    if (!info.type().has_tensor_type()) fail(key, "is not a tensor", "a float32 tensor");
    const auto& tt = info.type().tensor_type();
    if (tt.elem_type() != onnx::TensorProto_DataType_FLOAT) {
      fail(key, "has element type " + dtype_name(tt.elem_type()), "FLOAT (float32) tensors only");
    }
    if (!tt.has_shape()) fail(key, "has no shape", "a static shape");
    std::vector<std::int64_t> dims;
    for (const auto& dim : tt.shape().dim()) {
      if (!dim.has_dim_value()) {
        fail(key, "has a dynamic dimension" + (dim.has_dim_param() ? " " + quoted(dim.dim_param()) : std::string()),
             "static dimensions (export with fixed shapes)");
      }
      dims.push_back(dim.dim_value());
    }
    return shape_of(dims, key);
  }

  // An input that is also an initializer is the initializer (a constant with
  // a default, in ONNX's words); its declaration must agree with it.
  void add_input(const onnx::ValueInfoProto& input, const std::string& key) {
    const TensorId initializer = find(input.name());
    if (initializer != ir::kNone) return check_declared(input, initializer, key, "its initializer holds");
    if (deferred_.count(input.name())) return;  // its initializer's type is checked where a node reads it
    const bool typed = input.type().has_tensor_type();
    if (typed && input.type().tensor_type().elem_type() != onnx::TensorProto_DataType_FLOAT && !defined(input.name())) {
      // An INT64 shape or BOOL flag given at run time: refused where a node
      // reads it (as a tensor, or as a setting that must be a constant).
      other_typed_inputs_.emplace(input.name(), std::pair{key, input.type().tensor_type().elem_type()});
      return;
    }
    add_tensor(input.name(), declared_shape(input, key), TensorKind::Input, key);
  }

  TensorId input_of(const onnx::NodeProto& node, int index) const override {
    if (const auto it = deferred_.find(node.input(index)); it != deferred_.end()) {
      refuse_if(tensor_storage_refusal(*constants_.at(it->first), ".onnx"), it->second);
    }
    if (const PendingPad* pad = pending_pad(node.input(index))) {
      fail(node_key(node), "reads " + quoted(node.input(index)) + ", the result of " + pad->node,
           "a Pad read only by AveragePool nodes (folded into their pads)");
    }
    if (const auto it = other_typed_inputs_.find(node.input(index)); it != other_typed_inputs_.end()) {
      fail(it->second.first, "has element type " + dtype_name(it->second.second), "FLOAT (float32) tensors only");
    }
    const TensorId id = find(node.input(index));
    if (id == ir::kNone) {
      fail(node_key(node), "reads tensor " + quoted(node.input(index)) + ", which nothing defines before it",
           "graph inputs, initializers or outputs of earlier nodes");
    }
    return id;
  }

  const Shape& shape(TensorId id) const { return graph_.tensors[id].shape; }

  TensorId emit(ir::Op op, const std::string& out_name, const Shape& out_shape, const std::string& key) override {
    if (defined(out_name)) {
      fail(key, "writes tensor " + quoted(out_name) + ", which is already defined", "unique names");
    }
    op.output = add_tensor(out_name, out_shape, TensorKind::Intermediate, key);
    graph_.add_op(op);
    return op.output;
  }

  TensorId emit(OpKind kind, std::vector<TensorId> inputs, const std::string& out_name, const Shape& out_shape,
                const std::string& key, float scale = 1.0f) {
    ir::Op op;
    op.kind = kind;
    op.inputs = std::move(inputs);
    op.scale = scale;
    return emit(std::move(op), out_name, out_shape, key);
  }

  // A fresh name for a tensor the import introduces (a Gemm's intermediate).
  std::string fresh(const std::string& base) const override {
    for (int i = 0;; ++i) {
      const std::string name = base + (i ? "." + std::to_string(i) : "");
      if (!defined(name)) return name;
    }
  }

  // Every distinct unsupported op type at once, each with its first node, so
  // that one run tells the user all that is missing.
  void check_supported_ops(const onnx::GraphProto& g) const {
    std::vector<const onnx::NodeProto*> first;
    std::set<std::string> seen;
    for (const onnx::NodeProto& node : g.node()) {
      const bool foreign = !node.domain().empty() && node.domain() != "ai.onnx";
      if (layer_norms_.absorbed.count(&node)) continue;  // imported as one LayerNorm
      if (!foreign && !is_supported_op(node.op_type()) && seen.insert(node.op_type()).second) first.push_back(&node);
    }
    if (first.empty()) return;
    std::string problem = "unsupported op";
    for (std::size_t i = 1; i < first.size(); ++i) {
      const onnx::NodeProto& n = *first[i];
      const std::string& name = !n.name().empty() ? n.name() : n.output_size() ? n.output(0) : "?";
      problem += (i == 1 ? "; so are " : ", ") + printable(n.op_type()) + " (node " + quoted(name) + ")";
    }
    fail(node_key(*first[0]), problem, "one of " + supported_ops());
  }

  void add_node(const onnx::NodeProto& node) {
    const std::string key = node_key(node);
    if (!node.domain().empty() && node.domain() != "ai.onnx") {
      fail(key, "is in domain " + quoted(node.domain()), "the default ONNX domain");
    }
    if (layer_norms_.absorbed.count(&node)) return;
    if (const auto it = layer_norms_.at.find(&node); it != layer_norms_.at.end())
      return add_layer_norm(it->second, node);
    const std::string& op = node.op_type();
    if (!is_supported_op(op)) fail(key, "unsupported op", "one of " + supported_ops());
    const NodeAttributes attributes = check_node(node, opset_, path_, key);
    if (folder_.fold(node, attributes, key)) return;
    folder_.give_inputs(node);
    const bool imported = import_image(*this, node, attributes, key) ||
                          import_elementwise(*this, node, attributes, key) ||
                          import_math(*this, node, attributes, key) || import_shape_op(*this, node, attributes, key) ||
                          import_pool(*this, node, attributes, key) || import_matmul(*this, node, attributes, key) ||
                          import_concat(*this, node, attributes, key) || import_rows(*this, node, attributes, key) ||
                          import_select(*this, folder_, node, attributes, key);
    if (!imported) throw std::logic_error("no importer for op " + op);
  }

  // The decomposed layer norm ending at `node` (onnx_layer_norm_fusion.h).
  void add_layer_norm(const FusedLayerNorm& f, const onnx::NodeProto& node) {
    const std::string key = node_key(node);
    TensorId in[3];
    const std::string* names[3] = {&f.x, &f.gamma, &f.beta};
    for (int i = 0; i < 3; ++i) {
      in[i] = find(*names[i]);
      if (in[i] == ir::kNone) fail(key, "reads " + quoted(*names[i]) + ", which no earlier node defines", "a tensor");
    }
    const std::vector<std::int64_t> x = tensor(in[0]).shape.dims();
    for (int i = 1; i < 3; ++i) {
      if (x.empty() || tensor(in[i]).shape.dims() != std::vector<std::int64_t>{x.back()}) {
        fail(key,
             "the layer norm's " + std::string(i == 1 ? "weight " : "bias ") + quoted(*names[i]) + " is " +
                 ir::to_string(tensor(in[i]).shape),
             "one value per element of the last dimension of " + quoted(f.x));
      }
    }
    emit_layer_norm(*this, in[0], in[1], in[2], f.epsilon, node.output(0), key);
  }

  // A graph output must be stored in its own matrix layout: an image in nhwc
  // or a view is renamed and copied (a relayout view loaded, then stored).
  TensorId materialized(TensorId id, const std::string& key) {
    if (!needs_output_copy(*this, id)) return id;
    const std::string name = tensor(id).name;
    const bool image = tensor(id).shape.layout == ir::Layout::Nhwc;
    by_name_.erase(name);
    graph_.tensors[id].name = fresh(name + (image ? ".nhwc" : ".view"));
    by_name_.emplace(graph_.tensors[id].name, id);
    return output_copy(*this, id, name, key);
  }

  void add_output(const onnx::ValueInfoProto& output) {
    const std::string key = "output " + quoted(output.name());
    TensorId id = find(output.name());
    if (const PendingPad* pad = pending_pad(output.name())) {
      fail(key, "is the result of " + pad->node, "a Pad read only by AveragePool nodes (folded into their pads)");
    }
    if (id == ir::kNone) fail(key, "is not produced by any node", "an output of some node");
    if (tensor(id).kind == TensorKind::Output) fail(key, "is listed twice", "each graph output once");
    if (tensor(id).kind != TensorKind::Intermediate) {
      fail(key, "is a graph input or initializer, not computed", "an output of some node");
    }
    id = materialized(id, key);
    ir::Tensor& t = graph_.tensors[id];
    if (graph_.ops[t.producer].kind == OpKind::Transpose) {
      fail(key, "is the result of a Transpose",
           "a Transpose that feeds a MatMul or another op (the hardware "
           "transposes while loading, not in place)");
    }
    check_declared(output, id, key, "the graph computes");
    t.kind = TensorKind::Output;
    graph_.outputs.push_back(id);
  }

  // value_info only annotates, but an annotation that disagrees with what the
  // import computed means the two read the model differently: refused.
  void check_value_info(const onnx::ValueInfoProto& info) {
    const TensorId id = find(info.name());
    if (id != ir::kNone) check_declared(info, id, "value_info " + quoted(info.name()), "the tensor is");
  }

  std::string path_;
  std::int64_t opset_ = 0;
  ir::Graph graph_;
  std::unordered_map<std::string, TensorId> by_name_;  // aliases too: two names, one tensor
  SizeBudget budget_;
  std::unordered_map<std::string, int> read_counts_;  // node inputs and graph outputs naming each
  std::unordered_set<std::string> output_names_;      // the graph outputs
  // Initializers and Constant values by name, of every type; those of a type
  // that is not FLOAT or DOUBLE are no tensor (deferred_: their key).
  std::unordered_map<std::string, const onnx::TensorProto*> constants_;
  std::unordered_map<std::string, std::string> deferred_;
  std::unordered_map<std::string, PendingPad> pads_;  // Pad outputs an AveragePool may fold
  // Graph inputs of another element type than FLOAT: their key and type.
  std::unordered_map<std::string, std::pair<std::string, int>> other_typed_inputs_;
  std::deque<onnx::TensorProto> constant_values_;  // Constant nodes' values (stable addresses)
  ConstantFolder folder_{*this};                   // after every member it reads
  LayerNormFusion layer_norms_;                    // the decomposed layer norms recognized
};

}  // namespace

ir::Graph load_onnx(const std::string& path) { return OnnxImporter(path).run(); }

}  // namespace tilesim::frontend
