#include "sim/memory/sram/uop_accesses.h"

namespace tilesim::sim {

namespace {

std::uint32_t tile_bytes(const sched::Schedule& schedule, const sched::TileRef& tile) {
  return static_cast<std::uint32_t>(schedule.tensors[static_cast<std::size_t>(tile.tensor)].tile_transfer_bytes());
}

}  // namespace

SramAccessList uop_sram_access_list(const sched::Schedule& schedule, const sched::Uop& uop) {
  SramAccessList out;
  const std::uint32_t bytes = tile_bytes(schedule, uop.tile);
  switch (uop.kind) {
    case sched::UopKind::Load:
      out.push_back(SramAccess{uop.addr, bytes, true});
      return out;
    case sched::UopKind::Store:
      out.push_back(SramAccess{uop.addr, bytes, false});
      return out;
    case sched::UopKind::Exec:
      break;
  }
  const int srcs = uop.num_srcs();  // out of line: once, not at every operand
  for (int p = 0; p < srcs; ++p) {
    if (!uop.src[p].valid()) continue;  // a matmul's absent bias beside its residual
    out.push_back(SramAccess{uop.src_addr[p], tile_bytes(schedule, uop.src[p]), false});
  }
  if (sched::is_accumulating(uop.exec) && !uop.zero_init) out.push_back(SramAccess{uop.addr, bytes, false});
  out.push_back(SramAccess{uop.addr, bytes, true});
  return out;
}

void uop_sram_accesses(const sched::Schedule& schedule, const sched::Uop& uop, std::vector<SramAccess>* out) {
  const SramAccessList list = uop_sram_access_list(schedule, uop);
  out->assign(list.begin(), list.end());
}

std::int64_t sram_serial_port_cycles(const sched::Schedule& schedule, const SramBanksConfig& config) {
  if (config.ideal()) return 0;
  std::vector<SramAccess> accesses;
  std::vector<SramBankShare> shares;
  std::int64_t total = 0;
  for (const sched::Uop& uop : schedule.uops) {
    uop_sram_accesses(schedule, uop, &accesses);
    for (const SramAccess& a : accesses) {
      split_over_banks(config, a.address, a.bytes, &shares);
      for (const SramBankShare& share : shares) total += share.cycles;
    }
  }
  return total;
}

}  // namespace tilesim::sim
