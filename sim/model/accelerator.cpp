#include "sim/model/accelerator.h"

#include <string>

namespace tilesim::sim {

namespace {

std::size_t dma_engines(const HwConfig& hw) { return hw.dram.ideal ? 1 : static_cast<std::size_t>(hw.dma.channels); }

}  // namespace

Accelerator::Accelerator(sc_core::sc_module_name name, const sched::Schedule& schedule,
                         const sched::TransferBytes& bytes, const HwConfig& hw, const kernels::KernelSet* kernels,
                         bool progress, const DramBinder& bind_dram, bool exec_thread, bool check_thread)
    : sc_core::sc_module(name),
      costs(hw),
      transfer_bytes(bytes),
      cycle(static_cast<double>(hw.cycle_ps()), sc_core::SC_PS),
      tokens("tokens", schedule),
      activity("activity", schedule, cycle, progress),
      commands("commands", schedule, dma_engines(hw), static_cast<std::size_t>(hw.dma.queue_depth),
               static_cast<std::size_t>(hw.compute.queue_depth), activity),
      dram(bind_dram ? nullptr : std::make_unique<DramModule>("dram", schedule, hw.dram, kernels != nullptr)),
      sram("sram", schedule, hw.sram.banks, kernels != nullptr),
      exec_worker(exec_thread && kernels ? std::make_unique<ExecWorker>(*kernels, schedule, check_thread) : nullptr),
      compute("compute", schedule, costs, transfer_bytes, cycle, kernels, exec_worker.get()) {
  if (dram) dram->activity(activity);
  compute.tokens(tokens);
  compute.activity(activity);
  compute.sram_ports(sram);
  compute.commands.bind_fifo(commands, commands.compute_fifo());
  compute.to_sram.bind(sram.socket);
  const bool with_data = kernels != nullptr;
  if (hw.dram.ideal) {
    dma = std::make_unique<DmaEngine>("dma", schedule, costs, transfer_bytes, cycle, with_data);
    dma->tokens(tokens);
    dma->activity(activity);
    dma->sram_ports(sram);
    dma->commands.bind_fifo(commands, commands.dma_fifo(0));
    bind_dram ? bind_dram(dma->to_dram) : dma->to_dram.bind(dram->socket);
    dma->to_sram.bind(sram.socket);
    dma->share_sram_with(exec_worker.get());
    return;
  }
  const std::size_t engine_count = dma_engines(hw);
  for (std::size_t e = 0; e < engine_count; ++e) {
    const std::string engine_name = engine_count == 1 ? "dma" : "dma" + std::to_string(e);
    engines.push_back(
        std::make_unique<BurstDmaEngine>(engine_name.c_str(), schedule, hw, costs, transfer_bytes, cycle, with_data));
    BurstDmaEngine& engine = *engines.back();
    engine.tokens(tokens);
    engine.activity(activity);
    engine.sram_ports(sram);
    engine.commands.bind_fifo(commands, commands.dma_fifo(e));
    bind_dram ? bind_dram(engine.to_dram) : engine.to_dram.bind(dram->socket);
    engine.to_sram.bind(sram.socket);
    engine.share_sram_with(exec_worker.get());
  }
}

LayerCounts Accelerator::dma_counts() const {
  if (dma) return dma->counts();
  LayerCounts total = engines.front()->counts();
  for (std::size_t e = 1; e < engines.size(); ++e) total += engines[e]->counts();
  return total;
}

}  // namespace tilesim::sim
