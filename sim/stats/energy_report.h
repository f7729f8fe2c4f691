// A run's energy, power, area and energy-delay product (issue 15): the
// EnergyModel (compiler/hw/energy_model.h) applied to what the simulation
// counted, for stats.json's `energy`, `power_mw`, `area_mm2` and `edp_uj_us`
// and the summary's energy lines (docs/stats.md, docs/energy.md).
//
// Contract: the run's energy counts every event of the run and its leakage
// and DRAM background for the whole simulated time. A layer's energy is its
// dynamic part only: its EXECs' MAC and vector work, its uOps' SRAM bytes, and
// its share of the DRAM's dynamic energy (activates, bursts, transfer) in
// proportion to the DMA bytes it moved; on the ideal DRAM that share is
// exactly its bytes' energy. Refresh, background and leakage belong to time,
// not to a layer, so the layers add up to the run's dynamic energy.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "compiler/hw/energy_model.h"
#include "compiler/hw/hw_config.h"
#include "sim/model/simulate.h"

namespace tilesim::sim {

struct EnergyReport {
  std::string preset;
  double technology_nm = 0;
  EnergyBreakdown run;
  AreaEstimate area;
  double time_s = 0;                    // the simulated run
  std::vector<EnergyBreakdown> layers;  // dynamic only; empty when the layers are unknown

  double total_uj() const { return run.total_pj() * 1e-6; }
  double power_mw() const { return time_s > 0 ? run.total_pj() * 1e-9 / time_s : 0.0; }
  // Energy x delay in uJ x us.
  double edp_uj_us() const { return total_uj() * time_s * 1e6; }
};

EnergyReport make_energy_report(const HwConfig& hw, const SimStats& stats);

// The run's keys: energy, power_mw, area_mm2, edp_uj_us.
void add_energy_json(const EnergyReport& report, nlohmann::ordered_json& stats);
// A layer's energy_pj object.
void add_layer_energy_json(const EnergyBreakdown& layer, nlohmann::ordered_json& layer_json);

// Two summary lines: energy by component with power and EDP, then area.
void write_energy_lines(const EnergyReport& report, std::ostream& out);

}  // namespace tilesim::sim
