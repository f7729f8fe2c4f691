#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "compiler/hw/hw_config.h"
#include "compiler/support/input_error.h"
#include "compiler/support/number_format.h"
#include "compiler/support/yaml_reader.h"

using tilesim::InputError;
using tilesim::yaml::Document;
using tilesim::yaml::IntRule;

TEST_CASE("parse_integer accepts plain decimal integers only", "[yaml]") {
  bool out_of_range = false;
  CHECK(tilesim::yaml::parse_integer("42", &out_of_range) == 42);
  CHECK(tilesim::yaml::parse_integer("+7", &out_of_range) == 7);
  CHECK(tilesim::yaml::parse_integer("-3", &out_of_range) == -3);
  CHECK_FALSE(tilesim::yaml::parse_integer("", &out_of_range));
  CHECK_FALSE(tilesim::yaml::parse_integer("0x10", &out_of_range));
  CHECK_FALSE(tilesim::yaml::parse_integer("1e3", &out_of_range));
  CHECK_FALSE(tilesim::yaml::parse_integer(" 5", &out_of_range));
  CHECK_FALSE(out_of_range);
  CHECK_FALSE(tilesim::yaml::parse_integer("9223372036854775808", &out_of_range));
  CHECK(out_of_range);
}

TEST_CASE("entries() keeps file order and marks user-chosen keys as known", "[yaml]") {
  const Document doc = Document::parse("tensors:\n  b: 1\n  a: 2\n  c: 3\n", "m.yaml");
  auto root = doc.root("a mapping");
  auto tensors = root.section("tensors", true, "a mapping");
  const auto entries = tensors.entries();
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].key == "b");
  CHECK(entries[1].key == "a");
  CHECK(entries[2].mark.line == 3);
  tensors.finish();  // nothing unknown
  root.finish();
}

TEST_CASE("errors in nested sections carry the full dotted key path", "[yaml]") {
  const Document doc = Document::parse("a:\n  b:\n    c: x\n", "deep.yaml");
  auto root = doc.root("a mapping");
  auto b = root.section("a", true, "a mapping").section("b", true, "a mapping");
  try {
    b.integer("c", IntRule{0, 10, ""}, std::nullopt);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) == "deep.yaml:3: a.b.c: 'x' is not an integer (expected an integer from 0 to 10)");
  }
}

TEST_CASE("control bytes in values are escaped so an error stays one line", "[yaml]") {
  CHECK(tilesim::quoted("a\nb\tc") == "'a\\x0ab\\x09c'");
  CHECK(tilesim::quoted(std::string("\x1b[2J\0\x7f", 6)) == "'\\x1b[2J\\x00\\x7f'");
  // C1 controls (CSI U+009B), a bidi override (U+202E), a line separator (U+2028).
  CHECK(tilesim::quoted("\xc2\x9b"
                        "1m \xe2\x80\xae \xe2\x80\xa8") == "'\\xc2\\x9b1m \\xe2\\x80\\xae \\xe2\\x80\\xa8'");
  // Invalid UTF-8: a stray byte, an overlong '/', a surrogate, a sequence cut short.
  CHECK(tilesim::quoted("\xff \xc0\xaf \xed\xa0\x80 \xe2\x82") == "'\\xff \\xc0\\xaf \\xed\\xa0\\x80 \\xe2\\x82'");
  // Printable UTF-8 stays as it is.
  CHECK(tilesim::quoted("caf\xc3\xa9 \xe2\x80\xa6") == "'caf\xc3\xa9 \xe2\x80\xa6'");
}

TEST_CASE("a long value is cut after 64 characters, saying how much is left out", "[yaml]") {
  CHECK(tilesim::quoted(std::string(64, 'x')) == "'" + std::string(64, 'x') + "'");
  CHECK(tilesim::quoted(std::string(100, 'x')) ==
        "'" + std::string(64, 'x') + "\xe2\x80\xa6' (100 bytes, 36 not shown)");
  CHECK(tilesim::quoted(std::string(1 << 20, 'a')) ==
        "'" + std::string(64, 'a') + "\xe2\x80\xa6' (1048576 bytes, 1048512 not shown)");
  // The cut never splits an escape or a UTF-8 character.
  CHECK(tilesim::quoted(std::string(62, 'x') + "\n" + "yz") ==
        "'" + std::string(62, 'x') + "\xe2\x80\xa6' (65 bytes, 3 not shown)");
  CHECK(tilesim::quoted(std::string(63, 'x') + "\xc3\xa9") ==
        "'" + std::string(63, 'x') + "\xe2\x80\xa6' (65 bytes, 2 not shown)");
  CHECK(tilesim::printable(std::string(70, '7')) == std::string(64, '7') + "\xe2\x80\xa6 (70 bytes, 6 not shown)");
  CHECK(tilesim::printable("a\nb", 2) == "a\xe2\x80\xa6 (3 bytes, 2 not shown)");
}

TEST_CASE("every InputError is one line of at most 4 KiB, whatever its parts hold", "[yaml]") {
  const std::string mega(1 << 20, 'm');
  const InputError composed(mega + "\n", mega, "problem " + mega, mega + "\x1b");
  const std::string text = composed.what();
  CHECK(text.size() <= tilesim::kMaxMessageBytes);
  CHECK(text.find('\n') == std::string::npos);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text == std::string(512, 'm') + "\xe2\x80\xa6 (1048577 bytes, 1048065 not shown): " + std::string(200, 'm') +
                    "\xe2\x80\xa6 (1048576 bytes, 1048376 not shown): problem " + std::string(1016, 'm') +
                    "\xe2\x80\xa6 (1048584 bytes, 1047560 not shown) (expected " + std::string(1024, 'm') +
                    "\xe2\x80\xa6 (1048577 bytes, 1047553 not shown))");
  const InputError whole(mega + "\r\n");
  CHECK(std::string(whole.what()).size() <= tilesim::kMaxMessageBytes);
  CHECK(std::string(whole.what()) == std::string(4032, 'm') + "\xe2\x80\xa6 (1048578 bytes, 1044546 not shown)");
  // A short message is left exactly as it was.
  CHECK(std::string(InputError("f.yaml:3", "a.b", "'x' is not an integer", "an integer").what()) ==
        "f.yaml:3: a.b: 'x' is not an integer (expected an integer)");
}

TEST_CASE("a --set value of a megabyte is cut in the flag and in the value", "[yaml]") {
  Document doc = Document::parse("size: 1\n", "c.yaml");
  doc.apply_override("size=" + std::string(1 << 20, '9'));
  auto root = doc.root("a mapping");
  try {
    root.integer("size", IntRule{0, 10, ""}, std::nullopt);
    FAIL("no error");
  } catch (const InputError& e) {
    const std::string nines = std::string(59, '9');
    CHECK(std::string(e.what()) == "--set size=" + nines + "\xe2\x80\xa6 (1048581 bytes, 1048517 not shown): size: '" +
                                       std::string(64, '9') +
                                       "\xe2\x80\xa6' (1048576 bytes, 1048512 not shown) is out of range "
                                       "(expected an integer from 0 to 10)");
  }
}

TEST_CASE("a missing file names the file and the system's reason", "[yaml]") {
  try {
    Document::load_file("/nonexistent/hw.yaml");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "/nonexistent/hw.yaml: cannot open: No such file or directory (expected a readable YAML file)");
  }
}

namespace {

struct KeyRow {
  std::string key, type, fallback, range;
};

// The rows of the "## Keys" table of docs/config-reference.md.
std::vector<KeyRow> documented_keys() {
  std::ifstream in(std::string(TILESIM_SOURCE_DIR) + "/docs/config-reference.md");
  std::vector<KeyRow> rows;
  bool in_keys = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("## ", 0) == 0) in_keys = line == "## Keys";
    if (!in_keys || line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream split(line.substr(1));
    for (std::string cell; std::getline(split, cell, '|');) cells.push_back(cell.substr(1, cell.size() - 2));
    rows.push_back({cells[0].substr(1, cells[0].size() - 2), cells[1], cells[3], cells[4]});
  }
  return rows;
}

// The smallest design in which `key` may be set: one with an array for the array's keys.
std::string base_for(const std::string& key) {
  const std::string base = "name: t\nsram:\n  size_kib: 64\n";
  return key.rfind("compute.array.", 0) == 0 ? base + "compute: {array: {rows: 8, cols: 8}}\n" : base;
}

// The error from loading a minimal design with `key=value` set, or "".
std::string error_with(const std::string& key, const std::string& value) {
  try {
    tilesim::parse_hw_config(base_for(key), "t.yaml", {key + "=" + value});
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::string default_of(const std::string& key) {
  YAML::Node node =
      YAML::Load(tilesim::to_yaml(tilesim::parse_hw_config("name: t\nsram:\n  size_kib: 64\n", "t.yaml")));
  std::stringstream path(key);
  for (std::string part; std::getline(path, part, '.');) node.reset(node[part]);
  return node.Scalar();
}

// The dotted paths of every scalar under `node`.
void scalar_paths(const YAML::Node& node, const std::string& prefix, std::set<std::string>& keys) {
  for (const auto& entry : node) {
    const std::string key = prefix + entry.first.Scalar();
    if (entry.second.IsMap()) {
      scalar_paths(entry.second, key + ".", keys);
    } else {
      keys.insert(key);
    }
  }
}

// Every key of the fully-defaulted configuration, as dotted paths: with a
// timed DRAM, whose keys the ideal one does not print, and once more with the
// keys that replace others (compute.array for matmul_tile_cycles, vector_lanes
// for vector_tile_cycles, issue 15).
std::vector<std::string> loader_keys() {
  std::set<std::string> keys;
  for (const char* extra : {"", "compute: {array: {rows: 8, cols: 8}, vector_lanes: 64}\n"}) {
    const std::string text = "name: t\nsram:\n  size_kib: 64\ndram:\n  preset: ddr4-3200\n" + std::string(extra);
    scalar_paths(YAML::Load(tilesim::to_yaml(tilesim::parse_hw_config(text, "t.yaml"))), "", keys);
  }
  return {keys.begin(), keys.end()};
}


// A number's range, "> LOW, ≤ HIGH" or "≥ LOW, ≤ HIGH": LOW refused or
// accepted accordingly, the nearest value past each end refused.
void check_number_range(const KeyRow& row) {
  const bool inclusive = row.range.rfind("≥ ", 0) == 0;
  REQUIRE((inclusive || row.range.rfind("> ", 0) == 0));
  const std::size_t comma = row.range.find(", ≤ ");
  REQUIRE(comma != std::string::npos);
  const std::string low = row.range.substr(row.range.find(' ') + 1, comma - row.range.find(' ') - 1);
  const std::string high = row.range.substr(comma + std::string(", ≤ ").size());
  const double low_value = std::stod(low), high_value = std::stod(high);
  if (inclusive) {
    CHECK(error_with(row.key, low).empty());
    CHECK(error_with(row.key, tilesim::format_number(low_value - 1e-3)).find(" is too small ") != std::string::npos);
  } else {
    CHECK(error_with(row.key, low).find(" is too small ") != std::string::npos);
    CHECK(error_with(row.key, tilesim::format_number(low_value + 1e-300)).empty());
  }
  CHECK(error_with(row.key, high).empty());
  CHECK(error_with(row.key, tilesim::format_number(high_value * (1 + 1e-9))).find(" is too large ") != std::string::npos);
}

}  // namespace

TEST_CASE("docs/config-reference.md states every bound and default the hardware loader enforces", "[yaml][docs]") {
  const auto rows = documented_keys();
  std::vector<std::string> documented;
  for (const KeyRow& row : rows) {
    if (row.type != "mapping") documented.push_back(row.key);  // a section, not a key
  }
  std::sort(documented.begin(), documented.end());
  REQUIRE(documented == loader_keys());  // no key undocumented, none documented that does not exist
  for (const KeyRow& row : rows) {
    INFO(row.key << ": " << row.range);
    // The DRAM's keys default per preset and bound each other: tests/dram checks each.
    if (row.key.rfind("dram.", 0) == 0) continue;
    if (row.type == "integer") {
      std::int64_t low = 0, high = 0;
      std::string to;
      std::istringstream(row.range) >> low >> to >> high;
      REQUIRE(to == "to");
      CHECK(error_with(row.key, std::to_string(low)).empty());
      CHECK(error_with(row.key, std::to_string(high)).empty());
      CHECK(error_with(row.key, std::to_string(low - 1)).find(" is too small ") != std::string::npos);
      CHECK(error_with(row.key, std::to_string(high + 1)).find(" is too large ") != std::string::npos);
    } else if (row.type == "number") {
      check_number_range(row);
    } else if (row.type == "string" && row.range.front() == '`') {  // one of the values listed
      for (std::size_t at = row.range.find('`'); at != std::string::npos; at = row.range.find('`', at + 1)) {
        const std::size_t end = row.range.find('`', at + 1);
        CHECK(error_with(row.key, row.range.substr(at + 1, end - at - 1)).empty());
        at = end;
      }
      CHECK(error_with(row.key, "no_such_value").find(row.key + ": unknown ") != std::string::npos);
    } else if (row.type == "string") {
      REQUIRE(row.range == "non-empty");
      CHECK_THROWS_WITH(tilesim::parse_hw_config("name: \"\"\nsram: {size_kib: 64}\n", "t.yaml"),
                        Catch::Contains("name: is an empty string"));
    }
    if (row.fallback == "required with `array`") {
      CHECK_THROWS_WITH(tilesim::parse_hw_config("name: t\nsram: {size_kib: 64}\ncompute: {array: {}}\n", "t.yaml"),
                        Catch::Contains("missing required"));
    } else if (row.fallback == "none") {
      // an alternative to another key (vector_lanes): no default of its own
    } else if (row.fallback == "**required**") {
      CHECK_THROWS_WITH(tilesim::parse_hw_config(row.key == "name" ? "sram: {size_kib: 64}\n" : "name: t\n", "t.yaml"),
                        Catch::Contains("missing required"));
    } else if (row.type == "integer" || row.type == "number") {
      CHECK(default_of(row.key) == row.fallback);
    }
  }
}

TEST_CASE("did_you_mean takes no time on names of megabytes", "[yaml]") {
  const std::string huge(1 << 22, 'a');
  // Quadratic in the lengths, these would take hours.
  CHECK(tilesim::yaml::did_you_mean(huge, {huge + "b", "size_kib"}).empty());
  CHECK(tilesim::yaml::did_you_mean("size_kb", {huge, "size_kib"}) == ", did you mean 'size_kib'?");
  CHECK(tilesim::yaml::did_you_mean("x\x1b", {"x\x1b\x1b"}) == ", did you mean 'x\\x1b\\x1b'?");
}
