#include "sim/stats/run_report.h"

#include <nlohmann/json.hpp>

#include <iomanip>

#include <sstream>
#include "compiler/support/number_format.h"

namespace tilesim::sim {

RunReport make_report(const sched::Schedule& schedule, const HwConfig& hw, const SimStats& stats,
                      const std::string& kernel, double wall_seconds, double sim_wall_seconds) {
  RunReport r;
  r.model = schedule.model;
  r.hw = hw.name;
  r.clock_mhz = hw.clock_mhz;
  r.stats = stats;
  r.loads_eliminated = schedule.loads_eliminated;
  r.sram_capacity_bytes = hw.sram.size_bytes();
  r.sram_peak_bytes = schedule.sram_peak_bytes;
  r.kernel = kernel;
  r.wall_seconds = wall_seconds;
  r.sim_wall_seconds = sim_wall_seconds;
  return r;
}

std::string stats_json(const RunReport& r) {
  const SimStats& s = r.stats;
  nlohmann::ordered_json j;
  j["model"] = r.model;
  j["hw"] = r.hw;
  j["clock_mhz"] = r.clock_mhz;
  j["cycles"] = s.cycles;
  j["time_ns"] = r.time_ns();
  j["dma"] = {{"busy_cycles", s.dma_busy_cycles},
              {"bytes_loaded", s.bytes_loaded},
              {"bytes_stored", s.bytes_stored},
              {"loads", s.loads},
              {"stores", s.stores},
              {"loads_eliminated", r.loads_eliminated}};
  j["compute"] = {{"busy_cycles", s.compute_busy_cycles}, {"tile_ops", s.tile_ops}};
  j["overlap_cycles"] = s.overlap_cycles;
  j["sram"] = {{"capacity_bytes", r.sram_capacity_bytes}, {"peak_bytes", r.sram_peak_bytes}};
  j["bound"] = {
      {"compute_cycles", s.bound_compute_cycles}, {"dma_cycles", s.bound_dma_cycles}, {"cycles", s.bound_cycles()}};
  j["efficiency"] = r.efficiency();
  j["uops"] = s.uops;
  j["kernel"] = r.kernel;
  j["wall_seconds"] = r.wall_seconds;
  j["sim_wall_seconds"] = r.sim_wall_seconds;
  j["uops_per_second"] = r.sim_wall_seconds > 0 ? s.uops / r.sim_wall_seconds : 0.0;
  return j.dump(2) + "\n";
}

namespace {

std::string percent(std::int64_t part, std::int64_t whole) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << (whole ? 100.0 * part / whole : 0.0) << "%";
  return out.str();
}

}  // namespace

void write_summary(const RunReport& r, std::ostream& out) {
  const SimStats& s = r.stats;
  out << std::fixed;
  out << "model " << r.model << " on " << r.hw << " (" << format_number(r.clock_mhz) << " MHz), kernel " << r.kernel
      << "\n"
      << "  cycles            " << s.cycles << "  (" << std::setprecision(3) << r.time_ns() / 1000.0 << " us)\n"
      << "  DMA busy          " << s.dma_busy_cycles << " cycles, " << percent(s.dma_busy_cycles, s.cycles) << "\n"
      << "  compute busy      " << s.compute_busy_cycles << " cycles, " << percent(s.compute_busy_cycles, s.cycles)
      << "\n"
      << "  overlap           " << s.overlap_cycles << " cycles, " << percent(s.overlap_cycles, s.cycles) << "\n"
      << "  DMA traffic       " << s.bytes_loaded << " B loaded in " << s.loads << " loads, " << s.bytes_stored
      << " B stored in " << s.stores << " stores\n"
      << "  loads eliminated  " << r.loads_eliminated << "\n"
      << "  SRAM peak         " << r.sram_peak_bytes << " of " << r.sram_capacity_bytes << " B\n"
      << "  lower bound       " << s.bound_cycles() << " cycles (compute " << s.bound_compute_cycles << ", DMA "
      << s.bound_dma_cycles << "), efficiency " << std::setprecision(3) << r.efficiency() << "\n"
      << "  wall time         " << std::setprecision(3) << r.wall_seconds << " s, of which simulation "
      << r.sim_wall_seconds << " s: " << std::setprecision(0)
      << (r.sim_wall_seconds > 0 ? s.uops / r.sim_wall_seconds : 0.0) << " uOps/s (" << s.uops << " uOps)\n";
}

}  // namespace tilesim::sim
