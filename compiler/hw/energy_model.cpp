#include "compiler/hw/energy_model.h"

#include <algorithm>
#include <cmath>

namespace tilesim {

namespace {

constexpr double kTileMacs = double(sched::kTileDim) * sched::kTileDim * sched::kTileDim;
constexpr double kTileElements = double(sched::kTileDim) * sched::kTileDim;

// Units: mA x V x ps = 1e-15 J = 1e-3 pJ; uW x ps = 1e-18 J = 1e-6 pJ.
constexpr double kPjPerMaVPs = 1e-3;
constexpr double kPjPerUwPs = 1e-6;
constexpr double kMm2PerUm2 = 1e-6;

// pick(rail) (mA, or mA x ps) times the rail's voltage, summed over both rails,
// in pJ (or pJ per ps) for every device of a rank.
template <typename Pick>
double rails_pj(const DramPower& p, Pick pick) {
  return (pick(p.vdd) * p.vdd.volts + pick(p.vpp) * p.vpp.volts) * kPjPerMaVPs * p.devices_per_rank;
}

}  // namespace

EnergyModel::EnergyModel(const HwConfig& hw)
    : energy_(hw.energy),
      dram_(hw.dram),
      cycle_ps_(hw.cycle_ps()),
      sram_kib_(hw.sram.size_kib),
      sram_banks_(std::max<std::int64_t>(1, hw.sram.banks.banks)) {
  mac_cells_ = hw.compute.array.given() ? double(hw.compute.array.rows * hw.compute.array.cols)
                                        : kTileMacs / double(hw.compute.matmul_tile_cycles);
  vector_lanes_ = hw.compute.vector_lanes > 0 ? double(hw.compute.vector_lanes)
                                              : kTileElements / double(hw.compute.vector_tile_cycles);
  const double bank_kib = double(sram_kib_) / double(sram_banks_);
  // A HwConfig built in code without an energy section has no reference size: no SRAM energy.
  sram_read_pj_per_byte_ = energy_.sram_reference_kib <= 0
                               ? 0.0
                               : energy_.sram_read_pj_per_64bit / 8.0 *
                                     std::pow(bank_kib / energy_.sram_reference_kib, energy_.sram_size_exponent);
}

double EnergyModel::dram_activate_pj() const {
  if (dram_.ideal) return 0;
  const double rc = ps(dram_.tRC), ras = ps(dram_.tRAS);
  return rails_pj(dram_.power,
                  [&](const DramRail& r) { return r.idd0_ma * rc - r.idd3n_ma * ras - r.idd2n_ma * (rc - ras); });
}

double EnergyModel::dram_read_burst_pj() const {
  if (dram_.ideal) return 0;
  const double burst = ps(dram_.burst_cycles());
  return rails_pj(dram_.power, [&](const DramRail& r) { return (r.idd4r_ma - r.idd3n_ma) * burst; });
}

double EnergyModel::dram_write_burst_pj() const {
  if (dram_.ideal) return 0;
  const double burst = ps(dram_.burst_cycles());
  return rails_pj(dram_.power, [&](const DramRail& r) { return (r.idd4w_ma - r.idd3n_ma) * burst; });
}

double EnergyModel::dram_refresh_pj() const {
  if (dram_.ideal) return 0;
  const double rfc = ps(dram_.tRFC);
  return rails_pj(dram_.power, [&](const DramRail& r) { return (r.idd5b_ma - r.idd3n_ma) * rfc; });
}

double EnergyModel::dram_background_mw() const {
  if (dram_.ideal) return 0;
  const bool open = dram_.page_policy == PagePolicy::kOpen;
  // rails_pj of one ps is mW x 1e-3: undo the unit to get mW.
  const double per_rank_mw =
      rails_pj(dram_.power, [&](const DramRail& r) { return open ? r.idd3n_ma : r.idd2n_ma; }) / kPjPerMaVPs;
  return per_rank_mw * double(dram_.ranks * dram_.channels);
}

double EnergyModel::dram_pj_per_byte_moved() const {
  return 8.0 * (dram_.ideal ? energy_.ideal_dram_pj_per_bit : dram_.power.io_pj_per_bit);
}

double EnergyModel::leakage_mw() const {
  const double uw = energy_.sram_leakage_uw_per_kib * double(sram_kib_) +
                    energy_.logic_leakage_uw_per_mac * (mac_cells_ + vector_lanes_);
  return uw * 1e-3;
}

EnergyBreakdown EnergyModel::energy(const Activity& a) const {
  EnergyBreakdown e;
  const double run_ps = double(a.cycles) * double(cycle_ps_);
  e.mac_pj = double(a.matmul_execs) * kTileMacs * energy_.mac_pj;
  e.vector_pj = double(a.vector_cycles) * vector_lanes_ * energy_.vector_op_pj;
  e.compute_leakage_pj = energy_.logic_leakage_uw_per_mac * (mac_cells_ + vector_lanes_) * run_ps * kPjPerUwPs;
  e.sram_read_pj = double(a.sram_bytes_read) * sram_read_pj_per_byte();
  e.sram_write_pj = double(a.sram_bytes_written) * sram_write_pj_per_byte();
  e.sram_leakage_pj = energy_.sram_leakage_uw_per_kib * double(sram_kib_) * run_ps * kPjPerUwPs;
  e.dram_transfer_pj = double(a.dram_bytes) * dram_pj_per_byte_moved();
  e.dram_activate_pj = double(a.dram_activates) * dram_activate_pj();
  e.dram_read_pj = double(a.dram_read_bursts) * dram_read_burst_pj();
  e.dram_write_pj = double(a.dram_write_bursts) * dram_write_burst_pj();
  e.dram_refresh_pj = double(a.dram_refreshes) * dram_refresh_pj();
  e.dram_background_pj = dram_background_mw() * run_ps * kPjPerMaVPs;
  return e;
}

AreaEstimate EnergyModel::area() const {
  AreaEstimate a;
  a.mac_array_mm2 = mac_cells_ * energy_.mac_area_um2 * kMm2PerUm2;
  a.vector_unit_mm2 = vector_lanes_ * energy_.vector_lane_area_um2 * kMm2PerUm2;
  a.sram_mm2 = (double(sram_kib_) * energy_.sram_area_um2_per_kib + double(sram_banks_) * energy_.sram_bank_area_um2) *
               kMm2PerUm2;
  return a;
}

}  // namespace tilesim
