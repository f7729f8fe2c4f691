// The off-chip DRAM as a SystemC module behind a TLM-2.0 target socket: the
// bytes of every tensor (DramImage) at their addresses and, for a timed
// preset, the DRAM timing engine (tilesim::dram::DramSystem) that says when
// each burst is done.
//
// Contract:
//  * `ideal` (dram.preset: ideal): no timing here. The DMA engine's timing
//    comes from the cost model; b_transport copies and annotates no delay.
//  * timed: approximately timed, base protocol. A burst is a BEGIN_REQ of
//    one burst at a burst address. The DRAM takes the bursts of an instant in
//    BurstOrder, once every other process has run at it, before it decides
//    its commands and completions up to that instant (docs/cycle-model.md,
//    "Same instant"). END_REQ comes at once (TLM_UPDATED) when the burst's
//    channel queue has room for every burst that can arrive at this instant
//    (such a burst is taken lazily, before the DRAM next decides anything,
//    with its own arrival time: the same result without waking this module
//    per burst); else on the backward path at that instant, or when a queued
//    request leaves the full queue, in that order per channel. BEGIN_RESP at
//    the instant the burst is done (the initiator may answer TLM_COMPLETED).
//    Bursts carry no data.
//  * Data: DMI for the whole image, and transport_dbg, in both modes.
//    Another TLM-2.0 target can be bound in its place (docs/architecture.md).
//  * Trace (timed, when the `activity` port says the DRAM is traced): each
//    channel's busy state and running row-hit and refresh counts go to the
//    port at the instants they change. A channel with nothing queued does not
//    wake the module for its refreshes; they are issued when asked
//    (trace_before: by the monitor before it records a later instant, and by
//    this module before it advances), each reported at its own instant.
//    Advancing the DRAM at more instants changes no result
//    (docs/dram-model.md, "The interface"): tracing changes no figure.
//  * finish(end_ps) after the run issues the commands the DRAM owes before
//    the run's end (refreshes of idle channels), so that its statistics count
//    every command of [0, end_ps), traced or not.
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
#include "sim/model/activity_monitor.h"
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

class DramModule : public sc_core::sc_module, public DramTraceSource {
 public:
  tlm_utils::multi_passthrough_target_socket<DramModule> socket;
  sc_core::sc_port<DramActivityIf> activity;

  SC_HAS_PROCESS(DramModule);
  DramModule(sc_core::sc_module_name name, const sched::Schedule& schedule, const DramConfig& config, bool with_data);
  DramImage& image() { return image_; }
  // The timing engine (nullptr for `ideal`): statistics after the run.
  const dram::DramSystem* timing() const { return timing_.get(); }
  // The run ended at end_ps: issue every command due up to that instant
  // (call once, after the simulation, before reading the statistics), so they
  // count the refreshes of a DRAM left idle while the last EXECs ran.
  void finish(std::int64_t end_ps) { trace_before(end_ps + 1); }
  void trace_before(std::int64_t ps) override;

 private:
  struct Burst {
    int socket_id;
    tlm::tlm_generic_payload* trans;
    std::uint64_t key;  // BurstOrder, or past every key in arrival order
    std::int64_t arrival_ps;
    bool accepted;  // END_REQ given on arrival: its queue has room for it
  };

  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);

  void advance();
  void take_arrivals(std::int64_t until_ps);
  void admit_waiting(std::int64_t now_ps);
  void accept(const Burst& burst, std::int64_t now_ps);
  void enqueue(const Burst& burst, std::int64_t now_ps);
  void wake_at_next_event();
  void wake_by(std::int64_t ps);
  void start_of_simulation() override;
  void report_channels(std::int64_t now_ps);
  std::int64_t now_ps() const { return static_cast<std::int64_t>(sc_core::sc_time_stamp().value()); }

  DramImage image_;
  std::unique_ptr<dram::DramSystem> timing_;
  std::vector<Burst> in_dram_;  // by request id; socket_id < 0: free
  std::vector<std::uint64_t> free_ids_;
  std::vector<Burst> arrivals_;                  // BEGIN_REQs of this instant, not yet taken
  std::uint64_t foreign_arrivals_ = 0;           // bursts without a BurstOrder so far
  std::vector<std::int64_t> buffered_;           // per channel: bursts in arrivals_
  std::vector<std::int64_t> waiting_on_;         // per channel: bursts in waiting_
  std::int64_t min_latency_ps_ = 0;              // no burst completes sooner after it arrives
  std::int64_t wake_ps_ = dram::kNever;          // the earliest wake-up asked for since the last run
  std::deque<Burst> waiting_;                    // arrived while their channel's queue was full
  std::vector<dram::DramCompletion> done_;       // scratch of advance()
  std::vector<dram::DramCompletion> caught_up_;  // of trace_before(): stays empty
  sc_core::sc_event wake_;
  bool traced_ = false;
  std::vector<DramChannelTrace> reported_;  // per channel, as last reported (traced only)
};

}  // namespace tilesim::sim
