// Every example model and random MLPs, at SRAM sizes from the minimum to
// 8 MiB: the independent validator accepts each schedule.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <sstream>

#include "compiler/frontend/model_loader.h"
#include "compiler/passes/pipeline.h"
#include "compiler/schedule/validator.h"
#include "compiler/scheduler/lowering.h"
#include "compiler/scheduler/scheduler.h"
#include "tests/support/random_mlp.h"

using namespace tilesim;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;

void check_valid_at_all_sizes(ir::Graph graph, const std::vector<std::int64_t>& sizes_kib) {
  passes::run_default_passes(graph);
  const std::int64_t min_kib = sched::min_sram_tiles(graph) * 4;
  std::vector<std::int64_t> sizes{min_kib};
  for (const std::int64_t kib : sizes_kib) {
    if (kib > min_kib) sizes.push_back(kib);
  }
  for (const std::int64_t kib : sizes) {
    INFO(graph.name << " at " << kib << " KiB");
    const auto s = sched::schedule_graph(graph, sched::SchedulerOptions{kib * 1024, 2, {}});
    const auto problems = sched::validate(s);
    CHECK(problems == std::vector<std::string>{});
    CHECK(s.loads >= s.compulsory_loads);
    CHECK(s.sram_peak_bytes <= kib * 1024);
  }
}

}  // namespace

TEST_CASE("scheduler: every example model validates from the minimum SRAM to 8 MiB", "[scheduler][models]") {
  const std::vector<std::int64_t> sizes{16, 32, 64, 128, 256, 1024, 8192};
  int models = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSource + "/configs/models")) {
    if (entry.path().extension() != ".yaml") continue;
    if (entry.path().filename() == "mlp-large.yaml") continue;  // its own test below
    ++models;
    check_valid_at_all_sizes(frontend::load_model(entry.path().string()), sizes);
  }
  CHECK(models >= 4);
}

TEST_CASE("scheduler: more SRAM never moves more DMA bytes on the example models", "[scheduler][models]") {
  for (const auto& entry : std::filesystem::directory_iterator(kSource + "/configs/models")) {
    if (entry.path().extension() != ".yaml") continue;
    ir::Graph graph = frontend::load_model(entry.path().string());
    passes::run_default_passes(graph);
    std::int64_t previous = -1;
    for (const std::int64_t kib : {16, 24, 32, 48, 64, 128, 256, 512, 1024, 2048, 4096, 8192}) {
      INFO(graph.name << " at " << kib << " KiB");
      const auto s = sched::schedule_graph(graph, sched::SchedulerOptions{kib * 1024, 2, {}});
      const std::int64_t bytes = s.bytes_loaded + s.bytes_stored;
      if (previous >= 0) CHECK(bytes <= previous);
      previous = bytes;
    }
  }
}

TEST_CASE("scheduler: the large MLP validates at 64 KiB, 256 KiB and 8 MiB", "[scheduler][models]") {
  check_valid_at_all_sizes(frontend::load_model(kSource + "/configs/models/mlp-large.yaml"), {64, 256, 8192});
}

TEST_CASE("scheduler: at 8 MiB the large MLP moves only compulsory traffic", "[scheduler][models]") {
  ir::Graph graph = frontend::load_model(kSource + "/configs/models/mlp-large.yaml");
  passes::run_default_passes(graph);
  const auto s = sched::schedule_graph(graph, sched::SchedulerOptions{8 << 20, 2, {}});
  // x (8x32 tiles) and three 32x32-tile weights loaded once; layer outputs stay on chip.
  CHECK(s.compulsory_loads == 256 + 3 * 1024);
  CHECK(s.loads == s.compulsory_loads);
  CHECK(s.bytes_loaded + s.bytes_stored == s.compulsory_bytes);
}

TEST_CASE("scheduler: random MLPs with odd shapes validate at every size", "[scheduler][random]") {
  for (std::uint32_t seed = 1; seed <= 12; ++seed) {
    const std::string text = random_mlp(seed, test::RandomMlpShape{150, 4, false, 3});
    INFO(text);
    check_valid_at_all_sizes(frontend::parse_model(text, "random.yaml"), {16, 24, 64, 256});
  }
}
