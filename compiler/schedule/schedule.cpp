#include "compiler/schedule/schedule.h"

#include <algorithm>

#include <cstring>

namespace tilesim::sched {

const char* to_string(Unit unit) { return unit == Unit::Dma ? "dma" : "compute"; }

const char* to_string(UopKind kind) {
  switch (kind) {
    case UopKind::Load:
      return "LOAD";
    case UopKind::Store:
      return "STORE";
    case UopKind::Exec:
      return "EXEC";
  }
  return "?";
}

const char* to_string(ExecKind kind) {
  switch (kind) {
    case ExecKind::MatMul:
      return "matmul";
    case ExecKind::Add:
      return "add";
    case ExecKind::Relu:
      return "relu";
    case ExecKind::Scale:
      return "scale";
    case ExecKind::Sub:
      return "sub";
    case ExecKind::Mul:
      return "mul";
    case ExecKind::Max:
      return "max";
    case ExecKind::Min:
      return "min";
    case ExecKind::Clip:
      return "clip";
    case ExecKind::LeakyRelu:
      return "leaky_relu";
    case ExecKind::Sigmoid:
      return "sigmoid";
    case ExecKind::Tanh:
      return "tanh";
    case ExecKind::HardSigmoid:
      return "hard_sigmoid";
    case ExecKind::HardSwish:
      return "hard_swish";
    case ExecKind::MaxPool:
      return "max_pool";
    case ExecKind::AvgPool:
      return "avg_pool";
    // ---- Row reductions ----
    case ExecKind::ReduceSum:
      return "reduce_sum";
    case ExecKind::ReduceMax:
      return "reduce_max";
    case ExecKind::SoftmaxStats:
      return "softmax_stats";
    case ExecKind::Softmax:
      return "softmax";
    case ExecKind::LayerNormStats:
      return "layer_norm_stats";
    case ExecKind::LayerNorm:
      return "layer_norm";
    // ---- issue 14, element-wise ----
    case ExecKind::Div:
      return "div";
    case ExecKind::Sqrt:
      return "sqrt";
    case ExecKind::Reciprocal:
      return "reciprocal";
    case ExecKind::Exp:
      return "exp";
    case ExecKind::Neg:
      return "neg";
    case ExecKind::Erf:
      return "erf";
    case ExecKind::Pow:
      return "pow";
    case ExecKind::Gelu:
      return "gelu";
    case ExecKind::Where:
      return "where";
  }
  return "?";
}

const char* to_string(Broadcast form) {
  switch (form) {
    case Broadcast::Tile:
      return "tile";
    case Broadcast::Row:
      return "row";
    case Broadcast::Col:
      return "col";
    case Broadcast::Scalar:
      return "scalar";
  }
  return "?";
}

bool is_binary(ExecKind kind) {
  return kind == ExecKind::Add || kind == ExecKind::Sub || kind == ExecKind::Mul || kind == ExecKind::Max ||
         kind == ExecKind::Min || kind == ExecKind::Div || kind == ExecKind::Where;
}

bool is_unary(ExecKind kind) {
  return kind != ExecKind::MatMul && !is_binary(kind) && !is_pool(kind) && !is_row_reduction(kind) &&
         !is_row_apply(kind);
}

bool is_pool(ExecKind kind) { return kind == ExecKind::MaxPool || kind == ExecKind::AvgPool; }

bool is_row_reduction(ExecKind kind) {
  return kind == ExecKind::ReduceSum || kind == ExecKind::ReduceMax || kind == ExecKind::SoftmaxStats ||
         kind == ExecKind::LayerNormStats;
}

int required_srcs(ExecKind kind) {
  if (kind == ExecKind::MatMul || is_binary(kind) || kind == ExecKind::Softmax) return 2;
  return kind == ExecKind::LayerNorm ? 3 : 1;
}

bool is_row_apply(ExecKind kind) { return kind == ExecKind::Softmax || kind == ExecKind::LayerNorm; }

const char* param_name(ExecKind kind, int i) {
  switch (kind) {
    case ExecKind::Scale:
    case ExecKind::AvgPool:
      return i == 0 ? "scale" : nullptr;
    case ExecKind::Clip:
      return i == 0 ? "min" : "max";
    case ExecKind::LeakyRelu:
      return i == 0 ? "alpha" : nullptr;
    case ExecKind::HardSigmoid:
      return i == 0 ? "alpha" : "beta";
    case ExecKind::ReduceSum:
      return i == 0 ? "scale" : nullptr;
    case ExecKind::LayerNormStats:
      return i == 0 ? "epsilon" : nullptr;
    case ExecKind::Pow:
      return i == 0 ? "exponent" : nullptr;
    case ExecKind::Gelu:
      return i == 0 ? "tanh" : nullptr;
    case ExecKind::Where:
      return i == 0 ? "else" : nullptr;
    default:
      return nullptr;
  }
}

const char* to_string(DramLayout layout) { return layout == DramLayout::TileMajor ? "tile_major" : "row_major"; }

std::optional<DramLayout> parse_dram_layout(const std::string& text) {
  if (text == "row_major") return DramLayout::RowMajor;
  if (text == "tile_major") return DramLayout::TileMajor;
  return std::nullopt;
}

const char* to_string(TensorRole role) {
  switch (role) {
    case TensorRole::Input:
      return "input";
    case TensorRole::Param:
      return "param";
    case TensorRole::Intermediate:
      return "intermediate";
    case TensorRole::Output:
      return "output";
  }
  return "?";
}

bool ExecParams::operator==(const ExecParams& o) const {
  return form[0] == o.form[0] && form[1] == o.form[1] && fused == o.fused &&
         std::memcmp(param, o.param, sizeof param) == 0;
}

bool TensorInfo::operator==(const TensorInfo& o) const {
  return name == o.name && role == o.role && rank == o.rank && rows == o.rows && cols == o.cols &&
         padded_rows == o.padded_rows && padded_cols == o.padded_cols && is_graph_output == o.is_graph_output &&
         batch == o.batch && dims == o.dims && layout == o.layout && groups == o.groups && view == o.view &&
         dram_address == o.dram_address;
}

std::int64_t sram_extent_bytes(const Schedule& schedule) {
  std::int64_t end = -1;
  for (const Uop& u : schedule.uops) {
    end = std::max<std::int64_t>(end, u.addr);
    for (int p = 0; p < kMaxSrcs; ++p) {
      if (u.src[p].valid()) end = std::max<std::int64_t>(end, u.src_addr[p]);
    }
  }
  return end < 0 ? 0 : end + kTileBytes;
}

std::uint32_t intern_params(std::vector<ExecParams>& table, const ExecParams& params) {
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (table[i] == params) return static_cast<std::uint32_t>(i);
  }
  table.push_back(params);
  return static_cast<std::uint32_t>(table.size() - 1);
}

namespace {

// The dims the stack of matrices runs over: for a matrix the dims before the
// last two (a stack given without dims is one dim [batch]); for an image
// (nchw, nhwc) N alone, its matrices being [C, H*W] or [H*W, C].
std::vector<std::int64_t> batch_dims(const TensorInfo& t) {
  if (t.layout == TensorLayout::Nchw || t.layout == TensorLayout::Nhwc) return {t.batch};
  if (t.dims.size() > 2) return {t.dims.begin(), t.dims.end() - 2};
  if (t.batch > 1) return {t.batch};
  return {};
}

}  // namespace

Broadcast broadcast_form(const TensorInfo& out, const TensorInfo& in) {
  const bool rows = in.rows == 1 && out.rows > 1;
  const bool cols = in.cols == 1 && out.cols > 1;
  if (rows && cols) return Broadcast::Scalar;
  if (rows) return Broadcast::Row;
  return cols ? Broadcast::Col : Broadcast::Tile;
}

std::int64_t broadcast_matrix(const TensorInfo& out, const TensorInfo& in, std::int64_t m) {
  if (in.batch == 1) return 0;
  if (in.batch == out.batch && in.dims == out.dims) return m;
  const std::vector<std::int64_t> od = batch_dims(out), id = batch_dims(in);
  if (id.size() > od.size()) return -1;
  // Walk out's batch dims from the last: coordinate c of m, then in's index.
  std::int64_t index = 0, stride = 1;
  for (std::size_t k = 0; k < od.size(); ++k) {
    const std::int64_t o = od[od.size() - 1 - k];
    const std::int64_t c = m % o;
    m /= o;
    if (k >= id.size()) continue;
    const std::int64_t d = id[id.size() - 1 - k];
    if (d != o && d != 1) return -1;
    if (d != 1) index += c * stride;
    stride *= d;
  }
  return index;
}

TileRef broadcast_tile(const TensorInfo& out, const TensorInfo& in, std::int32_t in_index, Broadcast form,
                       const TileRef& out_tile) {
  const std::int64_t mt = out.tile_rows_per_matrix();
  const std::int64_t m = broadcast_matrix(out, in, out_tile.row / mt);
  if (m < 0) return TileRef{};
  const bool rows = form == Broadcast::Row || form == Broadcast::Scalar;
  const bool cols = form == Broadcast::Col || form == Broadcast::Scalar;
  const std::int64_t row = m * in.tile_rows_per_matrix() + (rows ? 0 : out_tile.row % mt);
  return TileRef{in_index, static_cast<std::int32_t>(row), cols ? 0 : out_tile.col};
}

}  // namespace tilesim::sched
