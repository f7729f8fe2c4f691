// The validator's structural checks, which need no state from earlier uOps: the
// tensor table, a tile reference against its tensor's grid, an SRAM address, and
// an EXEC's operands against its kind. Each returns problems as text without the
// "uop N KIND tile: " prefix, which the caller adds; empty means fine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/schedule/schedule.h"

namespace tilesim::sched::structure {

// "operand 0", "operand 1", "operand 2": the names messages give EXEC operands.
extern const std::string kOperand[3];

// Names unique and non-empty, rank 1 or 2, positive shapes padded to multiples of 32.
std::vector<std::string> check_tensors(const Schedule& schedule);

// `what` names the reference in the message ("tile", "operand 1").
std::string check_tile(const Schedule& schedule, const TileRef& tile, const std::string& what);

// Tile-aligned and inside sram_bytes.
std::string check_addr(const Schedule& schedule, std::uint32_t addr, const std::string& what);

// Operand count for the kind, every tile in its grid, shapes and coordinates as
// schedule.h documents, flags only where they belong. Stops at the first problem.
std::string check_exec(const Schedule& schedule, const Uop& exec);

}  // namespace tilesim::sched::structure
