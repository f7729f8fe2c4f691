#include "sim/reference/elementwise_reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace tilesim::reference {

namespace {

double apply(ir::OpKind kind, double a, double b) {
  switch (kind) {
    case ir::OpKind::Add:
      return a + b;
    case ir::OpKind::Sub:
      return a - b;
    case ir::OpKind::Mul:
      return a * b;
    case ir::OpKind::Max:
      if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
      return std::max(a, b);
    case ir::OpKind::Min:
      if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
      return std::min(a, b);
    case ir::OpKind::Div:  // issue 14
      return a / b;
    default:
      throw std::logic_error("broadcast_binary: not a binary op");
  }
}

// min(max(x, lo), hi) as numpy.clip: NaN stays NaN, lo > hi gives hi.
double clip(double x, double lo, double hi) {
  if (std::isnan(x)) return x;
  return std::min(std::max(x, lo), hi);
}

// The issue-14 unaries in double (GELU's tanh form: PyTorch's formula).
double issue14_unary(const ir::Op& op, double x) {
  constexpr double kPi = 3.14159265358979323846;
  switch (op.kind) {
    case ir::OpKind::Sqrt:
      return std::sqrt(x);
    case ir::OpKind::Reciprocal:
      return 1.0 / x;
    case ir::OpKind::Exp:
      return std::exp(x);
    case ir::OpKind::Neg:
      return -x;
    case ir::OpKind::Erf:
      return std::erf(x);
    case ir::OpKind::Pow:
      return std::pow(x, static_cast<double>(op.param[0]));
    case ir::OpKind::Gelu:
      if (op.param[0] == 0.0f) return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
      return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / kPi) * (x + 0.044715 * x * x * x)));
    default:
      throw std::logic_error("activation_in_place: not an activation");
  }
}

double activation(const ir::Op& op, double x) {
  const double p0 = op.param[0], p1 = op.param[1];
  switch (op.kind) {
    case ir::OpKind::Clip:
      return clip(x, p0, p1);
    case ir::OpKind::LeakyRelu:
      return x < 0 ? p0 * x : x;
    case ir::OpKind::Sigmoid:
      return 1.0 / (1.0 + std::exp(-x));
    case ir::OpKind::Tanh:
      return std::tanh(x);
    case ir::OpKind::HardSigmoid:
      return clip(p0 * x + p1, 0.0, 1.0);
    case ir::OpKind::HardSwish:
      return x * clip(x / 6.0 + 0.5, 0.0, 1.0);
    default:
      return issue14_unary(op, x);
  }
}

// The strides of `dims` (rank r) along the `rank` dims of the result, 0 where
// the operand repeats (a dim of 1, or one it does not have).
std::vector<std::size_t> strides(const std::vector<std::int64_t>& dims, std::size_t rank) {
  std::vector<std::size_t> stride(rank, 0);
  std::size_t step = 1;
  for (std::size_t k = 0; k < dims.size(); ++k) {
    const std::size_t i = dims.size() - 1 - k;
    if (dims[i] != 1) stride[rank - 1 - k] = step;
    step *= static_cast<std::size_t>(dims[i]);
  }
  return stride;
}

}  // namespace

std::optional<std::vector<std::int64_t>> broadcast_dims(const std::vector<std::int64_t>& a,
                                                        const std::vector<std::int64_t>& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  std::vector<std::int64_t> out(rank);
  for (std::size_t k = 0; k < rank; ++k) {
    const std::int64_t da = k < a.size() ? a[a.size() - 1 - k] : 1;
    const std::int64_t db = k < b.size() ? b[b.size() - 1 - k] : 1;
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out[rank - 1 - k] = da == 1 ? db : da;
  }
  return out;
}

std::vector<double> broadcast_binary(ir::OpKind kind, const std::vector<std::int64_t>& a_dims,
                                     const std::vector<double>& a, const std::vector<std::int64_t>& b_dims,
                                     const std::vector<double>& b, double constant) {
  const auto dims = broadcast_dims(a_dims, b_dims);
  if (!dims) throw std::logic_error("broadcast_binary: shapes do not broadcast");
  std::size_t count = 1;
  for (const std::int64_t d : *dims) count *= static_cast<std::size_t>(d);
  std::vector<double> out(count);
  if (count == 0) return out;
  const std::size_t rank = dims->size();
  const std::vector<std::size_t> sa = strides(a_dims, rank), sb = strides(b_dims, rank);
  // An odometer over the result's dims, moving both operands' positions.
  std::vector<std::int64_t> index(rank, 0);
  std::size_t ia = 0, ib = 0;
  for (double& x : out) {
    x = kind == ir::OpKind::Where ? (b[ib] != 0.0 ? a[ia] : constant) : apply(kind, a[ia], b[ib]);
    for (std::size_t i = rank; i-- > 0;) {
      ia += sa[i];
      ib += sb[i];
      if (++index[i] < (*dims)[i]) break;
      ia -= sa[i] * static_cast<std::size_t>((*dims)[i]);
      ib -= sb[i] * static_cast<std::size_t>((*dims)[i]);
      index[i] = 0;
    }
  }
  return out;
}

void activation_in_place(const ir::Op& op, std::vector<double>& values) {
  for (double& x : values) x = activation(op, x);
}

}  // namespace tilesim::reference
