// Which SRAM bytes a uOp reads and writes: the traffic the simulator's units
// hand to SramBanks::request(). docs/sram-model.md, "A uOp's accesses".
//
// Contract: a LOAD writes its tile (4096 B; a bias row 128 B, a scalar 4 B:
// the tensor's tile_transfer_bytes(), the bytes the DMA moves); a STORE reads
// it. An EXEC reads its operands in the schedule's src order (each its
// tensor's tile_transfer_bytes()), then, for a matmul step that is not the
// first (no zero_init), the accumulator tile it adds to; it writes its result
// tile last. Reads come before writes in the list; nothing else is touched.
#pragma once

#include <vector>

#include "compiler/schedule/schedule.h"
#include "sim/memory/sram/sram_banks.h"

namespace tilesim::sim {

// Replaces *out with `uop`'s accesses (out keeps its capacity: no allocation
// once it has grown to five).
void uop_sram_accesses(const sched::Schedule& schedule, const sched::Uop& uop, std::vector<SramAccess>* out);

}  // namespace tilesim::sim
