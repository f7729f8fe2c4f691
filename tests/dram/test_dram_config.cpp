// DramConfig: the presets, the round trip through dram_yaml, --set
// overrides, and the exact message of every class of bad input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tests/dram/dram_test_config.h"

using tilesim::DramConfig;
using tilesim::PagePolicy;
using tilesim::test::dram_error;
using tilesim::test::dram_from_text;
using tilesim::test::dram_preset;

namespace {

const char kDdr4[] = "name: x\ndram:\n  preset: ddr4-3200\n";  // dram keys from line 4 on

// Every key but preset, as a hardware file lists them in the messages.
const char kAllKeys[] =
    "CL, CWL, address_mapping, bank_groups, banks_per_group, burst_length, bus_width_bits, channels, columns, "
    "page_policy, power, preset, queue_depth, ranks, rows, tCCD_L, tCCD_S, tFAW, tRAS, tRC, tRCD, tREFI, tRFC, tRP, "
    "tRRD_L, tRRD_S, tRTP, tRTRS, tRTW, tWR, tWTR_L, tWTR_S, tck_ps";

}  // namespace

TEST_CASE("no dram section, or preset ideal, is the ideal memory", "[dram][config]") {
  const DramConfig none = dram_from_text("name: x\n");
  CHECK(none.ideal);
  CHECK(none.preset == "ideal");
  CHECK(none == DramConfig{});
  CHECK(dram_preset("ideal") == DramConfig{});
  CHECK(tilesim::dram_yaml(none) ==
        "dram:\n  preset: ideal  # no DRAM timing: a transfer costs dma.setup_cycles + ceil(bytes / "
        "dma.bytes_per_cycle)\n");
}

TEST_CASE("ddr4-3200 is JEDEC DDR4-3200AA 22-22-22 on one 64-bit channel", "[dram][config]") {
  const DramConfig c = dram_preset("ddr4-3200");
  CHECK_FALSE(c.ideal);
  CHECK(c.preset == "ddr4-3200");
  CHECK(c.tck_ps == 625);
  CHECK((c.CL == 22 && c.tRCD == 22 && c.tRP == 22));
  CHECK((c.tRAS == 52 && c.tRC == 74 && c.CWL == 16));
  CHECK((c.tFAW == 34 && c.tRFC == 560 && c.tREFI == 12480));
  CHECK(c.burst_bytes() == 64);                        // 64 bits * BL8 / 8
  CHECK(c.row_bytes() == 8192);                        // 1024 columns of 8 bytes
  CHECK(c.capacity_bytes() == std::int64_t{8} << 30);  // 16 banks * 65536 rows * 8 KiB
  CHECK(c.peak_bytes_per_second() == 25.6e9);          // 64 bytes per 4 nCK of 0.625 ns
  CHECK(c.page_policy == PagePolicy::kOpen);
  CHECK(c.address_mapping == "RoBaCoBg");
}

TEST_CASE("lpddr4-3200 and hbm2 have their peak bandwidth and capacity", "[dram][config]") {
  const DramConfig lp = dram_preset("lpddr4-3200");
  CHECK(lp.peak_bytes_per_second() == 12.8e9);  // 2 channels * 32 bytes per 8 nCK of 0.625 ns
  CHECK(lp.capacity_bytes() == std::int64_t{2} << 30);
  CHECK(lp.burst_bytes() == 32);
  const DramConfig hbm = dram_preset("hbm2");
  CHECK(hbm.peak_bytes_per_second() == 256e9);  // 8 channels * 64 bytes per 2 nCK of 1 ns
  CHECK(hbm.capacity_bytes() == std::int64_t{4} << 30);
  CHECK(hbm.channels == 8);
  CHECK(hbm.bus_width_bits == 128);
  CHECK(tilesim::dram_preset_names() == std::vector<std::string>{"ddr4-3200", "hbm2", "ideal", "lpddr4-3200"});
}

TEST_CASE("every preset round-trips through dram_yaml, overrides included", "[dram][config]") {
  for (const std::string& name : tilesim::dram_preset_names()) {
    INFO(name);
    const DramConfig c = dram_preset(name);
    CHECK(dram_from_text(tilesim::dram_yaml(c)) == c);
  }
  const DramConfig changed =
      dram_preset("hbm2", {"dram.page_policy=closed", "dram.address_mapping=RoBgBaCoCh", "dram.tRCD=13"});
  CHECK(changed.page_policy == PagePolicy::kClosed);
  CHECK(dram_from_text(tilesim::dram_yaml(changed)) == changed);
  CHECK(changed != dram_preset("hbm2"));
}

TEST_CASE("any key is overridable by --set on top of the preset", "[dram][config]") {
  const DramConfig c =
      dram_from_text("dram:\n  preset: ddr4-3200\n  tRCD: 24\n",
                     {"dram.channels=2", "dram.address_mapping=RoBaCoBgCh", "dram.queue_depth=8", "dram.tRCD=26"});
  CHECK(c.channels == 2);
  CHECK(c.queue_depth == 8);
  CHECK(c.tRCD == 26);
  CHECK(c.CL == 22);  // untouched keys keep the preset's value
  CHECK(c.peak_bytes_per_second() == 51.2e9);
  // The preset itself can be chosen by --set.
  CHECK(dram_from_text("name: x\n", {"dram.preset=hbm2"}) == dram_preset("hbm2"));
}

TEST_CASE("an unknown preset lists the available ones", "[dram][config]") {
  CHECK(dram_error("dram:\n  preset: ddr5\n") ==
        "hw.yaml:2: dram.preset: 'ddr5' is not a preset (expected one of: ddr4-3200, hbm2, ideal, lpddr4-3200)");
  CHECK(dram_error("dram: {preset: hbm3}\n") ==
        "hw.yaml:1: dram.preset: 'hbm3' is not a preset, did you mean 'hbm2'? "
        "(expected one of: ddr4-3200, hbm2, ideal, lpddr4-3200)");
  CHECK(dram_error("name: x\n", {"dram.preset=DDR4-3200"}) ==
        "--set dram.preset=DDR4-3200: dram.preset: 'DDR4-3200' is not a preset, did you mean 'ddr4-3200'? "
        "(expected one of: ddr4-3200, hbm2, ideal, lpddr4-3200)");
}

TEST_CASE("the ideal preset takes no other dram key", "[dram][config]") {
  CHECK(dram_error("dram:\n  preset: ideal\n  tRCD: 22\n") ==
        "hw.yaml:3: dram.tRCD: the ideal preset has no DRAM timing to set "
        "(expected no other dram key with preset ideal, or a preset with timing: ddr4-3200, hbm2, lpddr4-3200)");
  CHECK(dram_error("dram:\n  channels: 2\n") ==
        "hw.yaml:2: dram.channels: the ideal preset has no DRAM timing to set "
        "(expected no other dram key with preset ideal, or a preset with timing: ddr4-3200, hbm2, lpddr4-3200)");
  // A typo is still a typo: the known keys are listed.
  CHECK(dram_error("dram:\n  tRDC: 22\n") ==
        std::string("hw.yaml:2: dram.tRDC: unknown key, did you mean 'tRC'? (expected one of: ") + kAllKeys + ")");
}

TEST_CASE("each value is checked against its range and unit", "[dram][config]") {
  CHECK(dram_error(std::string(kDdr4) + "  tRCD: 0\n") ==
        "hw.yaml:4: dram.tRCD: 0 is too small (expected an integer from 1 to 1048576, in nCK)");
  CHECK(dram_error(std::string(kDdr4) + "  tck_ps: 0.625\n") ==
        "hw.yaml:4: dram.tck_ps: '0.625' is not an integer (expected an integer from 1 to 1000000, in ps)");
  CHECK(dram_error(std::string(kDdr4) + "  channels: 128\n") ==
        "hw.yaml:4: dram.channels: 128 is too large (expected an integer from 1 to 64, in channels, a power of two)");
  CHECK(dram_error(std::string(kDdr4) + "  queue_depth: \"32\"\n") ==
        "hw.yaml:4: dram.queue_depth: '32' is a string (expected an integer from 1 to 1024, in requests per channel)");
  CHECK(dram_error(std::string(kDdr4) + "  page_policy: opne\n") ==
        "hw.yaml:4: dram.page_policy: 'opne' is not a page policy, did you mean 'open'? (expected open or closed)");
  CHECK(dram_error(std::string(kDdr4) + "  tRTRS: -1\n") ==
        "hw.yaml:4: dram.tRTRS: -1 is too small (expected an integer from 0 to 1048576, in nCK)");
  CHECK(dram_error(std::string(kDdr4) + "  tRDC: 22\n") ==
        std::string("hw.yaml:4: dram.tRDC: unknown key, did you mean 'tRC'? (expected one of: ") + kAllKeys + ")");
}

TEST_CASE("an organisation the address mapping cannot decode is refused", "[dram][config]") {
  CHECK(dram_error(std::string(kDdr4) + "  rows: 3000\n") ==
        "hw.yaml:4: dram.rows: 3000 is not a power of two "
        "(expected a power of two: the address mapping decodes it as a bit field)");
  CHECK(dram_error(std::string(kDdr4) + "  bus_width_bits: 72\n") ==
        "hw.yaml:4: dram.bus_width_bits: 72 is not a power of two "
        "(expected a power of two: the address mapping decodes it as a bit field)");
  // A row of 4 columns cannot hold one burst of 8: whichever key the user changed is named.
  CHECK(dram_error(std::string(kDdr4) + "  columns: 4\n") ==
        "hw.yaml:4: dram.columns: columns 4 is not a multiple of burst_length 8 "
        "(expected a row of whole bursts: columns a multiple of burst_length)");
  CHECK(dram_error(std::string(kDdr4) + "  columns: 16\n", {"dram.burst_length=32"}) ==
        "hw.yaml:4: dram.columns: columns 16 is not a multiple of burst_length 32 "
        "(expected a row of whole bursts: columns a multiple of burst_length)");
}

TEST_CASE("inconsistent timings name the key the user changed", "[dram][config]") {
  // DDR4-3200: tFAW 34, tRRD_S 4, tRAS 52, tRP 22, tRC 74.
  CHECK(dram_error(std::string(kDdr4) + "  tFAW: 15\n") ==
        "hw.yaml:4: dram.tFAW: tFAW 15 is less than 4 * tRRD_S = 16 "
        "(expected tFAW >= 4 * tRRD_S: four activates fit in one window)");
  CHECK(dram_error(kDdr4, {"dram.tRRD_S=9", "dram.tRRD_L=9"}) ==
        "--set dram.tRRD_S=9: dram.tRRD_S: tFAW 34 is less than 4 * tRRD_S = 36 "
        "(expected tFAW >= 4 * tRRD_S: four activates fit in one window)");
  CHECK(dram_error(std::string(kDdr4) + "  tRC: 73\n") ==
        "hw.yaml:4: dram.tRC: tRC 73 is less than tRAS + tRP = 74 (expected tRC >= tRAS + tRP)");
  CHECK(dram_error(std::string(kDdr4) + "  tRAS: 60\n") ==
        "hw.yaml:4: dram.tRAS: tRC 74 is less than tRAS + tRP = 82 (expected tRC >= tRAS + tRP)");
  CHECK(dram_error(std::string(kDdr4) + "  tCCD_L: 3\n") ==
        "hw.yaml:4: dram.tCCD_L: tCCD_L 3 is less than tCCD_S 4 "
        "(expected the same-bank-group timing at least the other-group one)");
  CHECK(dram_error(std::string(kDdr4) + "  tWTR_S: 13\n") ==
        "hw.yaml:4: dram.tWTR_S: tWTR_L 12 is less than tWTR_S 13 "
        "(expected the same-bank-group timing at least the other-group one)");
  CHECK(dram_error(std::string(kDdr4) + "  burst_length: 16\n") ==
        "hw.yaml:4: dram.burst_length: tCCD_S 4 is less than burst_length / 2 = 8 "
        "(expected tCCD_S >= the nCK one burst holds the data bus (burst_length / 2))");
  // 560 + 22 + max(52, 12, 16 + 4 + 24) + max(74, 34, 8) + 22 + max(12, 16 + 4 + 12, 8) + 1 = 763
  CHECK(dram_error(std::string(kDdr4) + "  tREFI: 762\n") ==
        "hw.yaml:4: dram.tREFI: tREFI 762 leaves no room for an access between refreshes (expected tREFI >= 763 = "
        "tRFC + tRP + max(tRAS, tRTP, CWL + BL/2 + tWR) + max(tRC, tFAW, tRRD_L) + tRCD + "
        "max(tRTW, CWL + BL/2 + tWTR_L, tCCD_L) + 1)");
  CHECK(dram_preset("ddr4-3200", {"dram.tREFI=763"}).tREFI == 763);
}

TEST_CASE("the address mapping names each field of the organisation once", "[dram][config]") {
  const std::string expected_ddr4 =
      " (expected exactly the fields whose count is above 1, each once, most significant first: Ro, Bg, Ba, Co)";
  CHECK(dram_error(std::string(kDdr4) + "  address_mapping: RoBaCoBgXx\n") ==
        "hw.yaml:4: dram.address_mapping: 'RoBaCoBgXx' has 'Xx' at character 9, which is not a field "
        "(expected fields Ro, Bg, Ba, Ra, Co, Ch, most significant first, e.g. RoBaRaCoBgCh)");
  CHECK(dram_error(std::string(kDdr4) + "  address_mapping: RoBaCoB\n") ==
        "hw.yaml:4: dram.address_mapping: 'RoBaCoB' has 'B' at character 7, which is not a field "
        "(expected fields Ro, Bg, Ba, Ra, Co, Ch, most significant first, e.g. RoBaRaCoBgCh)");
  CHECK(dram_error(std::string(kDdr4) + "  address_mapping: RoBaCoBgRo\n") ==
        "hw.yaml:4: dram.address_mapping: 'RoBaCoBgRo' names Ro twice" + expected_ddr4);
  CHECK(dram_error(std::string(kDdr4) + "  address_mapping: RoBaCo\n") ==
        "hw.yaml:4: dram.address_mapping: 'RoBaCo' lacks Bg, but bank_groups is 4" + expected_ddr4);
  // One channel: Ch is a field this organisation lacks.
  CHECK(dram_error(std::string(kDdr4) + "  address_mapping: RoBaCoBgCh\n") ==
        "hw.yaml:4: dram.address_mapping: 'RoBaCoBgCh' names Ch, but channels is 1" + expected_ddr4);
  // LPDDR4 has no bank groups.
  CHECK(dram_error("dram:\n  preset: lpddr4-3200\n  address_mapping: RoBgBaCoCh\n") ==
        "hw.yaml:3: dram.address_mapping: 'RoBgBaCoCh' names Bg, but bank_groups is 1 (expected exactly the "
        "fields whose count is above 1, each once, most significant first: Ro, Ba, Co, Ch)");
  // More channels than the mapping decodes: the changed count is named.
  CHECK(dram_error(kDdr4, {"dram.channels=2"}) ==
        "--set dram.channels=2: dram.channels: 'RoBaCoBg' lacks Ch, but channels is 2 (expected exactly the "
        "fields whose count is above 1, each once, most significant first: Ro, Bg, Ba, Co, Ch)");
  // A row of one burst has no column field.
  CHECK(dram_error(std::string(kDdr4) + "  columns: 8\n") ==
        "hw.yaml:4: dram.columns: 'RoBaCoBg' names Co, but columns / burst_length is 1 (expected exactly "
        "the fields whose count is above 1, each once, most significant first: Ro, Bg, Ba)");
}

TEST_CASE("a broken preset file is reported at its own file and line", "[dram][config]") {
  auto preset_error = [](const std::string& text) {
    try {
      tilesim::parse_dram_preset("mine", text, "configs/dram/mine.yaml");
    } catch (const tilesim::InputError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  // Each shipped preset's text gives every key: dropping one is "missing".
  std::ifstream in(std::string(TILESIM_SOURCE_DIR) + "/configs/dram/ddr4-3200.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(tilesim::parse_dram_preset("ddr4-3200", text, "x") == dram_preset("ddr4-3200"));
  const auto at = text.find("  tFAW: 34");
  REQUIRE(at != std::string::npos);
  CHECK(preset_error(text.substr(0, at) + "  tFAW: 3" + text.substr(at + 10)) ==
        "configs/dram/mine.yaml:32: dram.tFAW: tFAW 3 is less than 4 * tRRD_S = 16 "
        "(expected tFAW >= 4 * tRRD_S: four activates fit in one window)");
  CHECK(preset_error("dram:\n  channels: 1\n") ==
        "configs/dram/mine.yaml:1: dram.ranks: missing required key "
        "(expected an integer from 1 to 16, in ranks per channel, a power of two)");
  CHECK(preset_error("dram: 3\n") ==
        "configs/dram/mine.yaml:1: dram: is a scalar (expected a mapping with every dram key but preset)");
}
