// `tilesim run --schedule FILE` from the outside: every case of the bad-input
// corpus tests/bad-inputs/schedules ends with exit code 2, nothing on stdout,
// exactly its line on stderr and nothing written; the lower bound of a
// re-read compiled schedule counts a transposed view as the tensor it shows.
#include <catch2/catch.hpp>

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
