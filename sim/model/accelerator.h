// The top level of the model: the sequencer, the units, the memories and the
// channels between them, built and bound in one place.
//
//   CommandQueues: sequencer --fifo--> DmaEngine (ideal DRAM) or BurstDmaEngine x dma.channels (timed)
//                     |                     |--TLM--> DramModule
//                     |                     `--TLM--> SramModule <--TLM-- ComputeUnit
//                     `-------fifo------------------------------------------^
//   every unit --port--> TokenBoard, ActivityMonitor, SramModule's ports
#pragma once

#include <systemc>

#include <functional>
#include <memory>
#include <vector>

#include "compiler/hw/cost_model.h"
#include "compiler/hw/hw_config.h"
#include "sim/model/activity_monitor.h"
#include "sim/model/burst_dma.h"
#include "sim/model/command_queues.h"
#include "sim/model/dram_module.h"
#include "sim/model/exec_worker.h"
#include "sim/model/sram_module.h"
#include "sim/model/token_board.h"
#include "sim/model/units.h"

namespace tilesim::sim {

// Binds a DMA engine's DRAM socket to a TLM-2.0 target of the caller's in
// place of the built-in DramModule (docs/architecture.md, "Binding another
// DRAM"): called once per engine.
using DramBinder = std::function<void(tlm::tlm_initiator_socket<>& dma_to_dram)>;

SC_MODULE(Accelerator) {
  // kernels: nullptr for a timing-only run (no data anywhere). bind_dram:
  // empty for the built-in DRAM; else there is no DramModule (`dram` is
  // null) and the caller's target must serve the bursts (a timed preset's
  // AT protocol, or b_transport-free `ideal`), transport_dbg or DMI for data.
  // `bytes` was built from `schedule` and outlives the accelerator.
  // exec_thread: the EXECs' kernels run on a second host thread
  // (exec_worker.h), with the same bytes as inline; only with kernels.
  // check_thread: the worker's thread check too (ExecWorker, `check`).
  Accelerator(sc_core::sc_module_name name, const sched::Schedule& schedule, const sched::TransferBytes& bytes,
              const HwConfig& hw, const kernels::KernelSet* kernels, bool progress, const DramBinder& bind_dram = {},
              bool exec_thread = false, bool check_thread = false);

  // What the DMA side did, over its engine(s).
  LayerCounts dma_counts() const;

  const CostModel costs;
  const sched::TransferBytes& transfer_bytes;  // what each DMA uOp moves, for the costs and counts
  const sc_core::sc_time cycle;
  TokenBoard tokens;
  ActivityMonitor activity;
  CommandQueues commands;  // the sequencer and a FIFO per DMA engine and the compute unit
  std::unique_ptr<DramModule> dram;
  SramModule sram;
  std::unique_ptr<ExecWorker> exec_worker;  // null: EXECs inline; stopped before the SRAM goes
  std::unique_ptr<DmaEngine> dma;                        // ideal DRAM
  std::vector<std::unique_ptr<BurstDmaEngine>> engines;  // timed DRAM
  ComputeUnit compute;
};

}  // namespace tilesim::sim
