// The sram section's bank keys: defaults, the printed form read back equal,
// the interleave split, and every bad value and inconsistency with its exact
// message, from text, from --set, and from the corpus tests/bad-inputs/sram/.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "compiler/hw/sram_banks_config.h"
#include "compiler/support/input_error.h"
#include "compiler/support/yaml_reader.h"

using namespace tilesim;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;

// The hardware file's `sram` section read as hw_config.cpp reads it, with
// read_sram_banks() last (name and size_kib as there; dma and compute have no
// part in these keys and are not read).
SramBanksConfig read_doc(yaml::Document doc, const std::vector<std::string>& overrides = {}) {
  for (const auto& o : overrides) doc.apply_override(o);
  yaml::MapReader root = doc.root("a mapping with keys name, clock_mhz, sram, dma, compute");
  root.string("name", std::nullopt);
  yaml::MapReader sram = root.section("sram", true, "a mapping with key size_kib");
  const std::int64_t kib = sram.integer(
      "size_kib", yaml::IntRule{12, std::int64_t{4} << 20, "KiB; 12 holds one tile operation"}, std::nullopt);
  const SramBanksConfig banks = read_sram_banks(sram, kib * 1024);
  root.finish();
  return banks;
}

SramBanksConfig parse(const std::string& sram_keys, const std::vector<std::string>& overrides = {}) {
  return read_doc(yaml::Document::parse("name: t\nsram:\n  size_kib: 256\n" + sram_keys, "hw.yaml"), overrides);
}

std::string error_of(const std::string& sram_keys, const std::vector<std::string>& overrides = {}) {
  try {
    parse(sram_keys, overrides);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("sram banks: absent keys give the ideal SRAM and documented defaults", "[sram][config]") {
  const SramBanksConfig c = parse("");
  CHECK(c == SramBanksConfig{});
  CHECK(c.ideal());
  CHECK(c.banks == 0);
  CHECK(c.bank_bytes_per_cycle == 64);
  CHECK(c.ports_per_bank == SramPorts::OneReadWrite);
  CHECK(c.interleave_bytes == 64);
  CHECK(sram_access_cycles(c, 0, 4096) == 0);
}

TEST_CASE("sram banks: every key read, printed and read back equal", "[sram][config]") {
  const SramBanksConfig c =
      parse("  banks: 16\n  bank_bytes_per_cycle: 32\n  ports_per_bank: 1r1w\n  interleave_bytes: 128\n");
  CHECK(c == SramBanksConfig{16, 32, SramPorts::OneReadOneWrite, 128});
  // A tile: 32 chunks of 128 B, 2 on each of the 16 banks, 256 B = 8 cycles.
  CHECK(sram_banks_yaml(c) ==
        "  banks: 16  # one 4 KiB tile: 8 port cycles on its busiest bank\n"
        "  bank_bytes_per_cycle: 32\n"
        "  ports_per_bank: 1r1w\n"
        "  interleave_bytes: 128\n");
  CHECK(sram_banks_yaml(SramBanksConfig{}) ==
        "  banks: 0  # ideal: no banks or ports modelled, the SRAM never stalls a unit\n"
        "  bank_bytes_per_cycle: 64\n"
        "  ports_per_bank: 1rw\n"
        "  interleave_bytes: 64\n");
  for (const SramBanksConfig& any :
       {SramBanksConfig{}, c, SramBanksConfig{1, 4, SramPorts::OneReadWrite, 4},
        SramBanksConfig{1024, 1 << 20, SramPorts::OneReadOneWrite, 256},
        SramBanksConfig{2, 7, SramPorts::OneReadWrite, 4096}, SramBanksConfig{0, 5, SramPorts::OneReadOneWrite, 8}}) {
    INFO(sram_banks_yaml(any));
    CHECK(parse(sram_banks_yaml(any)) == any);
  }
}

TEST_CASE("sram banks: --set overrides are read like the file", "[sram][config]") {
  const SramBanksConfig c = parse("  banks: 4\n", {"sram.banks=8", "sram.ports_per_bank=1r1w",
                                                   "sram.interleave_bytes=4096", "sram.bank_bytes_per_cycle=4096"});
  CHECK(c == SramBanksConfig{8, 4096, SramPorts::OneReadOneWrite, 4096});
  CHECK(error_of("", {"sram.banks=many"}) ==
        "--set sram.banks=many: sram.banks: 'many' is not an integer "
        "(expected an integer from 0 to 1024, in banks; 0 = ideal, no bank conflicts)");
  CHECK(error_of("", {"sram.interleave_bytes=48"}) ==
        "--set sram.interleave_bytes=48: sram.interleave_bytes: 48 is not a power of two "
        "(expected an integer from 4 to 4294967296, in bytes; a power of two)");
  CHECK(error_of("", {"sram.banks=5"}) ==
        "--set sram.banks=5: sram.banks: 5 banks x 64-byte interleave = 320 bytes do not divide the SRAM's "
        "262144 bytes (expected banks x interleave_bytes dividing size_kib x 1024)");
  CHECK(error_of("", {"sram.ports_per_bank=1rw1w"}) ==
        "--set sram.ports_per_bank=1rw1w: sram.ports_per_bank: unknown port kind '1rw1w', did you mean '1r1w'? "
        "(expected 1rw (one read/write port per bank) or 1r1w (one read and one write port))");
}

TEST_CASE("sram banks: bad values and inconsistencies, one message each", "[sram][config]") {
  struct Case {
    const char* keys;
    const char* message;
  };
  const char kBanks[] = "(expected an integer from 0 to 1024, in banks; 0 = ideal, no bank conflicts)";
  const char kWidth[] = "(expected an integer from 1 to 1048576, in bytes per cycle per port)";
  const char kInterleave[] = "(expected an integer from 4 to 4294967296, in bytes; a power of two)";
  const std::string banks = kBanks, width = kWidth, interleave = kInterleave;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"  banks: -1\n", "hw.yaml:4: sram.banks: -1 is too small " + banks},
      {"  banks: 1025\n", "hw.yaml:4: sram.banks: 1025 is too large " + banks},
      {"  banks: 2.5\n", "hw.yaml:4: sram.banks: '2.5' is not an integer " + banks},
      {"  banks: '4'\n", "hw.yaml:4: sram.banks: '4' is a string " + banks},
      {"  banks: [4]\n", "hw.yaml:4: sram.banks: is a sequence " + banks},
      {"  banks:\n", "hw.yaml:4: sram.banks: has no value " + banks},
      {"  bank_bytes_per_cycle: 0\n", "hw.yaml:4: sram.bank_bytes_per_cycle: 0 is too small " + width},
      {"  bank_bytes_per_cycle: 1048577\n", "hw.yaml:4: sram.bank_bytes_per_cycle: 1048577 is too large " + width},
      {"  ports_per_bank: 1RW\n",
       "hw.yaml:4: sram.ports_per_bank: unknown port kind '1RW', did you mean '1rw'? "
       "(expected 1rw (one read/write port per bank) or 1r1w (one read and one write port))"},
      {"  ports_per_bank: dual\n",
       "hw.yaml:4: sram.ports_per_bank: unknown port kind 'dual' "
       "(expected 1rw (one read/write port per bank) or 1r1w (one read and one write port))"},
      {"  ports_per_bank: {read: 1}\n", "hw.yaml:4: sram.ports_per_bank: is a mapping (expected a string)"},
      {"  interleave_bytes: 2\n", "hw.yaml:4: sram.interleave_bytes: 2 is too small " + interleave},
      {"  interleave_bytes: 6\n", "hw.yaml:4: sram.interleave_bytes: 6 is not a power of two " + interleave},
      {"  interleave_bytes: 96\n", "hw.yaml:4: sram.interleave_bytes: 96 is not a power of two " + interleave},
      {"  interleave_bytes: 8589934592\n", "hw.yaml:4: sram.interleave_bytes: 8589934592 is too large " + interleave},
      {"  bank: 4\n",
       "hw.yaml:4: sram.bank: unknown key, did you mean 'banks'? "
       "(expected one of: bank_bytes_per_cycle, banks, interleave_bytes, ports_per_bank, size_kib)"},
      // 256 KiB = 262144 B = 2^18: 3 banks never divide it; 1024 x 512 B = 512 KiB is too much.
      {"  banks: 3\n",
       "hw.yaml:4: sram.banks: 3 banks x 64-byte interleave = 192 bytes do not divide the SRAM's 262144 bytes "
       "(expected banks x interleave_bytes dividing size_kib x 1024)"},
      {"  interleave_bytes: 512\n  banks: 1024\n",
       "hw.yaml:5: sram.banks: 1024 banks x 512-byte interleave = 524288 bytes do not divide the SRAM's "
       "262144 bytes (expected banks x interleave_bytes dividing size_kib x 1024)"},
      {"  banks: 1\n  interleave_bytes: 524288\n",
       "hw.yaml:4: sram.banks: 1 bank x 524288-byte interleave = 524288 bytes do not divide the SRAM's "
       "262144 bytes (expected banks x interleave_bytes dividing size_kib x 1024)"},
  };
  for (const auto& [keys, message] : cases) {
    INFO(keys);
    CHECK(error_of(keys) == message);
  }
  // With banks 0 the other keys are read and checked, but nothing need divide.
  CHECK(parse("  interleave_bytes: 1048576\n") == SramBanksConfig{0, 64, SramPorts::OneReadWrite, 1048576});
  // A 12 KiB SRAM takes 3 banks of 64-byte interleave; 1024 banks of 4 B divide 256 KiB.
  CHECK(read_doc(yaml::Document::parse("name: t\nsram: {size_kib: 12, banks: 3}\n", "x")).banks == 3);
  CHECK(parse("  banks: 1024\n  interleave_bytes: 4\n").banks == 1024);
}

TEST_CASE("sram banks: unknown keys and a missing size_kib come before the relations", "[sram][config]") {
  // banks 3 would not divide, but the typo is the first thing to fix.
  CHECK(error_of("  banks: 3\n  interleave_byte: 64\n") ==
        "hw.yaml:5: sram.interleave_byte: unknown key, did you mean 'interleave_bytes'? "
        "(expected one of: bank_bytes_per_cycle, banks, interleave_bytes, ports_per_bank, size_kib)");
  try {
    read_doc(yaml::Document::parse("name: t\nsram:\n  banks: 3\n", "hw.yaml"));
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "hw.yaml:2: sram.size_kib: missing required key "
          "(expected an integer from 12 to 4194304, in KiB; 12 holds one tile operation)");
  }
}

TEST_CASE("sram banks: the interleave splits an access over its banks", "[sram][config]") {
  std::vector<SramBankShare> shares;
  // 300 B at byte 100, 4 banks x 64 B interleave, 32 B/cycle: chunks 1..6
  // (bytes 100-127, 128-191, 192-255, 256-319, 320-383, 384-399) on banks
  // 1, 2, 3, 0, 1, 2: bank 1 28 + 64 = 92 B, bank 2 64 + 16 = 80, bank 3 64, bank 0 64.
  split_over_banks(SramBanksConfig{4, 32, SramPorts::OneReadWrite, 64}, 100, 300, &shares);
  REQUIRE(shares.size() == 4);
  const std::int64_t expected[4][3] = {{1, 92, 3}, {2, 80, 3}, {3, 64, 2}, {0, 64, 2}};
  for (std::size_t i = 0; i < 4; ++i) {
    INFO(i);
    CHECK(shares[i].bank == expected[i][0]);
    CHECK(shares[i].bytes == expected[i][1]);
    CHECK(shares[i].cycles == expected[i][2]);
  }
  // Inside one chunk: one bank.
  split_over_banks(SramBanksConfig{8, 64, SramPorts::OneReadWrite, 4096}, 0x5000 + 8, 128, &shares);
  REQUIRE(shares.size() == 1);
  CHECK(shares[0].bank == 5);
  CHECK(shares[0].bytes == 128);
  CHECK(shares[0].cycles == 2);
  // A tile on 3 banks of 4-byte interleave: 1024 words, 342 / 341 / 341 on
  // banks 0 / 1 / 2 (the tile starts on bank 0x3000 / 4 mod 3 = 0).
  split_over_banks(SramBanksConfig{3, 8, SramPorts::OneReadWrite, 4}, 0x3000, 4096, &shares);
  REQUIRE(shares.size() == 3);
  CHECK(shares[0].bank == 0);
  CHECK(shares[0].bytes == 342 * 4);
  CHECK(shares[0].cycles == 171);
  CHECK(shares[1].bytes == 341 * 4);
  CHECK(shares[1].cycles == 171);  // ceil(1364 / 8)
  CHECK(shares[2].bytes == 341 * 4);
  CHECK(sram_access_cycles(SramBanksConfig{3, 8, SramPorts::OneReadWrite, 4}, 0x3000, 4096) == 171);
}
