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

// `uop`'s accesses.
SramAccessList uop_sram_access_list(const sched::Schedule& schedule, const sched::Uop& uop);
// Replaces *out with them (out keeps its capacity: no allocation once it has
// grown to six).
void uop_sram_accesses(const sched::Schedule& schedule, const sched::Uop& uop, std::vector<SramAccess>* out);

// The port cycles of every access of every uOp, summed over the banks each
// touches (0 for the ideal SRAM). No run of the schedule on these banks lasts
// longer than CostModel::serial_cycles() plus this: in every cycle of a run
// some uOp is inside its own cycles or some port is held (docs/sram-model.md,
// "Time range"). For the simulator's time-range check.
std::int64_t sram_serial_port_cycles(const sched::Schedule& schedule, const SramBanksConfig& config);

}  // namespace tilesim::sim
