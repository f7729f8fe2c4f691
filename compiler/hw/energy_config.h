// The physical parameters that turn a run's activity into energy and the
// hardware into area (issue 15): what a hardware file's `energy:` section
// says, on top of a preset from configs/energy/ (compiled into the library).
// It holds the parameters only; the formulas are the EnergyModel's
// (compiler/hw/energy_model.h), stated in docs/energy.md.
//
// Contract: read_energy_config() reads `preset` first (default
// horowitz-45nm, so every run reports energy), then every other key with the
// preset's value as its default. Energies, powers and areas are numbers >= 0
// (a reference energy and the areas > 0); any bad input is one InputError
// "FILE:LINE: energy.KEY: problem (expected ...)", a bad preset file naming
// that file. The DRAM's own figures live with its preset (dram_power.h).
#pragma once

#include <string>
#include <vector>

namespace tilesim {

namespace yaml {
class MapReader;
}

struct EnergyConfig {
  std::string preset;
  double technology_nm = 0;           // the process the figures are for (reported, not used)
  double mac_pj = 0;                  // one float32 multiply-accumulate of the array
  double vector_op_pj = 0;            // one float32 operation of one vector lane
  double sram_read_pj_per_64bit = 0;  // a 64-bit read of an SRAM array of sram_reference_kib
  double sram_reference_kib = 0;
  double sram_size_exponent = 0;        // energy per access ~ (array size)^exponent
  double sram_write_to_read = 0;        // a write's energy over a read's
  double sram_leakage_uw_per_kib = 0;   // static power per KiB of SRAM
  double logic_leakage_uw_per_mac = 0;  // static power per multiply-accumulate cell or vector lane
  double ideal_dram_pj_per_bit = 0;     // a bit moved to or from the `ideal` DRAM (no timing, no commands)
  double mac_area_um2 = 0;              // one float32 multiply-accumulate cell
  double vector_lane_area_um2 = 0;      // one float32 vector lane
  double sram_area_um2_per_kib = 0;     // bit cells and their share of the array's periphery
  double sram_bank_area_um2 = 0;        // each bank's own decoders, sense amplifiers and port

  bool operator==(const EnergyConfig& other) const;
  bool operator!=(const EnergyConfig& other) const { return !(*this == other); }
};

inline constexpr char kDefaultEnergyPreset[] = "horowitz-45nm";

// Reads the `energy:` section (absent: the default preset); finishes it.
EnergyConfig read_energy_config(yaml::MapReader& section);

// Reads one preset file's text (an `energy:` section giving every key but
// preset); `path` names it in messages.
EnergyConfig parse_energy_preset(const std::string& name, const std::string& text, const std::string& path);

// The presets compiled into the library, sorted by name.
std::vector<std::string> energy_preset_names();

// The fully-defaulted section: an `energy:` line and one indented line per
// key, read back equal by read_energy_config.
std::string energy_yaml(const EnergyConfig& config);

}  // namespace tilesim
