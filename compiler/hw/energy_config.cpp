#include "compiler/hw/energy_config.h"

#include "compiler/hw/presets.h"
#include "compiler/support/input_error.h"
#include "compiler/support/number_format.h"
#include "compiler/support/yaml_reader.h"

namespace tilesim {

namespace {

using yaml::kZeroOrMore;
using yaml::MapReader;
using yaml::NumberRule;

struct Key {
  const char* key;
  double EnergyConfig::*field;
  NumberRule rule;
};

constexpr double kMaxEnergyPj = 1e9;  // a millijoule: beyond any single event
constexpr double kMaxArea = 1e12;     // a square metre in um^2
constexpr char kAtLeastZeroPj[] = "a number >= 0 and <= 1000000000 (pJ)";
constexpr char kAtLeastZeroUw[] = "a number >= 0 and <= 1000000000 (uW)";

// Every key in the order energy_yaml writes it.
const Key kKeys[] = {
    {"technology_nm", &EnergyConfig::technology_nm, NumberRule{0, 1000, "nm"}},
    {"mac_pj", &EnergyConfig::mac_pj,
     NumberRule{kZeroOrMore, kMaxEnergyPj, "pJ per float32 multiply-accumulate", kAtLeastZeroPj}},
    {"vector_op_pj", &EnergyConfig::vector_op_pj,
     NumberRule{kZeroOrMore, kMaxEnergyPj, "pJ per lane operation", kAtLeastZeroPj}},
    {"sram_read_pj_per_64bit", &EnergyConfig::sram_read_pj_per_64bit,
     NumberRule{0, kMaxEnergyPj, "pJ per 64-bit read of an array of sram_reference_kib"}},
    {"sram_reference_kib", &EnergyConfig::sram_reference_kib, NumberRule{0, 1 << 22, "KiB"}},
    {"sram_size_exponent", &EnergyConfig::sram_size_exponent,
     NumberRule{kZeroOrMore, 2, "energy per access grows as (bank KiB / sram_reference_kib)^this",
                "a number >= 0 and <= 2"}},
    {"sram_write_to_read", &EnergyConfig::sram_write_to_read,
     NumberRule{kZeroOrMore, 100, "a write's energy over a read's", "a number >= 0 and <= 100"}},
    {"sram_leakage_uw_per_kib", &EnergyConfig::sram_leakage_uw_per_kib,
     NumberRule{kZeroOrMore, kMaxEnergyPj, "uW per KiB", kAtLeastZeroUw}},
    {"logic_leakage_uw_per_mac", &EnergyConfig::logic_leakage_uw_per_mac,
     NumberRule{kZeroOrMore, kMaxEnergyPj, "uW per multiply-accumulate cell or vector lane", kAtLeastZeroUw}},
    {"ideal_dram_pj_per_bit", &EnergyConfig::ideal_dram_pj_per_bit,
     NumberRule{kZeroOrMore, kMaxEnergyPj, "pJ per bit to or from the ideal DRAM", kAtLeastZeroPj}},
    {"mac_area_um2", &EnergyConfig::mac_area_um2, NumberRule{0, kMaxArea, "um^2 per multiply-accumulate cell"}},
    {"vector_lane_area_um2", &EnergyConfig::vector_lane_area_um2, NumberRule{0, kMaxArea, "um^2 per vector lane"}},
    {"sram_area_um2_per_kib", &EnergyConfig::sram_area_um2_per_kib, NumberRule{0, kMaxArea, "um^2 per KiB"}},
    {"sram_bank_area_um2", &EnergyConfig::sram_bank_area_um2,
     NumberRule{kZeroOrMore, kMaxArea, "um^2 per bank", "a number >= 0 and <= 1000000000000 (um^2)"}},
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

bool EnergyConfig::operator==(const EnergyConfig& o) const {
  for (const Key& k : kKeys) {
    if (this->*k.field != o.*k.field) return false;
  }
  return preset == o.preset;
}

EnergyConfig parse_energy_preset(const std::string& name, const std::string& text, const std::string& path) {
  const yaml::Document doc = yaml::Document::parse(text, path);
  MapReader root = doc.root("a mapping with key energy");
  MapReader section = root.section("energy", true, "a mapping with every energy key but preset");
  EnergyConfig c;
  for (const Key& k : kKeys) c.*k.field = section.number(k.key, k.rule, std::nullopt);
  section.finish();
  root.finish();
  c.preset = name;
  return c;
}

std::vector<std::string> energy_preset_names() { return preset_names(energy_presets::kAll, energy_presets::kCount); }

EnergyConfig read_energy_config(MapReader& section) {
  const std::string name = section.string("preset", std::string(kDefaultEnergyPreset));
  const Preset* preset = find_preset(energy_presets::kAll, energy_presets::kCount, name);
  if (!preset) {
    const std::vector<std::string> names = energy_preset_names();
    section.fail("preset", "unknown energy preset " + quoted(name) + yaml::did_you_mean(name, names),
                 "one of: " + join(names));
  }
  const EnergyConfig defaults =
      parse_energy_preset(preset->name, std::string(preset->text, preset->size), preset->path);
  EnergyConfig c;
  for (const Key& k : kKeys) c.*k.field = section.number(k.key, k.rule, defaults.*k.field);
  c.preset = defaults.preset;
  section.finish();
  return c;
}

std::string energy_yaml(const EnergyConfig& c) {
  std::string out = "energy:\n  preset: " + c.preset + "  # configs/energy/" + c.preset + ".yaml; docs/energy.md\n";
  for (const Key& k : kKeys)
    out += "  " + std::string(k.key) + ": " + format_number(c.*k.field) + "  # " + k.rule.unit + "\n";
  return out;
}

}  // namespace tilesim
