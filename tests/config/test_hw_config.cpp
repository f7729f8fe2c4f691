#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "compiler/hw/hw_config.h"
#include "compiler/support/input_error.h"

using tilesim::HwConfig;
using tilesim::InputError;
using tilesim::parse_hw_config;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;

// The message parse_hw_config throws for `text` (read as "hw.yaml").
std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    parse_hw_config(text, "hw.yaml", overrides);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

const char kMinimal[] = "name: tiny\nsram: {size_kib: 64}\n";

}  // namespace

TEST_CASE("default.yaml loads with the documented values", "[config]") {
  const HwConfig c = tilesim::load_hw_config(kSource + "/configs/hw/default.yaml");
  CHECK(c.name == "default");
  CHECK(c.clock_mhz == 1000.0);
  CHECK(c.sram.size_kib == 256);
  CHECK(c.sram.size_bytes() == 262144);
  CHECK(c.dma.bytes_per_cycle == 32);
  CHECK(c.dma.setup_cycles == 64);
  CHECK(c.dma.queue_depth == 4);
  CHECK(c.compute.matmul_tile_cycles == 64);
  CHECK(c.compute.vector_tile_cycles == 8);
  CHECK(c.compute.queue_depth == 4);
}

TEST_CASE("only name and sram.size_kib are required, the rest defaults", "[config]") {
  const HwConfig c = parse_hw_config(kMinimal, "hw.yaml");
  HwConfig expected;
  expected.name = "tiny";
  expected.sram.size_kib = 64;
  // No energy section: the default preset's file, exactly.
  std::ifstream preset(kSource + "/configs/energy/horowitz-45nm.yaml");
  const std::string text((std::istreambuf_iterator<char>(preset)), std::istreambuf_iterator<char>());
  expected.energy = tilesim::parse_energy_preset("horowitz-45nm", text, "horowitz-45nm.yaml");
  CHECK(c == expected);
  CHECK(c.clock_mhz == 1000.0);
  CHECK(c.dma.setup_cycles == 64);
}

TEST_CASE("every shipped hardware file round-trips through to_yaml", "[config]") {
  // Every file of configs/hw, so that a new one is covered without editing this list;
  // the names below must be among them, so an empty or moved folder fails.
  std::set<std::string> stems;
  for (const auto& entry : std::filesystem::directory_iterator(kSource + "/configs/hw")) {
    const std::string stem = entry.path().stem().string();
    INFO(entry.path().string());
    REQUIRE(entry.path().extension() == ".yaml");
    const HwConfig c = tilesim::load_hw_config(entry.path().string());
    CHECK(c.name == stem);
    CHECK(parse_hw_config(tilesim::to_yaml(c), "printed.yaml") == c);
    stems.insert(stem);
  }
  for (const char* file : {"default", "small-sram", "compute-rich", "minimal-sram", "edge", "desktop", "datacenter"}) {
    CHECK(stems.count(file) == 1);
  }
  HwConfig odd = parse_hw_config("name: 'a: b # c'\nclock_mhz: 333.3\nsram: {size_kib: 13}\n", "x");
  CHECK(parse_hw_config(tilesim::to_yaml(odd), "printed.yaml") == odd);
}

TEST_CASE("set overrides apply in order and are validated like the file", "[config]") {
  const HwConfig c = parse_hw_config(
      kMinimal, "hw.yaml",
      {"sram.size_kib=32", "dma.bytes_per_cycle=8", "sram.size_kib=128", "clock_mhz=800.5", "name=swept"});
  CHECK(c.sram.size_kib == 128);
  CHECK(c.dma.bytes_per_cycle == 8);
  CHECK(c.clock_mhz == 800.5);
  CHECK(c.name == "swept");

  CHECK(error_of(kMinimal, {"sram.size_kib=abc"}) ==
        "--set sram.size_kib=abc: sram.size_kib: 'abc' is not an integer "
        "(expected an integer from 12 to 4194304, in KiB; 12 holds one tile operation)");
  CHECK(error_of(kMinimal, {"sram.size_kb=64"}) ==
        "--set sram.size_kb=64: sram.size_kb: unknown key, did you mean 'size_kib'? "
        "(expected one of: bank_bytes_per_cycle, banks, interleave_bytes, ports_per_bank, size_kib)");
  CHECK(error_of(kMinimal, {"sram.size_kib"}) ==
        "--set sram.size_kib: malformed override (expected KEY.PATH=VALUE, e.g. sram.size_kib=64)");
  CHECK(error_of(kMinimal, {"sram..size_kib=3"}) ==
        "--set sram..size_kib=3: sram..size_kib: malformed key path "
        "(expected dot-separated key names such as sram.size_kib)");
  CHECK(error_of(kMinimal, {"name.first=x"}) ==
        "--set name.first=x: name: is a scalar, not a section "
        "(expected a key path that follows the document's sections)");
  // A section the file lacks is created by the override; its unknown key is the flag's fault.
  CHECK(error_of(kMinimal, {"sdram.size_mib=4"}) ==
        "--set sdram.size_mib=4: sdram: unknown key, did you mean 'dram'? "
        "(expected one of: clock_mhz, compute, dma, dram, energy, name, sram)");
  // An error in the file itself still points at the file, not at an unrelated flag.
  CHECK(error_of("name: x\nsram: {size_kib: 64}\ndma: {bytes_per_cycle: 0}\n", {"sram.size_kib=32"}) ==
        "hw.yaml:3: dma.bytes_per_cycle: 0 is too small "
        "(expected an integer from 1 to 1048576, in bytes per cycle)");
}

TEST_CASE("bad hardware files give one exact message naming file, line and key", "[config]") {
  CHECK(error_of("name: x\nsram: {}\n") ==
        "hw.yaml:2: sram.size_kib: missing required key "
        "(expected an integer from 12 to 4194304, in KiB; 12 holds one tile operation)");
  // A typo is both an unknown key and a missing one: the typo is the better message.
  CHECK(error_of("name: x\nsram: {size_kb: 64}\n") ==
        "hw.yaml:2: sram.size_kb: unknown key, did you mean 'size_kib'? (expected one of: bank_bytes_per_cycle, banks, "
        "interleave_bytes, ports_per_bank, size_kib)");
  CHECK(error_of("name: x\nsran: {size_kib: 64}\n") ==
        "hw.yaml:2: sran: unknown key, did you mean 'sram'? "
        "(expected one of: clock_mhz, compute, dma, dram, energy, name, sram)");
  CHECK(error_of("name: x\nsram: {size_kib: 64, size_kb: 64}\n") ==
        "hw.yaml:2: sram.size_kb: unknown key, did you mean 'size_kib'? (expected one of: bank_bytes_per_cycle, banks, "
        "interleave_bytes, ports_per_bank, size_kib)");
  CHECK(error_of("sram: {size_kib: 64}\n") == "hw.yaml:1: name: missing required key (expected a string)");
  CHECK(error_of("name: x\n") ==
        "hw.yaml:1: sram: missing required section (expected a mapping with keys size_kib, banks, "
        "bank_bytes_per_cycle, ports_per_bank, interleave_bytes)");
  CHECK(error_of("name: x\nsram: 64\n") ==
        "hw.yaml:2: sram: is a scalar (expected a mapping with keys size_kib, banks, bank_bytes_per_cycle, "
        "ports_per_bank, interleave_bytes)");
  CHECK(error_of("name: x\nsram:\n  size_kib: 8\n") ==
        "hw.yaml:3: sram.size_kib: 8 is too small "
        "(expected an integer from 12 to 4194304, in KiB; 12 holds one tile operation)");
  CHECK(error_of("name: x\nsram:\n  size_kib: -4\n") ==
        "hw.yaml:3: sram.size_kib: -4 is too small "
        "(expected an integer from 12 to 4194304, in KiB; 12 holds one tile operation)");
  CHECK(error_of("name: x\nsram:\n  size_kib: 64.5\n") ==
        "hw.yaml:3: sram.size_kib: '64.5' is not an integer "
        "(expected an integer from 12 to 4194304, in KiB; 12 holds one tile operation)");
  CHECK(error_of("name: x\nsram:\n  size_kib: \"64\"\n") ==
        "hw.yaml:3: sram.size_kib: '64' is a string "
        "(expected an integer from 12 to 4194304, in KiB; 12 holds one tile operation)");
  CHECK(error_of("name: x\nsram:\n  size_kib: 99999999999999999999\n") ==
        "hw.yaml:3: sram.size_kib: '99999999999999999999' is out of range "
        "(expected an integer from 12 to 4194304, in KiB; 12 holds one tile operation)");
  CHECK(error_of("name: x\nsram:\n  size_kib:\n") ==
        "hw.yaml:3: sram.size_kib: has no value "
        "(expected an integer from 12 to 4194304, in KiB; 12 holds one tile operation)");
  CHECK(error_of("name: x\nclock_mhz: .nan\nsram: {size_kib: 64}\n") ==
        "hw.yaml:2: clock_mhz: '.nan' is not a number (expected a number > 0 and <= 1000000, in MHz)");
  CHECK(error_of("name: x\nclock_mhz: 0\nsram: {size_kib: 64}\n") ==
        "hw.yaml:2: clock_mhz: 0 is too small (expected a number > 0 and <= 1000000, in MHz)");
  CHECK(error_of("name: x\nclock_mhz: 1e999\nsram: {size_kib: 64}\n") ==
        "hw.yaml:2: clock_mhz: '1e999' is out of range (expected a number > 0 and <= 1000000, in MHz)");
  CHECK(error_of("name: [a, b]\nsram: {size_kib: 64}\n") == "hw.yaml:1: name: is a sequence (expected a string)");
  CHECK(error_of("name: x\nname: y\nsram: {size_kib: 64}\n") ==
        "hw.yaml:2: name: duplicate key (first given on line 1) (expected each key once)");
  CHECK(error_of("name: x\nsram: {size_kib: 64}\ncompute: {queue_depth: 0}\n") ==
        "hw.yaml:3: compute.queue_depth: 0 is too small (expected an integer from 1 to 4096, in uOps)");
  CHECK(error_of("name: x\nsram: {size_kib: 64}\ndma: {setup_cycles: true}\n") ==
        "hw.yaml:3: dma.setup_cycles: 'true' is not an integer "
        "(expected an integer from 0 to 4294967296, in cycles)");
}

TEST_CASE("files that are not a YAML mapping are rejected with their line", "[config]") {
  CHECK(error_of("") ==
        "hw.yaml:1: the document is empty (expected a mapping with keys name, "
        "clock_mhz, sram, dma, compute, dram, energy)");
  CHECK(error_of("- a\n- b\n") ==
        "hw.yaml:1: the document is a sequence (expected a mapping with "
        "keys name, clock_mhz, sram, dma, compute, dram, energy)");
  CHECK(error_of("name: x\nsram: {size_kib: 64\n") ==
        "hw.yaml:3: not valid YAML: end of map flow not found (expected a YAML document)");
  CHECK(error_of("name: x\n\xff\xfe\n") == "hw.yaml:2: byte 0xff is not valid UTF-8 (expected a UTF-8 YAML text file)");
}
