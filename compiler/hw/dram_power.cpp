#include "compiler/hw/dram_power.h"

#include <cmath>

#include "compiler/support/input_error.h"
#include "compiler/support/number_format.h"
#include "compiler/support/yaml_reader.h"

namespace tilesim {

namespace {

using yaml::kZeroOrMore;
using yaml::MapReader;
using yaml::NumberRule;

constexpr double kMaxCurrentMa = 1e6;
constexpr char kCurrent[] = "mA per device";
constexpr char kCurrentExpected[] = "a number >= 0 and <= 1000000 (mA per device)";

// The keys of one rail: "vdd_v", "idd0_ma", ... or "vpp_v", "ipp0_ma", ...
struct RailKey {
  const char* suffix;
  double DramRail::*field;
};
const RailKey kRailKeys[] = {
    {"0_ma", &DramRail::idd0_ma},   {"2n_ma", &DramRail::idd2n_ma}, {"3n_ma", &DramRail::idd3n_ma},
    {"4r_ma", &DramRail::idd4r_ma}, {"4w_ma", &DramRail::idd4w_ma}, {"5b_ma", &DramRail::idd5b_ma},
};

struct Rail {
  const char* volts_key;       // "vdd_v"
  const char* current_prefix;  // "idd"
  DramRail DramPower::*rail;
};
const Rail kRails[] = {{"vdd_v", "idd", &DramPower::vdd}, {"vpp_v", "ipp", &DramPower::vpp}};

std::string current_key(const Rail& rail, const RailKey& k) { return std::string(rail.current_prefix) + k.suffix; }

DramRail read_rail(MapReader& power, const Rail& rail, const DramRail* defaults) {
  DramRail r;
  auto fallback = [&](double DramRail::*field) {
    return defaults ? std::optional<double>(defaults->*field) : std::nullopt;
  };
  r.volts =
      power.number(rail.volts_key, NumberRule{kZeroOrMore, 100, "V", "a number >= 0 and <= 100 (V; 0: no such rail)"},
                   fallback(&DramRail::volts));
  for (const RailKey& k : kRailKeys) {
    r.*k.field = power.number(current_key(rail, k), NumberRule{kZeroOrMore, kMaxCurrentMa, kCurrent, kCurrentExpected},
                              fallback(k.field));
  }
  return r;
}

// IDD0 >= IDD3N >= IDD2N and IDD4R, IDD4W, IDD5B >= IDD3N: the formulas
// subtract the standby current from each. A broken relation is reported at
// the key of the two that the section itself gives (the user's), else the first.
void check_order(const MapReader& power, const Rail& rail, const DramRail& r) {
  const std::string p = rail.current_prefix;
  const auto n = [](double v) { return format_number(v); };
  auto require = [&](bool holds, const std::string& greater, double greater_value, const char* relation,
                     const std::string& lesser, double lesser_value) {
    if (holds) return;
    const std::string key = power.has(greater) || !power.has(lesser) ? greater : lesser;
    power.fail(key,
               "contradicts the other currents: " + greater + " " + n(greater_value) + " " + relation + " " + lesser +
                   " " + n(lesser_value),
               "IDD0 >= IDD3N >= IDD2N, and IDD4R, IDD4W, IDD5B >= IDD3N (each rail)");
  };
  require(r.idd3n_ma >= r.idd2n_ma, p + "3n_ma", r.idd3n_ma, "<", p + "2n_ma", r.idd2n_ma);
  require(r.idd0_ma >= r.idd3n_ma, p + "0_ma", r.idd0_ma, "<", p + "3n_ma", r.idd3n_ma);
  require(r.idd4r_ma >= r.idd3n_ma, p + "4r_ma", r.idd4r_ma, "<", p + "3n_ma", r.idd3n_ma);
  require(r.idd4w_ma >= r.idd3n_ma, p + "4w_ma", r.idd4w_ma, "<", p + "3n_ma", r.idd3n_ma);
  require(r.idd5b_ma >= r.idd3n_ma, p + "5b_ma", r.idd5b_ma, "<", p + "3n_ma", r.idd3n_ma);
}

}  // namespace

bool DramRail::operator==(const DramRail& o) const {
  return volts == o.volts && idd0_ma == o.idd0_ma && idd2n_ma == o.idd2n_ma && idd3n_ma == o.idd3n_ma &&
         idd4r_ma == o.idd4r_ma && idd4w_ma == o.idd4w_ma && idd5b_ma == o.idd5b_ma;
}

DramPower read_dram_power(MapReader& dram, const DramPower* defaults) {
  MapReader power = dram.section("power", defaults == nullptr,
                                 "a mapping with keys vdd_v, idd0_ma, idd2n_ma, idd3n_ma, idd4r_ma, idd4w_ma, "
                                 "idd5b_ma, the same of vpp_v and ipp*, devices_per_rank, io_pj_per_bit");
  DramPower p;
  for (const Rail& rail : kRails) p.*rail.rail = read_rail(power, rail, defaults ? &(defaults->*rail.rail) : nullptr);
  p.devices_per_rank = power.number("devices_per_rank", NumberRule{0, 1024, "devices"},
                                    defaults ? std::optional<double>(defaults->devices_per_rank) : std::nullopt);
  p.io_pj_per_bit = power.number(
      "io_pj_per_bit", NumberRule{kZeroOrMore, 1e6, "pJ per bit", "a number >= 0 and <= 1000000 (pJ per bit)"},
      defaults ? std::optional<double>(defaults->io_pj_per_bit) : std::nullopt);
  power.finish();
  if (p.devices_per_rank != std::floor(p.devices_per_rank)) {
    power.fail("devices_per_rank", format_number(p.devices_per_rank) + " is not a whole number",
               "a whole number of devices, 1 to 1024");
  }
  for (const Rail& rail : kRails) check_order(power, rail, p.*rail.rail);
  return p;
}

std::string dram_power_yaml(const DramPower& p) {
  std::string out = "  power:  # per device; docs/energy.md\n";
  for (const Rail& rail : kRails) {
    const DramRail& r = p.*rail.rail;
    out += "    " + std::string(rail.volts_key) + ": " + format_number(r.volts) + "\n";
    for (const RailKey& k : kRailKeys) out += "    " + current_key(rail, k) + ": " + format_number(r.*k.field) + "\n";
  }
  out += "    devices_per_rank: " + format_number(p.devices_per_rank) + "\n";
  out += "    io_pj_per_bit: " + format_number(p.io_pj_per_bit) + "\n";
  return out;
}

}  // namespace tilesim
