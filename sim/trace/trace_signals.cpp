#include "sim/trace/trace_signals.h"

namespace tilesim::sim {

namespace {

struct NamedWidth {
  const char* name;
  int width;
};
constexpr NamedWidth kAccelerator[] = {{"dma_busy", 1},       {"compute_busy", 1},      {"overlap", 1},
                                       {"dma_uop", 32},       {"compute_uop", 32},      {"dma_queue", 32},
                                       {"compute_queue", 32}, {"sram_bytes_in_use", 64}};
constexpr std::size_t kAcceleratorSignals = sizeof(kAccelerator) / sizeof(kAccelerator[0]);

}  // namespace

std::vector<VcdSignal> accelerator_signals() {
  std::vector<VcdSignal> all;
  for (const NamedWidth& s : kAccelerator) all.push_back({s.name, s.width});
  return all;
}

TraceLayout TraceLayout::of(const HwConfig& hw, const sched::Schedule& schedule) {
  TraceLayout layout;
  layout.layers = schedule.layers_known();
  layout.dram_channels = hw.dram.ideal ? 0 : static_cast<std::size_t>(hw.dram.channels);
  layout.sram_stalls = !hw.sram.banks.ideal();
  return layout;
}

std::vector<VcdSignal> TraceLayout::signals() const {
  std::vector<VcdSignal> all = accelerator_signals();
  if (layers) {
    for (std::size_t role = 0; role < 2; ++role) all.push_back({layer_signal_name(role), 32});
  }
  for (std::size_t c = 0; c < dram_channels; ++c) {
    all.push_back({dram_signal_name(c, DramSignal::Busy), 1});
    all.push_back({dram_signal_name(c, DramSignal::RowHits), 64});
    all.push_back({dram_signal_name(c, DramSignal::Refreshes), 64});
  }
  if (sram_stalls) {
    for (std::size_t role = 0; role < 2; ++role) all.push_back({sram_stall_signal_name(role), 1});
  }
  return all;
}

std::size_t TraceLayout::layer_index(std::size_t role) const { return kAcceleratorSignals + role; }

std::size_t TraceLayout::dram_index(std::size_t channel, DramSignal what) const {
  return kAcceleratorSignals + layer_signals() + channel * kDramSignalsPerChannel + static_cast<std::size_t>(what);
}

std::size_t TraceLayout::sram_stall_index(std::size_t role) const {
  return kAcceleratorSignals + layer_signals() + dram_channels * kDramSignalsPerChannel + role;
}

std::string dram_signal_name(std::size_t channel, DramSignal what) {
  static const char* const kNames[] = {"busy", "row_hits", "refreshes"};
  return "dram.ch" + std::to_string(channel) + "." + kNames[static_cast<std::size_t>(what)];
}

std::string sram_stall_signal_name(std::size_t role) { return role == 0 ? "sram.dma_stall" : "sram.compute_stall"; }

std::string layer_signal_name(std::size_t role) { return role == 0 ? "dma_layer" : "compute_layer"; }

}  // namespace tilesim::sim
