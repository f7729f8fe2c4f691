// The validator's checks of a row reduction's or apply's operands
// (schedule.h, "Row reductions"): which tile each step reads and the shapes
// of X, the statistics S, gamma and beta. Declared in validator_structure.h;
// the order of the steps and the completeness of S are the stateful
// validator's (validator.cpp).
#include "compiler/schedule/tile_format.h"
#include "compiler/schedule/validator_structure.h"

namespace tilesim::sched::structure {
namespace {

const TensorInfo& info(const Schedule& s, std::int32_t tensor) { return s.tensors[static_cast<std::size_t>(tensor)]; }

// The columns a reduction's result (or statistics tensor) has: 2 for the
// two statistics, 1 for a reduce.
std::int64_t stats_cols(ExecKind kind) {
  return kind == ExecKind::SoftmaxStats || kind == ExecKind::LayerNormStats ? 2 : 1;
}

// `t` has `rows` rows in `batch` matrices, like the rows being reduced.
std::string same_rows(int i, const TensorInfo& t, const TensorInfo& rows_of) {
  if (t.batch == rows_of.batch && t.rows == rows_of.rows && t.rank >= 2) return "";
  return kOperand[i] + " " + t.name + " is " + list(true_dims(t)) + " stored as " + num(t.batch) + "x" +
         pair(t.rows, t.cols) + " (expected " + num(rows_of.batch) + "x" + num(rows_of.rows) + " rows, as " +
         rows_of.name + ")";
}

std::string expect_tile(const Schedule& s, const Uop& x, int i, const TileRef& want, const std::string& why) {
  return kOperand[i] + " is " + format_tile(s, x.src[i]) + " (expected " + format_tile(s, want) + why + ")";
}

std::string check_reduction(const Schedule& s, const Uop& x) {
  const TensorInfo& y = info(s, x.tile.tensor);
  const TensorInfo& in = info(s, x.src[0].tensor);
  const std::int64_t cols = stats_cols(x.exec);
  if (y.cols != cols || y.rank < 2) {
    return y.name + " has " + num(y.cols) + " columns (expected " + num(cols) + ": " + to_string(x.exec) + " writes " +
           (cols == 2 ? "two statistics" : "one value") + " per row)";
  }
  if (std::string problem = same_rows(0, in, y); !problem.empty()) return problem;
  if (x.src[0].row != x.tile.row) {
    const TileRef want{x.src[0].tensor, x.tile.row, x.src[0].col};
    return kOperand[0] + " is " + format_tile(s, x.src[0]) + " (expected " + format_tile(s, want) + ": step " +
           num(x.src[0].col) + " of " + format_tile(s, x.tile) + ")";
  }
  return "";
}

// gamma (operand 2) or beta (operand 3): rank 1 [C], its tile (0, j).
std::string check_affine(const Schedule& s, const Uop& x, int i) {
  const TensorInfo& y = info(s, x.tile.tensor);
  const TensorInfo& t = info(s, x.src[i].tensor);
  if (t.rank != 1 || t.cols != y.cols) {
    return kOperand[i] + " " + t.name + " is " + list(true_dims(t)) + " (expected [" + num(y.cols) +
           "]: one value per column of " + y.name + ")";
  }
  const TileRef want{x.src[i].tensor, 0, x.tile.col};
  return x.src[i] == want ? "" : expect_tile(s, x, i, want, "");
}

std::string check_apply(const Schedule& s, const Uop& x) {
  const TensorInfo& y = info(s, x.tile.tensor);
  const TensorInfo& in = info(s, x.src[0].tensor);
  if (in.batch != y.batch || in.rows != y.rows || in.cols != y.cols) {
    return kOperand[0] + " " + in.name + " is " + list(true_dims(in)) + " (expected " + list(true_dims(y)) +
           ", the shape of " + y.name + ")";
  }
  if (x.src[0] != TileRef{x.src[0].tensor, x.tile.row, x.tile.col}) {
    return expect_tile(s, x, 0, TileRef{x.src[0].tensor, x.tile.row, x.tile.col}, ": the result's own tile");
  }
  const TensorInfo& st = info(s, x.src[1].tensor);
  if (std::string problem = same_rows(1, st, y); !problem.empty()) return problem;
  if (st.cols != 2) return kOperand[1] + " " + st.name + " has " + num(st.cols) + " columns (expected 2 statistics)";
  if (x.src[1] != TileRef{x.src[1].tensor, x.tile.row, 0}) {
    return expect_tile(s, x, 1, TileRef{x.src[1].tensor, x.tile.row, 0}, ": the statistics of its rows");
  }
  for (int i = 2; i < kMaxSrcs; ++i) {
    if (!x.src[i].valid()) continue;
    if (std::string problem = check_affine(s, x, i); !problem.empty()) return problem;
  }
  return "";
}

}  // namespace

std::string check_row(const Schedule& s, const Uop& x) {
  return is_row_reduction(x.exec) ? check_reduction(s, x) : check_apply(s, x);
}

}  // namespace tilesim::sched::structure
