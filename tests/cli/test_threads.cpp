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
  for (const char* key : {"wall_seconds", "sim_wall_seconds", "uops_per_second", "host_threads", "host_thread_check"}) {
    j.erase(key);
  }
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
      for (const char* threads : {"1", "2", "auto"}) {  // auto: the thread check where two are chosen
        const auto r = run_tilesim({"run", "--hw", kSource + "/configs/hw/" + hw + ".yaml", "--model",
                                    kSource + "/" + model, "--threads", threads, "--out-dir",
                                    (root / threads).string()});
        REQUIRE(r.exit_code == 0);
      }
      CHECK(nlohmann::json::parse(read_file(root / "2" / "stats.json"))["host_threads"] == 2);
      for (const char* other : {"2", "auto"}) {
        INFO("--threads " << other);
        CHECK(simulated_stats(root / "1") == simulated_stats(root / other));
        for (const auto& entry : fs::directory_iterator(root / "1")) {
          if (entry.path().filename() == "stats.json") continue;
          INFO(entry.path().filename());
          CHECK(read_file(entry.path()) == read_file(root / other / entry.path().filename()));
        }
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

TEST_CASE(
    "threads: auto runs a large schedule on two threads only where two CPUs are usable and the check finds the second "
    "faster",
    "[cli][threads]") {
  const fs::path dir = fs::temp_directory_path() / ("tilesim-threads-auto-" + std::to_string(::getpid()));
  const std::vector<std::string> run = {"run", "--hw", kSource + "/configs/hw/default.yaml", "--model",
                                        kSource + "/configs/models/mlp-large.yaml", "--stats-json",
                                        (dir / "s.json").string(), "--force"};
  fs::create_directories(dir);
  cpu_set_t set;
  REQUIRE(sched_getaffinity(0, sizeof set, &set) == 0);
  REQUIRE(run_tilesim(run).exit_code == 0);  // 24 576 EXECs
  const nlohmann::json chosen = nlohmann::json::parse(read_file(dir / "s.json"));
  if (CPU_COUNT(&set) >= 2) {
    // Two threads, then the thread check (exec_worker.h): the second kept
    // unless its MatMuls' upper quartile was over 1.75 times the inline one's.
    const nlohmann::json& check = chosen["host_thread_check"];
    REQUIRE(check.is_object());
    const double worker_ns = check["worker_matmul_ns"], inline_ns = check["inline_matmul_ns"];
    CHECK(worker_ns > 0);
    CHECK(inline_ns > 0);
    CHECK(check["second_thread_kept"] == (worker_ns <= 1.75 * inline_ns));
    CHECK(chosen["host_threads"] == (check["second_thread_kept"] == true ? 2 : 1));
  } else {
    CHECK(chosen["host_threads"] == 1);
    CHECK(chosen["host_thread_check"].is_null());
  }
  // A count the user chose is kept: no check.
  std::vector<std::string> two = run;
  two.insert(two.end(), {"--threads", "2"});
  REQUIRE(run_tilesim(two).exit_code == 0);
  CHECK(nlohmann::json::parse(read_file(dir / "s.json"))["host_threads"] == 2);
  CHECK(nlohmann::json::parse(read_file(dir / "s.json"))["host_thread_check"].is_null());
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
