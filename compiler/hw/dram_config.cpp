#include "compiler/hw/dram_config.h"

#include <algorithm>
#include <sstream>

#include "compiler/hw/presets.h"
#include "compiler/support/input_error.h"
#include "compiler/support/number_format.h"
#include "compiler/support/yaml_reader.h"

namespace tilesim {

namespace {

using yaml::IntRule;
using yaml::MapReader;

// Bounds keep every derived product (capacity, bits of an address, time in
// ps) far from int64 overflow: the largest organisation has 61 address bits.
constexpr std::int64_t kMaxTimingCycles = std::int64_t{1} << 20;
constexpr char kCycles[] = "nCK";

struct IntKey {
  const char* key;
  std::int64_t DramConfig::*field;
  IntRule rule;
  bool bit_field = false;  // the address mapping decodes it as bits: a power of two
};

// Every integer key in the order dram_yaml writes it: one table for reading,
// writing and comparing.
const IntKey kIntKeys[] = {
    {"channels", &DramConfig::channels, {1, 64, "channels, a power of two"}, true},
    {"ranks", &DramConfig::ranks, {1, 16, "ranks per channel, a power of two"}, true},
    {"bank_groups", &DramConfig::bank_groups, {1, 16, "bank groups per rank, a power of two"}, true},
    {"banks_per_group", &DramConfig::banks_per_group, {1, 64, "banks per bank group, a power of two"}, true},
    {"rows", &DramConfig::rows, {1, std::int64_t{1} << 20, "rows per bank, a power of two"}, true},
    {"columns", &DramConfig::columns, {1, std::int64_t{1} << 14, "columns per row, a power of two"}, true},
    {"bus_width_bits", &DramConfig::bus_width_bits, {8, 1024, "bits, a power of two"}, true},
    {"burst_length", &DramConfig::burst_length, {2, 64, "beats, a power of two"}, true},
    {"tck_ps", &DramConfig::tck_ps, {1, 1000000, "ps"}},
    {"CL", &DramConfig::CL, {1, kMaxTimingCycles, kCycles}},
    {"CWL", &DramConfig::CWL, {1, kMaxTimingCycles, kCycles}},
    {"tRCD", &DramConfig::tRCD, {1, kMaxTimingCycles, kCycles}},
    {"tRP", &DramConfig::tRP, {1, kMaxTimingCycles, kCycles}},
    {"tRAS", &DramConfig::tRAS, {1, kMaxTimingCycles, kCycles}},
    {"tRC", &DramConfig::tRC, {1, kMaxTimingCycles, kCycles}},
    {"tWR", &DramConfig::tWR, {1, kMaxTimingCycles, kCycles}},
    {"tRTP", &DramConfig::tRTP, {1, kMaxTimingCycles, kCycles}},
    {"tCCD_S", &DramConfig::tCCD_S, {1, kMaxTimingCycles, kCycles}},
    {"tCCD_L", &DramConfig::tCCD_L, {1, kMaxTimingCycles, kCycles}},
    {"tRRD_S", &DramConfig::tRRD_S, {1, kMaxTimingCycles, kCycles}},
    {"tRRD_L", &DramConfig::tRRD_L, {1, kMaxTimingCycles, kCycles}},
    {"tFAW", &DramConfig::tFAW, {1, kMaxTimingCycles, kCycles}},
    {"tWTR_S", &DramConfig::tWTR_S, {1, kMaxTimingCycles, kCycles}},
    {"tWTR_L", &DramConfig::tWTR_L, {1, kMaxTimingCycles, kCycles}},
    {"tRTW", &DramConfig::tRTW, {1, kMaxTimingCycles, kCycles}},
    {"tRTRS", &DramConfig::tRTRS, {0, kMaxTimingCycles, kCycles}},
    {"tRFC", &DramConfig::tRFC, {1, kMaxTimingCycles, kCycles}},
    {"tREFI", &DramConfig::tREFI, {1, kMaxTimingCycles, kCycles}},
};
const IntKey kQueueDepth = {"queue_depth", &DramConfig::queue_depth, {1, 1024, "requests per channel"}};

constexpr char kPolicyExpected[] = "open or closed";

struct FieldName {
  DramField field;
  const char* token;
  const char* count_key;
};
const FieldName kFields[] = {
    {DramField::kRow, "Ro", "rows"},
    {DramField::kBankGroup, "Bg", "bank_groups"},
    {DramField::kBank, "Ba", "banks_per_group"},
    {DramField::kRank, "Ra", "ranks"},
    {DramField::kColumn, "Co", "columns"},
    {DramField::kChannel, "Ch", "channels"},
};

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

bool power_of_two(std::int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

// ------------------------------------------------------------ consistency

// The key a broken relation is reported at: the first of `keys` that the
// section itself gives (the user changed it), else the first.
std::string blame(const MapReader& section, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (section.has(key)) return key;
  }
  return *keys.begin();
}

void check_counts(const DramConfig& c, const MapReader& section) {
  for (const IntKey& k : kIntKeys) {
    if (k.bit_field && !power_of_two(c.*k.field)) {
      section.fail(k.key, std::to_string(c.*k.field) + " is not a power of two",
                   "a power of two: the address mapping decodes it as a bit field");
    }
  }
  if (c.columns % c.burst_length != 0) {
    section.fail(
        blame(section, {"columns", "burst_length"}),
        "columns " + std::to_string(c.columns) + " is not a multiple of burst_length " + std::to_string(c.burst_length),
        "a row of whole bursts: columns a multiple of burst_length");
  }
}

// `later` >= `earlier` (a same-bank-group timing against its other-group twin).
void check_at_least(const MapReader& section, const char* later, std::int64_t later_value, const char* earlier,
                    std::int64_t earlier_value, const std::string& expected) {
  if (later_value >= earlier_value) return;
  section.fail(blame(section, {later, earlier}),
               std::string(later) + " " + std::to_string(later_value) + " is less than " + earlier + " " +
                   std::to_string(earlier_value),
               expected);
}

// The shortest tREFI that leaves room for one access between two refreshes
// (docs/dram-model.md, "Refresh"): without it a request can wait forever.
std::int64_t min_refresh_interval(const DramConfig& c) {
  const std::int64_t write_recovery = c.CWL + c.burst_cycles() + c.tWR;
  return c.tRFC + c.tRP + std::max({c.tRAS, c.tRTP, write_recovery}) + std::max({c.tRC, c.tFAW, c.tRRD_L}) + c.tRCD +
         std::max({c.tRTW, c.CWL + c.burst_cycles() + c.tWTR_L, c.tCCD_L}) + 1;
}

void check_timing(const DramConfig& c, const MapReader& section) {
  if (c.tFAW < 4 * c.tRRD_S) {
    section.fail(blame(section, {"tFAW", "tRRD_S"}),
                 "tFAW " + std::to_string(c.tFAW) + " is less than 4 * tRRD_S = " + std::to_string(4 * c.tRRD_S),
                 "tFAW >= 4 * tRRD_S: four activates fit in one window");
  }
  if (c.tRC < c.tRAS + c.tRP) {
    section.fail(blame(section, {"tRC", "tRAS", "tRP"}),
                 "tRC " + std::to_string(c.tRC) + " is less than tRAS + tRP = " + std::to_string(c.tRAS + c.tRP),
                 "tRC >= tRAS + tRP");
  }
  const std::string same_group = "the same-bank-group timing at least the other-group one";
  check_at_least(section, "tCCD_L", c.tCCD_L, "tCCD_S", c.tCCD_S, same_group);
  check_at_least(section, "tRRD_L", c.tRRD_L, "tRRD_S", c.tRRD_S, same_group);
  check_at_least(section, "tWTR_L", c.tWTR_L, "tWTR_S", c.tWTR_S, same_group);
  if (c.tCCD_S < c.burst_cycles()) {
    section.fail(
        blame(section, {"tCCD_S", "burst_length"}),
        "tCCD_S " + std::to_string(c.tCCD_S) + " is less than burst_length / 2 = " + std::to_string(c.burst_cycles()),
        "tCCD_S >= the nCK one burst holds the data bus (burst_length / 2)");
  }
  if (c.tREFI < min_refresh_interval(c)) {
    section.fail(blame(section, {"tREFI", "tRFC"}),
                 "tREFI " + std::to_string(c.tREFI) + " leaves no room for an access between refreshes",
                 "tREFI >= " + std::to_string(min_refresh_interval(c)) +
                     " = tRFC + tRP + max(tRAS, tRTP, CWL + BL/2 + tWR) + max(tRC, tFAW, tRRD_L) + tRCD + "
                     "max(tRTW, CWL + BL/2 + tWTR_L, tCCD_L) + 1");
  }
}

std::string mapping_expected(const DramConfig& c) {
  std::vector<std::string> wanted;
  for (const FieldName& f : kFields) {
    if (dram_field_count(c, f.field) > 1) wanted.push_back(f.token);
  }
  return "exactly the fields whose count is above 1, each once, most significant first: " + join(wanted, ", ");
}

// The mapping's fields, or a failure naming what is wrong with it.
std::vector<DramField> parse_mapping(const DramConfig& c, const MapReader& section) {
  const std::string& text = c.address_mapping;
  std::vector<DramField> fields;
  for (std::size_t at = 0; at < text.size(); at += 2) {
    const std::string token = text.substr(at, 2);
    const auto it =
        std::find_if(std::begin(kFields), std::end(kFields), [&](const FieldName& f) { return token == f.token; });
    if (it == std::end(kFields)) {
      section.fail(
          "address_mapping",
          quoted(text) + " has " + quoted(token) + " at character " + std::to_string(at + 1) + ", which is not a field",
          "fields Ro, Bg, Ba, Ra, Co, Ch, most significant first, e.g. RoBaRaCoBgCh");
    }
    if (std::find(fields.begin(), fields.end(), it->field) != fields.end()) {
      section.fail("address_mapping", quoted(text) + " names " + it->token + " twice", mapping_expected(c));
    }
    fields.push_back(it->field);
  }
  return fields;
}

void check_mapping(const DramConfig& c, const MapReader& section) {
  const std::vector<DramField> fields = parse_mapping(c, section);
  for (const FieldName& f : kFields) {
    const std::int64_t count = dram_field_count(c, f.field);
    const bool named = std::find(fields.begin(), fields.end(), f.field) != fields.end();
    if (named == (count > 1)) continue;
    const std::string count_text = f.field == DramField::kColumn
                                       ? "columns / burst_length is " + std::to_string(count)
                                       : std::string(f.count_key) + " is " + std::to_string(count);
    section.fail(blame(section, {"address_mapping", f.count_key}),
                 quoted(c.address_mapping) + (named ? " names " : " lacks ") + f.token + ", but " + count_text,
                 mapping_expected(c));
  }
}

void check_config(const DramConfig& c, const MapReader& section) {
  check_counts(c, section);
  check_timing(c, section);
  check_mapping(c, section);
}

// ------------------------------------------------------------ reading

PagePolicy read_policy(MapReader& section, const std::optional<std::string>& fallback) {
  const std::string text = section.string("page_policy", fallback);
  if (text.empty()) return PagePolicy::kOpen;  // absent and required: finish() reports it
  if (text == "open") return PagePolicy::kOpen;
  if (text == "closed") return PagePolicy::kClosed;
  section.fail("page_policy", quoted(text) + " is not a page policy" + yaml::did_you_mean(text, {"open", "closed"}),
               kPolicyExpected);
}

const char* policy_name(PagePolicy p) { return p == PagePolicy::kOpen ? "open" : "closed"; }

// Reads every key other than `preset` from `section`, each defaulting to the
// same field of `defaults` (none when null: every key is required).
DramConfig read_fields(MapReader& section, const DramConfig* defaults) {
  DramConfig c;
  auto fallback = [&](std::int64_t DramConfig::*field) {
    return defaults ? std::optional<std::int64_t>(defaults->*field) : std::nullopt;
  };
  for (const IntKey& k : kIntKeys) c.*k.field = section.integer(k.key, k.rule, fallback(k.field));
  c.page_policy =
      read_policy(section, defaults ? std::optional<std::string>(policy_name(defaults->page_policy)) : std::nullopt);
  c.address_mapping = section.string("address_mapping",
                                     defaults ? std::optional<std::string>(defaults->address_mapping) : std::nullopt);
  c.queue_depth = section.integer(kQueueDepth.key, kQueueDepth.rule, fallback(kQueueDepth.field));
  c.power = read_dram_power(section, defaults ? &defaults->power : nullptr);
  c.ideal = false;
  return c;
}

// The ideal preset has nothing to set: a timing key given with it is a mistake.
void reject_keys_with_ideal(const MapReader& section) {
  std::vector<const char*> keys;
  for (const IntKey& k : kIntKeys) keys.push_back(k.key);
  keys.insert(keys.end(), {"page_policy", "address_mapping", kQueueDepth.key, "power"});
  for (const char* key : keys) {
    if (!section.has(key)) continue;
    std::vector<std::string> timed;
    for (const std::string& name : dram_preset_names()) {
      if (name != "ideal") timed.push_back(name);
    }
    section.fail(key, "the ideal preset has no DRAM timing to set",
                 "no other dram key with preset ideal, or a preset with timing: " + join(timed, ", "));
  }
}

}  // namespace

// A preset file is a hardware-file fragment: one `dram:` section giving every key.
DramConfig parse_dram_preset(const std::string& name, const std::string& text, const std::string& path) {
  const yaml::Document doc = yaml::Document::parse(text, path);
  MapReader root = doc.root("a mapping with key dram");
  MapReader section = root.section("dram", true, "a mapping with every dram key but preset");
  DramConfig c;
  if (name != "ideal") c = read_fields(section, nullptr);
  section.finish();
  root.finish();
  if (!c.ideal) check_config(c, section);
  c.preset = name;
  return c;
}

std::vector<std::string> dram_preset_names() { return preset_names(dram_presets::kAll, dram_presets::kCount); }

std::int64_t dram_field_count(const DramConfig& c, DramField field) {
  switch (field) {
    case DramField::kChannel:
      return c.channels;
    case DramField::kRank:
      return c.ranks;
    case DramField::kBankGroup:
      return c.bank_groups;
    case DramField::kBank:
      return c.banks_per_group;
    case DramField::kRow:
      return c.rows;
    case DramField::kColumn:
      return c.columns / c.burst_length;
  }
  return 1;
}

std::vector<DramField> dram_mapping_fields(const DramConfig& c) {
  std::vector<DramField> fields;
  for (std::size_t at = 0; at + 1 < c.address_mapping.size(); at += 2) {
    const std::string token = c.address_mapping.substr(at, 2);
    for (const FieldName& f : kFields) {
      if (token == f.token) fields.push_back(f.field);
    }
  }
  return fields;
}

bool DramConfig::operator==(const DramConfig& o) const {
  for (const IntKey& k : kIntKeys) {
    if (this->*k.field != o.*k.field) return false;
  }
  return preset == o.preset && ideal == o.ideal && page_policy == o.page_policy &&
         address_mapping == o.address_mapping && queue_depth == o.queue_depth && power == o.power;
}

DramConfig read_dram_config(MapReader& section) {
  const std::string name = section.string("preset", std::string("ideal"));
  const Preset* preset = find_preset(dram_presets::kAll, dram_presets::kCount, name);
  if (!preset) {
    const std::vector<std::string> names = dram_preset_names();
    section.fail("preset", quoted(name) + " is not a preset" + yaml::did_you_mean(name, names),
                 "one of: " + join(names, ", "));
  }
  const DramConfig defaults = parse_dram_preset(preset->name, std::string(preset->text, preset->size), preset->path);
  if (defaults.ideal) {
    reject_keys_with_ideal(section);
    read_fields(section, &defaults);  // none is present: this only tells finish() the keys, for its messages
    return defaults;
  }
  DramConfig c = read_fields(section, &defaults);
  c.preset = defaults.preset;
  check_config(c, section);
  return c;
}

std::string dram_yaml(const DramConfig& c) {
  std::ostringstream out;
  out << "dram:\n";
  if (c.ideal) {
    out << "  preset: ideal  # no DRAM timing: a transfer costs dma.setup_cycles + ceil(bytes / dma.bytes_per_cycle)\n";
    return out.str();
  }
  out << "  preset: " << c.preset << "\n";
  for (const IntKey& k : kIntKeys) {
    out << "  " << k.key << ": " << c.*k.field;
    if (k.field == &DramConfig::burst_length) {
      out << "  # " << c.burst_bytes() << " bytes a burst, " << c.burst_cycles() << " nCK on the data bus";
    } else if (k.field == &DramConfig::columns) {
      out << "  # " << c.row_bytes() << " bytes a row";
    } else if (k.field == &DramConfig::tck_ps) {
      out << "  # " << format_number(1e6 / static_cast<double>(c.tck_ps)) << " MHz memory clock, peak "
          << format_number(c.peak_bytes_per_second() / 1e9) << " GB/s, capacity " << c.capacity_bytes() << " bytes";
    }
    out << "\n";
  }
  out << "  page_policy: " << policy_name(c.page_policy) << "\n"
      << "  address_mapping: " << c.address_mapping << "\n"
      << "  queue_depth: " << c.queue_depth << "\n"
      << dram_power_yaml(c.power);
  return out.str();
}

}  // namespace tilesim
