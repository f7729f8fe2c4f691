// A GTKWave save file beside each VCD, so that `gtkwave run.vcd run.gtkw`
// opens with the accelerator's signals grouped, named and in readable radix.
#pragma once

#include <cstdint>
#include <string>

#include "sim/trace/trace_signals.h"

namespace tilesim::sim {

// The save file's text for the VCD at `vcd_path` (as the user named it),
// opening on [start_ns, end_ns]: the whole run or the trace window. The
// groups follow `layout`: activity, current uOp, queues, SRAM, then SRAM
// stalls with banks, then one group per DRAM channel of a timed DRAM.
std::string gtkw_text(const std::string& vcd_path, std::int64_t start_ns, std::int64_t end_ns,
                      const TraceLayout& layout);

// "traces/mlp.vcd" -> "traces/mlp.gtkw" (any other name: + ".gtkw").
std::string gtkw_path_for(const std::string& vcd_path);

}  // namespace tilesim::sim
