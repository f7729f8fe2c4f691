// What one `tilesim run` measured: the figures of stats.json and of the
// summary printed at the end of a run (definitions in docs/stats.md).
#pragma once

#include <ostream>
#include <string>

#include "compiler/hw/hw_config.h"
#include "compiler/schedule/schedule.h"
#include "sim/model/simulate.h"

namespace tilesim::sim {

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

// The short human summary printed after a run.
void write_summary(const RunReport& report, std::ostream& out);

}  // namespace tilesim::sim
