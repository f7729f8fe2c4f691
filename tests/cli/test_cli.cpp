// The tilesim program seen from outside: exit codes, stdout, exact stderr.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using tilesim::test::lines_of;
using tilesim::test::run_tilesim;

namespace {
const std::string kSource = TILESIM_SOURCE_DIR;
}

TEST_CASE("help lists the commands and the exit codes", "[cli]") {
  const auto r = run_tilesim({"--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find("check-config FILE.yaml") != std::string::npos);
  CHECK(r.out.find("compile --hw FILE.yaml --model FILE.yaml") != std::string::npos);
  CHECK(r.out.find("run --hw FILE.yaml --model FILE.yaml") != std::string::npos);
  CHECK(r.out.find("Exit codes: 0 success, 1 internal error, 2 bad input") != std::string::npos);
}

TEST_CASE("version names the version, the commit built, SystemC and the kernels", "[cli]") {
  const auto r = run_tilesim({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());  // no SystemC banner
  const auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 3);
  // The commit the program was built from, asked at build time, not when
  // CMake configured (a checkout moved to a new commit and rebuilt names it).
  const auto git = tilesim::test::run_process({"/usr/bin/git", "-C", kSource, "rev-parse", "--short=12", "HEAD"});
  const std::string commit = git.exit_code == 0 ? lines_of(git.out).at(0) : "unknown";
  CHECK(lines[0] == "tilesim 0.1.0 (commit " + commit + ")");
  CHECK(lines[1].rfind("SystemC 2.3.4", 0) == 0);
  CHECK(lines[2].find("reference") != std::string::npos);
  CHECK(lines[2].find("(auto: ") != std::string::npos);
}

// sim/cli/onnx_module.h: protobuf is loaded only for ONNX files, from the
// module beside the program. A copy of the program alone runs YAML models and
// ends at an ONNX file (a model, or a .pb tensor to compare with) with one
// line naming the module it lacks.
TEST_CASE("the ONNX formats are a module beside the program that only ONNX files load", "[cli]") {
  const fs::path dir = fs::temp_directory_path() / ("tilesim-alone-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path program = dir / "tilesim";
  fs::copy_file(TILESIM_BINARY, program);
  const std::string hw = kSource + "/configs/hw/default.yaml";
  const std::string onnx = kSource + "/tests/models/torch/act_tanh/model.onnx";
  const std::string expected_line = "tilesim: internal error: cannot load the ONNX support module: " +
                                    (dir / "libtilesim_onnx.so").string() +
                                    ": cannot open shared object file: No such file or directory (expected "
                                    "libtilesim_onnx.so, built with it, beside the tilesim program)\n";

  const auto yaml = tilesim::test::run_process(
      {program.string(), "run", "--hw", hw, "--model", kSource + "/configs/models/mlp.yaml", "--timing-only"});
  CHECK(yaml.exit_code == 0);
  CHECK(yaml.err.empty());
  CHECK(yaml.out.rfind("model mlp on default", 0) == 0);

  const auto model = tilesim::test::run_process({program.string(), "run", "--hw", hw, "--model", onnx});
  CHECK(model.exit_code == 1);
  CHECK(model.out.empty());
  CHECK(model.err == expected_line);

  const auto expect = tilesim::test::run_process({program.string(), "run", "--hw", hw, "--model",
                                                  kSource + "/configs/models/mlp.yaml", "--expect",
                                                  "y=" + (dir / "y.pb").string()});
  CHECK(expect.exit_code == 1);
  CHECK(expect.err == expected_line);

  // The program as built finds its module.
  const auto built = run_tilesim({"run", "--hw", hw, "--model", onnx, "--timing-only"});
  CHECK(built.exit_code == 0);
  CHECK(built.err.empty());
  fs::remove_all(dir);
}

TEST_CASE("check-config prints the fully-defaulted configuration", "[cli]") {
  const auto r = run_tilesim({"check-config", kSource + "/configs/hw/default.yaml"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "name: default\n"
        "clock_mhz: 1000  # one cycle = 1 ns\n"
        "sram:\n"
        "  size_kib: 256  # 262144 bytes, 64 tiles of 4 KiB\n"
        "  banks: 0  # ideal: no banks or ports modelled, the SRAM never stalls a unit\n"
        "  bank_bytes_per_cycle: 64\n"
        "  ports_per_bank: 1rw\n"
        "  interleave_bytes: 64\n"
        "dma:\n"
        "  bytes_per_cycle: 32\n"
        "  setup_cycles: 64  # one 4 KiB tile: 192 cycles\n"
        "  queue_depth: 4\n"
        "  transpose_cycles: 32\n"
        "  channels: 1  # DMA engines (a timed DRAM only)\n"
        "  max_outstanding: 16  # bursts in flight per engine (a timed DRAM only)\n"
        "compute:\n"
        "  matmul_tile_cycles: 64\n"
        "  vector_tile_cycles: 8\n"
        "  queue_depth: 4\n"
        "  activation_tile_cycles: 16  # hard_sigmoid, hard_swish\n"
        "  transcendental_tile_cycles: 32  # sigmoid, tanh, exp, erf, pow, gelu\n"
        "  reduce_tile_cycles: 16  # reduce_sum, reduce_max, row statistics\n"
        "  divide_tile_cycles: 16  # div, reciprocal, sqrt\n"
        "dram:\n"
        "  preset: ideal  # no DRAM timing: a transfer costs dma.setup_cycles + ceil(bytes / dma.bytes_per_cycle)\n"
        "  layout: row_major  # tensors in DRAM: row_major (a tile is 32 strided rows) or tile_major (4 KiB "
        "contiguous)\n"
        // The default energy preset, and what it gives this design (docs/energy.md):
        // SRAM 10.17 / 8 x (256 / 8)^0.472 = 6.526 pJ/B; DRAM 8 x 30.47 = 243.76 pJ/B;
        // leakage 62.8 uW x 256 + 0.214 uW x (512 + 128) = 16.21 mW; area 512 and 128
        // x 11884 um^2 = 6.085 and 1.521 mm^2, SRAM 256 x 3480 + 1560 um^2 = 0.8924 mm^2.
        "energy:\n"
        "  preset: horowitz-45nm  # configs/energy/horowitz-45nm.yaml; docs/energy.md\n"
        "  technology_nm: 45  # nm\n"
        "  mac_pj: 4.6  # pJ per float32 multiply-accumulate\n"
        "  vector_op_pj: 0.9  # pJ per lane operation\n"
        "  sram_read_pj_per_64bit: 10.17  # pJ per 64-bit read of an array of sram_reference_kib\n"
        "  sram_reference_kib: 8  # KiB\n"
        "  sram_size_exponent: 0.472  # energy per access grows as (bank KiB / sram_reference_kib)^this\n"
        "  sram_write_to_read: 1  # a write's energy over a read's\n"
        "  sram_leakage_uw_per_kib: 62.8  # uW per KiB\n"
        "  logic_leakage_uw_per_mac: 0.214  # uW per multiply-accumulate cell or vector lane\n"
        "  ideal_dram_pj_per_bit: 30.47  # pJ per bit to or from the ideal DRAM\n"
        "  mac_area_um2: 11884  # um^2 per multiply-accumulate cell\n"
        "  vector_lane_area_um2: 11884  # um^2 per vector lane\n"
        "  sram_area_um2_per_kib: 3480  # um^2 per KiB\n"
        "  sram_bank_area_um2: 1560  # um^2 per bank\n"
        "  # derived (docs/energy.md): 512 MAC cells, 128 vector lanes; SRAM 6.526 pJ per byte read, 6.526 written; DRAM 243.8 pJ per byte moved\n"
        "  # derived leakage 16.21 mW; area 8.498 mm2 (MAC array 6.085, vector unit 1.521, SRAM 0.8924)\n");
}

TEST_CASE("check-config applies --set overrides in order", "[cli]") {
  const auto r = run_tilesim({"check-config", kSource + "/configs/hw/default.yaml", "--set", "sram.size_kib=64",
                              "--set", "dma.setup_cycles=0"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("  size_kib: 64  # 65536 bytes, 16 tiles of 4 KiB\n") != std::string::npos);
  CHECK(r.out.find("  setup_cycles: 0  # one 4 KiB tile: 128 cycles\n") != std::string::npos);
}

TEST_CASE("check-config accepts every shipped hardware file and reads its printout back unchanged", "[cli]") {
  const fs::path dir = fs::temp_directory_path() / ("tilesim-hw-files-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  int files = 0;
  for (const auto& entry : fs::directory_iterator(kSource + "/configs/hw")) {
    INFO(entry.path().string());
    const auto first = run_tilesim({"check-config", entry.path().string()});
    CHECK(first.exit_code == 0);
    CHECK(first.err.empty());
    const fs::path printed = dir / entry.path().filename();
    std::ofstream(printed) << first.out;
    const auto again = run_tilesim({"check-config", printed.string()});
    CHECK(again.exit_code == 0);
    CHECK(again.out == first.out);
    ++files;
  }
  CHECK(files >= 7);
  fs::remove_all(dir);
}

// The README's machines: each realistic one on its timed memory, default.yaml ideal.
TEST_CASE("check-config: the realistic machines run on timed memories, default.yaml on the ideal one", "[cli]") {
  const std::vector<std::vector<std::string>> machines{
      {"edge", "clock_mhz: 800  # one cycle = 1.25 ns\n", "  preset: lpddr4-3200\n", "  layout: row_major  #"},
      {"desktop", "clock_mhz: 1000  # one cycle = 1 ns\n", "  preset: ddr4-3200\n", "  layout: row_major  #"},
      {"datacenter", "clock_mhz: 1000  # one cycle = 1 ns\n", "  preset: hbm2\n", "  layout: tile_major  #"},
      {"default", "clock_mhz: 1000  # one cycle = 1 ns\n", "  preset: ideal  #", "  layout: row_major  #"}};
  for (const auto& m : machines) {
    INFO(m[0]);
    const auto r = run_tilesim({"check-config", kSource + "/configs/hw/" + m[0] + ".yaml"});
    CHECK(r.exit_code == 0);
    for (std::size_t i = 1; i < m.size(); ++i) CHECK(r.out.find(m[i]) != std::string::npos);
    const bool ideal = m[0] == "default";
    CHECK((r.out.find("  banks: 0  # ideal") != std::string::npos) == ideal);
  }
}

TEST_CASE("check-config help documents the set flag", "[cli]") {
  const auto r = run_tilesim({"check-config", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("Usage: tilesim check-config FILE.yaml [--set KEY=VALUE]...", 0) == 0);
  CHECK(r.out.find("--set KEY=VALUE") != std::string::npos);
}
