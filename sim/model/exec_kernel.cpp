#include "sim/model/exec_kernel.h"

#include <algorithm>
#include <cstring>
#include <functional>

namespace tilesim::sim {

namespace {

using sched::ExecKind;

kernels::BinaryOp binary_op(ExecKind kind) {
  switch (kind) {
    case ExecKind::Sub:
      return kernels::BinaryOp::Sub;
    case ExecKind::Mul:
      return kernels::BinaryOp::Mul;
    case ExecKind::Max:
      return kernels::BinaryOp::Max;
    case ExecKind::Min:
      return kernels::BinaryOp::Min;
    case ExecKind::Div:  // issue 14
      return kernels::BinaryOp::Div;
    default:
      return kernels::BinaryOp::Add;
  }
}

kernels::UnaryOp unary_op(ExecKind kind) {
  switch (kind) {
    case ExecKind::Scale:
      return kernels::UnaryOp::Scale;
    case ExecKind::Clip:
      return kernels::UnaryOp::Clip;
    case ExecKind::LeakyRelu:
      return kernels::UnaryOp::LeakyRelu;
    case ExecKind::Sigmoid:
      return kernels::UnaryOp::Sigmoid;
    case ExecKind::Tanh:
      return kernels::UnaryOp::Tanh;
    case ExecKind::HardSigmoid:
      return kernels::UnaryOp::HardSigmoid;
    case ExecKind::HardSwish:
      return kernels::UnaryOp::HardSwish;
    // ---- issue 14, element-wise ----
    case ExecKind::Sqrt:
      return kernels::UnaryOp::Sqrt;
    case ExecKind::Reciprocal:
      return kernels::UnaryOp::Reciprocal;
    case ExecKind::Exp:
      return kernels::UnaryOp::Exp;
    case ExecKind::Neg:
      return kernels::UnaryOp::Neg;
    case ExecKind::Erf:
      return kernels::UnaryOp::Erf;
    case ExecKind::Pow:
      return kernels::UnaryOp::Pow;
    case ExecKind::Gelu:
      return kernels::UnaryOp::Gelu;
    default:
      return kernels::UnaryOp::Relu;
  }
}

kernels::Operand operand_form(sched::Broadcast form) {
  switch (form) {
    case sched::Broadcast::Row:
      return kernels::Operand::Row;
    case sched::Broadcast::Col:
      return kernels::Operand::Col;
    case sched::Broadcast::Scalar:
      return kernels::Operand::Scalar;
    case sched::Broadcast::Tile:
      break;
  }
  return kernels::Operand::Tile;
}

// +0 beyond the true rows and columns of tile `t` of `tensor`.
void zero_padding(const sched::TensorInfo& tensor, const sched::TileRef& t, float* out) {
  constexpr int n = kernels::kTileDim;
  const std::int64_t row0 = t.row % tensor.tile_rows_per_matrix() * n;
  const int rows = tensor.rank <= 1 ? 1 : static_cast<int>(std::min<std::int64_t>(n, tensor.rows - row0));
  const int cols = static_cast<int>(std::min<std::int64_t>(n, tensor.cols - std::int64_t{t.col} * n));
  if (cols < n) {
    for (int r = 0; r < rows; ++r) std::fill(out + r * n + cols, out + (r + 1) * n, 0.0f);
  }
  std::fill(out + rows * n, out + n * n, 0.0f);
}

// One step of a max_pool or avg_pool (schedule.h): the first copies the
// view's tile, the others fold it in; an average's last step divides.
void run_pool_step(const kernels::KernelSet& k, const sched::Schedule& schedule, const sched::Uop& uop,
                   const float* view, const float* divisors, float* out) {
  const bool max = uop.exec == ExecKind::MaxPool;
  if (uop.zero_init) {
    std::memcpy(out, view, kernels::kTileBytes);
  } else {
    k.binary(max ? kernels::BinaryOp::Max : kernels::BinaryOp::Add, out, kernels::Operand::Tile, view,
             kernels::Operand::Tile, out);
  }
  const std::int64_t ct = schedule.tensors[static_cast<std::size_t>(uop.tile.tensor)].tile_cols();
  const std::int64_t steps = schedule.tensors[static_cast<std::size_t>(uop.src[0].tensor)].tile_cols() / ct;
  if (max || uop.src[0].col / ct != steps - 1) return;
  k.unary(kernels::UnaryOp::Scale, out, schedule.exec_params[uop.params].param[0], 0.0f, out);
  if (divisors) k.binary(kernels::BinaryOp::Mul, out, kernels::Operand::Tile, divisors, kernels::Operand::Col, out);
}

// ---- Row reductions ----
kernels::RowOp row_op(ExecKind kind) {
  switch (kind) {
    case ExecKind::ReduceMax:
      return kernels::RowOp::Max;
    case ExecKind::SoftmaxStats:
      return kernels::RowOp::SoftmaxStats;
    case ExecKind::Softmax:
      return kernels::RowOp::Softmax;
    case ExecKind::LayerNormStats:
      return kernels::RowOp::LayerNormStats;
    case ExecKind::LayerNorm:
      return kernels::RowOp::LayerNorm;
    default:
      return kernels::RowOp::Sum;
  }
}

// A row-reduction step (step k reads X's tile column k: schedule.h) or an
// apply, its statistics, gamma and beta at src[1..3].
void run_row(const kernels::KernelSet& k, const sched::Schedule& schedule, const sched::Uop& uop,
             const std::function<const float*(int)>& src, float* out) {
  const sched::TensorInfo& x = schedule.tensors[static_cast<std::size_t>(uop.src[0].tensor)];
  kernels::RowStep step;
  const std::int64_t col0 = std::int64_t{uop.src[0].col} * kernels::kTileDim;
  step.cols = static_cast<int>(std::min<std::int64_t>(kernels::kTileDim, x.cols - col0));
  step.before = static_cast<int>(col0);
  step.first = uop.zero_init;
  step.last = uop.src[0].col == x.tile_cols() - 1;
  step.param = schedule.exec_params[uop.params].param[0];
  kernels::RowArgs args{src(1), src(2), src(3)};
  k.row(row_op(uop.exec), src(0), args, step, out);
}

// Where (issue 14): out = mask != 0 ? x : constant, each operand read in its
// Broadcast form. A select, exact in any kernel set: written once here.
void run_where(const float* x, kernels::Operand fx, const float* mask, kernels::Operand fm, float constant,
               float* out) {
  constexpr int n = kernels::kTileDim;
  const auto at = [](const float* p, kernels::Operand f, int r, int c) {
    const int row = f == kernels::Operand::Tile || f == kernels::Operand::Col ? r : 0;
    const int col = f == kernels::Operand::Tile || f == kernels::Operand::Row ? c : 0;
    return p[row * n + col];
  };
  for (int r = 0; r < n; ++r) {
    for (int c = 0; c < n; ++c) out[r * n + c] = at(mask, fm, r, c) != 0.0f ? at(x, fx, r, c) : constant;
  }
}

}  // namespace

void run_exec(const kernels::KernelSet& k, const sched::Schedule& schedule, const sched::Uop& uop,
              unsigned char* sram) {
  const auto at = [sram](std::uint32_t address) { return reinterpret_cast<float*>(sram + address); };
  float* out = at(uop.addr);
  const float* a = at(uop.src_addr[0]);
  const sched::ExecParams& p = schedule.exec_params[uop.params];
  if (uop.exec == ExecKind::MatMul) {
    const float* bias = uop.src[2].valid() ? at(uop.src_addr[2]) : nullptr;
    const float* residual = uop.src[3].valid() ? at(uop.src_addr[3]) : nullptr;
    kernels::MatmulEpilogue ep{uop.zero_init, bias, residual, uop.relu};
    if (p.fused == ExecKind::LeakyRelu) ep.leaky_alpha = p.param[0];
    if (p.fused == ExecKind::Clip) {
      ep.clip_lo = p.param[0];
      ep.clip_hi = p.param[1];
    }
    k.matmul(a, at(uop.src_addr[1]), out, ep);
    // The output stage's GELU (issue 14): after the bias and residual, on the
    // step that carries the fused activation (the last K step).
    if (p.fused == ExecKind::Gelu) k.unary(kernels::UnaryOp::Gelu, out, p.param[0], 0.0f, out);
    return;
  }
  if (sched::is_row_reduction(uop.exec) || sched::is_row_apply(uop.exec)) {
    run_row(
        k, schedule, uop, [&](int i) { return uop.src[i].valid() ? at(uop.src_addr[i]) : nullptr; }, out);
  } else if (sched::is_pool(uop.exec)) {
    run_pool_step(k, schedule, uop, a, uop.src[1].valid() ? at(uop.src_addr[1]) : nullptr, out);
  } else if (uop.exec == ExecKind::Where) {
    run_where(a, operand_form(p.form[0]), at(uop.src_addr[1]), operand_form(p.form[1]), p.param[0], out);
  } else if (sched::is_binary(uop.exec)) {
    k.binary(binary_op(uop.exec), a, operand_form(p.form[0]), at(uop.src_addr[1]), operand_form(p.form[1]), out);
  } else {
    k.unary(unary_op(uop.exec), a, p.param[0], p.param[1], out);
  }
  zero_padding(schedule.tensors[static_cast<std::size_t>(uop.tile.tensor)], uop.tile, out);
}

}  // namespace tilesim::sim
