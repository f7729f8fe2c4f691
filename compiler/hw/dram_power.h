// A DRAM's datasheet currents and voltages, from which the EnergyModel
// (compiler/hw/energy_model.h) derives the energy of each command, as Micron's
// TN-40-07 "Calculating Memory Power for DDR4 SDRAM" does; docs/energy.md
// states every formula. It lives under the `power:` mapping of a DRAM preset
// (configs/dram/*.yaml, each figure's source beside it) and of a hardware
// file's `dram:` section, which may override any figure of its preset.
//
// Contract: currents are per device in mA, on two supply rails: `vdd_v` with
// the IDD currents and `vpp_v` with the IPP ones (DDR4's and HBM2's
// word-line pump; LPDDR4's second core rail VDD1). Each rail's currents must
// be ordered as the formulas need them: IDD0 >= IDD3N >= IDD2N, and IDD4R,
// IDD4W, IDD5B >= IDD3N (an energy would come out negative otherwise); a
// violation is one InputError naming the key. A rank is devices_per_rank
// devices side by side.
#pragma once

#include <cstdint>
#include <string>

namespace tilesim {

namespace yaml {
class MapReader;
}

// One supply rail's currents, per device.
struct DramRail {
  double volts = 0;
  double idd0_ma = 0;   // one bank activating and precharging every tRC
  double idd2n_ma = 0;  // precharge standby: every bank closed
  double idd3n_ma = 0;  // active standby: a bank open
  double idd4r_ma = 0;  // burst reads
  double idd4w_ma = 0;  // burst writes
  double idd5b_ma = 0;  // burst refresh: a REF every tRFC
  bool operator==(const DramRail& o) const;
};

struct DramPower {
  DramRail vdd;
  DramRail vpp;
  double devices_per_rank = 0;  // whole devices
  double io_pj_per_bit = 0;     // the interface: driver, termination and the channel, per bit moved
  bool operator==(const DramPower& o) const {
    return vdd == o.vdd && vpp == o.vpp && devices_per_rank == o.devices_per_rank && io_pj_per_bit == o.io_pj_per_bit;
  }
};

// Reads the `power:` mapping of `dram` (each key defaulting to `defaults`'
// figure; every key required when null) and checks the currents' order.
DramPower read_dram_power(yaml::MapReader& dram, const DramPower* defaults);

// The `power:` lines, indented under `dram:`, read back equal by read_dram_power.
std::string dram_power_yaml(const DramPower& power);

}  // namespace tilesim
