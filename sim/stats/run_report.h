// What one `tilesim run` measured: the figures of stats.json and of the
// summary printed at the end of a run (definitions in docs/stats.md).
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/hw/hw_config.h"
#include "compiler/schedule/schedule.h"
#include "sim/model/simulate.h"
#include "sim/stats/energy_report.h"

namespace tilesim::sim {

// One layer (Schedule::layers: one op after fusion): what the schedule says of
// it and what the run measured (docs/stats.md, "Per layer").
struct LayerReport {
  std::string name, ops, shapes, tiles, plan;  // as `tilesim compile` shows them
  LayerStats stats;                            // span, counts, bound
  std::int64_t loads_eliminated = 0;           // LayerSummary's
  std::int64_t sram_peak_bytes = 0;            // LayerSummary's
  double share = 0;                            // stats.cycles() / the run's cycles
  double efficiency = 1;                       // stats.bound_cycles() / stats.cycles()
  bool bottleneck = false;                     // the longest span (the first of equals)
};

struct RunReport {
  std::string model;
  std::string hw;
  double clock_mhz = 0;
  SimStats stats;
  std::int64_t loads_eliminated = 0;
  std::int64_t sram_capacity_bytes = 0;
  std::int64_t sram_peak_bytes = 0;
  std::string dram_preset;                // dram.preset ("ideal": no DRAM statistics)
  double dram_peak_bytes_per_second = 0;  // DramConfig::peak_bytes_per_second (0 for ideal)
  std::int64_t cycle_ps = 0;              // the simulated cycle (HwConfig::cycle_ps)
  std::int64_t sram_banks = 0;            // sram.banks (0: the ideal SRAM)
  std::string kernel;                     // "none" for --timing-only
  double wall_seconds = 0;                // the whole run: reading files, compiling, inputs, simulation
  double sim_wall_seconds = 0;            // the simulation alone (elaboration to the last uOp)
  int host_threads = 1;                   // threads the math ran on (SimOptions::host_threads; 1 timing-only)
  ThreadCheck thread_check;               // --threads auto's check (exec_worker.h), when made
  std::vector<LayerReport> layers;        // in schedule order; empty when !stats.layers_known
  EnergyReport energy;                    // energy, power, area, EDP (issue 15)

  double time_ns() const { return stats.cycles * 1000.0 / clock_mhz; }
  double efficiency() const { return stats.cycles ? static_cast<double>(stats.bound_cycles()) / stats.cycles : 1.0; }
  // DRAM bytes over the simulated run, cycles x cycle_ps, in GB/s (10^9 B/s).
  double achieved_gb_per_s(std::uint64_t bytes) const {
    return stats.cycles ? static_cast<double>(bytes) * 1000.0 / static_cast<double>(stats.cycles * cycle_ps) : 0.0;
  }
};

RunReport make_report(const sched::Schedule& schedule, const HwConfig& hw, const SimStats& stats,
                      const std::string& kernel, double wall_seconds, double sim_wall_seconds);

// stats.json, exactly the keys docs/stats.md lists.
std::string stats_json(const RunReport& report);

// Up to this many layers the summary lists every one; beyond, the
// kSummaryTopLayers longest, unless all_layers (`tilesim run --per-layer`).
inline constexpr std::size_t kSummaryAllLayers = 12;
inline constexpr std::size_t kSummaryTopLayers = 5;

// The short human summary printed after a run, ending with the layers.
void write_summary(const RunReport& report, std::ostream& out, bool all_layers = false);

}  // namespace tilesim::sim
