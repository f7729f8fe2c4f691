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
extern const std::string kOperand[3];

// Names unique and non-empty; rank 0..4; batch >= 1 (1 up to rank 2); positive
// shapes padded per matrix to multiples of 32 (rank 0/1: one row; a scalar
// [1,32]); dims, when given, matching rank, shape and batch; sizes within the
// frontends' limits (at most 2^31 padded elements per tensor, 64 GiB of padded
// float32 for the tensors with storage); graph outputs neither inputs nor
// params; a view the transpose of a tensor with storage, of the same rank and
// batch; sram_bytes at least one tile. Every figure is checked before it is
// multiplied, so any table is safe to pass. When all of that holds, the DRAM
// placement: an address on every tensor with storage and on no view, each a
// multiple of kDramAlignment, with its bytes below 2^64, no two overlapping.
std::vector<Problem> check_tensors(const Schedule& schedule);

// `what` names the reference in the message ("tile", "operand 1").
std::string check_tile(const Schedule& schedule, const TileRef& tile, const std::string& what);

// Tile-aligned and inside sram_bytes (sram_bytes checked by check_tensors).
std::string check_addr(const Schedule& schedule, std::uint32_t addr, const std::string& what);

// Operand count for the kind, every tile in its grid, shapes and coordinates as
// schedule.h documents (batched matmul, a binary EXEC's broadcast operands,
// bias rows and scalars), flags and constants only where they belong. Stops
// at the first problem.
std::string check_exec(const Schedule& schedule, const Uop& exec);

// validator_elementwise.cpp. The params index in the table; Broadcast forms
// other than tile only on a binary kind; each constant the kind reads valid
// (finite; a clip bound not NaN), every other one +0.
std::string check_exec_params(const Schedule& schedule, const Uop& exec);
// Both operands of a binary EXEC (params checked): each broadcasts to the
// result, is read in the form broadcast_form gives and is broadcast_tile's tile.
std::string check_binary(const Schedule& schedule, const Uop& exec);

}  // namespace tilesim::sched::structure
