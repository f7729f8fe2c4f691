// A DMA engine in front of a timed DRAM (dram.preset other than ideal): it
// turns each LOAD and STORE into bursts at the tile's DRAM addresses and
// keeps up to dma.max_outstanding of them in flight through an approximately
// timed TLM-2.0 socket (BEGIN_REQ / END_REQ / BEGIN_RESP). The accelerator
// holds dma.channels of them; the sequencer feeds them round-robin.
//
// Contract: every rule of docs/cycle-model.md, "Timed DRAM: the DMA engines
// and their bursts" — start, issue, acceptance, completion in the DMA queue's
// order (TokenIf::in_turn), busy — with the SRAM's ports asked as in "SRAM
// banks". Bursts carry no data: the tile moves functionally at the uOp's
// completion (TileMover). A method process, woken by its FIFO, the tokens,
// its own deadlines and the DRAM's backward calls.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "compiler/hw/cost_model.h"
#include "compiler/hw/hw_config.h"
#include "compiler/schedule/dram_layout.h"
#include "compiler/schedule/schedule.h"
#include "compiler/schedule/transfer_bytes.h"
#include "sim/model/activity_monitor.h"
#include "sim/model/command_queues.h"
#include "sim/model/dram_module.h"
#include "sim/model/sram_module.h"
#include "sim/model/tile_mover.h"
#include "sim/model/token_board.h"
#include "sim/model/units.h"

namespace tilesim::sim {

class BurstDmaEngine : public sc_core::sc_module, public tlm::tlm_mm_interface {
 public:
  CommandPort commands;
  sc_core::sc_port<TokenIf> tokens;
  sc_core::sc_port<ActivityIf> activity;
  sc_core::sc_port<SramPortsIf> sram_ports;
  tlm_utils::simple_initiator_socket<BurstDmaEngine> to_dram;
  tlm_utils::simple_initiator_socket<BurstDmaEngine> to_sram;

  SC_HAS_PROCESS(BurstDmaEngine);
  // with_data: move the bytes (runs with math); else timing only.
  // `bytes`: the schedule's (owned by the caller, outliving the engine).
  BurstDmaEngine(sc_core::sc_module_name name, const sched::Schedule& schedule, const HwConfig& hw,
                 const CostModel& costs, const sched::TransferBytes& bytes, sc_core::sc_time cycle, bool with_data);
  ~BurstDmaEngine() override;
  // The worker whose EXECs share the SRAM (exec_worker.h), before the run.
  void share_sram_with(ExecWorker* worker) { mover_.share_sram_with(worker); }
  const LayerCounts& counts() const { return counts_; }

 private:
  struct Started {  // a uOp started and not yet completed
    std::uint32_t uop;
    std::int64_t own_end;  // start + its cost: when it asks the SRAM
    std::int64_t bursts_left;
    std::int64_t bursts_done_cycle = 0;  // the latest done cycle of its bursts (+ a transpose's cycles)
    SramTicket ticket;
    std::int64_t sram_finish = -1;  // -1: not asked yet
    bool sram_stalled = false;      // its bursts are done, the SRAM's ports still hold it
  };

  void step();
  void free_slots(std::int64_t now);
  void ask_sram(std::int64_t now);
  bool retire(std::int64_t now, const sc_core::sc_event** wait_on);
  bool try_start(std::int64_t now, const sc_core::sc_event** wait_on);
  void try_issue(std::int64_t now);
  void issue_burst(std::int64_t now);
  std::int64_t next_deadline(std::int64_t now) const;
  void plan_bursts(const sched::Uop& uop);
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  // Counts a burst done; true when it was the last of the oldest uOp.
  bool burst_done(tlm::tlm_generic_payload& trans);
  tlm::tlm_generic_payload* acquire_payload();
  void free(tlm::tlm_generic_payload* trans) override;  // tlm_mm_interface
  void end_of_elaboration() override;
  std::int64_t now_cycle_ceil() const;

  const sched::Schedule& schedule_;
  const CostModel costs_;
  const sched::TransferBytes& bytes_;
  const sc_core::sc_time cycle_;
  const std::int64_t setup_cycles_, transpose_cycles_, issue_interval_, max_outstanding_, burst_bytes_;
  const bool with_data_;
  TileMover mover_;
  LayerCounts counts_;
  sc_core::sc_event response_;  // the DRAM called back: END_REQ or BEGIN_RESP
  // The event lists step() waits on: response_ with up to two others. An
  // or-list must outlive the wait, so each combination is built once.
  const sc_core::sc_event_or_list& wake_list(const sc_core::sc_event* a, const sc_core::sc_event* b);
  std::map<std::pair<const sc_core::sc_event*, const sc_core::sc_event*>, std::unique_ptr<sc_core::sc_event_or_list>>
      wake_lists_;

  // The issue stage.
  bool holding_ = false;  // a uOp taken from the FIFO, not started
  std::uint32_t held_ = 0;
  bool issuing_ = false;    // the started uOp at started_.back() has bursts left
  sched::DramSpans spans_;  // plan_bursts' working buffer
  std::vector<std::uint64_t> bursts_;
  std::size_t next_burst_ = 0;
  std::int64_t next_issue_ = 0;                                // the cycle the engine's port is free for a burst
  const tlm::tlm_generic_payload* awaiting_accept_ = nullptr;  // the last burst, until its END_REQ

  std::deque<Started> started_;
  std::uint64_t started_base_ = 0;  // sequence number of started_.front()
  std::uint64_t started_count_ = 0;
  std::int64_t in_flight_ = 0;      // bursts holding a slot
  std::deque<std::int64_t> frees_;  // done cycles of completed bursts still holding a slot
  struct BurstPayload;              // a payload that knows its uOp
  std::vector<std::unique_ptr<BurstPayload>> payloads_;
  std::vector<BurstPayload*> spare_;
};

}  // namespace tilesim::sim
