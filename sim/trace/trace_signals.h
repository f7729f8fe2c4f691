// Which signals a run's trace holds (docs/traces.md), in one place for the
// VCD (ActivityMonitor) and the GTKWave save file (gtkw_writer.h), so the two
// never disagree.
//
// Contract: the accelerator's eight signals come first, always, in the order
// of accelerator_signals(). A schedule that gives its uOps' layers
// (Schedule::layers_known) adds `dma_layer` and `compute_layer` (32 bits: the
// layer of the uOp dma_uop / compute_uop shows while that role is busy, else
// none, kVcdNone). A timed DRAM adds three per channel, channel by
// channel: `dram.chN.busy` (1 bit), `dram.chN.row_hits` and
// `dram.chN.refreshes` (64-bit running counts). SRAM banks (sram.banks > 0)
// add `sram.dma_stall` and `sram.compute_stall` (1 bit). A schedule file
// without layers on the ideal machine has exactly the eight signals.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "compiler/hw/hw_config.h"
#include "compiler/schedule/schedule.h"
#include "sim/trace/vcd_writer.h"

namespace tilesim::sim {

// The eight signals of every trace, in the order ActivityMonitor records them.
std::vector<VcdSignal> accelerator_signals();

// What a DRAM channel's signals show, in the order they are declared.
enum class DramSignal : std::size_t { Busy = 0, RowHits = 1, Refreshes = 2 };
inline constexpr std::size_t kDramSignalsPerChannel = 3;

struct TraceLayout {
  bool layers = false;            // the schedule gives its uOps' layers
  std::size_t dram_channels = 0;  // 0: the ideal DRAM, no channel signals
  bool sram_stalls = false;       // sram.banks > 0

  static TraceLayout of(const HwConfig& hw, const sched::Schedule& schedule);
  // Every signal, in declaration (and value) order.
  std::vector<VcdSignal> signals() const;
  // Indices into signals().
  std::size_t layer_index(std::size_t role) const;  // 0 dma, 1 compute; only with `layers`
  std::size_t dram_index(std::size_t channel, DramSignal what) const;
  std::size_t sram_stall_index(std::size_t role) const;  // 0 dma, 1 compute

 private:
  std::size_t layer_signals() const { return layers ? 2 : 0; }
};

// "dram.ch0.busy" and the like; "sram.dma_stall", "sram.compute_stall";
// "dma_layer", "compute_layer".
std::string dram_signal_name(std::size_t channel, DramSignal what);
std::string sram_stall_signal_name(std::size_t role);
std::string layer_signal_name(std::size_t role);

}  // namespace tilesim::sim
