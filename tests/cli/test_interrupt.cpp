// Nothing lost: an interrupted run leaves no half file that looks whole. A
// SIGINT or SIGTERM stops the simulation at a uOp boundary, closes the VCD
// (renamed into place only then), says where it stopped, and writes nothing else.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>

#include "compiler/support/interrupt.h"
#include "tests/support/run_process.h"
#include "tests/support/vcd_reader.h"

namespace fs = std::filesystem;
using tilesim::test::run_tilesim;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;

// A model that simulates for several seconds with the reference kernels
// (96^3 tile matmuls at ~4 us), after well under a second of compiling.
fs::path long_running_model(const fs::path& dir) {
  const fs::path model = dir / "long.yaml";
  std::ofstream(model) << "name: long\ninputs: {a: [3072, 3072]}\nparams: {b: [3072, 3072]}\n"
                          "ops:\n  - {op: matmul, inputs: [a, b], output: c}\noutputs: [c]\n";
  return model;
}

fs::path fresh_folder(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("tilesim-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void check_interrupted(int signal, const std::string& signal_name) {
  const fs::path dir = fresh_folder("interrupt-" + signal_name);
  // Signal once the simulation has begun: its trace is being written to a
  // temporary file (.tilesim-tmp-XXXXXX) until it is complete, and the header
  // is there from the start (the empty files that probe the folder before the
  // work do not count). A probe gone between the listing and the size is an
  // error, whose size reads as uintmax_t(-1): not a sign of the simulation.
  auto simulating = [&] {
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::error_code ec;
      if (entry.path().filename().string().rfind(".tilesim-tmp-", 0) != 0) continue;
      const std::uintmax_t size = fs::file_size(entry.path(), ec);
      if (!ec && size > 0) return true;
    }
    return false;
  };
  const auto r = tilesim::test::run_tilesim_and_signal(
      {"run", "--hw", kSource + "/configs/hw/default.yaml", "--model", long_running_model(dir).string(), "--kernel",
       "reference", "--vcd", "t.vcd", "--out-dir", "out", "--stats-json", "s.json"},
      dir.string(), simulating, 200, signal);
  CHECK(r.signal == 0);
  CHECK(r.exit_code == 128 + signal);
  const std::string prefix = "tilesim: interrupted by " + signal_name + " at cycle ";
  INFO("stderr: " << r.err);
  REQUIRE(r.err.rfind(prefix, 0) == 0);
  const auto cycle = std::stoll(r.err.substr(prefix.size()));
  CHECK(r.err == prefix + std::to_string(cycle) +
                     " of the simulation; t.vcd holds the trace up to there; no other output written\n");
  // The trace is a whole VCD that ends where the simulation stopped.
  const auto vcd = tilesim::test::read_vcd((dir / "t.vcd").string());
  CHECK(vcd.end_time == cycle);
  CHECK(vcd.has("overlap"));
  CHECK(fs::exists(dir / "t.gtkw"));
  // Nothing else: no outputs, no statistics, no temporary files.
  CHECK_FALSE(fs::exists(dir / "out"));
  CHECK_FALSE(fs::exists(dir / "s.json"));
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir)) left.push_back(entry.path().filename().string());
  std::sort(left.begin(), left.end());
  CHECK(left == std::vector<std::string>{"long.yaml", "t.gtkw", "t.vcd"});
  fs::remove_all(dir);
}

}  // namespace

TEST_CASE("interrupt: SIGINT during a traced run closes the VCD and says where it stopped", "[interrupt]") {
  check_interrupted(SIGINT, "SIGINT");
}

TEST_CASE("interrupt: SIGTERM does the same", "[interrupt]") { check_interrupted(SIGTERM, "SIGTERM"); }

TEST_CASE("interrupt: a finished traced run leaves no temporary trace file", "[interrupt]") {
  const fs::path dir = fresh_folder("vcd-rename");
  const auto r = run_tilesim({"run", "--hw", kSource + "/configs/hw/default.yaml", "--model",
                              kSource + "/configs/models/mlp.yaml", "--vcd", "t.vcd", "--timing-only"},
                             dir.string());
  CHECK(r.exit_code == 0);
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir)) left.push_back(entry.path().filename().string());
  std::sort(left.begin(), left.end());
  CHECK(left == std::vector<std::string>{"t.gtkw", "t.vcd"});
  fs::remove_all(dir);
}

TEST_CASE("interrupt: a signal while compiling ends the run at once, nothing written", "[interrupt]") {
  // An 8192^3 matmul takes ~10 s to compile (16 M EXECs); the compiler
  // polls for signals, so SIGTERM a second in ends it at once: well under
  // 4 s in all, though with -j2 on a loaded 2-vCPU machine the exit (the
  // unwinding, the GiB of the program given back) has taken 1.8 s.
  const fs::path dir = fresh_folder("compiling");
  std::ofstream(dir / "big.yaml") << "name: big\ninputs:\n  x: [8192, 8192]\nparams:\n  w: [8192, 8192]\n"
                                     "ops:\n  - {op: matmul, inputs: [x, w], output: y}\noutputs: [y]\n";
  const auto start = std::chrono::steady_clock::now();
  const auto r = tilesim::test::run_tilesim_and_signal(
      {"run", "--hw", kSource + "/configs/hw/default.yaml", "--model", "big.yaml", "--timing-only", "--out-dir", "out",
       "--vcd", "t.vcd"},
      dir.string(), [] { return true; }, 1000, SIGTERM);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.exit_code == 128 + SIGTERM);
  CHECK(r.out.empty());
  CHECK(r.err == "tilesim: interrupted by SIGTERM while compiling; no output written\n");
  CHECK(seconds < 4.0);
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir)) left.push_back(entry.path().filename().string());
  CHECK(left == std::vector<std::string>{"big.yaml"});
  fs::remove_all(dir);
}

// The ONNX module polls its own copy of the flag (sim/cli/onnx_module.h):
// a signal recorded before the mirror is set reaches it, and so does a later one.
TEST_CASE("interrupts: a recorded signal is mirrored into another flag before and after it is set", "[interrupt]") {
  std::atomic<int> module_flag{0};
  tilesim::request_interrupt(SIGTERM);
  CHECK(module_flag.load() == 0);
  tilesim::mirror_interrupts_to(&module_flag);
  CHECK(module_flag.load() == SIGTERM);
  tilesim::request_interrupt(SIGINT);
  CHECK(module_flag.load() == SIGINT);
  CHECK(tilesim::pending_interrupt() == SIGINT);
  CHECK_THROWS_AS(tilesim::poll_interrupt(), tilesim::Interrupted);
}
