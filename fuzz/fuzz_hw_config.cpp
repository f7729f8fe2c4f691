// libFuzzer target: the hardware YAML reader, tilesim::parse_hw_config.
//
// Input: YAML text. It is parsed twice: as a whole file, and with its first
// line taken as one --set override (KEY.PATH=VALUE) applied to the rest.
// Oracles: only InputError may escape; a config that loads must survive
// to_yaml -> parse_hw_config unchanged (the documented round trip).
#include <cstddef>
#include <cstdint>
#include <string>
#include <typeinfo>
#include <vector>

#include "compiler/hw/hw_config.h"
#include "compiler/support/input_error.h"
#include "fuzz/fuzz_common.h"

namespace {

void check_round_trip(const tilesim::HwConfig& config) {
  const std::string yaml = tilesim::to_yaml(config);
  tilesim::HwConfig again;
  try {
    again = tilesim::parse_hw_config(yaml, "round-trip.yaml");
  } catch (const tilesim::InputError& e) {
    tilesim::fuzz::finding(std::string("to_yaml output does not load back: ") + e.what() + "\n" + yaml);
  }
  if (!(again == config)) tilesim::fuzz::finding("to_yaml round trip changes the config:\n" + yaml);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  TILESIM_FUZZ_GUARD(check_round_trip(tilesim::parse_hw_config(text, "fuzz.yaml")));

  const std::size_t newline = text.find('\n');
  if (newline != std::string::npos) {
    const std::vector<std::string> overrides{text.substr(0, newline)};
    TILESIM_FUZZ_GUARD(check_round_trip(tilesim::parse_hw_config(text.substr(newline + 1), "fuzz.yaml", overrides)));
  }
  return 0;
}
