// The concurrent processes of the accelerator: the sequencer that issues the
// schedule, the DMA engine and the compute unit. Each unit has an in-order
// command FIFO of `queue_depth` uOp ids; it starts a uOp once the uOp's
// dependency token has arrived, holds the unit for the uOp's cycles, then
// does the uOp's data movement or math and hands out its token.
#pragma once

#include <systemc>

#include "sim/model/machine.h"

namespace tilesim::sim {

// Issues the uOps in schedule order into the unit FIFOs, holding back while
// the target FIFO is full (a single instruction stream, as in VTA-like designs).
SC_MODULE(Sequencer) {
  sc_core::sc_fifo_out<std::uint32_t> to_dma;
  sc_core::sc_fifo_out<std::uint32_t> to_compute;
  SC_HAS_PROCESS(Sequencer);
  Sequencer(sc_core::sc_module_name name, Machine & machine);
  void issue();

 private:
  Machine& m_;
  std::uint32_t next_ = 0;
};

// An in-order unit: takes uOp ids from its command FIFO, starts each once its
// dependency token has arrived, holds the unit busy for the uOp's cycles (CostModel),
// then does the uOp's work (finish) and hands out its token. A method
// process (a state machine woken by events), not a thread: no context switch
// per uOp, which is most of a thread's cost at these tile sizes.
class InOrderUnit : public sc_core::sc_module {
 public:
  sc_core::sc_fifo_in<std::uint32_t> commands;
  SC_HAS_PROCESS(InOrderUnit);
  InOrderUnit(sc_core::sc_module_name name, Machine& machine, int unit);
  void step();

 protected:
  virtual void finish(const sched::Uop& uop) = 0;
  Machine& m_;

 private:
  const int unit_;
  bool holding_ = false;  // a uOp taken from the FIFO, not yet finished
  bool busy_ = false;     // ... and started
  std::uint32_t current_ = 0;
};

// LOAD and STORE: the transfer's cycles (CostModel), then the tile moves
// between DRAM and SRAM.
class DmaEngine : public InOrderUnit {
 public:
  DmaEngine(sc_core::sc_module_name name, Machine& machine) : InOrderUnit(name, machine, kDma) {}

 private:
  void finish(const sched::Uop& uop) override;
};

// EXEC: the kind's cycles (CostModel), then the kernel runs on the SRAM bytes
// at the scheduled addresses.
class ComputeUnit : public InOrderUnit {
 public:
  ComputeUnit(sc_core::sc_module_name name, Machine& machine) : InOrderUnit(name, machine, kCompute) {}

 private:
  void finish(const sched::Uop& uop) override;
};

}  // namespace tilesim::sim
