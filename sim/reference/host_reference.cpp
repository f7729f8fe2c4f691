
#include "sim/reference/host_reference.h"
#include "compiler/support/interrupt.h"
#include "sim/reference/elementwise_reference.h"
#include "sim/reference/row_reference.h"
#include "sim/reference/select_reference.h"
#include "sim/reference/window_reference.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace tilesim {

namespace {

// A tensor in double precision at its true shape (rank 0..4), row-major.
struct Nd {
  std::vector<std::int64_t> dims;
  std::vector<double> v;

  std::size_t rank() const { return dims.size(); }
  std::int64_t rows() const { return dims.size() >= 2 ? dims[dims.size() - 2] : 1; }
  std::int64_t cols() const { return dims.empty() ? 1 : dims.back(); }
  std::vector<std::int64_t> batch_dims() const {
    return dims.size() > 2 ? std::vector<std::int64_t>(dims.begin(), dims.end() - 2) : std::vector<std::int64_t>{};
  }
  std::int64_t batch() const {
    std::int64_t n = 1;
    for (std::size_t i = 0; i + 2 < dims.size(); ++i) n *= dims[i];
    return n;
  }
};

std::size_t element_count(const std::vector<std::int64_t>& dims) {
  std::size_t n = 1;
  for (const std::int64_t d : dims) n *= static_cast<std::size_t>(d);
  return n;
}

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument("run_reference: " + what); }

// a [..., M, K] @ b [..., K, N] with equal batch dims, or b [K, N] shared by
// every matrix of a: out [..., M, N].
Nd matmul(const Nd& a, const Nd& b) {
  const bool shared_b = b.rank() == 2;
  if (a.rank() < 2 || b.rank() < 2 || a.cols() != b.rows() || (!shared_b && a.batch_dims() != b.batch_dims())) {
    bad("matmul of " + dims_text(a.dims) + " and " + dims_text(b.dims));
  }
  const std::int64_t m = a.rows(), k = a.cols(), n = b.cols();
  Nd out;
  out.dims = a.batch_dims();
  out.dims.push_back(m);
  out.dims.push_back(n);
  out.v.assign(element_count(out.dims), 0.0);
  for (std::int64_t batch = 0; batch < a.batch(); ++batch) {
    const double* am = a.v.data() + batch * m * k;
    const double* bm = b.v.data() + (shared_b ? 0 : batch * k * n);
    double* om = out.v.data() + batch * m * n;
    // i-k-j order: each out element still sums its products in ascending k.
    // No shortcut for zeros: inf * 0 must give NaN as IEEE says.
    for (std::int64_t i = 0; i < m; ++i) {
      poll_interrupt();
      double* row = om + i * n;
      for (std::int64_t kk = 0; kk < k; ++kk) {
        const double aik = am[i * k + kk];
        const double* brow = bm + kk * n;
        for (std::int64_t j = 0; j < n; ++j) row[j] += aik * brow[j];
      }
    }
  }
  return out;
}

// a op b for a binary op (Add, Sub, Mul, Max), both broadcasting as numpy does.
Nd binary(ir::OpKind kind, const Nd& a, const Nd& b, double constant = 0.0) {
  const auto dims = reference::broadcast_dims(a.dims, b.dims);
  if (!dims) bad(std::string(ir::to_string(kind)) + " of " + dims_text(a.dims) + " and " + dims_text(b.dims));
  return Nd{*dims, reference::broadcast_binary(kind, a.dims, a.v, b.dims, b.v, constant)};
}

// The last two dims swapped.
Nd transpose(const Nd& a) {
  if (a.rank() < 2) bad("transpose of " + dims_text(a.dims));
  const std::int64_t m = a.rows(), n = a.cols();
  Nd out;
  out.dims = a.dims;
  std::swap(out.dims[out.rank() - 2], out.dims[out.rank() - 1]);
  out.v.resize(a.v.size());
  for (std::int64_t batch = 0; batch < a.batch(); ++batch) {
    const double* in = a.v.data() + batch * m * n;
    double* o = out.v.data() + batch * m * n;
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t j = 0; j < n; ++j) o[j * m + i] = in[i * n + j];
    }
  }
  return out;
}

// x > 0 ? x : +0, and NaN stays NaN (the kernels' contract, docs/kernels.md).
void relu_in_place(Nd& t) {
  for (double& x : t.v) {
    if (!std::isnan(x)) x = x > 0 ? x : 0.0;
  }
}

// x placed at `place` in zeros of `dims`: row-major blocks of x's dims from
// `axis` on, each at its offset (ir::OpKind::Place). False when x does not fit.
bool place(const Nd& x, const std::vector<std::int64_t>& dims, const ir::Placement& at, Nd* out) {
  const auto axis = static_cast<std::size_t>(at.axis);
  if (x.dims.size() != dims.size() || axis >= dims.size() || at.offset + x.dims[axis] > dims[axis]) return false;
  std::size_t outer = 1, inner = 1;
  for (std::size_t d = 0; d < dims.size(); ++d) {
    if (d != axis && x.dims[d] != dims[d]) return false;
    if (d < axis) outer *= static_cast<std::size_t>(dims[d]);
    if (d > axis) inner *= static_cast<std::size_t>(dims[d]);
  }
  out->dims = dims;
  out->v.assign(element_count(dims), 0.0);
  const std::size_t block = static_cast<std::size_t>(x.dims[axis]) * inner;
  for (std::size_t o = 0; o < outer; ++o) {
    const std::size_t to = (o * static_cast<std::size_t>(dims[axis]) + static_cast<std::size_t>(at.offset)) * inner;
    std::copy_n(x.v.begin() + static_cast<std::ptrdiff_t>(o * block), block,
                out->v.begin() + static_cast<std::ptrdiff_t>(to));
  }
  return true;
}

std::size_t arity(const ir::Op& op) {
  switch (op.kind) {
    case ir::OpKind::Scale:
    case ir::OpKind::Transpose:
    case ir::OpKind::Relayout:
    case ir::OpKind::Place:
    case ir::OpKind::Permute:  // issue 14
    case ir::OpKind::Slice:
    case ir::OpKind::Im2col:
    case ir::OpKind::MaxPool:
    case ir::OpKind::AveragePool:
      return 1;
    case ir::OpKind::Conv:
      return op.inputs.size() > 2 ? 3 : 2;
    case ir::OpKind::FusedMatMul:
      return 2 + (op.has_bias ? 1 : 0) + (op.has_residual ? 1 : 0);
    case ir::OpKind::MatMul:
      return 2;
    case ir::OpKind::ReduceSum:
    case ir::OpKind::ReduceMax:
    case ir::OpKind::SoftmaxStats:
    case ir::OpKind::LayerNormStats:
      return 1;
    case ir::OpKind::Softmax:
      return 2;
    case ir::OpKind::LayerNorm:
      return op.inputs.size() > 3 ? 4 : 3;
    default:
      if (ir::is_activation(op.kind)) return 1;
      return ir::is_binary(op.kind) ? 2 : 0;
  }
}

// A row op (row_reference.h): the rows are the result's elements over its
// values per row (1 for a reduction, 2 for statistics, all for an apply).
Nd row_values(const ir::Op& op, const std::vector<std::int64_t>& dims, const std::vector<const Nd*>& in) {
  const bool apply = op.kind == ir::OpKind::Softmax || op.kind == ir::OpKind::LayerNorm;
  const bool stats = op.kind == ir::OpKind::SoftmaxStats || op.kind == ir::OpKind::LayerNormStats;
  const auto count = static_cast<std::int64_t>(element_count(apply ? in[1]->dims : dims));
  const std::int64_t rows = stats || apply ? count / 2 : count;
  const std::int64_t cols = rows > 0 ? static_cast<std::int64_t>(in[0]->v.size()) / rows : 0;
  reference::RowInputs inputs{&in[0]->v};
  if (apply) inputs.stats = &in[1]->v;
  if (op.kind == ir::OpKind::LayerNorm) inputs.gamma = &in[2]->v;
  if (in.size() > 3) inputs.beta = &in[3]->v;
  return Nd{dims, reference::row_op(op, rows, cols, inputs)};
}

}  // namespace

std::map<std::string, HostTensor> run_reference(const ir::Graph& graph,
                                                const std::map<std::string, HostTensor>& inputs) {
  const std::vector<ir::OpId> order = graph.topological_order();

  // How many live ops still read each tensor: intermediates are dropped after
  // their last use, so the reference needs little more memory than the model.
  std::vector<int> reads_left(graph.tensors.size(), 0);
  for (const ir::OpId id : order) {
    for (const ir::TensorId t : graph.ops[static_cast<std::size_t>(id)].inputs)
      ++reads_left[static_cast<std::size_t>(t)];
  }
  std::vector<bool> is_output(graph.tensors.size(), false);
  for (const ir::TensorId t : graph.outputs) is_output[static_cast<std::size_t>(t)] = true;

  std::unordered_map<ir::TensorId, Nd> values;
  for (std::size_t id = 0; id < graph.tensors.size(); ++id) {
    const ir::Tensor& tensor = graph.tensors[id];
    if (tensor.kind != ir::TensorKind::Input && tensor.kind != ir::TensorKind::Param) continue;
    if (reads_left[id] == 0) continue;
    const auto it = inputs.find(tensor.name);
    if (it == inputs.end()) bad("no values for '" + tensor.name + "'");
    const HostTensor& host = it->second;
    const std::vector<std::int64_t> dims = tensor.shape.dims();
    std::vector<std::int64_t> host_dims;
    try {
      host_dims = host.shape();
    } catch (const std::invalid_argument& e) {
      bad("'" + tensor.name + "': " + e.what());
    }
    if (host_dims != dims || host.data.size() != element_count(dims)) {
      bad("'" + tensor.name + "' has shape " + host.shape_text() + " and " + std::to_string(host.data.size()) +
          " values, the model says " + ir::to_string(tensor.shape));
    }
    values.emplace(static_cast<ir::TensorId>(id), Nd{dims, std::vector<double>(host.data.begin(), host.data.end())});
  }

  for (const ir::OpId id : order) {
    const ir::Op& op = graph.ops[static_cast<std::size_t>(id)];
    std::vector<const Nd*> in;
    for (const ir::TensorId t : op.inputs) {
      const auto it = values.find(t);
      if (it == values.end()) {
        bad("op " + ir::describe(op) + " reads '" + graph.tensors[static_cast<std::size_t>(t)].name +
            "' before it has a value");
      }
      in.push_back(&it->second);
    }
    if (in.size() != arity(op)) bad("op " + ir::describe(op) + " has " + std::to_string(in.size()) + " inputs");

    Nd out;
    switch (op.kind) {
      case ir::OpKind::MatMul:
        out = matmul(*in[0], *in[1]);
        break;
      case ir::OpKind::Add:
      case ir::OpKind::Sub:
      case ir::OpKind::Mul:
      case ir::OpKind::Max:
      case ir::OpKind::Min:
      case ir::OpKind::Div:  // issue 14
        out = binary(op.kind, *in[0], *in[1]);
        break;
      case ir::OpKind::Where:  // issue 14: inputs x and the mask
        out = binary(op.kind, *in[0], *in[1], op.param[0]);
        break;
      case ir::OpKind::Clip:
      case ir::OpKind::LeakyRelu:
      case ir::OpKind::Sigmoid:
      case ir::OpKind::Tanh:
      case ir::OpKind::HardSigmoid:
      case ir::OpKind::HardSwish:
      // ---- issue 14, element-wise ----
      case ir::OpKind::Sqrt:
      case ir::OpKind::Reciprocal:
      case ir::OpKind::Exp:
      case ir::OpKind::Neg:
      case ir::OpKind::Erf:
      case ir::OpKind::Pow:
      case ir::OpKind::Gelu:
        out = *in[0];
        reference::activation_in_place(op, out.v);
        break;
      case ir::OpKind::Relu:
        out = *in[0];
        relu_in_place(out);
        break;
      case ir::OpKind::Scale:
        out = *in[0];
        for (double& x : out.v) x *= static_cast<double>(op.scale);
        break;
      case ir::OpKind::Transpose:
        out = transpose(*in[0]);
        break;
      case ir::OpKind::Conv:
        out.dims = graph.tensors[static_cast<std::size_t>(op.output)].shape.dims();
        out.v = conv2d_reference(in[0]->dims, in[0]->v, in[1]->dims, in[1]->v,
                                 in.size() > 2 ? in[2]->v.data() : nullptr, op.window);
        break;
      case ir::OpKind::MaxPool:
      case ir::OpKind::AveragePool:
        out.dims = graph.tensors[static_cast<std::size_t>(op.output)].shape.dims();
        out.v = pool2d_reference(in[0]->dims, in[0]->v, op.window, op.kind == ir::OpKind::MaxPool);
        break;
      case ir::OpKind::Relayout:  // the same elements in row-major order
        out.dims = graph.tensors[static_cast<std::size_t>(op.output)].shape.dims();
        out.v = in[0]->v;
        if (element_count(out.dims) != out.v.size()) bad("relayout to " + dims_text(out.dims));
        break;
      case ir::OpKind::Place:
        if (!place(*in[0], graph.tensors[static_cast<std::size_t>(op.output)].shape.dims(), op.place, &out)) {
          bad("place of " + dims_text(in[0]->dims) + " at axis " + std::to_string(op.place.axis) + " offset " +
              std::to_string(op.place.offset));
        }
        break;
      case ir::OpKind::ReduceSum:
      case ir::OpKind::ReduceMax:
      case ir::OpKind::SoftmaxStats:
      case ir::OpKind::Softmax:
      case ir::OpKind::LayerNormStats:
      case ir::OpKind::LayerNorm:
        out = row_values(op, graph.tensors[static_cast<std::size_t>(op.output)].shape.dims(), in);
        break;
      case ir::OpKind::Permute:  // issue 14: x read as select.from, permuted or sliced
      case ir::OpKind::Slice: {
        auto selected = select_reference(op, in[0]->v);
        out.dims = graph.tensors[static_cast<std::size_t>(op.output)].shape.dims();
        if (!selected || selected->size() != element_count(out.dims))
          bad(std::string(ir::to_string(op.kind)) + " to " + dims_text(out.dims));
        out.v = std::move(*selected);
        break;
      }
      case ir::OpKind::Im2col:
        bad("im2col in the unfused graph (the conv lowering pass makes it)");
      case ir::OpKind::FusedMatMul:
        out = matmul(*in[0], *in[1]);
        if (op.has_bias) {
          // Any bias add() broadcasts over the product: [N], [M, N], [], [1].
          Nd sum = binary(ir::OpKind::Add, out, *in[2]);
          if (sum.dims != out.dims)
            bad("fused bias of shape " + dims_text(in[2]->dims) + " for " + dims_text(out.dims));
          out = std::move(sum);
        }
        if (op.has_residual) {
          // The residual R (the input after the bias) has the product's dims.
          const Nd& r = *in[op.has_bias ? 3 : 2];
          if (r.dims != out.dims) bad("fused residual of shape " + dims_text(r.dims) + " for " + dims_text(out.dims));
          out = binary(ir::OpKind::Add, out, r);
        }
        if (op.has_relu) relu_in_place(out);
        if (op.activation != ir::OpKind::MatMul) {
          ir::Op activation = op;  // its kind and constants
          activation.kind = op.activation;
          reference::activation_in_place(activation, out.v);
        }
        break;
    }
    const ir::Tensor& result = graph.tensors[static_cast<std::size_t>(op.output)];
    if (out.dims != result.shape.dims()) {
      bad("op " + ir::describe(op) + " gives " + dims_text(out.dims) + ", the model says '" + result.name + "' is " +
          ir::to_string(result.shape));
    }
    values[op.output] = std::move(out);
    for (const ir::TensorId t : op.inputs) {
      if (--reads_left[static_cast<std::size_t>(t)] == 0 && !is_output[static_cast<std::size_t>(t)]) values.erase(t);
    }
  }

  std::map<std::string, HostTensor> outputs;
  for (const ir::TensorId t : graph.outputs) {
    const auto it = values.find(t);
    const ir::Tensor& tensor = graph.tensors[static_cast<std::size_t>(t)];
    if (it == values.end()) bad("output '" + tensor.name + "' is never computed");
    // Each value rounds to the nearest float32.
    outputs.emplace(tensor.name, HostTensor::from_dims(it->second.dims,
                                                       std::vector<float>(it->second.v.begin(), it->second.v.end())));
  }
  return outputs;
}

}  // namespace tilesim
