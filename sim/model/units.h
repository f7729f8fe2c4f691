// The concurrent processes of the accelerator: the sequencer that issues the
// schedule, the DMA engine and the compute unit. Each unit has an in-order
// command FIFO of `queue_depth` uOp ids; it starts a uOp once the uOp's
// dependency token has arrived, holds the unit for the uOp's cycles, then
// does the uOp's data movement or math and hands out its token.
#pragma once

#include <systemc>

#include "sim/model/machine.h"

namespace tilesim::sim {

// Issues the uOps in schedule order into the unit FIFOs, blocking while the
// target FIFO is full (a single instruction stream, as in VTA-like designs).
SC_MODULE(Sequencer) {
  sc_core::sc_fifo_out<std::uint32_t> to_dma;
  sc_core::sc_fifo_out<std::uint32_t> to_compute;
  SC_HAS_PROCESS(Sequencer);
  Sequencer(sc_core::sc_module_name name, Machine& machine);
  void issue();
  bool finished() const { return finished_; }

 private:
  Machine& m_;
  bool finished_ = false;
};

SC_MODULE(DmaEngine) {
  sc_core::sc_fifo_in<std::uint32_t> commands;
  SC_HAS_PROCESS(DmaEngine);
  DmaEngine(sc_core::sc_module_name name, Machine& machine);
  void run();

 private:
  Machine& m_;
};

SC_MODULE(ComputeUnit) {
  sc_core::sc_fifo_in<std::uint32_t> commands;
  SC_HAS_PROCESS(ComputeUnit);
  ComputeUnit(sc_core::sc_module_name name, Machine& machine);
  void run();

 private:
  void execute(const sched::Uop& uop);
  Machine& m_;
};

// Writes the trace signals from the machine's state after each change, as
// their only driver. Exists only in traced runs.
SC_MODULE(Tracer) {
  SC_HAS_PROCESS(Tracer);
  Tracer(sc_core::sc_module_name name, Machine& machine);
  void update();

 private:
  Machine& m_;
};

}  // namespace tilesim::sim
