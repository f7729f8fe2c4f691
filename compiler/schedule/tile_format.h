// How the validator's messages and the schedule text form spell a tile, an SRAM
// or DRAM address, a Scale factor and a uOp: "w1[3,1]", "0x1000", "0.5",
// "EXEC matmul y[0,1]".
#pragma once

#include <cstdint>
#include <string>

#include "compiler/schedule/schedule.h"

namespace tilesim::sched {

// The shortest text that reads back as exactly `scale` ("0.5", "1e-07", "nan",
// "inf", "-inf"): std::to_chars' round-trip form.
std::string format_scale(float scale);

// "0x" and at least four lower-case hex digits: 0x0000, 0x3000, 0x100000.
std::string format_addr(std::uint32_t addr);

// A DRAM address the same way, up to 16 digits: 0x0000, 0x3000, 0xfffffffffffff000.
std::string format_dram_addr(std::uint64_t addr);

// "name[row,col]"; "#7[row,col]" when the tensor index is out of range; "-" when
// the reference is not set.
std::string format_tile(const Schedule& schedule, const TileRef& tile);

// "LOAD w1[3,1]", "STORE y[0,1]", "EXEC matmul y[0,1]".
std::string format_uop_head(const Schedule& schedule, const Uop& uop);

}  // namespace tilesim::sched
