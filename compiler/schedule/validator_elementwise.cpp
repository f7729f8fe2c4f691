// The validator's checks of what is particular to element-wise EXECs: the
// ExecParams entry a uOp refers to, and a binary EXEC's operands against the
// broadcasting rule of schedule.h. Declared in validator_structure.h.
#include <cmath>

#include "compiler/schedule/tile_format.h"
#include "compiler/schedule/validator_structure.h"

namespace tilesim::sched::structure {
namespace {

const TensorInfo& info(const Schedule& s, std::int32_t tensor) { return s.tensors[static_cast<std::size_t>(tensor)]; }

// "[2, 3]" or "[3]": the true shape, as the model gave it.
std::string shape_of(const TensorInfo& t) {
  std::vector<std::int64_t> dims = t.dims;
  if (dims.empty() && t.rank >= 1) dims = t.rank == 1 ? std::vector<std::int64_t>{t.cols} : std::vector{t.rows, t.cols};
  if (dims.empty() && t.batch > 1) dims = {t.batch, t.rows, t.cols};
  std::string text = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? "," : "") + num(dims[i]);
  return text + "]";
}

std::string constants_of(ExecKind kind) {
  const char* first = param_name(kind, 0);
  const char* second = param_name(kind, 1);
  if (!first) return std::string(to_string(kind)) + " takes no constants";
  return std::string(to_string(kind)) + " takes only " + first + (second ? std::string(" and ") + second : "");
}

// The constants `kind` reads: what values they may take.
std::string check_constant(ExecKind kind, int i, float value) {
  const char* name = param_name(kind, i);
  const std::string shown = std::string(name) + "=" + format_scale(value);
  if (kind == ExecKind::Clip) {
    return std::isnan(value) ? shown + " (expected a number or an infinity: an absent bound is -inf or inf)" : "";
  }
  if (kind == ExecKind::Where) return std::isnan(value) ? shown + " (expected a number or an infinity)" : "";
  if (kind == ExecKind::Gelu) {
    return value == 0.0f || value == 1.0f ? "" : shown + " (expected 0, the exact gelu, or 1, its tanh approximation)";
  }
  if (std::isfinite(value)) return "";
  const bool factor = kind == ExecKind::Scale || kind == ExecKind::AvgPool || kind == ExecKind::ReduceSum;
  return shown + " is not finite (expected a finite " + (factor ? "factor" : "constant") + ")";
}

// A matmul's fused activation: clip, leaky_relu or gelu, instead of relu.
std::string check_fused(const Uop& x, ExecKind fused) {
  if (fused == ExecKind::MatMul) return "";
  if (x.exec != ExecKind::MatMul) {
    return std::string("fused ") + to_string(fused) + " on a " + to_string(x.exec) + " (expected it only on a matmul)";
  }
  if (fused != ExecKind::Clip && fused != ExecKind::LeakyRelu && fused != ExecKind::Gelu) {
    return std::string("fused ") + to_string(fused) + " (expected clip, leaky_relu or gelu: the matmul's output stage)";
  }
  if (x.relu) return std::string("relu and a fused ") + to_string(fused) + " (expected one activation)";
  return "";
}

}  // namespace

std::string check_exec_params(const Schedule& s, const Uop& x) {
  if (x.params >= s.exec_params.size()) {
    return "params index " + num(x.params) + " is outside the table of " +
           num(static_cast<std::int64_t>(s.exec_params.size())) + " (expected 0.." +
           num(static_cast<std::int64_t>(s.exec_params.size()) - 1) + ")";
  }
  const ExecParams& p = s.exec_params[x.params];
  if (std::string problem = check_fused(x, p.fused); !problem.empty()) return problem;
  for (int i = 0; i < 2; ++i) {
    if (p.form[i] == Broadcast::Tile || is_binary(x.exec)) continue;
    if (x.exec == ExecKind::AvgPool && i == 1) continue;  // check_pool: the divisors' form
    return kOperand[i] + " read as " + to_string(p.form[i]) +
           " (expected a whole tile: only add, sub, mul, max, min, div and where broadcast)";
  }
  const ExecKind kind = x.exec == ExecKind::MatMul ? p.fused : x.exec;  // whose constants they are
  for (int i = 0; i < 2; ++i) {
    if (param_name(kind, i)) {
      if (std::string problem = check_constant(kind, i, p.param[i]); !problem.empty()) return problem;
    } else if (p.param[i] != 0.0f || std::signbit(p.param[i])) {
      return "constant " + num(i) + " is " + format_scale(p.param[i]) + " on a " + to_string(x.exec) +
             " (expected 0: " + constants_of(kind) + ")";
    }
  }
  return "";
}

std::string check_binary(const Schedule& s, const Uop& x) {
  const TensorInfo& y = info(s, x.tile.tensor);
  const ExecParams& p = s.exec_params[x.params];
  for (int i = 0; i < 2; ++i) {
    const TensorInfo& t = info(s, x.src[i].tensor);
    const std::string what = kOperand[i] + " " + t.name + " " + shape_of(t);
    const bool rows_fit = t.rows == y.rows || t.rows == 1, cols_fit = t.cols == y.cols || t.cols == 1;
    if (t.rank > y.rank || !rows_fit || !cols_fit || broadcast_matrix(y, t, 0) < 0) {
      return what + " does not broadcast to " + y.name + " " + shape_of(y) +
             " (expected each of its dims equal to the result's or 1, aligned at the last dim)";
    }
    const Broadcast form = broadcast_form(y, t);
    if (p.form[i] != form) {
      return kOperand[i] + " " + t.name + " read as " + to_string(p.form[i]) + " (expected " + to_string(form) +
             " for " + shape_of(t) + " against " + y.name + " " + shape_of(y) + ")";
    }
    const bool row_broadcast = form == Broadcast::Row || form == Broadcast::Scalar;
    const bool col_broadcast = form == Broadcast::Col || form == Broadcast::Scalar;
    if ((!row_broadcast && t.tile_rows_per_matrix() != y.tile_rows_per_matrix()) ||
        (!col_broadcast && t.tile_cols() != y.tile_cols())) {
      return what + " is padded to " + num(t.tile_rows_per_matrix()) + "x" + num(t.tile_cols()) +
             " tiles a matrix (expected " + num(row_broadcast ? t.tile_rows_per_matrix() : y.tile_rows_per_matrix()) +
             "x" + num(col_broadcast ? t.tile_cols() : y.tile_cols()) + " to match " + y.name + ")";
    }
    const TileRef want = broadcast_tile(y, t, x.src[i].tensor, form, x.tile);
    if (x.src[i] != want) {
      return kOperand[i] + " is " + format_tile(s, x.src[i]) + " (expected " + format_tile(s, want) +
             ": numpy broadcasting pairs it with " + format_tile(s, x.tile) + ")";
    }
  }
  return "";
}

}  // namespace tilesim::sched::structure
