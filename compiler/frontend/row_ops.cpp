#include "compiler/frontend/row_ops.h"

#include "compiler/frontend/image_layout.h"

namespace tilesim::frontend {

namespace {

using ir::OpKind;
using ir::Shape;
using ir::TensorId;
using Dims = std::vector<std::int64_t>;

// [dims before k (or 1), the product of the rest].
Dims row_dims(const Dims& dims, std::size_t k) {
  Dims to(dims.begin(), dims.begin() + static_cast<std::ptrdiff_t>(k));
  if (to.empty()) to.push_back(1);
  std::int64_t n = 1;
  for (std::size_t i = k; i < dims.size(); ++i) n *= dims[i];
  to.push_back(n);
  return to;
}

TensorId as_rows(GraphBuilder& b, TensorId x, std::size_t k, const std::string& name, const std::string& key) {
  const Dims dims = b.tensor(x).shape.dims();
  if (dims.size() >= 2 && k + 1 == dims.size()) return matrix_form(b, x, key);
  return relayout(b, x, Shape::from_dims(row_dims(dims, k)), b.fresh(name + ".rows"), key);
}

// Emits `op` giving `shape`, named `name` when that is the result's shape `final`.
TensorId emit_as(GraphBuilder& b, ir::Op op, const Dims& shape, const Dims& final, const std::string& name,
                 const std::string& key) {
  if (shape == final) return b.emit(std::move(op), name, Shape::from_dims(shape), key);
  const TensorId y = b.emit(std::move(op), b.fresh(name + ".rows"), Shape::from_dims(shape), key);
  return relayout(b, y, Shape::from_dims(final), name, key);
}

TensorId stats(GraphBuilder& b, OpKind kind, TensorId rows, float epsilon, const std::string& name,
               const std::string& key) {
  Dims dims = b.tensor(rows).shape.dims();
  dims.back() = 2;
  ir::Op op;
  op.kind = kind;
  op.inputs = {rows};
  op.param[0] = epsilon;
  return b.emit(std::move(op), b.fresh(name + ".stats"), Shape::from_dims(dims), key);
}

}  // namespace

TensorId emit_softmax(GraphBuilder& b, TensorId x, std::size_t k, const std::string& name, const std::string& key) {
  const TensorId rows = as_rows(b, x, k, name, key);
  ir::Op op;
  op.kind = OpKind::Softmax;
  op.inputs = {rows, stats(b, OpKind::SoftmaxStats, rows, 0.0f, name, key)};
  return emit_as(b, std::move(op), b.tensor(rows).shape.dims(), b.tensor(x).shape.dims(), name, key);
}

TensorId emit_layer_norm(GraphBuilder& b, TensorId x, TensorId gamma, TensorId beta, float epsilon,
                         const std::string& name, const std::string& key) {
  const Dims dims = b.tensor(x).shape.dims();
  const TensorId rows = as_rows(b, x, dims.empty() ? 0 : dims.size() - 1, name, key);
  ir::Op op;
  op.kind = OpKind::LayerNorm;
  op.inputs = {rows, stats(b, OpKind::LayerNormStats, rows, epsilon, name, key), gamma};
  if (beta != ir::kNone) op.inputs.push_back(beta);
  return emit_as(b, std::move(op), b.tensor(rows).shape.dims(), dims, name, key);
}

TensorId emit_reduce(GraphBuilder& b, OpKind kind, bool mean, TensorId x, std::size_t k, bool keepdims,
                     const std::string& name, const std::string& key) {
  Dims dims = b.tensor(x).shape.dims();
  if (dims.size() == 4 && k == 2) b.store_as_image(x);  // its storage rows are then its channels
  Dims final(dims.begin(), dims.begin() + static_cast<std::ptrdiff_t>(k));
  if (keepdims) final.resize(dims.size(), 1);
  const TensorId rows = as_rows(b, x, k, name, key);
  Dims shape = b.tensor(rows).shape.dims();
  const std::int64_t cols = shape.back();
  shape.back() = 1;
  ir::Op op;
  op.kind = kind;
  if (mean) op.scale = 1.0f / static_cast<float>(cols);
  op.inputs = {rows};
  return emit_as(b, std::move(op), shape, final, name, key);
}

}  // namespace tilesim::frontend
