// The simulator against the independent replay (timed_replay.h) on one run:
// every figure both report must be equal. For Catch2 tests: the comparisons
// are CHECKs, so one call reports every figure that differs.
//
// SystemC elaborates once per process, so simulate_in_child() forks: the
// child runs sim::simulate (timing only: no kernels, no trace) and sends its
// figures back through a pipe; the test process itself never elaborates and
// can compare any number of runs.
#pragma once

#include <cstdint>

#include "compiler/hw/hw_config.h"
#include "compiler/schedule/schedule.h"
#include "sim/memory/dram/dram_types.h"

namespace tilesim::test {

// Set to true once SimStats reports the DRAM's statistics (a
// dram::DramStats named `dram`): compare_with_simulator then also compares them.
inline constexpr bool kSimReportsDramStats = true;

struct RunFigures {
  std::int64_t cycles = 0;
  std::int64_t dma_busy_cycles = 0;
  std::int64_t compute_busy_cycles = 0;
  std::int64_t overlap_cycles = 0;
  dram::DramChannelStats dram;  // SimStats::dram.total (zero while kSimReportsDramStats is false)
};

// sim::simulate(schedule, hw, {}, {}) in a child process. Throws
// std::runtime_error with the child's message when it throws or dies.
RunFigures simulate_in_child(const sched::Schedule& schedule, const HwConfig& hw);

// reads, writes, row hits, misses and conflicts, refreshes: CHECKed equal.
void compare_dram_stats(const dram::DramChannelStats& simulator, const dram::DramChannelStats& replay);

// Replays the run and simulates it; CHECKs cycles, DMA and compute busy
// cycles, overlap (and the DRAM's statistics, see kSimReportsDramStats).
void compare_with_simulator(const sched::Schedule& schedule, const HwConfig& hw);

}  // namespace tilesim::test
