// The energy and area model: what a run's activity costs in energy and what
// the hardware costs in silicon, from the physical parameters of the hardware
// file (energy_config.h, and the DRAM preset's currents in dram_power.h).
//
// Contract: this is the one place an energy or area formula lives; the run's
// report, the per-layer report, check-config's comments and the tests all ask
// it, and docs/energy.md states every rule below with its sources.
//
//   MAC           each matmul EXEC: 32^3 multiply-accumulates x energy.mac_pj
//                 (a fused bias, ReLU or GELU on the last K step is the
//                 array's output stage and adds nothing)
//   vector        each cycle of any other EXEC, every lane: lanes x
//                 energy.vector_op_pj (lanes: compute.vector_lanes, else
//                 1024 / compute.vector_tile_cycles)
//   SRAM          per byte read: sram_read_pj_per_64bit / 8 x
//                 (bank KiB / sram_reference_kib)^sram_size_exponent, a bank
//                 being size_kib / max(1, sram.banks); a byte written costs
//                 sram_write_to_read times that
//   DRAM, ideal   per byte moved: 8 x energy.ideal_dram_pj_per_bit
//   DRAM, timed   per device and rail (Micron TN-40-07), times devices_per_rank:
//                 ACT+PRE  V x (IDD0 tRC - IDD3N tRAS - IDD2N (tRC - tRAS))
//                 read     V x (IDD4R - IDD3N) x BL/2 tCK, per burst
//                 write    V x (IDD4W - IDD3N) x BL/2 tCK, per burst
//                 refresh  V x (IDD5B - IDD3N) x tRFC, per REF of a rank
//                 background  V x IDD3N (open page) or IDD2N (closed) for the
//                 whole run, every rank of every channel
//                 transfer io_pj_per_bit x 8 per byte on the bus (the interface)
//   leakage       for the whole run: sram_leakage_uw_per_kib x size_kib, and
//                 logic_leakage_uw_per_mac x (MAC cells + vector lanes)
//   area          MAC cells x mac_area_um2 + lanes x vector_lane_area_um2 +
//                 size_kib x sram_area_um2_per_kib + banks x sram_bank_area_um2
//                 (MAC cells: rows x cols of compute.array, else the array a
//                 tile matmul of compute.matmul_tile_cycles implies,
//                 32^3 / matmul_tile_cycles)
#pragma once

#include <cstdint>

#include "compiler/hw/hw_config.h"

namespace tilesim {

// What a run (or a layer of it) did, as the simulator counted it.
struct Activity {
  std::int64_t matmul_execs = 0;
  std::int64_t vector_cycles = 0;  // the cycles of every EXEC but matmul, without SRAM stalls
  std::int64_t sram_bytes_read = 0, sram_bytes_written = 0;
  std::int64_t dram_bytes = 0;  // to and from DRAM: the DMA's bytes (ideal), the bursts' (timed)
  std::int64_t dram_read_bursts = 0, dram_write_bursts = 0, dram_activates = 0, dram_refreshes = 0;  // timed
  std::int64_t cycles = 0;  // the time leakage and DRAM background run for
};

// Energies in pJ, by where they are spent.
struct EnergyBreakdown {
  double mac_pj = 0, vector_pj = 0, compute_leakage_pj = 0;
  double sram_read_pj = 0, sram_write_pj = 0, sram_leakage_pj = 0;
  double dram_activate_pj = 0, dram_read_pj = 0, dram_write_pj = 0, dram_refresh_pj = 0, dram_transfer_pj = 0,
         dram_background_pj = 0;
  double compute_pj() const { return mac_pj + vector_pj + compute_leakage_pj; }
  double sram_pj() const { return sram_read_pj + sram_write_pj + sram_leakage_pj; }
  double dram_pj() const {
    return dram_activate_pj + dram_read_pj + dram_write_pj + dram_refresh_pj + dram_transfer_pj + dram_background_pj;
  }
  double total_pj() const { return compute_pj() + sram_pj() + dram_pj(); }
};

struct AreaEstimate {
  double mac_array_mm2 = 0, vector_unit_mm2 = 0, sram_mm2 = 0;
  double total_mm2() const { return mac_array_mm2 + vector_unit_mm2 + sram_mm2; }
};

class EnergyModel {
 public:
  explicit EnergyModel(const HwConfig& hw);

  double mac_cells() const { return mac_cells_; }
  double vector_lanes() const { return vector_lanes_; }
  double sram_read_pj_per_byte() const { return sram_read_pj_per_byte_; }
  double sram_write_pj_per_byte() const { return sram_read_pj_per_byte_ * energy_.sram_write_to_read; }
  // A timed DRAM's commands, per rank (every device of it); 0 for the ideal DRAM.
  double dram_activate_pj() const;
  double dram_read_burst_pj() const;
  double dram_write_burst_pj() const;
  double dram_refresh_pj() const;
  double dram_background_mw() const;      // every rank of every channel
  double dram_pj_per_byte_moved() const;  // ideal: the whole access; timed: the I/O
  double leakage_mw() const;              // SRAM and logic

  EnergyBreakdown energy(const Activity& activity) const;
  AreaEstimate area() const;

 private:
  double ps(std::int64_t memory_cycles) const { return static_cast<double>(memory_cycles * dram_.tck_ps); }

  EnergyConfig energy_;
  DramConfig dram_;
  std::int64_t cycle_ps_;
  std::int64_t sram_kib_;
  std::int64_t sram_banks_;
  double mac_cells_;
  double vector_lanes_;
  double sram_read_pj_per_byte_;
};

}  // namespace tilesim
