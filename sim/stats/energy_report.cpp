#include "sim/stats/energy_report.h"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <sstream>

namespace tilesim::sim {

namespace {

Activity run_activity(const SimStats& s) {
  Activity a;
  a.matmul_execs = s.matmul_execs;
  a.vector_cycles = s.vector_cycles;
  for (const SramRequesterStats& r : s.sram) {
    a.sram_bytes_read += r.bytes_read;
    a.sram_bytes_written += r.bytes_written;
  }
  if (s.dram_timed) {
    const dram::DramChannelStats& d = s.dram.total;
    a.dram_bytes = static_cast<std::int64_t>(d.bytes);
    a.dram_read_bursts = static_cast<std::int64_t>(d.reads);
    a.dram_write_bursts = static_cast<std::int64_t>(d.writes);
    a.dram_activates = static_cast<std::int64_t>(d.activates);
    a.dram_refreshes = static_cast<std::int64_t>(d.refreshes);
  } else {
    a.dram_bytes = s.bytes_loaded + s.bytes_stored;
  }
  a.cycles = s.cycles;
  return a;
}

// A layer's dynamic energy: its own compute and SRAM work, and the run's DRAM
// dynamic energy in proportion to its DMA bytes.
EnergyBreakdown layer_energy(const EnergyModel& model, const LayerStats& l, const EnergyBreakdown& run,
                             std::int64_t run_dma_bytes) {
  Activity a;
  a.matmul_execs = l.matmul_execs;
  a.vector_cycles = l.vector_cycles;
  a.sram_bytes_read = l.sram_bytes_read;
  a.sram_bytes_written = l.sram_bytes_written;
  EnergyBreakdown e = model.energy(a);
  const double share = run_dma_bytes ? double(l.bytes_loaded + l.bytes_stored) / double(run_dma_bytes) : 0.0;
  e.dram_activate_pj = run.dram_activate_pj * share;
  e.dram_read_pj = run.dram_read_pj * share;
  e.dram_write_pj = run.dram_write_pj * share;
  e.dram_transfer_pj = run.dram_transfer_pj * share;
  return e;
}

}  // namespace

EnergyReport make_energy_report(const HwConfig& hw, const SimStats& stats) {
  const EnergyModel model(hw);
  EnergyReport r;
  r.preset = hw.energy.preset;
  r.technology_nm = hw.energy.technology_nm;
  r.run = model.energy(run_activity(stats));
  r.area = model.area();
  r.time_s = double(stats.cycles) * double(hw.cycle_ps()) * 1e-12;
  for (const LayerStats& l : stats.layers) {
    r.layers.push_back(layer_energy(model, l, r.run, stats.bytes_loaded + stats.bytes_stored));
  }
  return r;
}

void add_energy_json(const EnergyReport& r, nlohmann::ordered_json& j) {
  const EnergyBreakdown& e = r.run;
  j["energy"] = {{"preset", r.preset},
                 {"technology_nm", r.technology_nm},
                 {"total_uj", r.total_uj()},
                 {"total_pj", e.total_pj()},
                 {"compute",
                  {{"total_pj", e.compute_pj()},
                   {"mac_pj", e.mac_pj},
                   {"vector_pj", e.vector_pj},
                   {"leakage_pj", e.compute_leakage_pj}}},
                 {"sram",
                  {{"total_pj", e.sram_pj()},
                   {"read_pj", e.sram_read_pj},
                   {"write_pj", e.sram_write_pj},
                   {"leakage_pj", e.sram_leakage_pj}}},
                 {"dram",
                  {{"total_pj", e.dram_pj()},
                   {"activate_pj", e.dram_activate_pj},
                   {"read_pj", e.dram_read_pj},
                   {"write_pj", e.dram_write_pj},
                   {"refresh_pj", e.dram_refresh_pj},
                   {"transfer_pj", e.dram_transfer_pj},
                   {"background_pj", e.dram_background_pj}}}};
  j["power_mw"] = r.power_mw();
  j["area_mm2"] = {{"mac_array", r.area.mac_array_mm2},
                   {"vector_unit", r.area.vector_unit_mm2},
                   {"sram", r.area.sram_mm2},
                   {"total", r.area.total_mm2()}};
  j["edp_uj_us"] = r.edp_uj_us();
}

void add_layer_energy_json(const EnergyBreakdown& e, nlohmann::ordered_json& layer) {
  layer["energy_pj"] = {{"mac", e.mac_pj},
                        {"vector", e.vector_pj},
                        {"sram", e.sram_pj()},
                        {"dram", e.dram_pj()},
                        {"total", e.total_pj()}};
}

void write_energy_lines(const EnergyReport& r, std::ostream& out) {
  const EnergyBreakdown& e = r.run;
  const double total = e.total_pj();
  const auto share = [total](double part) { return total > 0 ? 100.0 * part / total : 0.0; };
  std::ostringstream edp;  // four significant digits, whatever its size
  edp << std::setprecision(4) << r.edp_uj_us();
  out << std::fixed << std::setprecision(3) << "  energy            " << r.total_uj() << " uJ (compute "
      << std::setprecision(1) << share(e.compute_pj()) << "%, SRAM " << share(e.sram_pj()) << "%, DRAM "
      << share(e.dram_pj()) << "%), " << r.power_mw() << " mW, EDP " << edp.str() << " uJ*us [" << r.preset << "]\n"
      << std::setprecision(3) << "  area              " << r.area.total_mm2() << " mm2 (MAC array "
      << r.area.mac_array_mm2 << ", vector unit " << r.area.vector_unit_mm2 << ", SRAM " << r.area.sram_mm2 << ")\n";
}

}  // namespace tilesim::sim
