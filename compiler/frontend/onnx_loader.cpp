#include "compiler/frontend/onnx_loader.h"

#include <cmath>
#include <deque>
#include <filesystem>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "compiler/frontend/model_loader.h"
#include "compiler/frontend/onnx_broadcast.h"
#include "compiler/frontend/onnx_concat.h"
#include "compiler/frontend/onnx_elementwise.h"
#include "compiler/frontend/onnx_graph_builder.h"
#include "compiler/frontend/onnx_model.h"
#include "compiler/frontend/onnx_node_rules.h"
#include "compiler/frontend/onnx_pool.h"
#include "compiler/frontend/onnx_tensor.h"
#include "compiler/frontend/onnx_window.h"
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

std::string list_text(const std::vector<std::int64_t>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + std::to_string(values[i]);
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
    for (const onnx::NodeProto& node : g.node()) read_names_.insert(node.input().begin(), node.input().end());
    for (const onnx::ValueInfoProto& output : g.output()) {
      read_names_.insert(output.name());
      output_names_.insert(output.name());
    }
    for (const onnx::TensorProto& init : g.initializer()) add_initializer(init, "initializer " + quoted(init.name()));
    std::set<std::string> inputs;
    for (const onnx::ValueInfoProto& input : g.input()) {
      const std::string key = "input " + quoted(input.name());
      if (!inputs.insert(input.name()).second) fail(key, "is declared twice", "each graph input once");
      add_input(input, key);
    }
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
  // ---- OnnxGraphBuilder: what onnx_elementwise.cpp may do ----
  std::int64_t opset() const override { return opset_; }
  const std::string& path() const override { return path_; }
  const ir::Tensor& tensor(TensorId id) const override { return graph_.tensors[id]; }
  const ir::Op* producer(TensorId id) const override {
    const ir::OpId op = graph_.tensors[id].producer;
    return op == ir::kNone ? nullptr : &graph_.ops[op];
  }
  const onnx::TensorProto* constant(const std::string& name) const override {
    const auto it = constants_.find(name);
    return it == constants_.end() ? nullptr : it->second;
  }
  bool is_graph_output(const std::string& name) const override { return output_names_.count(name) > 0; }
  bool is_read(const std::string& name) const override { return read_names_.count(name) > 0; }
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
  bool defined(const std::string& name) const {
    return find(name) != ir::kNone || deferred_.count(name) > 0 || pads_.count(name) > 0;
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

  bool is_stored(TensorId id) const {
    const TensorKind kind = graph_.tensors[id].kind;
    return kind == TensorKind::Input || kind == TensorKind::Param;
  }

  // The transpose of a graph input or initializer, as a view the DMA reads
  // transposed. `why` names the attribute or op for the error.
  TensorId transposed(TensorId id, const onnx::NodeProto& node, const std::string& why) {
    const std::string key = node_key(node);
    if (!is_stored(id)) {
      fail(key, why + " of a computed tensor (" + tilesim::quoted(graph_.tensors[id].name) + ") is not supported",
           "a transposed graph input or initializer (the DMA engine transposes while loading)");
    }
    if (shape(id).rank < 2)
      fail(key, why + " of a rank-" + std::to_string(shape(id).rank) + " tensor", "rank 2 or more");
    Shape s = shape(id);
    std::swap(s.rows, s.cols);
    return emit(OpKind::Transpose, {id}, fresh(graph_.tensors[id].name + ".T"), s, key);
  }

  // Every distinct unsupported op type at once, each with its first node, so
  // that one run tells the user all that is missing.
  void check_supported_ops(const onnx::GraphProto& g) const {
    std::vector<const onnx::NodeProto*> first;
    std::set<std::string> seen;
    for (const onnx::NodeProto& node : g.node()) {
      const bool foreign = !node.domain().empty() && node.domain() != "ai.onnx";
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
    const std::string& op = node.op_type();
    if (!is_supported_op(op)) fail(key, "unsupported op", "one of " + supported_ops());
    const NodeAttributes attributes = check_node(node, opset_, path_, key);
    const std::string& out = node.output(0);
    if (reads_an_image(node) && (op == "Add" || op == "Sub" || op == "Mul" || op == "Max" || op == "Min")) {
      add_image_binary(node, out, key);
    } else if (import_elementwise(*this, node, attributes, key) || import_pool(*this, node, attributes, key) ||
               import_concat(*this, node, attributes, key)) {
      return;
    } else if (op == "Transpose") {
      add_transpose(node, attributes, out, key);
    } else if (op == "MatMul") {
      add_matmul(input_of(node, 0), input_of(node, 1), out, key);
    } else if (op == "Conv") {
      add_conv(node, attributes, out, key);
    } else if (op == "BatchNormalization") {
      add_batch_norm(node, attributes, out, key);
    } else if (op == "Flatten") {
      add_flatten(node, attributes, out, key);
    } else {
      add_gemm(node, attributes, out, key);
    }
  }

  // ---- images ----

  // A param with its values (an initializer), or an InputError.
  TensorId initializer_input(const onnx::NodeProto& node, int index, const std::string& what) const {
    const TensorId id = input_of(node, index);
    if (tensor(id).kind != TensorKind::Param || tensor(id).values.empty()) {
      fail(node_key(node), what + " " + quoted(node.input(index)) + " is computed by the graph or a graph input",
           "an initializer (constant " + what + ")");
    }
    return id;
  }

  // A graph input image read first by a Conv is stored as N matrices [C, H*W]
  // (the same row-major order, without padding each channel to 32 x 32).
  void defer_pad(const std::string& name, const PendingPad& pad, const std::string& key) override {
    if (defined(name)) fail(key, "writes tensor " + quoted(name) + ", which is already defined", "unique names");
    pads_.emplace(name, pad);
  }
  const PendingPad* pending_pad(const std::string& name) const override {
    const auto it = pads_.find(name);
    return it == pads_.end() ? nullptr : &it->second;
  }

  void store_as_image(TensorId x) override {
    ir::Tensor& t = graph_.tensors[x];
    if (t.kind == TensorKind::Input && t.users.empty() && t.shape.layout == ir::Layout::Matrix && t.shape.rank == 4) {
      t.shape = Shape::with_layout(t.shape.dims(), ir::Layout::Nchw);
    }
  }

  void add_conv(const onnx::NodeProto& node, const NodeAttributes& attributes, const std::string& out,
                const std::string& key) {
    const TensorId x = input_of(node, 0);
    store_as_image(x);
    const TensorId w = initializer_input(node, 1, "weights");
    const std::vector<std::int64_t> xd = shape(x).dims(), wd = shape(w).dims();
    if (wd.size() != 4 || tensor(w).shape.layout != ir::Layout::Matrix) {
      fail(key, "weights " + quoted(tensor(w).name) + " are " + ir::to_string(shape(w)),
           "rank-4 weights [OC, C/group, KH, KW] used by this Conv only (2-D convolution)");
    }
    ir::Window window = onnx_window(attributes, xd, {wd[2], wd[3]}, path_, key);
    const std::int64_t group = attributes.group;
    if (group < 1 || xd[1] % group != 0 || wd[0] % group != 0 || wd[1] * group != xd[1]) {
      fail(key,
           "attribute group is " + std::to_string(group) + " for input " + ir::to_string(shape(x)) + " and weights " +
               ir::to_string(shape(w)),
           "a group count dividing the input channels (C) and the output channels (OC), with weights [OC, C/group, "
           "KH, KW]");
    }
    window.group = group;
    std::vector<TensorId> inputs{x, w};
    if (has_input(node, 2)) {
      const TensorId b = input_of(node, 2);
      if (shape(b).dims() != std::vector<std::int64_t>{wd[0]}) {
        fail(key, "bias " + quoted(tensor(b).name) + " is " + ir::to_string(shape(b)),
             "[" + std::to_string(wd[0]) + "], one value per output channel");
      }
      inputs.push_back(b);
    }
    if (tensor(w).users.size() > 0 || tensor(w).kind != TensorKind::Param) {
      fail(key, "weights " + quoted(tensor(w).name) + " are shared with another node", "weights for one Conv");
    }
    graph_.tensors[w].shape = Shape::with_layout(wd, ir::Layout::ConvWeight, group);
    const Shape y = Shape::with_layout({xd[0], wd[0], window.out_h(xd[2]), window.out_w(xd[3])}, ir::Layout::Nhwc);
    const TensorId id = emit(OpKind::Conv, inputs, out, y, key);
    graph_.ops[graph_.tensors[id].producer].window = window;
  }

  // Folded into the Conv before it when that Conv's output feeds only this
  // node: w' = w * s and b' = (b - mean) * s + B per output channel, with
  // s = scale / sqrt(var + epsilon); the output keeps the Conv's op.
  void add_batch_norm(const onnx::NodeProto& node, const NodeAttributes& attributes, const std::string& out,
                      const std::string& key) {
    const TensorId x = input_of(node, 0);
    const std::vector<std::int64_t> xd = shape(x).dims();
    if (xd.size() < 2) fail(key, "input is " + ir::to_string(shape(x)), "[N, C, ...] with channels on axis 1");
    std::vector<std::vector<float>> p;
    for (int i = 1; i <= 4; ++i) {
      const TensorId id = initializer_input(node, i, "statistics");
      if (shape(id).dims() != std::vector<std::int64_t>{xd[1]}) {
        fail(key, "input " + std::to_string(i) + " " + quoted(tensor(id).name) + " is " + ir::to_string(shape(id)),
             "[" + std::to_string(xd[1]) + "], one value per channel");
      }
      p.push_back(tensor(id).values);
    }
    const ir::OpId conv = tensor(x).producer;
    if (conv == ir::kNone || graph_.ops[conv].kind != OpKind::Conv || !tensor(x).users.empty() ||
        tensor(x).kind != TensorKind::Intermediate) {
      fail(key,
           "follows " + (conv == ir::kNone ? std::string("no node") : ir::to_string(graph_.ops[conv].kind)) +
               " or shares its input",
           "a BatchNormalization directly after a Conv whose output only it reads (folded into the Conv)");
    }
    fold_batch_norm(graph_.ops[conv], p, attributes.epsilon, out, key);
  }

  void fold_batch_norm(ir::Op& conv, const std::vector<std::vector<float>>& p, float epsilon, const std::string& out,
                       const std::string& key) {
    ir::Tensor& w = graph_.tensors[conv.inputs[1]];
    const std::size_t oc = p[0].size(), per_channel = w.values.size() / oc;
    std::vector<float> bias(oc, 0.0f);
    if (conv.inputs.size() > 2) bias = graph_.tensors[conv.inputs[2]].values;
    if (conv.inputs.size() > 2 && (graph_.tensors[conv.inputs[2]].kind != TensorKind::Param || bias.size() != oc)) {
      fail(key, "follows a Conv whose bias is computed", "a Conv with a constant bias, or none");
    }
    for (std::size_t o = 0; o < oc; ++o) {
      const double s = static_cast<double>(p[0][o]) / std::sqrt(static_cast<double>(p[3][o]) + epsilon);
      for (std::size_t i = 0; i < per_channel; ++i) {
        float& v = w.values[o * per_channel + i];
        v = static_cast<float>(v * s);
      }
      bias[o] = static_cast<float>((bias[o] - static_cast<double>(p[2][o])) * s + p[1][o]);
    }
    const std::string bias_name = fresh(out + ".folded_bias");
    const TensorId b = add_tensor(bias_name, Shape::from_dims({static_cast<std::int64_t>(oc)}), TensorKind::Param, key);
    graph_.tensors[b].values = std::move(bias);
    if (conv.inputs.size() > 2)
      conv.inputs[2] = b;
    else
      conv.inputs.push_back(b);
    // The Conv now writes the BatchNormalization's output.
    ir::Tensor& y = graph_.tensors[conv.output];
    if (find(out) != ir::kNone)
      fail(key, "writes tensor " + quoted(out) + ", which is already defined", "unique names");
    by_name_.erase(y.name);
    y.name = out;
    by_name_.emplace(out, conv.output);
    graph_.relink();
  }

  void add_flatten(const onnx::NodeProto& node, const NodeAttributes& attributes, const std::string& out,
                   const std::string& key) {
    const TensorId x = input_of(node, 0);
    const std::vector<std::int64_t> xd = shape(x).dims();
    const auto rank = static_cast<std::int64_t>(xd.size());
    std::int64_t axis = attributes.axis.value_or(1);
    if (axis < -rank || axis > rank) {
      fail(key, "attribute axis is " + std::to_string(axis) + " for a rank-" + std::to_string(rank) + " input",
           "an axis in [" + std::to_string(-rank) + ", " + std::to_string(rank) + "]");
    }
    if (axis < 0) axis += rank;
    std::int64_t outer = 1, inner = 1;
    for (std::int64_t i = 0; i < rank; ++i) (i < axis ? outer : inner) *= xd[static_cast<std::size_t>(i)];
    relayout(x, Shape::from_dims({outer, inner}), out, key);
  }

  // x's elements in `to`'s shape: a view the DMA gathers (no EXEC).
  TensorId relayout(TensorId x, const Shape& to, const std::string& out, const std::string& key) {
    return emit(OpKind::Relayout, {x}, out, to, key);
  }

  // A graph output must be stored in its own matrix layout: an image in nhwc
  // or a view is renamed and copied (a relayout view loaded, then stored).
  TensorId materialized(TensorId id, const std::string& key) {
    const ir::Tensor& t = tensor(id);
    const bool image = t.shape.layout == ir::Layout::Nhwc;
    const bool view = graph_.ops[t.producer].kind == OpKind::Relayout;
    if (!image && !view) return id;
    const std::string name = t.name;
    by_name_.erase(name);
    graph_.tensors[id].name = fresh(name + (image ? ".nhwc" : ".view"));
    by_name_.emplace(graph_.tensors[id].name, id);
    TensorId source = id;
    if (image) source = relayout(id, Shape::with_layout(t.shape.dims(), ir::Layout::Nchw), fresh(name + ".view"), key);
    return emit(OpKind::Scale, {source}, name, shape(source), key, 1.0f);
  }

  bool reads_an_image(const onnx::NodeProto& node) const {
    for (int i = 0; i < node.input_size(); ++i) {
      const TensorId id = find(node.input(i));
      if (id != ir::kNone && tensor(id).shape.layout != ir::Layout::Matrix) return true;
    }
    return false;
  }

  // A binary op with an image in nhwc (a Conv's result): both operands the
  // same image, the other brought to nhwc by a relayout view.
  void add_image_binary(const onnx::NodeProto& node, const std::string& out, const std::string& key) {
    if (node.input_size() != 2) fail(key, "has " + std::to_string(node.input_size()) + " inputs", "2 images");
    TensorId a = input_of(node, 0), b = input_of(node, 1);
    const std::vector<std::int64_t> dims = shape(a).dims();
    if (shape(b).dims() != dims) {
      fail(key, "combines " + ir::to_string(shape(a)) + " and " + ir::to_string(shape(b)),
           "two images of the same shape (broadcasting over a convolution's result is not supported yet)");
    }
    const Shape nhwc = Shape::with_layout(dims, ir::Layout::Nhwc);
    if (shape(a).layout != ir::Layout::Nhwc) a = relayout(a, nhwc, fresh(tensor(a).name + ".nhwc"), key);
    if (shape(b).layout != ir::Layout::Nhwc) b = relayout(b, nhwc, fresh(tensor(b).name + ".nhwc"), key);
    const std::string& op = node.op_type();
    const OpKind kind = op == "Add"   ? OpKind::Add
                        : op == "Sub" ? OpKind::Sub
                        : op == "Mul" ? OpKind::Mul
                        : op == "Max" ? OpKind::Max
                                      : OpKind::Min;
    emit(kind, {a, b}, out, nhwc, key);
  }

  void add_transpose(const onnx::NodeProto& node, const NodeAttributes& attributes, const std::string& out,
                     const std::string& key) {
    const TensorId x = input_of(node, 0);
    const int rank = shape(x).rank;
    std::vector<std::int64_t> identity;
    for (int i = 0; i < rank; ++i) identity.push_back(i);
    std::vector<std::int64_t> perm =
        attributes.perm ? *attributes.perm : std::vector<std::int64_t>(identity.rbegin(), identity.rend());
    if (!std::is_permutation(perm.begin(), perm.end(), identity.begin(), identity.end())) {
      fail(key,
           "perm " + list_text(perm) + " is not a permutation of the " + std::to_string(rank) + " dims of " +
               ir::to_string(shape(x)),
           "each of 0 to " + std::to_string(rank - 1) + " once");
    }
    std::vector<std::int64_t> last_two_swapped = identity;
    if (rank >= 2) std::swap(last_two_swapped[rank - 1], last_two_swapped[rank - 2]);
    if (rank < 2 || perm != last_two_swapped) {
      fail(key, "permutes the dims of a rank-" + std::to_string(rank) + " tensor in a way the hardware cannot",
           "a swap of the last two dims (a rank-2 transpose)");
    }
    if (!is_stored(x)) {
      fail(key, "transposes a computed tensor (" + tilesim::quoted(graph_.tensors[x].name) + ")",
           "a Transpose of a graph input or initializer (the DMA engine transposes while loading)");
    }
    Shape s = shape(x);
    std::swap(s.rows, s.cols);
    emit(OpKind::Transpose, {x}, out, s, key);
  }

  Shape matmul_shape(const Shape& a, const Shape& b, const std::string& key) const {
    if (a.rank < 2 || b.rank < 2) {
      fail(key, "multiplies shapes " + ir::to_string(a) + " and " + ir::to_string(b),
           "operands of rank 2 to 4 (no rank-1 vectors)");
    }
    if (a.cols != b.rows) {
      fail(key, "shapes " + ir::to_string(a) + " and " + ir::to_string(b) + " do not match",
           "[..., M, K] @ [..., K, N]");
    }
    if (b.rank > 2 && b.batch_dims != a.batch_dims) {
      fail(key, "batch dims of " + ir::to_string(a) + " and " + ir::to_string(b) + " differ",
           "equal batch dims, or a 2-D right operand");
    }
    Shape out = a;
    out.cols = b.cols;
    return out;
  }

  TensorId add_matmul(TensorId a, TensorId b, const std::string& out, const std::string& key) {
    return emit(OpKind::MatMul, {a, b}, out, matmul_shape(shape(a), shape(b), key), key);
  }

  void add_gemm(const onnx::NodeProto& node, const NodeAttributes& attributes, const std::string& out,
                const std::string& key) {
    TensorId a = input_of(node, 0), b = input_of(node, 1);
    if (shape(a).rank != 2 || shape(b).rank != 2) {
      fail(key, "has operands " + ir::to_string(shape(a)) + " and " + ir::to_string(shape(b)), "rank-2 A and B");
    }
    if (attributes.trans_a) a = transposed(a, node, "transA");
    if (attributes.trans_b) b = transposed(b, node, "transB");
    const bool has_c = has_input(node, 2);
    const bool scaled = attributes.alpha != 1.0f;
    const std::string product = !has_c && !scaled ? out : fresh(out + ".ab");
    TensorId p = add_matmul(a, b, product, key);
    if (scaled) p = emit(OpKind::Scale, {p}, has_c ? fresh(out + ".alpha_ab") : out, shape(p), key, attributes.alpha);
    if (!has_c) return;
    TensorId c = input_of(node, 2);
    const Shape ps = shape(p);  // copies: emit() grows the tensor table
    const Shape cs = shape(c);
    refuse_if(gemm_c_refusal(cs, ps, attributes, opset_), key);
    if (attributes.beta != 1.0f) c = emit(OpKind::Scale, {c}, fresh(node.input(2) + ".beta"), cs, key, attributes.beta);
    emit(OpKind::Add, {p, c}, out, ps, key);
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
  std::unordered_set<std::string> read_names_;    // every node input and graph output
  std::unordered_set<std::string> output_names_;  // the graph outputs
  // Initializers and Constant values by name, of every type; those of a type
  // that is not FLOAT or DOUBLE are no tensor (deferred_: their key).
  std::unordered_map<std::string, const onnx::TensorProto*> constants_;
  std::unordered_map<std::string, std::string> deferred_;
  std::unordered_map<std::string, PendingPad> pads_;  // Pad outputs an AveragePool may fold
  std::deque<onnx::TensorProto> constant_values_;     // Constant nodes' values (stable addresses)
};

}  // namespace

ir::Graph load_onnx(const std::string& path) { return OnnxImporter(path).run(); }

ir::Graph load_any_model(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  return ext == ".onnx" ? load_onnx(path) : load_model(path);
}

}  // namespace tilesim::frontend
