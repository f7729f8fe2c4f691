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

#include <cstdint>
#include <vector>

#include "compiler/schedule/schedule.h"
#include "sim/memory/sram/sram_banks.h"

namespace tilesim::sim {

// f(access) for each of `uop`'s accesses, in the contract's order: the list
// below without building it (the ideal SRAM only sums them, at every uOp).
template <typename F>
void for_each_sram_access(const sched::Schedule& schedule, const sched::Uop& uop, F f) {
  const auto bytes_of = [&schedule](const sched::TileRef& tile) {
    return static_cast<std::uint32_t>(schedule.tensors[static_cast<std::size_t>(tile.tensor)].tile_transfer_bytes());
  };
  const std::uint32_t bytes = bytes_of(uop.tile);
  switch (uop.kind) {
    case sched::UopKind::Load:
      f(SramAccess{uop.addr, bytes, true});
      return;
    case sched::UopKind::Store:
      f(SramAccess{uop.addr, bytes, false});
      return;
    case sched::UopKind::Exec:
      break;
  }
  const int srcs = uop.num_srcs();
  for (int p = 0; p < srcs; ++p) {
    if (!uop.src[p].valid()) continue;  // a matmul's absent bias beside its residual
    f(SramAccess{uop.src_addr[p], bytes_of(uop.src[p]), false});
  }
  if (sched::is_accumulating(uop.exec) && !uop.zero_init) f(SramAccess{uop.addr, bytes, false});
  f(SramAccess{uop.addr, bytes, true});
}

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
