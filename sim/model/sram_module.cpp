#include "sim/model/sram_module.h"

#include <algorithm>

#include "sim/memory/sram/uop_accesses.h"
#include "sim/model/simulate.h"
#include "sim/model/tlm_bytes.h"

namespace tilesim::sim {

SramModule::SramModule(sc_core::sc_module_name name, const sched::Schedule& schedule, const SramBanksConfig& banks,
                       bool with_data)
    : sc_core::sc_module(name), socket("socket"), schedule_(schedule), banks_(banks, {"dma", "compute"}) {
  socket.register_b_transport(this, &SramModule::b_transport);
  socket.register_get_direct_mem_ptr(this, &SramModule::get_direct_mem_ptr);
  socket.register_transport_dbg(this, &SramModule::transport_dbg);
  if (schedule.layers_known()) layer_bytes_.resize(schedule.layers.size());
  if (!with_data) return;
  bytes_ = sched::sram_extent_bytes(schedule);
  arena_ = std::make_unique<HugePageBuffer>(static_cast<std::size_t>(bytes_) + 4);
}

// The ideal SRAM never holds a uOp: the ticket carries its end, and the
// traffic is counted here, while the uOp is in cache (a walk over the uOps
// after the run cost ~20% of a timing-only simulation).
SramTicket SramModule::request(SramRequester who, std::uint32_t uop, std::int64_t start_cycle,
                               std::int64_t busy_cycles) {
  SramTraffic traffic;
  if (banks_.config().ideal()) {  // summed as they are enumerated: no list built
    for_each_sram_access(schedule_, schedule_.uops[uop], [&traffic](const SramAccess& a) { traffic.add(a); });
    count_layer_bytes(uop, traffic);
    banks_.count_ideal(static_cast<std::size_t>(who), traffic);
    return SramTicket{static_cast<std::uint64_t>(start_cycle + busy_cycles)};
  }
  uop_sram_accesses(schedule_, schedule_.uops[uop], &accesses_);
  for (const SramAccess& a : accesses_) traffic.add(a);
  count_layer_bytes(uop, traffic);
  return banks_.request(static_cast<std::size_t>(who), start_cycle, busy_cycles, accesses_, uop);
}

void SramModule::count_layer_bytes(std::uint32_t uop, const SramTraffic& traffic) {
  if (layer_bytes_.empty()) return;
  LayerBytes& layer = layer_bytes_[schedule_.uop_layer[uop]];
  layer.read += traffic.bytes_read;
  layer.written += traffic.bytes_written;
}

SramOutcome SramModule::finish(SramTicket ticket) {
  if (banks_.config().ideal()) return SramOutcome{static_cast<std::int64_t>(ticket.id), 0, 0};
  return banks_.finish(ticket);
}

void SramModule::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  trans.set_dmi_allowed(arena() != nullptr);
  copy_bytes(trans, arena(), static_cast<std::uint64_t>(bytes_));
}

bool SramModule::get_direct_mem_ptr(int, tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  return grant_dmi(dmi, arena(), static_cast<std::uint64_t>(bytes_));
}

unsigned int SramModule::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  return copy_bytes(trans, arena(), static_cast<std::uint64_t>(bytes_)) ? trans.get_data_length() : 0;
}

}  // namespace tilesim::sim
