// Tables of real-valued keys read from a hardware-file section, each key
// defaulting to a preset's value: the one reader and writer behind the DRAM's
// power figures (dram_power.h) and the energy and area parameters
// (energy_config.h), so their keys, ranges and units are stated once.
#pragma once

#include <limits>
#include <optional>
#include <sstream>
#include <string>

#include "compiler/support/number_format.h"
#include "compiler/support/yaml_reader.h"

namespace tilesim {

template <typename Config>
struct NumberKey {
  const char* key;
  double Config::*field;
  yaml::NumberRule rule;
};

// Zero or more: -denorm_min is the largest number below 0.0, so 0 passes the
// reader's "greater than" test and every negative number fails it.
inline constexpr double kZeroOrMore = -std::numeric_limits<double>::denorm_min();

// Reads every key of `table` from `section`, each defaulting to the same field
// of `defaults` (every key required when null).
template <typename Config, std::size_t N>
void read_number_keys(yaml::MapReader& section, const NumberKey<Config> (&table)[N], const Config* defaults,
                      Config& out) {
  for (const NumberKey<Config>& k : table) {
    out.*k.field = section.number(k.key, k.rule, defaults ? std::optional<double>(defaults->*k.field) : std::nullopt);
  }
}

// One "INDENTkey: value  # unit" line per key, read back equal by read_number_keys.
template <typename Config, std::size_t N>
std::string number_keys_yaml(const NumberKey<Config> (&table)[N], const Config& values, const std::string& indent) {
  std::ostringstream out;
  for (const NumberKey<Config>& k : table) {
    out << indent << k.key << ": " << format_number(values.*k.field) << "  # " << k.rule.unit << "\n";
  }
  return out.str();
}

template <typename Config, std::size_t N>
bool number_keys_equal(const NumberKey<Config> (&table)[N], const Config& a, const Config& b) {
  for (const NumberKey<Config>& k : table) {
    if (a.*k.field != b.*k.field) return false;
  }
  return true;
}

}  // namespace tilesim
