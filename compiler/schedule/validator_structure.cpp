#include "compiler/schedule/validator_structure.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "compiler/frontend/model_loader.h"
#include "compiler/schedule/dram_placement.h"
#include "compiler/schedule/saturating.h"
#include "compiler/schedule/tile_format.h"

namespace tilesim::sched::structure {

const std::string kOperand[kMaxSrcs] = {"operand 0", "operand 1", "operand 2", "operand 3"};

std::string num(std::int64_t n) { return std::to_string(n); }

// kSaturated is what saturating arithmetic gives for "too many to count".
std::string count(std::int64_t n) { return n == kSaturated ? "more than 2^63" : num(n); }

std::string list(const std::vector<std::int64_t>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + num(values[i]);
  return out + "]";
}

std::string pair(std::int64_t a, std::int64_t b) { return "[" + num(a) + "," + num(b) + "]"; }

// The dims field against rank, rows, cols and batch (matrix layout); "" when
// consistent (or empty).
std::string check_dims(const TensorInfo& t) {
  if (t.dims.empty()) return "";
  const std::string dims = "dims " + list(t.dims);
  if (static_cast<std::int64_t>(t.dims.size()) != t.rank) {
    return dims + " (expected " + num(t.rank) + " dims for a rank-" + num(t.rank) + " tensor)";
  }
  for (std::int64_t d : t.dims) {
    if (d < 1) return dims + " (expected positive dims)";
  }
  const std::size_t n = t.dims.size();
  if (t.rank == 1 && t.dims[0] != t.cols) return dims + " (expected [" + num(t.cols) + "], the shape)";
  if (t.rank >= 2 && (t.dims[n - 2] != t.rows || t.dims[n - 1] != t.cols)) {
    return dims + " end in " + pair(t.dims[n - 2], t.dims[n - 1]) + " (expected the shape " + pair(t.rows, t.cols) +
           ")";
  }
  std::int64_t batch = 1;
  for (std::size_t i = 0; i + 2 < n; ++i) batch = saturating_mul(batch, t.dims[i]);
  if (n >= 2 && batch != t.batch) {
    return dims + " make a stack of " + count(batch) + " matrices (expected batch " + num(t.batch) + ")";
  }
  return "";
}

namespace {

const TensorInfo& info(const Schedule& s, std::int32_t tensor) { return s.tensors[static_cast<std::size_t>(tensor)]; }

std::string padding(const std::string& what, std::int64_t size, std::int64_t padded) {
  if (padded >= size && padded % kTileDim == 0) return "";
  const std::int64_t want = (size + kTileDim - 1) / kTileDim * kTileDim;
  return what + num(padded) + " (expected a multiple of 32 that is at least " + num(size) + ", e.g. " + num(want) + ")";
}

std::string grid(const TensorInfo& t) { return num(t.tile_rows()) + "x" + num(t.tile_cols()); }

// Rank 0, or rank 1 of one element: shape [1,1] padded to [1,32].
std::string check_scalar(const TensorInfo& t) {
  if (t.rows == 1 && t.cols == 1 && t.padded_rows == 1 && t.padded_cols == kTileDim) return "";
  return "shape " + pair(t.rows, t.cols) + " padded " + pair(t.padded_rows, t.padded_cols) +
         " (expected [1,1] padded [1,32] for a scalar)";
}

// "operand 1 is w[0,0] (expected w[1,0])", with the matrix named for a stack.
std::string wrong_tile(const Schedule& s, int i, const TileRef& got, const TileRef& want, const std::string& why = "") {
  return kOperand[i] + " is " + format_tile(s, got) + " (expected " + format_tile(s, want) + why + ")";
}

std::string matrix_of(const TensorInfo& t, std::int64_t row) {
  if (t.batch <= 1) return "";
  return ": matrix " + num(row / t.tile_rows_per_matrix()) + " of " + t.name;
}

std::string wrong_grid(const Schedule& s, const Uop& x, int i, std::int64_t rows, std::int64_t cols,
                       const std::string& more = "") {
  const TensorInfo& t = info(s, x.src[i].tensor);
  return kOperand[i] + " " + t.name + " is " + grid(t) + " tiles (expected " + num(rows) + "x" + num(cols) +
         " to match " + info(s, x.tile.tensor).name + more + ")";
}

// Operand i has the result's grid and coordinates.
std::string same_tile(const Schedule& s, const Uop& x, int i) {
  const TensorInfo& y = info(s, x.tile.tensor);
  const TensorInfo& t = info(s, x.src[i].tensor);
  if (t.tile_rows() != y.tile_rows() || t.tile_cols() != y.tile_cols()) {
    return wrong_grid(s, x, i, y.tile_rows(), y.tile_cols());
  }
  const TileRef want{x.src[i].tensor, x.tile.row, x.tile.col};
  return x.src[i] == want ? "" : wrong_tile(s, i, x.src[i], want);
}

// Operand i is a bias row (bias, 0, j), or a scalar (bias, 0, 0). A bias is
// one row: rank 1 ([N]), or a single-row matrix ([1, N], as ONNX Gemm's C):
// the kernel reads row 0 of the tile.
std::string bias_tile(const Schedule& s, const Uop& x, int i) {
  const TensorInfo& y = info(s, x.tile.tensor);
  const TensorInfo& t = info(s, x.src[i].tensor);
  if (t.rank > 2 || t.rows != 1 || t.batch != 1) {
    return kOperand[i] + " " + t.name + " is not a bias (expected a rank-1 tensor, a [1, N] row or a scalar)";
  }
  if (t.is_scalar()) {
    const TileRef want{x.src[i].tensor, 0, 0};
    return x.src[i] == want ? "" : wrong_tile(s, i, x.src[i], want, ": a scalar has one tile");
  }
  if (t.tile_cols() != y.tile_cols()) return wrong_grid(s, x, i, 1, y.tile_cols());
  const TileRef want{x.src[i].tensor, 0, x.tile.col};
  return x.src[i] == want ? "" : wrong_tile(s, i, x.src[i], want);
}

// "[32,64]", or "2 x [32,64]" for a stack: the matrices the hardware holds.
std::string matrices(const TensorInfo& t) {
  return (t.batch == 1 ? "" : num(t.batch) + " x ") + pair(t.rank <= 1 ? 1 : t.rows, t.cols);
}

// Operand 3 is the residual R: the result's matrices (so C's padding, which
// R's zero padding keeps zero, lines up), read at C's tile (R, i, j).
std::string residual_tile(const Schedule& s, const Uop& x) {
  const TensorInfo& c = info(s, x.tile.tensor);
  const TensorInfo& r = info(s, x.src[3].tensor);
  if (x.src[3].tensor == x.tile.tensor) {
    return kOperand[3] + " is " + format_tile(s, x.src[3]) +
           ", the result itself (expected another tensor of its shape: a residual is added to the result)";
  }
  if (r.batch != c.batch || r.rank != c.rank || r.rows != c.rows || r.cols != c.cols) {
    return kOperand[3] + " " + r.name + " is " + matrices(r) + " (expected " + matrices(c) + " as " + c.name +
           ": a residual has the result's shape)";
  }
  return same_tile(s, x, 3);
}

std::string check_matmul(const Schedule& s, const Uop& x) {
  const TensorInfo& c = info(s, x.tile.tensor);
  const TensorInfo& a = info(s, x.src[0].tensor);
  const TensorInfo& b = info(s, x.src[1].tensor);
  if (a.batch != c.batch) {
    return kOperand[0] + " " + a.name + " is a stack of " + num(a.batch) + " matrices (expected " + num(c.batch) +
           " to match " + c.name + ")";
  }
  if (a.tile_rows() != c.tile_rows()) return wrong_grid(s, x, 0, c.tile_rows(), a.tile_cols());
  if (x.src[0].row != x.tile.row) {
    const TileRef want{x.src[0].tensor, x.tile.row, x.src[0].col};
    return wrong_tile(s, 0, x.src[0], want, matrix_of(a, x.tile.row));
  }
  if (b.batch != 1 && b.batch != c.batch) {
    return kOperand[1] + " " + b.name + " is a stack of " + num(b.batch) + " matrices (expected 1, or " + num(c.batch) +
           " to match " + c.name + ")";
  }
  const std::int64_t kt = a.tile_cols();
  if (b.tile_rows_per_matrix() != kt || b.tile_cols() != c.tile_cols()) {
    return wrong_grid(s, x, 1, b.batch * kt, c.tile_cols());
  }
  const std::int64_t matrix = b.batch == 1 ? 0 : x.tile.row / c.tile_rows_per_matrix();
  const TileRef want{x.src[1].tensor, static_cast<std::int32_t>(matrix * kt + x.src[0].col), x.tile.col};
  if (x.src[1] != want) return wrong_tile(s, 1, x.src[1], want, matrix_of(b, want.row));
  const std::string bias = x.src[2].valid() ? bias_tile(s, x, 2) : "";
  return !bias.empty() || !x.src[3].valid() ? bias : residual_tile(s, x);
}

// Rank, batch and shape, the figures everything else is computed from.
std::string check_shape(const TensorInfo& t) {
  if (t.rank < 0 || t.rank > 4) return "rank " + num(t.rank) + " (expected 0 to 4)";
  if (t.batch < 1) return "batch " + num(t.batch) + " (expected at least 1)";
  if (t.rows < 1 || t.cols < 1) return "shape " + pair(t.rows, t.cols) + " (expected positive dimensions)";
  if (t.rows > frontend::kMaxTensorElements || t.cols > frontend::kMaxTensorElements) {
    return "shape " + pair(t.rows, t.cols) + " (expected dimensions of at most " + num(frontend::kMaxTensorElements) +
           " (2^31))";
  }
  return "";
}

// The frontends' per-tensor size limit (model_loader.h).
std::int64_t padded_elements(const TensorInfo& t) {
  const std::int64_t rows = t.rank <= 1 ? 1 : t.padded_rows;
  return saturating_mul(saturating_mul(t.batch, rows), t.padded_cols);
}

std::string element_limit(const TensorInfo& t) {
  const std::int64_t elements = padded_elements(t);
  if (elements <= frontend::kMaxTensorElements) return "";
  return "pads to " + count(elements) + " elements (expected at most " + num(frontend::kMaxTensorElements) +
         " (2^31) elements per padded tensor)";
}

// The frontends' limit for all the tensors with DRAM storage together (a view
// has none of its own), once each tensor is within its own.
struct TableSize {
  std::int64_t bytes = 0;
  bool reported = false;

  std::string add(const TensorInfo& t) {
    if (t.is_view() || padded_elements(t) > frontend::kMaxTensorElements) return "";
    bytes = saturating_add(bytes, padded_elements(t) * 4);
    if (bytes <= frontend::kMaxModelBytes || reported) return "";
    reported = true;
    return "with it the schedule's padded tensors total " + count(bytes) + " bytes (expected at most " +
           num(frontend::kMaxModelBytes) + " bytes (64 GiB) of padded float32 tensors in all)";
  }
};

std::string label(const Schedule& s, std::size_t i) {
  return "tensor " + num(static_cast<std::int64_t>(i)) + " " + s.tensors[i].name;
}

constexpr auto kAlign = static_cast<std::int64_t>(kDramAlignment);

// One tensor's DRAM address: present exactly when it has storage, aligned, and
// with its bytes inside the 64-bit address space.
std::string check_address(const TensorInfo& t) {
  if (t.is_view()) {
    if (!t.dram_address) return "";
    return "DRAM address " + format_dram_addr(*t.dram_address) +
           " on a view (expected none: a view reads the DRAM of the tensor it shows)";
  }
  if (!t.dram_address) return "no DRAM address (expected one for every tensor that is not a view)";
  const std::uint64_t address = *t.dram_address;
  if (address % kDramAlignment != 0) {
    return "DRAM address " + format_dram_addr(address) + " is not a multiple of " + num(kAlign) + " (expected a " +
           num(kAlign) + "-byte aligned address)";
  }
  const auto bytes = static_cast<std::uint64_t>(t.dram_bytes());
  const std::uint64_t last = (0 - bytes) & ~(kDramAlignment - 1);  // 2^64 - bytes, aligned down
  if (address > last) {
    return "DRAM address " + format_dram_addr(address) + " + " + num(t.dram_bytes()) +
           " bytes passes the end of the 64-bit address space (expected at most " + format_dram_addr(last) + ")";
  }
  return "";
}

// Overlaps between the tensors' DRAM ranges, each reported on the tensor that
// starts later (ties: the later in the table) against the one reaching
// furthest before it. Needs every address present and in range.
void check_overlaps(const Schedule& s, std::vector<Problem>& problems) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < s.tensors.size(); ++i) {
    if (s.tensors[i].dram_address) order.push_back(i);
  }
  const auto start = [&s](std::size_t i) { return *s.tensors[i].dram_address; };
  // The last byte, not the end: a tensor may end exactly at 2^64.
  const auto last = [&s, &start](std::size_t i) {
    return start(i) + (static_cast<std::uint64_t>(s.tensors[i].dram_bytes()) - 1);
  };
  std::stable_sort(order.begin(), order.end(), [&start](std::size_t a, std::size_t b) { return start(a) < start(b); });
  const auto range = [&s, &start](std::size_t i) {
    return format_dram_addr(start(i)) + " + " + num(s.tensors[i].dram_bytes()) + " bytes";
  };
  std::size_t furthest = order.empty() ? 0 : order[0];
  for (std::size_t k = 1; k < order.size(); ++k) {
    const std::size_t i = order[k];
    if (start(i) <= last(furthest)) {
      problems.push_back(Problem{Subject::Tensor, i,
                                 label(s, i) + ": DRAM range " + range(i) + " overlaps " + label(s, furthest) + " at " +
                                     range(furthest) + " (expected disjoint DRAM ranges)"});
    }
    if (last(i) > last(furthest)) furthest = i;
  }
}

// The DRAM placement, once the table's shapes and sizes are sound.
void check_placement(const Schedule& s, std::vector<Problem>& problems) {
  const std::size_t before = problems.size();
  for (std::size_t i = 0; i < s.tensors.size(); ++i) {
    if (const std::string p = check_address(s.tensors[i]); !p.empty()) {
      problems.push_back(Problem{Subject::Tensor, i, label(s, i) + ": " + p});
    }
  }
  if (problems.size() == before) check_overlaps(s, problems);
}

}  // namespace

std::vector<std::string> tensor_problems(const Schedule& s, std::size_t i) {
  std::vector<std::string> problems;
  auto add = [&problems](std::string p) {
    if (!p.empty()) problems.push_back(std::move(p));
  };
  const TensorInfo& t = s.tensors[i];
  if (const std::string p = check_shape(t); !p.empty()) {
    add(p);
    return problems;  // nothing below may compute with these figures
  }
  if (t.rank <= 2 && t.batch != 1) {
    add("batch " + num(t.batch) + " for a rank-" + num(t.rank) +
        " tensor (expected 1: only rank 3 and 4 tensors are stacks)");
  }
  add(check_layout(t));
  if (t.is_scalar()) {
    add(check_scalar(t));
  } else {
    add(padding("padded cols ", t.cols, t.padded_cols));
    if (t.rank == 1 && (t.rows != 1 || t.padded_rows != 1)) {
      add("rows " + num(t.rows) + ", padded rows " + num(t.padded_rows) + " (expected 1 and 1 for a rank-1 tensor)");
    } else if (t.rank >= 2) {
      add(padding("padded rows ", t.rows, t.padded_rows));
    }
  }
  add(element_limit(t));
  if (t.is_view()) {
    add(check_view(s, i, t));
  } else if (t.is_graph_output && (t.role == TensorRole::Input || t.role == TensorRole::Param)) {
    add("graph_output on " + std::string(to_string(t.role)) +
        " tensor (expected graph_output only on an output or intermediate: inputs and params are never stored)");
  }
  return problems;
}

std::vector<Problem> check_tensors(const Schedule& s) {
  std::vector<Problem> problems;
  std::unordered_map<std::string, std::size_t> names;
  TableSize size;
  for (std::size_t i = 0; i < s.tensors.size(); ++i) {
    auto add = [&problems, i](std::string p) {
      if (!p.empty()) problems.push_back(Problem{Subject::Tensor, i, std::move(p)});
    };
    const TensorInfo& t = s.tensors[i];
    const std::string where = "tensor " + num(static_cast<std::int64_t>(i)) + " " + t.name + ": ";
    if (t.name.empty()) add("tensor " + num(static_cast<std::int64_t>(i)) + ": empty name (expected a name)");
    auto [it, fresh] = names.emplace(t.name, i);
    if (!fresh) {
      add(where + "name also used by tensor " + num(static_cast<std::int64_t>(it->second)) +
          " (expected unique names)");
    }
    for (const std::string& p : tensor_problems(s, i)) add(where + p);
    if (const std::string p = size.add(t); !p.empty()) add(where + p);
  }
  if (s.sram_bytes < kTileBytes) {
    problems.push_back(Problem{
        Subject::SramBytes, 0,
        "schedule: sram_bytes " + num(s.sram_bytes) + " (expected at least one " + num(kTileBytes) + "-byte tile)"});
  }
  if (problems.empty()) check_placement(s, problems);
  return problems;
}

std::string check_tile(const Schedule& s, const TileRef& t, const std::string& what) {
  if (t.tensor < 0 || static_cast<std::size_t>(t.tensor) >= s.tensors.size()) {
    return what + " tensor index " + num(t.tensor) + " out of range (expected 0.." +
           num(static_cast<std::int64_t>(s.tensors.size()) - 1) + ")";
  }
  const TensorInfo& ti = info(s, t.tensor);
  if (t.row < 0 || t.row >= ti.tile_rows() || t.col < 0 || t.col >= ti.tile_cols()) {
    if (ti.is_scalar()) {
      return what + " " + format_tile(s, t) + " is outside the tile grid of " + ti.name + " (expected " +
             format_tile(s, TileRef{t.tensor, 0, 0}) + ": a scalar has one tile)";
    }
    return what + " " + format_tile(s, t) + " is outside the tile grid of " + ti.name + " (expected row < " +
           num(ti.tile_rows()) + ", col < " + num(ti.tile_cols()) + ")";
  }
  return "";
}

std::string check_addr(const Schedule& s, std::uint32_t addr, const std::string& what) {
  if (addr % kTileBytes != 0) {
    return what + " address " + format_addr(addr) + " is not a multiple of " + num(kTileBytes) +
           " (expected a tile-aligned address)";
  }
  if (static_cast<std::int64_t>(addr) + kTileBytes > s.sram_bytes) {
    const std::int64_t last = std::min<std::int64_t>(s.sram_bytes, std::int64_t{1} << 32) / kTileBytes - 1;
    return what + " address " + format_addr(addr) + " + " + num(kTileBytes) + " bytes is outside the SRAM of " +
           num(s.sram_bytes) + " bytes (expected at most " +
           format_addr(static_cast<std::uint32_t>(last * kTileBytes)) + ")";
  }
  return "";
}

std::string check_exec(const Schedule& s, const Uop& x) {
  std::string problem = check_tile(s, x.tile, "result");
  if (!problem.empty()) return problem;
  const int want = required_srcs(x.exec);
  // Optional operands: a matmul's bias (2) and residual (3), avg_pool's divisors (1), layer_norm's bias (3).
  const int optional = x.exec == ExecKind::MatMul      ? 2
                       : x.exec == ExecKind::AvgPool   ? 1
                       : x.exec == ExecKind::LayerNorm ? 3
                                                       : kMaxSrcs;
  const int most = x.exec == ExecKind::MatMul ? kMaxSrcs : optional + 1;
  auto takes = [&x, want] {
    return std::string(to_string(x.exec)) + " takes " + std::to_string(want) + (want == 1 ? " operand" : " operands") +
           (x.exec == ExecKind::MatMul      ? " and an optional bias and residual"
            : x.exec == ExecKind::AvgPool   ? " and optional divisors"
            : x.exec == ExecKind::LayerNorm ? " and an optional bias"
                                            : "");
  };
  for (int i = 0; i < kMaxSrcs; ++i) {
    const bool allowed = i < want || (i >= optional && i < most);
    const std::string& what = kOperand[i];
    if (i < want && !x.src[i].valid()) return what + " is missing (" + takes() + ")";
    if (!allowed && x.src[i].valid())
      return "unexpected " + what + " " + format_tile(s, x.src[i]) + " (" + takes() + ")";
    if (x.src[i].valid()) {
      problem = check_tile(s, x.src[i], what);
      if (!problem.empty()) return problem;
    }
  }
  if (x.exec != ExecKind::MatMul && x.relu) {
    return std::string("relu flag on a ") + to_string(x.exec) + " (expected it only on a matmul)";
  }
  if (!is_accumulating(x.exec) && x.zero_init) {
    return std::string("zero_init flag on a ") + to_string(x.exec) +
           " (expected it only on a matmul, max_pool or avg_pool)";
  }
  problem = check_exec_params(s, x);
  if (!problem.empty()) return problem;
  if (x.exec == ExecKind::MatMul) return check_matmul(s, x);
  if (is_pool(x.exec)) return check_pool(s, x);
  if (is_row_reduction(x.exec) || is_row_apply(x.exec)) return check_row(s, x);
  return is_binary(x.exec) ? check_binary(s, x) : same_tile(s, x, 0);
}

std::int64_t uop_slot_bytes(const Uop& x) {
  std::int64_t slots[kMaxSrcs + 1] = {x.addr / kTileBytes};
  std::int64_t n = 1;
  for (int i = 0; i < kMaxSrcs; ++i) {
    if (!x.src[i].valid()) continue;
    const std::int64_t slot = x.src_addr[i] / kTileBytes;
    if (std::find(slots, slots + n, slot) == slots + n) slots[n++] = slot;
  }
  return n * kTileBytes;
}

}  // namespace tilesim::sched::structure
