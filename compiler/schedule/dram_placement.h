// Where the tensors lie in DRAM: the placement the compiler gives a schedule
// and the text reader gives a hand-written schedule that names no addresses.
//
// Contract: every tensor with storage (every one that is not a view) gets a
// DRAM byte address; they are placed in table order, one after another, the
// first at 0, each at the first multiple of `alignment` at or after the end of
// the previous one (its dram_bytes(): the footprint is the same in both
// layouts, so the addresses do not depend on the layout). Views are left as
// they are: the compiler gives them none, and a hand-written view that names
// one is refused by the validator. The validator checks any placement (from
// here or from a file) for the least alignment kDramAlignment, the 64-bit range
// and overlaps, so a larger alignment (a DRAM row, say) is the compiler's
// choice and needs nothing of the simulator.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/schedule/schedule.h"

namespace tilesim::sched {

// The least alignment of a tensor's DRAM address: a tile-major tile (4 KiB)
// then never straddles a 4 KiB boundary and every span dram_layout.h gives is
// aligned to its own size.
inline constexpr std::uint64_t kDramAlignment = 4096;

// True for a power of two of at least kDramAlignment: the alignments
// place_tensors accepts.
bool valid_dram_alignment(std::uint64_t alignment);

// Places every tensor with storage as above. Throws std::invalid_argument for
// an alignment valid_dram_alignment refuses. Safe on any table: a tensor that
// would start past the last aligned address gets 2^64 - 1, which the validator
// refuses (only tables beyond the size limits, or absurd alignments, get there).
void place_tensors(std::vector<TensorInfo>& tensors, std::uint64_t alignment = kDramAlignment);

// The end of the highest tensor placed (address + dram_bytes()), 0 when none
// has an address: the DRAM bytes the schedule's addresses reach. For a valid
// schedule (validator.h).
std::uint64_t dram_extent(const Schedule& schedule);

}  // namespace tilesim::sched
