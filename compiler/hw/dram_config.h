// The DRAM behind the accelerator: what a hardware file's `dram:` section
// says, on top of a preset from configs/dram/ (compiled into the library, so
// `dram.preset: ddr4-3200` works from any folder).
//
// Contract: read_dram_config() reads `preset` first (default "ideal"), then
// every other key with the preset's value as its default; each key is
// validated with its range and unit, then the organisation and timing as a
// whole (docs/dram-model.md lists every rule). Any bad input is one
// InputError "FILE:LINE: dram.KEY: problem (expected ...)"; a bad preset file
// names that file. The preset `ideal` is today's model, with no DRAM timing:
// the DMA keeps `setup_cycles + ceil(bytes / bytes_per_cycle)` and every other
// field is unused (zero) and may not be set.
//
// Units: sizes in the names (bits, bytes); every timing field is in cycles of
// the memory clock (nCK, period tck_ps), which is independent of the
// accelerator's clock. Timing fields keep their JEDEC names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/hw/dram_power.h"

namespace tilesim {

namespace yaml {
class MapReader;
}

enum class PagePolicy { kOpen, kClosed };

struct DramConfig {
  std::string preset = "ideal";
  bool ideal = true;

  // Organisation. Counts per channel except `channels`; every count is a power
  // of two (the address mapping gives each a bit field).
  std::int64_t channels = 0;
  std::int64_t ranks = 0;            // per channel
  std::int64_t bank_groups = 0;      // per rank; 1 = no bank groups: every bank is in the one group
  std::int64_t banks_per_group = 0;  // per bank group
  std::int64_t rows = 0;             // per bank
  std::int64_t columns = 0;          // per row, each bus_width_bits wide
  std::int64_t bus_width_bits = 0;   // data bus of one channel
  std::int64_t burst_length = 0;     // BL: beats per burst, BL/2 nCK on the DDR bus

  // Timing, in nCK of the memory clock.
  std::int64_t tck_ps = 0;  // the memory clock period
  std::int64_t CL = 0, CWL = 0, tRCD = 0, tRP = 0, tRAS = 0, tRC = 0, tWR = 0, tRTP = 0;
  std::int64_t tCCD_S = 0, tCCD_L = 0, tRRD_S = 0, tRRD_L = 0, tFAW = 0;
  std::int64_t tWTR_S = 0, tWTR_L = 0;
  std::int64_t tRTW = 0;   // read command to write command, any bank of the channel
  std::int64_t tRTRS = 0;  // gap on the data bus when consecutive bursts come from different ranks
  std::int64_t tRFC = 0;   // all-bank refresh blocks the rank this long
  std::int64_t tREFI = 0;  // one all-bank refresh per rank every tREFI

  // Controller (one per channel).
  PagePolicy page_policy = PagePolicy::kOpen;
  std::string address_mapping;   // fields from most to least significant, e.g. "RoBaRaCoBgCh"
  std::int64_t queue_depth = 0;  // requests per channel

  // Datasheet currents and voltages, for the energy of each command (issue 15).
  DramPower power;

  std::int64_t burst_bytes() const { return bus_width_bits / 8 * burst_length; }
  std::int64_t burst_cycles() const { return burst_length / 2; }  // nCK a burst holds the data bus
  std::int64_t row_bytes() const { return bus_width_bits / 8 * columns; }
  std::int64_t banks_per_rank() const { return bank_groups * banks_per_group; }
  std::int64_t capacity_bytes() const { return channels * ranks * banks_per_rank() * rows * row_bytes(); }
  // Every channel's data bus busy every cycle: channels * burst_bytes per BL/2 nCK.
  double peak_bytes_per_second() const {
    return ideal ? 0.0
                 : static_cast<double>(channels * burst_bytes()) * 1e12 / static_cast<double>(burst_cycles() * tck_ps);
  }

  bool operator==(const DramConfig& other) const;
  bool operator!=(const DramConfig& other) const { return !(*this == other); }
};

// Reads the keys of a hardware file's `dram:` section listed in
// docs/dram-model.md (an absent section reads as empty: the `ideal` preset).
// The caller may read more keys of its own from `section` and then calls
// section.finish(), which rejects every key nobody read.
DramConfig read_dram_config(yaml::MapReader& section);

// The fully-defaulted section as YAML: a `dram:` line, then one 2-space
// indented line per key, with derived figures as comments; read back by
// read_dram_config it gives an equal DramConfig.
std::string dram_yaml(const DramConfig& config);

// Reads one preset file's text (a `dram:` section giving every key but
// preset); `path` names it in messages. read_dram_config reads the compiled-in
// presets with it; tests read broken ones.
DramConfig parse_dram_preset(const std::string& name, const std::string& text, const std::string& path);

// The presets compiled into the library, sorted by name.
std::vector<std::string> dram_preset_names();

// The fields an address mapping names: Ch, Ra, Bg, Ba, Ro, Co.
enum class DramField { kChannel, kRank, kBankGroup, kBank, kRow, kColumn };
// How many values a field takes (columns count bursts: columns / burst_length).
std::int64_t dram_field_count(const DramConfig& config, DramField field);
// The fields of a valid config's address_mapping, most significant first.
std::vector<DramField> dram_mapping_fields(const DramConfig& config);

}  // namespace tilesim
