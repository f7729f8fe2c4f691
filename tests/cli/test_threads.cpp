// `tilesim run --threads`: the EXECs' kernels on a second thread give the
// same output bytes and the same statistics (every figure but the host's
// wall times) as on one, for models of every kind of EXEC and view, on the
// ideal DRAM and on a timed one with four DMA engines; a count other than 1
// or 2 (or auto, the default) is refused. auto takes two threads for a large
// schedule only where the process may run on two CPUs.
#include <catch2/catch.hpp>

#include <sched.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using tilesim::test::read_file;
using tilesim::test::run_process;
using tilesim::test::run_tilesim;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;

// stats.json without the host's timings.
nlohmann::json simulated_stats(const fs::path& dir) {
  nlohmann::json j = nlohmann::json::parse(read_file(dir / "stats.json"));
  for (const char* key : {"wall_seconds", "sim_wall_seconds", "uops_per_second", "host_threads"}) j.erase(key);
  return j;
}

}  // namespace

TEST_CASE("threads: one thread or two, the same outputs and statistics", "[cli][threads]") {
  const fs::path root = fs::temp_directory_path() / ("tilesim-threads-" + std::to_string(::getpid()));
  for (const char* hw : {"default", "datacenter"}) {
    for (const char* model : {"configs/models/mlp-large.yaml", "configs/models/cnn.yaml",
                              "tests/models/torch/resnet_mini/model.onnx",
                              "tests/models/torch/encoder_layer/model.onnx"}) {
      INFO(model << " on " << hw);
      fs::remove_all(root);
      for (const char* threads : {"1", "2"}) {
        const auto r = run_tilesim({"run", "--hw", kSource + "/configs/hw/" + hw + ".yaml", "--model",
                                    kSource + "/" + model, "--threads", threads, "--out-dir",
                                    (root / threads).string()});
        REQUIRE(r.exit_code == 0);
      }
      CHECK(nlohmann::json::parse(read_file(root / "2" / "stats.json"))["host_threads"] == 2);
      CHECK(simulated_stats(root / "1") == simulated_stats(root / "2"));
      for (const auto& entry : fs::directory_iterator(root / "1")) {
        if (entry.path().filename() == "stats.json") continue;
        INFO(entry.path().filename());
        CHECK(read_file(entry.path()) == read_file(root / "2" / entry.path().filename()));
      }
    }
  }
  fs::remove_all(root);
}

TEST_CASE("threads: a count other than 1, 2 or auto is refused before any work", "[cli][threads]") {
  for (const char* count : {"0", "3", "two", ""}) {
    const auto r = run_tilesim({"run", "--hw", kSource + "/configs/hw/default.yaml", "--model",
                                kSource + "/configs/models/mlp.yaml", "--threads", count});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == std::string("tilesim: error: --threads ") + count + ": unsupported thread count '" + count +
                       "' (expected 1, 2 or auto)\n");
  }
}

TEST_CASE("threads: auto runs a large schedule on two threads only where two CPUs are usable", "[cli][threads]") {
  const fs::path dir = fs::temp_directory_path() / ("tilesim-threads-auto-" + std::to_string(::getpid()));
  const std::vector<std::string> run = {"run", "--hw", kSource + "/configs/hw/default.yaml", "--model",
                                        kSource + "/configs/models/mlp-large.yaml", "--stats-json",
                                        (dir / "s.json").string(), "--force"};
  fs::create_directories(dir);
  cpu_set_t set;
  REQUIRE(sched_getaffinity(0, sizeof set, &set) == 0);
  REQUIRE(run_tilesim(run).exit_code == 0);  // 24 576 EXECs
  CHECK(nlohmann::json::parse(read_file(dir / "s.json"))["host_threads"] == (CPU_COUNT(&set) >= 2 ? 2 : 1));
  std::vector<std::string> pinned = {"/usr/bin/taskset", "-c", "0", TILESIM_BINARY};
  pinned.insert(pinned.end(), run.begin(), run.end());
  REQUIRE(run_process(pinned).exit_code == 0);
  CHECK(nlohmann::json::parse(read_file(dir / "s.json"))["host_threads"] == 1);
  // A small schedule (mlp: 44 EXECs) stays on one thread.
  std::vector<std::string> small = run;
  small[4] = kSource + "/configs/models/mlp.yaml";
  REQUIRE(run_tilesim(small).exit_code == 0);
  CHECK(nlohmann::json::parse(read_file(dir / "s.json"))["host_threads"] == 1);
  fs::remove_all(dir);
}
