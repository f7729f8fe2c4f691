// The validator's structural checks, which need no state from earlier uOps: the
// tensor table, a tile reference against its tensor's grid, an SRAM address, and
// an EXEC's operands against its kind. Each returns problems as text without the
// "uop N KIND tile: " prefix, which the caller adds; empty means fine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/schedule/schedule.h"
#include "compiler/schedule/validator.h"

namespace tilesim::sched::structure {

// "operand 0", "operand 1", "operand 2": the names messages give EXEC operands.
extern const std::string kOperand[kMaxSrcs];

// Names unique and non-empty; rank 0..4; batch >= 1 (1 up to rank 2); positive
// shapes padded per matrix to multiples of 32 (rank 0/1: one row; a scalar
// [1,32]); dims, when given, matching rank, shape and batch; sizes within the
// frontends' limits (at most 2^31 padded elements per tensor, 64 GiB of padded
// float32 for the tensors with storage); graph outputs neither inputs nor
// params; layouts and views as check_layout and check_view below; sram_bytes
// at least one tile. Every figure is checked before it is
// multiplied, so any table is safe to pass. When all of that holds, the DRAM
// placement: an address on every tensor with storage and on no view, each a
// multiple of kDramAlignment, with its bytes below 2^64, no two overlapping.
std::vector<Problem> check_tensors(const Schedule& schedule);

// One tensor's own problems (shape, batch, dims against its layout, padding,
// the per-tensor size limit) and, for a view, its relation to the tensor it
// shows; no names, no table-wide sums, no placement. Empty: the tensor is
// sound, and for a view so is what gather_tile computes from it (view_gather.h).
std::vector<std::string> tensor_problems(const Schedule& schedule, std::size_t index);

// validator_views.cpp. A layout's dims: matrix as check_dims; nhwc and
// conv_weight rank 4 with four positive dims of at most 2^31 elements, and
// batch, rows and cols equal to storage_shape() (conv_weight: groups at least 1
// dividing OC); groups only on conv_weight.
std::string check_layout(const TensorInfo& tensor);
// A view's relation to the tensor X it shows (any kind): X another tensor in
// range with storage; not a graph output. transpose: matrix layouts, the same
// rank and batch, rows/cols (and padded, and the last two dims) swapped.
// im2col: a matrix view [N, OH*OW, KH*KW*S] of an image X [N, C, H, W] with
// dims, positive kernel, stride, dilation and out, non-negative pads, S >= C,
// and OH, OW at least the windows that fit without padding at the bottom and
// right. relayout: not conv_weight, dims on a rank-3/4 view or X, X's element
// count. An im2col or relayout view is checked only once X is sound (X's own
// problems are reported on X).
std::string check_view(const Schedule& schedule, std::size_t index, const TensorInfo& view);

// Matrix layout: the dims field against rank, rows, cols and batch; "" when
// consistent (or empty).
std::string check_dims(const TensorInfo& tensor);

// Message pieces: "12", "more than 2^63" for kSaturated, "[2,64,32]", "[64,32]".
std::string num(std::int64_t n);
std::string count(std::int64_t n);
std::string list(const std::vector<std::int64_t>& values);
std::string pair(std::int64_t a, std::int64_t b);

// `what` names the reference in the message ("tile", "operand 1").
std::string check_tile(const Schedule& schedule, const TileRef& tile, const std::string& what);

// Tile-aligned and inside sram_bytes (sram_bytes checked by check_tensors).
std::string check_addr(const Schedule& schedule, std::uint32_t addr, const std::string& what);

// Operand count for the kind, every tile in its grid, shapes and coordinates as
// schedule.h documents (batched matmul, a binary EXEC's broadcast operands,
// bias rows and scalars), flags and constants only where they belong. Stops
// at the first problem.
std::string check_exec(const Schedule& schedule, const Uop& exec);

// The SRAM one uOp needs at once: its distinct slots (result and operands) x
// 4096 bytes. A lower bound of any SRAM peak that includes the uOp.
std::int64_t uop_slot_bytes(const Uop& uop);
// validator_rows.cpp. A row reduction's or apply's operands (schedule.h):
// the tile each reads, and the shapes of X, the statistics, gamma and beta.
std::string check_row(const Schedule& schedule, const Uop& exec);

// validator_elementwise.cpp. The params index in the table; Broadcast forms
// other than tile only on a binary kind; each constant the kind reads valid
// (finite; a clip bound not NaN), every other one +0.
std::string check_exec_params(const Schedule& schedule, const Uop& exec);
// Both operands of a binary EXEC (params checked): each broadcasts to the
// result, is read in the form broadcast_form gives and is broadcast_tile's tile.
std::string check_binary(const Schedule& schedule, const Uop& exec);
// validator_pool.cpp. A max_pool's or avg_pool's operands (params checked):
// operand 0 an im2col view of the result's image (nhwc, channel_stride the
// result's padded cols, -inf padding for max) at the result's row and
// column block; an avg_pool's divisors [OH*OW, 1] read as col.
std::string check_pool(const Schedule& schedule, const Uop& exec);
// The steps an accumulating EXEC's result takes (check_exec passed): a
// matmul's K tiles, a pooling's kernel positions.
std::int32_t accumulation_steps(const Schedule& schedule, const Uop& exec);

}  // namespace tilesim::sched::structure
