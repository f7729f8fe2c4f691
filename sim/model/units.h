// The in-order units of the accelerator that run the schedule: the DMA engine
// of the ideal DRAM and the compute unit (a timed DRAM's engines:
// burst_dma.h; the sequencer and the FIFOs: command_queues.h). Each is a named
// module that reaches the others only through its ports and sockets: its
// command FIFO, the token board, the activity monitor, and TLM-2.0 initiator
// sockets to the memories.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>

#include "compiler/hw/cost_model.h"
#include "compiler/schedule/schedule.h"
#include "compiler/schedule/transfer_bytes.h"
#include "kernels/kernel_set.h"
#include "sim/model/activity_monitor.h"
#include "sim/model/command_queues.h"
#include "sim/model/cycle_clock.h"
#include "sim/model/sram_module.h"
#include "sim/model/tile_mover.h"
#include "sim/model/token_board.h"
#include "sim/model/unit_counts.h"

namespace tilesim::sim {

// An in-order unit: takes uOp ids from its command FIFO, starts each once its
// dependency token has arrived, holds the unit busy for the uOp's cycles and
// then as long as the SRAM's ports keep it (SramPortsIf::finish), then does
// the uOp's work (finish) and hands out its token. A method process (a state
// machine woken by events), not a thread: no context switch per uOp.
class InOrderUnit : public sc_core::sc_module {
 public:
  CommandPort commands;
  sc_core::sc_port<TokenIf> tokens;
  sc_core::sc_port<ActivityIf> activity;
  sc_core::sc_port<SramPortsIf> sram_ports;
  SC_HAS_PROCESS(InOrderUnit);
  // `bytes`: the schedule's (owned by the caller, outliving the unit).
  InOrderUnit(sc_core::sc_module_name name, const sched::Schedule& schedule, sched::Unit role, const CostModel& costs,
              const sched::TransferBytes& bytes, sc_core::sc_time cycle);
  void step();
  const LayerCounts& counts() const { return counts_; }

 protected:
  virtual void finish(const sched::Uop& uop) = 0;
  const sched::Schedule& schedule_;
  const sched::TransferBytes& bytes_;
  LayerCounts counts_;

 private:
  // `now` is sc_time_stamp(), read once an activation.
  void start(const sc_core::sc_time& now);
  bool end_or_stall(const sc_core::sc_time& now);
  sc_core::sc_time cycles_time(std::int64_t n) const { return sim::cycles_time(cycle_, n); }
  std::int64_t cycle_of(const sc_core::sc_time& t) const { return whole_cycles(cycle_, t); }

  const sched::Unit role_;
  const CostModel costs_;
  ExecSequence execs_{costs_};  // the compute unit's EXECs, each after the one before
  const sc_core::sc_time cycle_;
  bool holding_ = false;  // a uOp taken from the FIFO, not yet finished
  bool busy_ = false;     // ... and started
  bool asked_ = false;    // ... and its own cycles are over: the SRAM said when it ends
  std::uint32_t current_ = 0;
  std::int64_t own_cycles_ = 0;  // current_'s, before any SRAM stall
  SramTicket ticket_;
};

// The DMA engine of the ideal DRAM: a LOAD moves a tile from DRAM into the
// SRAM, a STORE from the SRAM to DRAM, at the end of the transfer's fixed
// cycles (CostModel).
class DmaEngine : public InOrderUnit {
 public:
  tlm_utils::simple_initiator_socket<DmaEngine> to_dram;
  tlm_utils::simple_initiator_socket<DmaEngine> to_sram;
  // with_data: move the bytes (runs with math); else timing only.
  DmaEngine(sc_core::sc_module_name name, const sched::Schedule& schedule, const CostModel& costs,
            const sched::TransferBytes& bytes, sc_core::sc_time cycle, bool with_data);
  // The worker whose EXECs share the SRAM (exec_worker.h), before the run.
  void share_sram_with(ExecWorker* worker) { mover_.share_sram_with(worker); }

 private:
  void finish(const sched::Uop& uop) override;
  void end_of_elaboration() override;

  const bool with_data_;
  TileMover mover_;
};

// An EXEC runs for its kind's cycles (CostModel), then the tile kernel works
// on the SRAM bytes at the scheduled addresses, in place (DMI): here, or
// handed to an ExecWorker at that instant.
class ComputeUnit : public InOrderUnit {
 public:
  tlm_utils::simple_initiator_socket<ComputeUnit> to_sram;
  // kernels: nullptr for timing only. worker: runs the EXECs on its thread
  // (started on the SRAM at the end of elaboration); nullptr: inline.
  ComputeUnit(sc_core::sc_module_name name, const sched::Schedule& schedule, const CostModel& costs,
              const sched::TransferBytes& bytes, sc_core::sc_time cycle, const kernels::KernelSet* kernels,
              ExecWorker* worker = nullptr);

 private:
  void finish(const sched::Uop& uop) override;
  void end_of_elaboration() override;
  float* at(std::uint32_t address) const { return reinterpret_cast<float*>(sram_ + address); }

  const kernels::KernelSet* kernels_;
  ExecWorker* worker_;
  unsigned char* sram_ = nullptr;
};

}  // namespace tilesim::sim
