#include "compiler/schedule/validator_structure.h"

#include <unordered_map>

#include "compiler/schedule/tile_format.h"

namespace tilesim::sched::structure {

const std::string kOperand[3] = {"operand 0", "operand 1", "operand 2"};
namespace {

const TensorInfo& info(const Schedule& s, std::int32_t tensor) {
  return s.tensors[static_cast<std::size_t>(tensor)];
}

std::string padding(const std::string& what, std::int64_t size, std::int64_t padded) {
  if (padded >= size && padded % kTileDim == 0) return "";
  const std::int64_t want = (size + kTileDim - 1) / kTileDim * kTileDim;
  return what + std::to_string(padded) + " (expected a multiple of 32 that is at least " + std::to_string(size) +
         ", e.g. " + std::to_string(want) + ")";
}

// Operand i's expected grid and coordinates (-1: any) for the EXEC `x`.
struct Rule {
  bool bias = false;
  std::int64_t rows = 0, cols = 0;
  std::int32_t row = -1, col = -1;
};

Rule rule(const Schedule& s, const Uop& x, int i) {
  const TensorInfo& c = info(s, x.tile.tensor);
  Rule r{false, c.tile_rows(), c.tile_cols(), x.tile.row, x.tile.col};
  if (x.exec == ExecKind::MatMul && i == 0) {  // A[i,k]: any k
    r.cols = info(s, x.src[0].tensor).tile_cols();
    r.col = -1;
  } else if (x.exec == ExecKind::MatMul && i == 1) {  // B[k,j]
    r.rows = info(s, x.src[0].tensor).tile_cols();
    r.row = x.src[0].col;
  } else if ((x.exec == ExecKind::MatMul && i == 2) || (x.exec == ExecKind::BiasAdd && i == 1)) {  // bias[0,j]
    r.bias = true;
    r.rows = 1;
    r.row = 0;
  }
  return r;
}

}  // namespace

std::vector<std::string> check_tensors(const Schedule& s) {
  std::vector<std::string> problems;
  auto add = [&problems](std::string p) {
    if (!p.empty()) problems.push_back(std::move(p));
  };
  std::unordered_map<std::string, std::size_t> names;
  for (std::size_t i = 0; i < s.tensors.size(); ++i) {
    const TensorInfo& t = s.tensors[i];
    const std::string where = "tensor " + std::to_string(i) + " " + t.name + ": ";
    if (t.name.empty()) add("tensor " + std::to_string(i) + ": empty name");
    auto [it, fresh] = names.emplace(t.name, i);
    if (!fresh) add(where + "name also used by tensor " + std::to_string(it->second));
    if (t.rank != 1 && t.rank != 2) add(where + "rank " + std::to_string(t.rank) + " (expected 1 or 2)");
    if (t.rows < 1 || t.cols < 1) {
      add(where + "shape [" + std::to_string(t.rows) + "," + std::to_string(t.cols) +
          "] (expected positive dimensions)");
      continue;
    }
    add(padding(where + "padded cols ", t.cols, t.padded_cols));
    if (t.rank == 1 && (t.rows != 1 || t.padded_rows != 1)) {
      add(where + "rows " + std::to_string(t.rows) + ", padded rows " + std::to_string(t.padded_rows) +
          " (expected 1 and 1 for a rank-1 tensor)");
    } else if (t.rank == 2) {
      add(padding(where + "padded rows ", t.rows, t.padded_rows));
    }
  }
  if (s.sram_bytes < kTileBytes) {
    add("schedule: sram_bytes " + std::to_string(s.sram_bytes) + " (expected at least one " +
        std::to_string(kTileBytes) + "-byte tile)");
  }
  return problems;
}

std::string check_tile(const Schedule& s, const TileRef& t, const std::string& what) {
  if (t.tensor < 0 || static_cast<std::size_t>(t.tensor) >= s.tensors.size()) {
    return what + " tensor index " + std::to_string(t.tensor) + " out of range (expected 0.." +
           std::to_string(static_cast<long>(s.tensors.size()) - 1) + ")";
  }
  const TensorInfo& ti = info(s, t.tensor);
  if (t.row < 0 || t.row >= ti.tile_rows() || t.col < 0 || t.col >= ti.tile_cols()) {
    return what + " " + format_tile(s, t) + " is outside the tile grid of " + ti.name + " (expected row < " +
           std::to_string(ti.tile_rows()) + ", col < " + std::to_string(ti.tile_cols()) + ")";
  }
  return "";
}

std::string check_addr(const Schedule& s, std::uint32_t addr, const std::string& what) {
  if (addr % kTileBytes != 0) {
    return what + " address " + format_addr(addr) + " is not a multiple of " + std::to_string(kTileBytes) +
           " (expected a tile-aligned address)";
  }
  if (static_cast<std::int64_t>(addr) + kTileBytes > s.sram_bytes) {
    return what + " address " + format_addr(addr) + " + " + std::to_string(kTileBytes) +
           " bytes is outside the SRAM of " + std::to_string(s.sram_bytes) + " bytes";
  }
  return "";
}

std::string check_exec(const Schedule& s, const Uop& x) {
  std::string problem = check_tile(s, x.tile, "result");
  if (!problem.empty()) return problem;
  const int want = x.exec == ExecKind::Relu ? 1 : 2;
  auto takes = [&x, want] {
    return std::string(to_string(x.exec)) + " takes " + std::to_string(want) + (want == 1 ? " operand" : " operands") +
           (x.exec == ExecKind::MatMul ? " and an optional bias" : "");
  };
  for (int i = 0; i < 3; ++i) {
    const bool allowed = i < want || (x.exec == ExecKind::MatMul && i == 2);
    const std::string& what = kOperand[i];
    if (i < want && !x.src[i].valid()) return what + " is missing (" + takes() + ")";
    if (!allowed && x.src[i].valid()) return "unexpected " + what + " " + format_tile(s, x.src[i]) + " (" + takes() + ")";
    if (x.src[i].valid()) {
      problem = check_tile(s, x.src[i], what);
      if (!problem.empty()) return problem;
    }
  }
  if (x.exec != ExecKind::MatMul && (x.zero_init || x.relu)) {
    return std::string(x.zero_init ? "zero_init" : "relu") + " flag on a " + to_string(x.exec) +
           " (expected it only on a matmul)";
  }
  for (int i = 0; i < 3; ++i) {
    if (!x.src[i].valid()) continue;
    const Rule r = rule(s, x, i);
    const TensorInfo& t = info(s, x.src[i].tensor);
    if (r.bias && t.rank != 1) return kOperand[i] + " " + t.name + " is not a bias (expected a rank-1 tensor)";
    if (t.tile_rows() != r.rows || t.tile_cols() != r.cols) {
      return kOperand[i] + " " + t.name + " is " + std::to_string(t.tile_rows()) + "x" + std::to_string(t.tile_cols()) +
             " tiles (expected " + std::to_string(r.rows) + "x" + std::to_string(r.cols) + " to match " +
             info(s, x.tile.tensor).name + ")";
    }
    if ((r.row >= 0 && x.src[i].row != r.row) || (r.col >= 0 && x.src[i].col != r.col)) {
      const TileRef want_ref{x.src[i].tensor, r.row, r.col < 0 ? x.src[i].col : r.col};
      return kOperand[i] + " is " + format_tile(s, x.src[i]) + " (expected " + format_tile(s, want_ref) + ")";
    }
  }
  return "";
}

}  // namespace tilesim::sched::structure
