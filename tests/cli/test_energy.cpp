// Energy, power, area and EDP as `tilesim run` reports them (docs/stats.md,
// docs/energy.md): a one-tile schedule worked out by hand, the DRAM's energy
// from the commands the simulation issued, and the layers adding up.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using tilesim::test::run_tilesim;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;
const std::string kHw = kSource + "/configs/hw/default.yaml";

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("tilesim-energy-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir / name;
}

// stats.json of `tilesim run --timing-only` on `model` with `sets`.
json run_stats(const std::string& model, const std::vector<std::string>& sets = {}) {
  const fs::path stats = scratch("stats.json");
  fs::remove(stats);
  std::vector<std::string> args = {"run",           "--hw",         kHw,           "--model", model,
                                   "--timing-only", "--stats-json", stats.string()};
  for (const std::string& s : sets) args.insert(args.end(), {"--set", s});
  const auto r = run_tilesim(args);
  REQUIRE(r.exit_code == 0);
  std::ifstream in(stats);
  return json::parse(in);
}

std::string one_tile_model() {
  const fs::path path = scratch("one_tile.yaml");
  std::ofstream(path) << "name: one_tile\ninputs: {x: [32, 32]}\nparams: {w: [32, 32]}\n"
                         "ops:\n  - {op: matmul, inputs: [x, w], output: y}\noutputs: [y]\n";
  return path.string();
}

}  // namespace

TEST_CASE("energy: a one-tile matmul on the default machine, by hand", "[energy][cli]") {
  // The schedule: LOAD x, LOAD w (192 cycles each, one after the other), the
  // EXEC (64), STORE y (192): 640 cycles = 640 ns at 1 GHz.
  //   MAC:   one EXEC, 32^3 = 32768 MACs x 4.6 pJ                 = 150732.8 pJ
  //   SRAM:  the LOADs write 8192 B, the EXEC reads 8192 and writes 4096, the
  //          STORE reads 4096: 12288 B each way, at 10.17/8 x (256/8)^0.472
  //          = 6.52622 pJ a byte (writes cost the same)          = 160388.4 pJ
  //   DRAM:  12288 B moved x 8 x 30.47 pJ/bit                     = 2995322.9 pJ
  //   leakage: SRAM 62.8 uW x 256 KiB = 16076.8 uW, logic 0.214 uW x (512 MACs +
  //          128 lanes) = 136.96 uW; x 640 ns                     = 10289.2 + 87.65 pJ
  //   total 3316821 pJ = 3.3168 uJ; power 3.3168 uJ / 640 ns = 5182.5 mW;
  //   EDP 3.3168 uJ x 0.64 us = 2.1228 uJ*us.
  const json s = run_stats(one_tile_model());
  REQUIRE(s["cycles"] == 640);
  const json& e = s["energy"];
  const double sram_byte = 10.17 / 8 * std::pow(32.0, 0.472);
  CHECK(e["compute"]["mac_pj"].get<double>() == Approx(150732.8));
  CHECK(e["compute"]["vector_pj"].get<double>() == 0);
  CHECK(e["sram"]["read_pj"].get<double>() == Approx(12288 * sram_byte));
  CHECK(e["sram"]["write_pj"].get<double>() == Approx(12288 * sram_byte));
  CHECK(e["sram"]["read_pj"].get<double>() == Approx(80194.2).epsilon(1e-5));
  CHECK(e["dram"]["transfer_pj"].get<double>() == Approx(2995322.88));
  CHECK(e["sram"]["leakage_pj"].get<double>() == Approx(10289.152));
  CHECK(e["compute"]["leakage_pj"].get<double>() == Approx(87.6544));
  CHECK(e["dram"]["activate_pj"].get<double>() == 0);
  CHECK(e["total_pj"].get<double>() == Approx(3316821).epsilon(1e-6));
  CHECK(e["total_uj"].get<double>() == Approx(3.316821).epsilon(1e-6));
  CHECK(s["power_mw"].get<double>() == Approx(5182.5).epsilon(1e-4));
  CHECK(s["edp_uj_us"].get<double>() == Approx(2.12277).epsilon(1e-4));
  CHECK(s["area_mm2"]["total"].get<double>() == Approx(6.084608 + 1.521152 + 0.89244));
  CHECK(e["preset"] == "horowitz-45nm");
}

TEST_CASE("energy: a timed DRAM's energy is its commands' and its time's", "[energy][cli][dram]") {
  // docs/energy.md: every ACT 4200 pJ, read burst 2784, write burst 2352, REF
  // 679280, 39.2 pJ per byte on the bus, 559.2 mW of background for the run.
  const json s = run_stats(kSource + "/configs/models/mlp.yaml", {"dram.preset=ddr4-3200"});
  const json& d = s["dram"];
  const json& e = s["energy"]["dram"];
  CHECK(d["activates"].get<double>() > 0);
  CHECK(e["activate_pj"].get<double>() == Approx(4200.0 * d["activates"].get<double>()));
  CHECK(e["read_pj"].get<double>() == Approx(2784.0 * d["reads"].get<double>()));
  CHECK(e["write_pj"].get<double>() == Approx(2352.0 * d["writes"].get<double>()));
  CHECK(e["refresh_pj"].get<double>() == Approx(679280.0 * d["refreshes"].get<double>()));
  CHECK(e["transfer_pj"].get<double>() == Approx(39.2 * d["bytes"].get<double>()));
  CHECK(e["background_pj"].get<double>() == Approx(559.2 * s["cycles"].get<double>()));  // mW x ns = pJ
  CHECK(s["power_mw"].get<double>() ==
        Approx(s["energy"]["total_pj"].get<double>() / s["cycles"].get<double>()));  // pJ / ns = mW
}

TEST_CASE("energy: the layers add up to the run's dynamic energy", "[energy][cli]") {
  for (const char* dram : {"ideal", "ddr4-3200", "hbm2"}) {
    INFO(dram);
    const json s = run_stats(kSource + "/configs/models/mlp.yaml", {std::string("dram.preset=") + dram});
    const json& e = s["energy"];
    const double dynamic = e["total_pj"].get<double>() - e["compute"]["leakage_pj"].get<double>() -
                           e["sram"]["leakage_pj"].get<double>() - e["dram"]["refresh_pj"].get<double>() -
                           e["dram"]["background_pj"].get<double>();
    double layers = 0, mac = 0;
    for (const json& l : s["layers"]) {
      layers += l["energy_pj"]["total"].get<double>();
      mac += l["energy_pj"]["mac"].get<double>();
    }
    CHECK(layers == Approx(dynamic));
    CHECK(mac == Approx(e["compute"]["mac_pj"].get<double>()));
  }
}

TEST_CASE("energy: the summary shows energy, power, EDP and area in two lines", "[energy][cli]") {
  const auto r = run_tilesim({"run", "--hw", kHw, "--model", one_tile_model(), "--timing-only"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\n  energy            3.317 uJ (compute 4.5%, SRAM 5.1%, DRAM 90.3%), 5182.5 mW, EDP 2.123 "
                   "uJ*us [horowitz-45nm]\n  area              8.498 mm2 (MAC array 6.085, vector unit 1.521, "
                   "SRAM 0.892)\n") != std::string::npos);
}
