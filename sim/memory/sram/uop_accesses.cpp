#include "sim/memory/sram/uop_accesses.h"

namespace tilesim::sim {

SramAccessList uop_sram_access_list(const sched::Schedule& schedule, const sched::Uop& uop) {
  SramAccessList out;
  for_each_sram_access(schedule, uop, [&out](const SramAccess& access) { out.push_back(access); });
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
