// `tilesim run --schedule FILE` from the outside: every case of the bad-input
// corpus tests/bad-inputs/schedules ends with exit code 2, nothing on stdout,
// exactly its line on stderr and nothing written; the lower bound of a
// re-read compiled schedule counts a transposed view as the tensor it shows;
// compiled schedules show their DRAM layout and addresses, which change no
// cycle of the ideal machine.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "tests/io/bad_file_cases.h"
#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using tilesim::test::run_tilesim;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;
const std::string kHw = kSource + "/configs/hw/default.yaml";

fs::path scratch(const std::string& what) {
  return fs::temp_directory_path() / ("tilesim-schedule-" + what + "-" + std::to_string(::getpid()));
}

}  // namespace

TEST_CASE("run --schedule: every bad schedule is refused with its line, nothing written", "[cli][bad-input]") {
  const auto cases = tilesim::test::bad_file_cases("schedules", ".schedule");
  REQUIRE(cases.size() >= 45);
  const fs::path out = scratch("out");
  for (const auto& [path, expected] : cases) {
    INFO(path);
    fs::remove_all(out);
    fs::create_directories(out);
    const auto r = run_tilesim({"run", "--hw", kHw, "--schedule", path, "--out-dir", out.string(), "--stats-json",
                                (out / "run-stats.json").string(), "--vcd", (out / "run.vcd").string()});
    CHECK(r.signal == 0);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "tilesim: error: " + expected + "\n");
    CHECK(fs::is_empty(out));
  }
  fs::remove_all(out);
}

TEST_CASE("run --schedule: Gemm with transB re-read without totals has the DMA bound 512", "[cli][totals]") {
  const auto compiled =
      run_tilesim({"compile", "--hw", kHw, "--model",
                   "/usr/share/libonnx-testdata/data/node/test_gemm_transposeB/model.onnx", "--emit", "schedule"});
  REQUIRE(compiled.exit_code == 0);
  const fs::path file = scratch("transposeB.schedule");
  {
    std::ofstream out(file);
    for (const std::string& line : tilesim::test::lines_of(compiled.out)) {
      if (line.rfind("totals ", 0) != 0) out << line << "\n";
    }
  }
  const auto r = run_tilesim({"run", "--hw", kHw, "--schedule", file.string(), "--timing-only"});
  fs::remove(file);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  // a, b (through b.T) and c loaded once, y stored once: 16384 bytes at 32 B/cycle.
  CHECK(r.out.find("\n  lower bound       512 cycles (compute 64, DMA 512), efficiency 0.593\n") != std::string::npos);
}

TEST_CASE("run --schedule: a sound hand-written schedule writes its output", "[cli]") {
  const fs::path out = scratch("good");
  fs::remove_all(out);
  const auto r = run_tilesim(
      {"run", "--hw", kHw, "--schedule", kSource + "/docs/examples/one-tile.schedule", "--out-dir", out.string()});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(fs::exists(out / "y.npy"));
  CHECK(fs::exists(out / "stats.json"));
  fs::remove_all(out);
}

TEST_CASE("compile --emit schedule: the layout line and every tensor's DRAM address", "[cli][dram]") {
  const auto r =
      run_tilesim({"compile", "--hw", kHw, "--model", kSource + "/configs/models/mlp.yaml", "--emit", "schedule"});
  REQUIRE(r.exit_code == 0);
  // x [128,128] 64 KiB at 0; w1 [128,64] 32 KiB; w2 [64,32] 8 KiB; w3 [32,32] 4 KiB; a1, a2, y.
  CHECK(r.out.find("\nsram_bytes 262144\n"
                   "dram_layout row_major\n"
                   "tensor 0 x input shape=[128,128] padded=[128,128] dram=0x0000 dims=[128,128]\n"
                   "tensor 1 w1 param shape=[128,64] padded=[128,64] dram=0x10000 dims=[128,64]\n"
                   "tensor 2 w2 param shape=[64,32] padded=[64,32] dram=0x18000 dims=[64,32]\n"
                   "tensor 3 w3 param shape=[32,32] padded=[32,32] dram=0x1a000 dims=[32,32]\n"
                   "tensor 4 a1 intermediate shape=[128,64] padded=[128,64] dram=0x1b000 dims=[128,64]\n"
                   "tensor 5 a2 intermediate shape=[128,32] padded=[128,32] dram=0x23000 dims=[128,32]\n"
                   "tensor 6 y output shape=[128,32] padded=[128,32] dram=0x27000 dims=[128,32] graph_output\n") !=
        std::string::npos);
}

TEST_CASE("run --schedule: the DRAM layout and addresses change no cycle of the ideal machine", "[cli][dram]") {
  const std::string example = kSource + "/docs/examples/one-tile.schedule";
  const auto plain = run_tilesim({"run", "--hw", kHw, "--schedule", example, "--timing-only"});
  REQUIRE(plain.exit_code == 0);
  CHECK(plain.out.find("\n  cycles            708  (0.708 us)\n") != std::string::npos);
  // The same schedule, tile-major, its tensors in reverse order and far apart.
  const fs::path file = scratch("tile-major.schedule");
  std::ofstream(file) << "tilesim-schedule 1\n"
                         "model one_tile\n"
                         "sram_bytes 16384\n"
                         "dram_layout tile_major\n"
                         "tensor 0 x input shape=[32,32] padded=[32,32] dram=0x900000000\n"
                         "tensor 1 w param shape=[32,32] padded=[32,32] dram=0x600000000\n"
                         "tensor 2 b param shape=[32] padded=[32] dram=0x300000000\n"
                         "tensor 3 y output shape=[32,32] padded=[32,32] dram=0x0000 graph_output\n"
                         "0 dma LOAD x[0,0]@0x0000 deps=-\n"
                         "1 dma LOAD w[0,0]@0x1000 deps=-\n"
                         "2 dma LOAD b[0,0]@0x2000 deps=-\n"
                         "3 compute EXEC matmul y[0,0]@0x3000 <- x[0,0]@0x0000 w[0,0]@0x1000 bias b[0,0]@0x2000 "
                         "zero_init relu deps=2\n"
                         "4 dma STORE y[0,0]@0x3000 deps=3\n";
  const auto tile_major = run_tilesim({"run", "--hw", kHw, "--schedule", file.string(), "--timing-only"});
  fs::remove(file);
  CHECK(tile_major.err.empty());
  CHECK(tile_major.exit_code == 0);
  // Every figure but the host's wall time.
  const auto figures = [](const std::string& out) {
    std::vector<std::string> lines = tilesim::test::lines_of(out);
    lines.erase(
        std::remove_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("  wall time", 0) == 0; }),
        lines.end());
    return lines;
  };
  CHECK(figures(tile_major.out) == figures(plain.out));
  CHECK(figures(plain.out).size() == 12);  // with the energy and area lines
  CHECK(plain.out.find("\n  layers            unknown: the schedule gives no layer= for its uOps\n") !=
        std::string::npos);
}
