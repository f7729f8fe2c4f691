// The compiler's product and the simulator's input: a linear list of tile
// micro-ops with concrete SRAM addresses and explicit dependencies.
//
// Execution model (what the validator checks and the simulator implements):
//  * Two in-order units. The DMA unit runs LOAD and STORE, the compute unit
//    runs EXEC, each in the order they appear in `uops`.
//  * A uOp starts only after its `dep` (a uOp of the OTHER unit, earlier in
//    the list) has completed. Same-unit order needs no dep: the queue is in
//    order. Because every dep points backwards, a schedule cannot deadlock.
//  * SRAM is `sram_bytes` of byte-addressed memory. Every tile occupies
//    kTileBytes at an address that is a multiple of kTileBytes.
//  * DRAM holds every tensor padded to multiples of 32; a rank-1 tensor (a
//    bias [c]) is one row, so its tiles are 1 x 32 (128 bytes moved). Each
//    tensor with storage has a DRAM byte address (dram_placement.h places them)
//    and the schedule's `dram_layout` says how its tiles lie there: row_major
//    (each matrix padded and row-major: a tile is 32 strided rows of 128 B) or
//    tile_major (each 32x32 tile 4 KiB contiguous, tiles in row-major order of
//    the tile grid). dram_layout.h turns a tile into the byte ranges it touches.
//    The layout moves no data in the simulator's functional DRAM, which keeps
//    tensors row-major; it only changes the addresses the timing model sees.
//
// uOp semantics (a, b: tile coordinates (row, col) in units of 32):
//   LOAD  tile            SRAM[addr] = DRAM tile `tile`
//   STORE tile            DRAM tile `tile` = SRAM[addr]
//   EXEC MatMul  tile=(C,i,j) src=(A,i,k),(B,k,j)[,(bias,0,j)][,(R,i,j)]
//                         C = (zero_init ? 0 : C) + A.B; then on the last
//                         K step: + bias (when src[2] is set), + R's tile
//                         (when src[3] is set: the residual, a tensor of C's
//                         shape, its tile at C's coordinates), then relu
//                         (when relu), or a fused clip or leaky_relu
//                         (exec_params.fused, its constants in
//                         exec_params.param)
//   EXEC add|sub|mul|max|min  tile=(Y,i,j) src=X',Z'  Y = X' op Z' (max, min: NaN if either is)
//                         Each operand T is read in the Broadcast form its
//                         shape gives against Y's (exec_params.form):
//                         tile (T's whole tile), row (row 0 of T's tile down
//                         every row: T has one row, Y more), col (column 0
//                         across every column: T has one column, Y more) or
//                         scalar (element [0][0]: both). broadcast_tile()
//                         gives T's tile for Y's tile (i, j).
//   EXEC relu|scale|clip|leaky_relu|sigmoid|tanh|hard_sigmoid|hard_swish
//                tile=(Y,i,j) src=(X,i,j)              Y = f(X) with the constants
//                         exec_params.param (param_name() names them: scale's
//                         factor, clip's min and max, leaky_relu's alpha,
//                         hard_sigmoid's alpha and beta)
//   EXEC max_pool tile=(Y,i,j) src=(V,i,k*Ct+j)   step k of P: Y = zero_init ?
//                         V' : max(Y, V') (NaN if either is), V' the tile of
//                         the im2col view V for kernel position k (Ct = Y's
//                         tile columns, V's channel_stride = Y's padded cols,
//                         P = V's tile columns / Ct; padding reads -inf)
//   EXEC avg_pool tile=(Y,i,j) src=(V,i,k*Ct+j)[,(D,i',0):col]   step k of P:
//                         Y = (zero_init ? 0 : Y) + V'; on the last step then
//                         Y *= scale (exec_params.param[0]) and, when src[1]
//                         is set, *= D's column 0 across every column (D:
//                         the reciprocal window counts [OH*OW, 1]; i' = i mod
//                         D's tile rows)
//   ---- Row reductions (Ct = X's tile columns, step k of Ct reads X's
//   tile (i, k); only X's true columns count) ----
//   EXEC reduce_sum tile=(Y,i,0) src=(X,i,k)  Y[r][0] = (zero_init ? 0 :
//                         Y[r][0]) + the sum of row r of the tile (in column
//                         order); on the last step Y[r][0] *= scale
//                         (exec_params.param[0]: 1, or 1/C for a mean)
//   EXEC reduce_max tile=(Y,i,0) src=(X,i,k)  Y[r][0] = max(zero_init ? -inf
//                         : Y[r][0], row r's maximum) (NaN if any is)
//   EXEC softmax_stats tile=(S,i,0) src=(X,i,k)  online softmax statistics:
//                         m' = max(m, rowmax), s' = s * exp(m - m') +
//                         sum exp(x - m') (zero_init: m = -inf, s = 0; s' = 0
//                         while m' is -inf); S[r][0] = m', S[r][1] = s'
//   EXEC softmax tile=(Y,i,j) src=(X,i,j),(S,i,0)  Y = exp(X - S[r][0]) / S[r][1]
//   EXEC layer_norm_stats tile=(S,i,0) src=(X,i,k)  S[r][0] = the mean and
//                         S[r][1] = the sum of squared deviations of the
//                         row so far (Chan's merge of the tile's n and the
//                         32k before it); on the last step S[r][1] =
//                         1 / sqrt(S[r][1] / C + epsilon) (param[0])
//   EXEC layer_norm tile=(Y,i,j) src=(X,i,j),(S,i,0),(G,0,j)[,(B,0,j)]
//                         Y = ((X - S[r][0]) * S[r][1]) * G[c] (+ B[c]):
//                         S is [.., R, 2], G and B rank 1 [C], read as rows
//   Every EXEC but matmul writes +0 into the padding of its result tile (the
//   elements beyond Y's true rows and columns), whatever f(0) is, so padding
//   stays zero for a later matmul's K sum.
//
// Stacks of matrices (batch > 1): a tensor is `batch` matrices of rows x cols,
// each padded on its own and stacked, so tile row r of the stack is row
// r % tile_rows_per_matrix of matrix r / tile_rows_per_matrix. A batched
// MatMul step reads A (A, b*Mt+i, k), B (B, bB*Kt+k, j) with bB = b, or 0
// when B is one matrix, and writes (C, b*Mt+i, j). A binary EXEC's operand
// may have fewer or broadcast batch dims: numpy broadcasting pairs each of
// Y's matrices with one of its matrices (broadcast_matrix).
// Scalars (rank 0, or [1]): one tile whose LOAD writes the value to all 32
// floats of row 0, so a scalar serves as a bias row ((bias, 0, 0) for every j)
// or as a scalar operand.
// Layouts and views (tensor_view.h): a tensor's true dims map to its storage
// by its layout (matrix, nhwc, conv_weight). A view (transpose, im2col,
// relayout of a tensor X) has no DRAM storage of its own: a LOAD of one of its
// tiles reads X's elements from DRAM. Views are never stored.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/schedule/saturating.h"
#include "compiler/schedule/tensor_view.h"
#include "kernels/tile.h"

namespace tilesim::sched {

inline constexpr std::int64_t kTileDim = kernels::kTileDim;
inline constexpr std::int64_t kTileBytes = kernels::kTileBytes;  // 4096
inline constexpr std::uint32_t kNoUop = std::numeric_limits<std::uint32_t>::max();
inline constexpr int kMaxSrcs = 4;  // an EXEC's operand slots (Uop::src)

enum class Unit : std::uint8_t { Dma = 0, Compute = 1 };
enum class UopKind : std::uint8_t { Load, Store, Exec };
enum class ExecKind : std::uint8_t {
  MatMul,
  Add,
  Relu,
  Scale,
  // The binary element-wise family (Add too): operands read in a Broadcast form.
  Sub,
  Mul,
  Max,
  Min,
  // The unary family (Relu and Scale too): Y = f(X) with up to two constants.
  Clip,
  LeakyRelu,
  Sigmoid,
  Tanh,
  HardSigmoid,
  HardSwish,
  // Pooling: steps that accumulate over the kernel positions, as matmul's
  // over K (zero_init on the first).
  MaxPool,
  AvgPool,
  // ---- Row reductions (issue 14, reductions branch) ----
  // A row of X [.., R, C] spans X's tile columns. The reducing kinds are
  // steps over them, step k reading X's tile (i, k), zero_init on the first
  // (is_accumulating); the apply kinds read the finished statistics.
  ReduceSum,
  ReduceMax,
  SoftmaxStats,
  Softmax,
  LayerNormStats,
  LayerNorm,
  // ---- issue 14, element-wise (docs/schedule-format.md) ----
  Div,  // binary, Broadcast forms as sub
  Sqrt,
  Reciprocal,
  Exp,
  Neg,
  Erf,
  Pow,    // constant "exponent"
  Gelu,   // constant "tanh": 0 exact (erf), 1 the tanh approximation
  Where,  // binary: operand 0 where operand 1 (the mask) is not 0, else the constant "else"
};
// How a binary EXEC reads an operand tile (text: tile, row, col, scalar).
enum class Broadcast : std::uint8_t { Tile, Row, Col, Scalar };
// How a tensor's tiles lie in DRAM (text: row_major, tile_major).
enum class DramLayout : std::uint8_t { RowMajor, TileMajor };
const char* to_string(Unit unit);
const char* to_string(UopKind kind);
const char* to_string(ExecKind kind);
const char* to_string(DramLayout layout);
const char* to_string(Broadcast form);
bool is_binary(ExecKind kind);  // add, sub, mul, max, min, div, where
bool is_unary(ExecKind kind);   // relu, scale, clip, leaky_relu, sigmoid, tanh, hard_sigmoid, hard_swish
bool is_pool(ExecKind kind);    // max_pool, avg_pool
// Row reductions: reduce_sum, reduce_max, softmax_stats, layer_norm_stats.
bool is_row_reduction(ExecKind kind);
// What reads a row's statistics: softmax, layer_norm.
bool is_row_apply(ExecKind kind);
// The operands an EXEC of `kind` must have, optional ones not counted: 2
// for matmul, a binary kind and softmax, 3 for layer_norm, else 1.
int required_srcs(ExecKind kind);
// Kinds whose result takes several EXECs, each a step on the partial result
// (zero_init on the first): matmul, max_pool, avg_pool, the row reductions.
inline bool is_accumulating(ExecKind kind) {
  return kind == ExecKind::MatMul || is_pool(kind) || is_row_reduction(kind);
}
// The name of a unary kind's constant `i` (0 or 1) in the schedule text:
// "scale" (scale, avg_pool), "min" and "max" (clip), "alpha" (leaky_relu),
// "alpha" and "beta" (hard_sigmoid), "scale" (reduce_sum), "epsilon"
// (layer_norm_stats); nullptr when the kind has no such constant.
const char* param_name(ExecKind kind, int i);
// "row_major" or "tile_major"; nullopt for anything else.
std::optional<DramLayout> parse_dram_layout(const std::string& text);

// One tile of one tensor, in tile coordinates.
struct TileRef {
  std::int32_t tensor = -1;  // index into Schedule::tensors; -1: no operand
  std::int32_t row = 0;
  std::int32_t col = 0;
  bool valid() const { return tensor >= 0; }
  bool operator==(const TileRef& o) const { return tensor == o.tensor && row == o.row && col == o.col; }
  bool operator!=(const TileRef& o) const { return !(*this == o); }
};

// What an EXEC needs besides its operand tiles: the Broadcast form of a
// binary EXEC's two operands, the constants of a unary one. Fields a kind does
// not use stay at their defaults (the validator checks that). Schedules keep
// each distinct value once (Schedule::exec_params) and uOps refer to it.
struct ExecParams {
  Broadcast form[2] = {Broadcast::Tile, Broadcast::Tile};
  // A matmul's fused activation after the bias: Clip, LeakyRelu or Gelu
  // with the constants below; MatMul means none.
  ExecKind fused = ExecKind::MatMul;
  float param[2] = {0.0f, 0.0f};
  // Bit for bit: -0 is not +0, and NaNs compare by their bits.
  bool operator==(const ExecParams& o) const;
  bool operator!=(const ExecParams& o) const { return !(*this == o); }
};

// Kept small on purpose (a 4096^3 matmul has ~2 M EXECs): 92 bytes. The
// operand slots are fixed: a matmul's bias is src[2] and its residual src[3],
// either may be absent without the other.
struct Uop {
  UopKind kind = UopKind::Load;
  ExecKind exec = ExecKind::MatMul;  // EXEC only
  bool zero_init = false;            // EXEC MatMul: first K step
  bool relu = false;                 // EXEC MatMul: fused ReLU on the last K step
  TileRef tile;                      // LOAD/STORE: tile moved; EXEC: tile written
  std::uint32_t addr = 0;            // SRAM byte address of `tile`
  TileRef src[kMaxSrcs];             // EXEC operands, in the order documented above
  std::uint32_t src_addr[kMaxSrcs] = {0, 0, 0, 0};
  std::uint32_t dep = kNoUop;  // uOp id (index in Schedule::uops) on the other unit
  std::uint32_t params = 0;    // EXEC: index in Schedule::exec_params

  Unit unit() const { return kind == UopKind::Exec ? Unit::Compute : Unit::Dma; }
  // Operand slots in use are among src[0 .. num_srcs()-1]; 0 for LOAD/STORE.
  // A slot below it may be empty (a matmul with a residual and no bias), so
  // readers check src[p].valid().
  int num_srcs() const {
    if (kind != UopKind::Exec) return 0;
    if (exec == ExecKind::MatMul) return src[3].valid() ? 4 : src[2].valid() ? 3 : 2;
    if (exec == ExecKind::AvgPool) return src[1].valid() ? 2 : 1;
    if (exec == ExecKind::Softmax) return 2;
    if (exec == ExecKind::LayerNorm) return src[3].valid() ? 4 : 3;
    return is_binary(exec) ? 2 : 1;
  }
};

enum class TensorRole : std::uint8_t { Input, Param, Intermediate, Output };
const char* to_string(TensorRole role);

struct TensorInfo {
  std::string name;
  TensorRole role = TensorRole::Intermediate;
  int rank = 2;           // 0 (scalar), 1 (a bias [cols], held as one row) .. 4
  std::int64_t rows = 0;  // true rows of each matrix (rank 0 and 1: 1)
  std::int64_t cols = 0;
  std::int64_t padded_rows = 0;  // multiples of 32 (rank 0 and 1: 1)
  std::int64_t padded_cols = 0;
  bool is_graph_output = false;                // must be in DRAM, complete, at the end
  std::int64_t batch = 1;                      // matrices in the stack (product of the leading dims)
  std::vector<std::int64_t> dims;              // true dims as the model gave them (empty: [rows, cols] or [cols])
  TensorLayout layout = TensorLayout::Matrix;  // how dims map to storage
  std::int32_t groups = 1;                     // conv_weight only: the convolution's groups
  TensorView view;                             // kind None: the tensor has storage of its own
  // Byte address in DRAM of the tensor's first byte; none for a view (it reads
  // the tensor it shows). Placed by place_tensors (dram_placement.h).
  std::optional<std::uint64_t> dram_address;

  bool is_scalar() const { return rank == 0 || (rank == 1 && cols == 1); }
  bool is_view() const { return view.kind != ViewKind::None; }
  std::int64_t tile_rows_per_matrix() const { return rank <= 1 ? 1 : padded_rows / kTileDim; }
  std::int64_t tile_rows() const { return batch * tile_rows_per_matrix(); }
  std::int64_t tile_cols() const { return padded_cols / kTileDim; }
  // Bytes a LOAD or STORE of one of its tiles moves: 4096, 128 for a bias
  // row, 4 for a scalar.
  std::int64_t tile_transfer_bytes() const {
    constexpr std::int64_t element = kernels::kElementBytes;
    if (is_scalar()) return element;
    return (rank <= 1 ? 1 : kTileDim) * kTileDim * element;
  }
  // Bytes the tensor occupies in DRAM in either layout: batch x padded rows x
  // padded cols x 4 (rank 0 and 1: one padded row, 128 B for a scalar).
  // Saturates at kSaturated for figures no valid table has.
  std::int64_t dram_bytes() const {
    const std::int64_t rows = rank <= 1 ? 1 : padded_rows;
    return saturating_mul(saturating_mul(saturating_mul(batch, rows), padded_cols),
                          static_cast<std::int64_t>(kernels::kElementBytes));
  }
  // Every field, the DRAM address included.
  bool operator==(const TensorInfo& o) const;
  bool operator!=(const TensorInfo& o) const { return !(*this == o); }
};

// What the summary prints per layer (one entry per op after fusion).
struct LayerSummary {
  std::string name;    // the op's output tensor
  std::string ops;     // e.g. "matmul+add+relu"
  std::string shapes;  // e.g. "[128,784] @ [784,256] -> [128,256]"
  std::string tiles;   // padded tile counts, e.g. "M4 K25 N8"
  std::string plan;    // loop order and blocking chosen
  std::int64_t loads = 0, stores = 0, execs = 0;
  std::int64_t loads_eliminated = 0;  // operand reads served by a resident tile
  std::int64_t dma_bytes = 0;         // loaded + stored
  std::int64_t sram_peak_bytes = 0;
  // The layer's compulsory transfers (totals.h): its LOADs that bring an
  // input or param tile into SRAM for the first time in the run, and its
  // STOREs of graph-output tiles; the DMA part of its lower bound.
  std::int64_t compulsory_bytes = 0;
};

struct GatheredTileBytes;  // transfer_bytes.h

struct Schedule {
  std::string model;
  std::int64_t sram_bytes = 0;
  DramLayout dram_layout = DramLayout::RowMajor;
  std::vector<TensorInfo> tensors;
  std::vector<Uop> uops;
  // What uOps' `params` index; entry 0 is always the default ExecParams.
  std::vector<ExecParams> exec_params{ExecParams{}};
  std::vector<LayerSummary> layers;
  // The layer of each uOp: empty ("layers unknown": a hand-written schedule
  // that does not say), or uop_layer[i] < layers.size() for every uOp i. Kept
  // beside `uops` rather than in Uop, which has no spare bytes. A LOAD belongs
  // to the layer of the EXEC it feeds, a STORE to the layer that computed its
  // tile, an EXEC to its op's layer (the scheduler's attribution).
  std::vector<std::uint32_t> uop_layer;
  bool layers_known() const { return !uops.empty() && uop_layer.size() == uops.size(); }

  // Totals over `uops` (filled by the scheduler, checked by the validator).
  std::int64_t loads = 0, stores = 0, execs = 0;
  std::int64_t loads_eliminated = 0;
  std::int64_t bytes_loaded = 0, bytes_stored = 0;
  std::int64_t sram_peak_bytes = 0;
  // Compulsory traffic: every input/param tile loaded once, every graph
  // output tile stored once (the lower bound's DMA part).
  std::int64_t compulsory_loads = 0, compulsory_bytes = 0;

  // The bytes of each gather-view tile the LOADs name, as the scheduler's
  // TransferBytes gathered them, so that the simulator does not gather them
  // again; null on a hand-written or loaded schedule. TransferBytes takes it
  // only while `tensors` are the ones it was gathered from.
  std::shared_ptr<const GatheredTileBytes> gathered_bytes;
};

// The SRAM bytes the uOps reach: from address 0 to the end of the highest
// tile any uOp names (its result, or an operand in any slot), 0 for no uOps;
// not the configured size. A run's SRAM holds these, and the totals count
// their slots.
std::int64_t sram_extent_bytes(const Schedule& schedule);

// The index of `params` in `table`, appending it when it is new (tables are a
// handful of entries: one per distinct layer).
std::uint32_t intern_params(std::vector<ExecParams>& table, const ExecParams& params);

// The Broadcast form a binary EXEC writing `out` reads operand `in` in: row
// when `in` has one row and `out` more, col when one column and `out` more,
// scalar when both, else tile.
Broadcast broadcast_form(const TensorInfo& out, const TensorInfo& in);
// Which matrix of `in`'s stack numpy broadcasting pairs with matrix `m` of
// `out`'s: the batch dims (an image's: N) aligned at the right, a dim of 1 (or a missing one)
// repeating. -1 when `in`'s batch dims do not broadcast to `out`'s.
std::int64_t broadcast_matrix(const TensorInfo& out, const TensorInfo& in, std::int64_t m);
// The tile of operand `in` (tensor index `in_index`, read in `form`) that a
// binary EXEC writing out_tile of `out` reads (see "uOp semantics" above);
// an invalid TileRef when the batch dims do not broadcast.
TileRef broadcast_tile(const TensorInfo& out, const TensorInfo& in, std::int32_t in_index, Broadcast form,
                       const TileRef& out_tile);

}  // namespace tilesim::sched
