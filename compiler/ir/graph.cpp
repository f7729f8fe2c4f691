#include "compiler/ir/graph.h"

#include <algorithm>
#include <stdexcept>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>

#include "compiler/support/input_error.h"

namespace tilesim::ir {

const char* to_string(TensorKind kind) {
  switch (kind) {
    case TensorKind::Input:
      return "input";
    case TensorKind::Param:
      return "param";
    case TensorKind::Intermediate:
      return "intermediate";
    case TensorKind::Output:
      return "output";
  }
  return "?";
}

const char* to_string(OpKind kind) {
  switch (kind) {
    case OpKind::MatMul:
      return "matmul";
    case OpKind::Add:
      return "add";
    case OpKind::Relu:
      return "relu";
    case OpKind::FusedMatMul:
      return "fused_matmul";
    case OpKind::Transpose:
      return "transpose";
    case OpKind::Scale:
      return "scale";
    case OpKind::Conv:
      return "conv";
    case OpKind::Im2col:
      return "im2col";
    case OpKind::Relayout:
      return "relayout";
    case OpKind::Place:
      return "place";
    case OpKind::Permute:
      return "permute";
    case OpKind::Slice:
      return "slice";
    case OpKind::Sub:
      return "sub";
    case OpKind::Mul:
      return "mul";
    case OpKind::Max:
      return "max";
    case OpKind::Min:
      return "min";
    case OpKind::Clip:
      return "clip";
    case OpKind::LeakyRelu:
      return "leaky_relu";
    case OpKind::Sigmoid:
      return "sigmoid";
    case OpKind::Tanh:
      return "tanh";
    case OpKind::HardSigmoid:
      return "hard_sigmoid";
    case OpKind::HardSwish:
      return "hard_swish";
    case OpKind::MaxPool:
      return "max_pool";
    case OpKind::ReduceSum:
      return "reduce_sum";
    case OpKind::ReduceMax:
      return "reduce_max";
    case OpKind::SoftmaxStats:
      return "softmax_stats";
    case OpKind::Softmax:
      return "softmax";
    case OpKind::LayerNormStats:
      return "layer_norm_stats";
    case OpKind::LayerNorm:
      return "layer_norm";
    case OpKind::AveragePool:
      return "average_pool";
    // ---- issue 14, element-wise ----
    case OpKind::Div:
      return "div";
    case OpKind::Sqrt:
      return "sqrt";
    case OpKind::Reciprocal:
      return "reciprocal";
    case OpKind::Exp:
      return "exp";
    case OpKind::Neg:
      return "neg";
    case OpKind::Erf:
      return "erf";
    case OpKind::Pow:
      return "pow";
    case OpKind::Gelu:
      return "gelu";
    case OpKind::Where:
      return "where";
  }
  return "?";
}

bool is_binary(OpKind kind) {
  return kind == OpKind::Add || kind == OpKind::Sub || kind == OpKind::Mul || kind == OpKind::Max ||
         kind == OpKind::Min || kind == OpKind::Div || kind == OpKind::Where;
}

bool is_activation(OpKind kind) {
  switch (kind) {
    case OpKind::Relu:
    case OpKind::Clip:
    case OpKind::LeakyRelu:
    case OpKind::Sigmoid:
    case OpKind::Tanh:
    case OpKind::HardSigmoid:
    case OpKind::HardSwish:
    // ---- issue 14, element-wise ----
    case OpKind::Sqrt:
    case OpKind::Reciprocal:
    case OpKind::Exp:
    case OpKind::Neg:
    case OpKind::Erf:
    case OpKind::Pow:
    case OpKind::Gelu:
      return true;
    default:
      return false;
  }
}

std::vector<std::int64_t> Shape::dims() const {
  if (layout != Layout::Matrix) return layout_dims;
  if (rank == 0) return {};
  if (rank == 1) return {cols};
  std::vector<std::int64_t> all = batch_dims;
  all.push_back(rows);
  all.push_back(cols);
  return all;
}

Shape Shape::from_dims(const std::vector<std::int64_t>& dims) {
  Shape s;
  s.rank = static_cast<int>(dims.size());
  s.rows = dims.size() >= 2 ? dims[dims.size() - 2] : 1;
  s.cols = dims.empty() ? 1 : dims.back();
  if (dims.size() > 2) s.batch_dims.assign(dims.begin(), dims.end() - 2);
  return s;
}

Shape Shape::with_layout(const std::vector<std::int64_t>& dims, Layout layout, std::int64_t groups) {
  Shape s = from_dims(dims);
  if (layout == Layout::Matrix) return s;
  s.layout = layout;
  s.groups = groups;
  s.layout_dims = dims;
  if (layout == Layout::Nhwc || layout == Layout::Nchw) {
    s.batch_dims = {dims[0]};
    s.rows = layout == Layout::Nhwc ? dims[2] * dims[3] : dims[1];
    s.cols = layout == Layout::Nhwc ? dims[1] : dims[2] * dims[3];
  } else {
    s.batch_dims.clear();
    s.rows = dims[2] * dims[3] * dims[1] * groups;
    s.cols = dims[0];
  }
  return s;
}

namespace {
std::int64_t window_out(std::int64_t in, std::int64_t pads, std::int64_t dilation, std::int64_t kernel,
                        std::int64_t stride, bool ceil_mode) {
  const std::int64_t span = in + pads - dilation * (kernel - 1) - 1;
  if (span < 0) return 0;
  return (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
}
}  // namespace

// With ceil_mode the last window must start inside the input or its leading
// padding (PyTorch's rule, which its ONNX exports rely on).
std::int64_t Window::out_h(std::int64_t in_h) const {
  std::int64_t out = window_out(in_h, pad_top + pad_bottom, dilation_h, kernel_h, stride_h, ceil_mode);
  if (ceil_mode && out > 0 && (out - 1) * stride_h >= in_h + pad_top) --out;
  return out;
}

std::int64_t Window::out_w(std::int64_t in_w) const {
  std::int64_t out = window_out(in_w, pad_left + pad_right, dilation_w, kernel_w, stride_w, ceil_mode);
  if (ceil_mode && out > 0 && (out - 1) * stride_w >= in_w + pad_left) --out;
  return out;
}

namespace {

std::int64_t taps(std::int64_t o, std::int64_t in, std::int64_t kernel, std::int64_t stride, std::int64_t dilation,
                  std::int64_t pad_begin, std::int64_t pad_end, bool with_pads) {
  const std::int64_t lo = with_pads ? -pad_begin : 0, hi = with_pads ? in + pad_end : in;
  std::int64_t n = 0;
  for (std::int64_t k = 0; k < kernel; ++k) {
    const std::int64_t at = o * stride - pad_begin + k * dilation;
    n += at >= lo && at < hi;
  }
  return n;
}

}  // namespace

std::int64_t Window::taps_h(std::int64_t oh, std::int64_t in_h, bool with_pads) const {
  return taps(oh, in_h, kernel_h, stride_h, dilation_h, pad_top, pad_bottom, with_pads);
}

std::int64_t Window::taps_w(std::int64_t ow, std::int64_t in_w, bool with_pads) const {
  return taps(ow, in_w, kernel_w, stride_w, dilation_w, pad_left, pad_right, with_pads);
}

std::string to_string(const Shape& shape) {
  std::string text = "[";
  const auto dims = shape.dims();
  for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

std::optional<Shape> broadcast(const Shape& a, const Shape& b) {
  const std::vector<std::int64_t> da = a.dims(), db = b.dims();
  const std::size_t rank = std::max(da.size(), db.size());
  std::vector<std::int64_t> out(rank);
  for (std::size_t k = 0; k < rank; ++k) {
    const std::int64_t x = k < da.size() ? da[da.size() - 1 - k] : 1;
    const std::int64_t y = k < db.size() ? db[db.size() - 1 - k] : 1;
    if (x != y && x != 1 && y != 1) return std::nullopt;
    out[rank - 1 - k] = x == 1 ? y : x;
  }
  return Shape::from_dims(out);
}

std::string describe(const Op& op) {
  std::string text = to_string(op.kind);
  if (op.kind != OpKind::FusedMatMul) return text;
  text += "(";
  for (std::size_t i = 0; i < op.fused_from.size(); ++i) text += (i ? "+" : "") + op.fused_from[i];
  return text + ")";
}

TensorId Graph::find(const std::string& tensor_name) const {
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].name == tensor_name) return static_cast<TensorId>(i);
  }
  return kNone;
}

TensorId Graph::add_tensor(Tensor tensor) {
  tensors.push_back(std::move(tensor));
  return static_cast<TensorId>(tensors.size() - 1);
}

OpId Graph::add_op(Op op) {
  const auto id = static_cast<OpId>(ops.size());
  const auto valid = [&](TensorId t) { return t >= 0 && static_cast<std::size_t>(t) < tensors.size(); };
  if (!valid(op.output)) throw std::logic_error("Graph::add_op: output tensor id out of range");
  for (TensorId t : op.inputs) {
    if (!valid(t)) throw std::logic_error("Graph::add_op: input tensor id out of range");
  }
  if (tensors[op.output].producer != kNone) {
    throw std::logic_error("Graph::add_op: tensor '" + tensors[op.output].name + "' already has a producer");
  }
  ops.push_back(std::move(op));
  const Op& added = ops.back();
  if (!added.dead) {
    tensors[added.output].producer = id;
    for (TensorId t : added.inputs) {
      auto& users = tensors[t].users;
      if (std::find(users.begin(), users.end(), id) == users.end()) users.push_back(id);
    }
  }
  return id;
}

void Graph::relink() {
  for (Tensor& t : tensors) {
    t.producer = kNone;
    t.users.clear();
  }
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const Op& op = ops[i];
    if (op.dead) continue;
    const auto id = static_cast<OpId>(i);
    tensors[op.output].producer = id;
    for (TensorId t : op.inputs) {
      auto& users = tensors[t].users;
      if (std::find(users.begin(), users.end(), id) == users.end()) users.push_back(id);
    }
  }
}

std::vector<OpId> Graph::live_ops() const {
  std::vector<OpId> out;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (!ops[i].dead) out.push_back(static_cast<OpId>(i));
  }
  return out;
}

bool Graph::is_tiled() const {
  bool any = false;
  for (const Tensor& t : tensors) {
    if (t.dead) continue;
    if (!t.is_tiled()) return false;
    any = true;
  }
  return any;
}

namespace {

// Vertices are ops (dead ones stay isolated); an edge a -> b when b reads a's output.
using OpGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
using Vertex = boost::graph_traits<OpGraph>::vertex_descriptor;
using Edge = boost::graph_traits<OpGraph>::edge_descriptor;

// Records the DFS tree and the first back edge, which closes a cycle.
struct CycleFinder : boost::default_dfs_visitor {
  std::vector<Vertex>* parent;
  std::pair<Vertex, Vertex>* back;
  bool* found;
  void tree_edge(Edge e, const OpGraph& g) const { (*parent)[boost::target(e, g)] = boost::source(e, g); }
  void back_edge(Edge e, const OpGraph& g) const {
    if (*found) return;
    *found = true;
    *back = {boost::source(e, g), boost::target(e, g)};
  }
};

[[noreturn]] void report_cycle(const Graph& graph, const OpGraph& g) {
  std::vector<Vertex> parent(boost::num_vertices(g));
  std::pair<Vertex, Vertex> back{0, 0};
  bool found = false;
  boost::depth_first_search(g, boost::visitor(CycleFinder{{}, &parent, &back, &found}));
  if (!found) throw std::logic_error("Graph::topological_order: not_a_dag without a back edge");
  // The back edge u -> v closes v -> ... -> u -> v; walk the tree from u up to v.
  std::vector<Vertex> cycle;
  for (Vertex x = back.first; x != back.second; x = parent[x]) cycle.push_back(x);
  cycle.push_back(back.second);
  std::reverse(cycle.begin(), cycle.end());  // now in data-flow order
  // Start at the op listed first in the model so the message does not depend on the DFS.
  std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
  std::string path;
  for (Vertex v : cycle) path += graph.tensors[graph.ops[v].output].name + " -> ";
  const Tensor& first = graph.tensors[graph.ops[cycle.front()].output];
  path += first.name;
  throw InputError(file_line(graph.source, first.line - 1), "ops",
                   "cycle through tensor " + quoted(first.name) + ": " + path, "an acyclic graph");
}

}  // namespace

std::vector<OpId> Graph::topological_order() const {
  OpGraph g(ops.size());
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].dead) continue;
    for (TensorId t : ops[i].inputs) {
      const OpId from = tensors[t].producer;
      if (from != kNone && !ops[from].dead) boost::add_edge(from, i, g);
    }
  }
  std::vector<Vertex> reversed;
  try {
    boost::topological_sort(g, std::back_inserter(reversed));
  } catch (const boost::not_a_dag&) {
    report_cycle(*this, g);
  }
  std::vector<OpId> order;
  for (auto it = reversed.rbegin(); it != reversed.rend(); ++it) {
    if (!ops[*it].dead) order.push_back(static_cast<OpId>(*it));
  }
  return order;
}

}  // namespace tilesim::ir
