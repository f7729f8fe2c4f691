#include "sim/reference/host_reference.h"

#include <cmath>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace tilesim {

namespace {

// A tensor in double precision at its true shape, row-major.
struct Matrix {
  int rank = 2;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::vector<double> v;
  double& at(std::int64_t r, std::int64_t c) { return v[static_cast<std::size_t>(r * cols + c)]; }
  double at(std::int64_t r, std::int64_t c) const { return v[static_cast<std::size_t>(r * cols + c)]; }
};

std::string shape_text(const Matrix& m) {
  HostTensor t;
  t.rank = m.rank;
  t.rows = m.rows;
  t.cols = m.cols;
  return t.shape_text();
}

Matrix zeros(int rank, std::int64_t rows, std::int64_t cols) {
  return Matrix{rank, rows, cols, std::vector<double>(static_cast<std::size_t>(rows * cols), 0.0)};
}

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument("run_reference: " + what); }

Matrix matmul(const Matrix& a, const Matrix& b) {
  if (a.rank != 2 || b.rank != 2 || a.cols != b.rows) {
    bad("matmul of " + shape_text(a) + " and " + shape_text(b));
  }
  Matrix out = zeros(2, a.rows, b.cols);
  // i-k-j order: each out element still sums its products in ascending k.
  // No shortcut for zeros: inf * 0 must give NaN as IEEE says.
  for (std::int64_t i = 0; i < a.rows; ++i) {
    double* row = &out.at(i, 0);
    for (std::int64_t k = 0; k < a.cols; ++k) {
      const double aik = a.at(i, k);
      const double* brow = &b.v[static_cast<std::size_t>(k * b.cols)];
      for (std::int64_t j = 0; j < b.cols; ++j) row[j] += aik * brow[j];
    }
  }
  return out;
}

// [r, c] + [r, c], [c] + [c], or a [c] row added to every row of an [r, c].
Matrix add(const Matrix& a, const Matrix& b) {
  if (a.rank == b.rank && a.rows == b.rows && a.cols == b.cols) {
    Matrix out = a;
    for (std::size_t i = 0; i < out.v.size(); ++i) out.v[i] += b.v[i];
    return out;
  }
  const bool a_is_row = a.rank == 1 && b.rank == 2;
  const Matrix& full = a_is_row ? b : a;
  const Matrix& row = a_is_row ? a : b;
  if (row.rank != 1 || full.rank != 2 || row.cols != full.cols) bad("add of " + shape_text(a) + " and " + shape_text(b));
  Matrix out = full;
  for (std::int64_t r = 0; r < out.rows; ++r) {
    for (std::int64_t c = 0; c < out.cols; ++c) out.at(r, c) += row.v[static_cast<std::size_t>(c)];
  }
  return out;
}

// x > 0 ? x : +0, and NaN stays NaN (the kernels' contract, docs/kernels.md).
void relu_in_place(Matrix& m) {
  for (double& x : m.v) {
    if (!std::isnan(x)) x = x > 0 ? x : 0.0;
  }
}

}  // namespace

std::map<std::string, HostTensor> run_reference(const ir::Graph& graph,
                                                const std::map<std::string, HostTensor>& inputs) {
  const std::vector<ir::OpId> order = graph.topological_order();

  // How many live ops still read each tensor: intermediates are dropped after
  // their last use, so the reference needs little more memory than the model.
  std::vector<int> reads_left(graph.tensors.size(), 0);
  for (const ir::OpId id : order) {
    for (const ir::TensorId t : graph.ops[static_cast<std::size_t>(id)].inputs) ++reads_left[static_cast<std::size_t>(t)];
  }
  std::vector<bool> is_output(graph.tensors.size(), false);
  for (const ir::TensorId t : graph.outputs) is_output[static_cast<std::size_t>(t)] = true;

  std::unordered_map<ir::TensorId, Matrix> values;
  for (std::size_t id = 0; id < graph.tensors.size(); ++id) {
    const ir::Tensor& tensor = graph.tensors[id];
    if (tensor.kind != ir::TensorKind::Input && tensor.kind != ir::TensorKind::Param) continue;
    if (reads_left[id] == 0) continue;
    const auto it = inputs.find(tensor.name);
    if (it == inputs.end()) bad("no values for '" + tensor.name + "'");
    const HostTensor& host = it->second;
    if (host.rank != tensor.shape.rank || host.rows != tensor.shape.rows || host.cols != tensor.shape.cols ||
        host.data.size() != static_cast<std::size_t>(host.rows * host.cols)) {
      bad("'" + tensor.name + "' has shape " + host.shape_text() + " and " + std::to_string(host.data.size()) +
          " values, the model says " + ir::to_string(tensor.shape));
    }
    values.emplace(static_cast<ir::TensorId>(id),
                   Matrix{host.rank, host.rows, host.cols, std::vector<double>(host.data.begin(), host.data.end())});
  }

  for (const ir::OpId id : order) {
    const ir::Op& op = graph.ops[static_cast<std::size_t>(id)];
    std::vector<const Matrix*> in;
    for (const ir::TensorId t : op.inputs) {
      const auto it = values.find(t);
      if (it == values.end()) bad("op " + ir::describe(op) + " reads '" + graph.tensors[static_cast<std::size_t>(t)].name + "' before it has a value");
      in.push_back(&it->second);
    }
    const std::size_t arity = op.kind == ir::OpKind::Relu ? 1
                              : op.kind == ir::OpKind::FusedMatMul && op.has_bias ? 3
                                                                                  : 2;
    if (in.size() != arity) bad("op " + ir::describe(op) + " has " + std::to_string(in.size()) + " inputs");

    Matrix out;
    switch (op.kind) {
      case ir::OpKind::MatMul: out = matmul(*in[0], *in[1]); break;
      case ir::OpKind::Add: out = add(*in[0], *in[1]); break;
      case ir::OpKind::Relu:
        out = *in[0];
        relu_in_place(out);
        break;
      case ir::OpKind::FusedMatMul:
        out = matmul(*in[0], *in[1]);
        if (op.has_bias) {
          if (in[2]->rank != 1) bad("fused bias of shape " + shape_text(*in[2]));
          out = add(out, *in[2]);
        }
        if (op.has_relu) relu_in_place(out);
        break;
    }
    const ir::Tensor& result = graph.tensors[static_cast<std::size_t>(op.output)];
    if (out.rank != result.shape.rank || out.rows != result.shape.rows || out.cols != result.shape.cols) {
      bad("op " + ir::describe(op) + " gives " + shape_text(out) + ", the model says '" + result.name + "' is " +
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
    HostTensor host;
    host.rank = it->second.rank;
    host.rows = it->second.rows;
    host.cols = it->second.cols;
    host.data.assign(it->second.v.begin(), it->second.v.end());  // rounds to nearest float32
    outputs.emplace(tensor.name, std::move(host));
  }
  return outputs;
}

}  // namespace tilesim
