// The energy and area model (compiler/hw/energy_model.h, docs/energy.md) on
// its own: the published figures each preset is fitted to, reproduced; every
// per-event energy of the DRAM presets worked out by hand from their currents.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "compiler/hw/energy_model.h"
#include "compiler/hw/hw_config.h"

using tilesim::EnergyModel;
using tilesim::parse_hw_config;

namespace {

EnergyModel model(const std::string& extra, std::int64_t sram_kib = 256) {
  return EnergyModel(
      parse_hw_config("name: t\nsram: {size_kib: " + std::to_string(sram_kib) + "}\n" + extra, "t.yaml"));
}

// A 64-bit read of an SRAM bank of `kib`, in pJ: a 64 KiB SRAM in banks of
// that size when smaller (an SRAM holds at least 12 KiB), else one bank.
double sram_read_64bit(std::int64_t kib) {
  if (kib >= 64) return 8 * model("", kib).sram_read_pj_per_byte();
  const std::string banks = "sram: {size_kib: 64, banks: " + std::to_string(64 / kib) + "}\n";
  return 8 * EnergyModel(parse_hw_config("name: t\n" + banks, "t.yaml")).sram_read_pj_per_byte();
}

}  // namespace

TEST_CASE("horowitz-45nm reproduces Horowitz's 45 nm table within 3%", "[energy]") {
  // M. Horowitz, ISSCC 2014: a 64-bit SRAM read costs 10 pJ from 8 KB, 20 pJ
  // from 32 KB and 100 pJ from 1 MB; the preset's fitted rule
  // 10.17 x (KiB / 8)^0.472 gives 10.17, 19.57 and 100.5.
  CHECK(sram_read_64bit(8) == Approx(10).epsilon(0.03));
  CHECK(sram_read_64bit(32) == Approx(20).epsilon(0.03));
  CHECK(sram_read_64bit(1024) == Approx(100).epsilon(0.03));
  // The ideal DRAM's 64-bit access lies in Horowitz's 1.3-2.6 nJ: 64 x 30.47 pJ = 1950 pJ.
  const EnergyModel ideal = model("");
  CHECK(8 * ideal.dram_pj_per_byte_moved() == Approx(1950.08));
  // The hierarchy a tile of work climbs, cheapest first: a float32 MAC (3.7 + 0.9
  // pJ), a 64-bit read of 8 KB, of 1 MB, of DRAM. Relative to a MAC: 1 : 2.2 : 22 : 424.
  const tilesim::HwConfig hw = parse_hw_config("name: t\nsram: {size_kib: 64}\n", "t.yaml");
  CHECK(hw.energy.mac_pj == Approx(4.6));
  CHECK(hw.energy.mac_pj < sram_read_64bit(8));
  CHECK(sram_read_64bit(8) < sram_read_64bit(1024));
  CHECK(sram_read_64bit(1024) < 8 * ideal.dram_pj_per_byte_moved());
  CHECK(8 * ideal.dram_pj_per_byte_moved() / hw.energy.mac_pj == Approx(423.9).epsilon(0.001));
}

TEST_CASE("an SRAM access costs by the size of its bank", "[energy]") {
  // 256 KiB in 32 banks of 8 KiB: each access reads one 8 KiB bank, 10.17 / 8 pJ a byte.
  CHECK(model("", 256).sram_read_pj_per_byte() == Approx(10.17 / 8 * std::pow(32.0, 0.472)));
  CHECK(model("", 256).sram_read_pj_per_byte() == Approx(6.5262).epsilon(1e-4));
  CHECK(EnergyModel(parse_hw_config("name: t\nsram: {size_kib: 256, banks: 32}\n", "t.yaml")).sram_read_pj_per_byte() ==
        Approx(10.17 / 8));
  CHECK(model("energy: {sram_write_to_read: 1.5}\n").sram_write_pj_per_byte() ==
        Approx(1.5 * model("").sram_read_pj_per_byte()));
}

TEST_CASE("each timed DRAM preset's command energies, by hand from its currents", "[energy][dram]") {
  // DDR4-3200 (tCK 625 ps), per x8 device, eight to a rank; VDD 1.2 V, VPP 2.5 V.
  //   ACT+PRE: tRC 74 nCK = 46250 ps, tRAS 52 = 32500 ps:
  //     1.2 x (57 x 46250 - 52 x 32500 - 37 x 13750) mA.ps = 1.2 x 437500 = 525000 fJ;
  //     VPP 2.5 x (3 x 46250 - 3 x 32500 - 3 x 13750) = 0: 525 pJ x 8 = 4200 pJ.
  //   read burst: BL8 = 4 nCK = 2500 ps: 1.2 x (168 - 52) x 2500 = 348 pJ x 8 = 2784 pJ.
  //   write burst: 1.2 x (150 - 52) x 2500 = 294 pJ x 8 = 2352 pJ.
  //   REF: tRFC 560 nCK = 350000 ps: 1.2 x (250 - 52) x 350000 = 83160 pJ, VPP
  //     2.5 x (5 - 3) x 350000 = 1750 pJ: 84910 x 8 = 679280 pJ.
  //   background (open page): (1.2 x 52 + 2.5 x 3) mW x 8 = 559.2 mW.
  //   transfer: 8 x 4.9 = 39.2 pJ a byte.
  const EnergyModel ddr4 = model("dram: {preset: ddr4-3200}\n");
  CHECK(ddr4.dram_activate_pj() == Approx(4200));
  CHECK(ddr4.dram_read_burst_pj() == Approx(2784));
  CHECK(ddr4.dram_write_burst_pj() == Approx(2352));
  CHECK(ddr4.dram_refresh_pj() == Approx(679280));
  CHECK(ddr4.dram_background_mw() == Approx(559.2));
  CHECK(ddr4.dram_pj_per_byte_moved() == Approx(39.2));
  // LPDDR4-3200, one x16 device per channel, two channels; VDD2 1.1 V, VDD1 1.8 V.
  //   ACT+PRE: tRC 97 nCK = 60625 ps, tRAS 68 = 42500 ps:
  //     1.1 x (45 x 60625 - 30 x 42500 - 27 x 18125) = 1.1 x 963750 = 1060125 fJ
  //     + 1.8 x (3.5 x 60625 - 2.25 x 42500 - 2 x 18125) = 1.8 x 80312.5 = 144562.5 fJ: 1204.6875 pJ.
  //   read burst: BL16 = 8 nCK = 5000 ps: 1.1 x 245 x 5000 + 1.8 x 0 = 1347.5 pJ.
  //   REF: tRFC 448 nCK = 280000 ps: 1.1 x 60 x 280000 + 1.8 x 7.75 x 280000 = 22386 pJ.
  //   background: (1.1 x 30 + 1.8 x 2.25) mW x 2 channels = 74.1 mW.
  const EnergyModel lpddr4 = model("dram: {preset: lpddr4-3200}\n");
  CHECK(lpddr4.dram_activate_pj() == Approx(1204.6875));
  CHECK(lpddr4.dram_read_burst_pj() == Approx(1347.5));
  CHECK(lpddr4.dram_write_burst_pj() == Approx(990));
  CHECK(lpddr4.dram_refresh_pj() == Approx(22386));
  CHECK(lpddr4.dram_background_mw() == Approx(74.1));
  // A closed-page controller idles with every bank precharged: IDD2N.
  CHECK(model("dram: {preset: lpddr4-3200, page_policy: closed}\n").dram_background_mw() ==
        Approx((1.1 * 27 + 1.8 * 2) * 2));
  // The ideal DRAM has no commands.
  CHECK(model("").dram_activate_pj() == 0);
  CHECK(model("").dram_background_mw() == 0);
}

TEST_CASE("area: MAC cells, lanes and SRAM from their figures", "[energy][area]") {
  // compute.array 16 x 32: 512 cells x 11884 um^2 = 6.0846 mm^2; 64 lanes x
  // 11884 = 0.7606 mm^2; 128 KiB x 3480 + 4 banks x 1560 um^2 = 0.45168 mm^2.
  const tilesim::AreaEstimate a =
      EnergyModel(parse_hw_config("name: t\nsram: {size_kib: 128, banks: 4}\n"
                                  "compute: {array: {rows: 16, cols: 32}, vector_lanes: 64}\n",
                                  "t.yaml"))
          .area();
  CHECK(a.mac_array_mm2 == Approx(6.084608));
  CHECK(a.vector_unit_mm2 == Approx(0.760576));
  CHECK(a.sram_mm2 == Approx(0.45168));
  CHECK(a.total_mm2() == Approx(6.084608 + 0.760576 + 0.45168));
  // Without an array, the cells a tile matmul of matmul_tile_cycles implies:
  // 32768 / 64 = 512; without lanes, 1024 / vector_tile_cycles = 128.
  const EnergyModel implied = model("");
  CHECK(implied.mac_cells() == 512);
  CHECK(implied.vector_lanes() == 128);
  // scaled-7nm: every area x 0.059.
  CHECK(model("energy: {preset: scaled-7nm}\n").area().total_mm2() ==
        Approx(0.059 * model("").area().total_mm2()).epsilon(1e-3));
}
