// The off-chip DRAM as a SystemC module behind a TLM-2.0 target socket: the
// bytes of every tensor (DramImage) at their addresses and, for a timed
// preset, the DRAM timing engine (tilesim::dram::DramSystem) that says when
// each burst is done.
//
// Contract:
//  * `ideal` (dram.preset: ideal): no timing here. The DMA engine's timing
//    comes from the cost model; b_transport copies and annotates no delay.
//  * timed: approximately timed, base protocol. A burst is a BEGIN_REQ of
//    one burst at a burst address. The module takes the bursts of an instant
//    once every other process has run at it, in BurstOrder, then decides its
//    commands and completions up to that instant (docs/cycle-model.md, "Same
//    instant"); END_REQ (on the backward path, at that instant) when the
//    burst's channel queue has room, else when a queued request leaves it,
//    in that order per channel; BEGIN_RESP at the instant the burst is done
//    (the initiator may answer TLM_COMPLETED). Bursts carry no data.
//  * Data: DMI for the whole image, and transport_dbg, in both modes.
//    Another TLM-2.0 target can be bound in its place (docs/architecture.md).
#pragma once

#include <tlm_utils/multi_passthrough_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "compiler/hw/dram_config.h"
#include "sim/memory/dram/dram_system.h"
#include "sim/model/dram_image.h"

namespace tilesim::sim {

// The order of bursts that reach the DRAM at one instant (lower first): the
// DMA engines put their uOp's list position on each burst. Bursts without it
// (another initiator) come after, in the order they arrived.
struct BurstOrder : tlm::tlm_extension<BurstOrder> {
  std::uint64_t key = 0;
  tlm::tlm_extension_base* clone() const override { return new BurstOrder(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override { key = static_cast<const BurstOrder&>(other).key; }
};

class DramModule : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<DramModule> socket;

  SC_HAS_PROCESS(DramModule);
  DramModule(sc_core::sc_module_name name, const sched::Schedule& schedule, const DramConfig& config, bool with_data);
  DramImage& image() { return image_; }
  // The timing engine (nullptr for `ideal`): statistics after the run.
  const dram::DramSystem* timing() const { return timing_.get(); }
  // After the run: decides the DRAM up to its end, so the statistics count
  // the refreshes of a DRAM left idle while the last EXECs ran.
  void finish_at(std::int64_t end_ps);

 private:
  struct Burst {
    int socket_id;
    tlm::tlm_generic_payload* trans;
    std::uint64_t key;  // BurstOrder, or past every key in arrival order
  };

  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);
  bool copy(tlm::tlm_generic_payload& trans);

  void advance();
  void take_arrivals(std::int64_t now_ps);
  void admit_waiting(std::int64_t now_ps);
  void accept(const Burst& burst, std::int64_t now_ps);
  void enqueue(const Burst& burst, std::int64_t now_ps);
  void wake_at_next_event();
  std::int64_t now_ps() const { return static_cast<std::int64_t>(sc_core::sc_time_stamp().value()); }

  DramImage image_;
  std::unique_ptr<dram::DramSystem> timing_;
  std::vector<Burst> in_dram_;  // by request id; socket_id < 0: free
  std::vector<std::uint64_t> free_ids_;
  std::vector<Burst> arrivals_;             // BEGIN_REQs of this instant, not yet taken
  std::uint64_t foreign_arrivals_ = 0;      // bursts without a BurstOrder so far
  std::deque<Burst> waiting_;               // arrived while their channel's queue was full
  std::vector<dram::DramCompletion> done_;  // scratch of advance()
  sc_core::sc_event wake_;
};

}  // namespace tilesim::sim
