// The concurrent processes of the accelerator: the sequencer that issues the
// schedule, and the in-order units that run it — the DMA engine and the
// compute unit. Each is a named module that reaches the others only through
// its ports and sockets: command FIFOs from the sequencer, the token board,
// the activity monitor, and TLM-2.0 initiator sockets to the memories.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>

#include "compiler/hw/cost_model.h"
#include "compiler/schedule/schedule.h"
#include "kernels/kernel_set.h"
#include "sim/model/activity_monitor.h"
#include "sim/model/token_board.h"

namespace tilesim::sim {

// Issues the uOps in schedule order into the units' FIFOs, holding back while
// the target FIFO is full (a single instruction stream, as in VTA-like designs).
SC_MODULE(Sequencer) {
  sc_core::sc_fifo_out<std::uint32_t> to_dma;
  sc_core::sc_fifo_out<std::uint32_t> to_compute;
  sc_core::sc_port<ActivityIf> activity;
  SC_HAS_PROCESS(Sequencer);
  Sequencer(sc_core::sc_module_name name, const sched::Schedule& schedule);
  void issue();

 private:
  const sched::Schedule& schedule_;
  std::uint32_t next_ = 0;
};

// What a unit did, counted as each uOp finishes.
struct UnitCounts {
  std::int64_t uops = 0;
  std::int64_t loads = 0, stores = 0;               // DMA only
  std::int64_t bytes_loaded = 0, bytes_stored = 0;  // DMA only
};

// An in-order unit: takes uOp ids from its command FIFO, starts each once its
// dependency token has arrived, holds the unit busy for the uOp's cycles,
// then does the uOp's work (finish) and hands out its token. A method process
// (a state machine woken by events), not a thread: no context switch per uOp.
class InOrderUnit : public sc_core::sc_module {
 public:
  sc_core::sc_fifo_in<std::uint32_t> commands;
  sc_core::sc_port<TokenIf> tokens;
  sc_core::sc_port<ActivityIf> activity;
  SC_HAS_PROCESS(InOrderUnit);
  InOrderUnit(sc_core::sc_module_name name, const sched::Schedule& schedule, sched::Unit role, const CostModel& costs,
              sc_core::sc_time cycle);
  void step();
  const UnitCounts& counts() const { return counts_; }

 protected:
  virtual void finish(const sched::Uop& uop) = 0;
  const sched::Schedule& schedule_;
  UnitCounts counts_;

 private:
  const sched::Unit role_;
  const CostModel costs_;
  const sc_core::sc_time cycle_;
  bool holding_ = false;  // a uOp taken from the FIFO, not yet finished
  bool busy_ = false;     // ... and started
  std::uint32_t current_ = 0;
};

// A LOAD moves a tile from DRAM into the SRAM, a STORE from the SRAM to DRAM,
// at the end of the transfer's cycles (CostModel). Data moves through DMI
// pointers when the memories grant them, else through transport_dbg.
class DmaEngine : public InOrderUnit {
 public:
  tlm_utils::simple_initiator_socket<DmaEngine> to_dram;
  tlm_utils::simple_initiator_socket<DmaEngine> to_sram;
  // with_data: move the bytes (runs with math); else timing only.
  DmaEngine(sc_core::sc_module_name name, const sched::Schedule& schedule, const CostModel& costs,
            sc_core::sc_time cycle, const class DramImage* layout, bool with_data);

 private:
  void finish(const sched::Uop& uop) override;
  void end_of_elaboration() override;
  void read_tile(const sched::TileRef& tile, float* out);
  void write_tile(const sched::TileRef& tile, const float* in);
  void access(tlm::tlm_command command, bool dram, std::uint64_t address, void* data, std::uint64_t bytes);

  const DramImage* layout_;
  const bool with_data_;
  unsigned char* dram_dmi_ = nullptr;
  unsigned char* sram_dmi_ = nullptr;
  float staging_[sched::kTileDim * sched::kTileDim];
};

// An EXEC runs for its kind's cycles (CostModel), then the tile kernel works
// on the SRAM bytes at the scheduled addresses, in place (DMI).
class ComputeUnit : public InOrderUnit {
 public:
  tlm_utils::simple_initiator_socket<ComputeUnit> to_sram;
  // kernels: nullptr for timing only.
  ComputeUnit(sc_core::sc_module_name name, const sched::Schedule& schedule, const CostModel& costs,
              sc_core::sc_time cycle, const kernels::KernelSet* kernels);

 private:
  void finish(const sched::Uop& uop) override;
  void end_of_elaboration() override;
  float* at(std::uint32_t address) const { return reinterpret_cast<float*>(sram_ + address); }

  const kernels::KernelSet* kernels_;
  unsigned char* sram_ = nullptr;
};

}  // namespace tilesim::sim
