#include "sim/model/accelerator.h"

namespace tilesim::sim {

Accelerator::Accelerator(sc_core::sc_module_name name, const sched::Schedule& schedule, const HwConfig& hw,
                         const kernels::KernelSet* kernels, bool progress)
    : sc_core::sc_module(name),
      costs(hw),
      cycle(static_cast<double>(hw.cycle_ps()), sc_core::SC_PS),
      tokens("tokens", schedule),
      activity("activity", schedule, cycle, progress),
      dma_commands("dma_commands", static_cast<int>(hw.dma.queue_depth)),
      compute_commands("compute_commands", static_cast<int>(hw.compute.queue_depth)),
      dram("dram", schedule, kernels != nullptr),
      sram("sram", schedule, kernels != nullptr),
      sequencer("sequencer", schedule),
      dma("dma", schedule, costs, cycle, &dram.image(), kernels != nullptr),
      compute("compute", schedule, costs, cycle, kernels) {
  sequencer.to_dma(dma_commands);
  sequencer.to_compute(compute_commands);
  sequencer.activity(activity);
  for (InOrderUnit* unit : {static_cast<InOrderUnit*>(&dma), static_cast<InOrderUnit*>(&compute)}) {
    unit->tokens(tokens);
    unit->activity(activity);
  }
  dma.commands(dma_commands);
  compute.commands(compute_commands);
  dma.to_dram.bind(dram.socket);
  dma.to_sram.bind(sram.socket);
  compute.to_sram.bind(sram.socket);
}

}  // namespace tilesim::sim
