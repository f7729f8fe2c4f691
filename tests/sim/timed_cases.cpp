#include "tests/sim/timed_cases.h"

#include <random>
#include <sstream>
#include <utility>

#include "compiler/driver/compile_model.h"
#include "compiler/frontend/model_loader.h"
#include "compiler/schedule/schedule_text.h"
#include "tests/schedule/view_schedules.h"
#include "tests/support/random_mlp.h"

namespace tilesim::test {
namespace {

const std::string kSource = TILESIM_SOURCE_DIR;

struct Config {
  Config(std::string n, std::vector<std::string> o, ComputeArray a = {})
      : name(std::move(n)), overrides(std::move(o)), array(a) {}
  std::string name;
  std::vector<std::string> overrides;
  ComputeArray array;  // default.yaml's matmul_tile_cycles unless given (issue 15)
};

const std::vector<Config>& configs() {
  static const std::vector<Config> list{
      {"ddr4 E1 M16", {"dram.preset=ddr4-3200"}},
      {"ddr4 E1 M1", {"dram.preset=ddr4-3200", "dma.max_outstanding=1"}},
      {"ddr4 tile_major E2 M4",
       {"dram.preset=ddr4-3200", "dram.layout=tile_major", "dma.channels=2", "dma.max_outstanding=4"}},
      {"ddr4 E2 M16 queue 2", {"dram.preset=ddr4-3200", "dma.channels=2", "dram.queue_depth=2"}},
      {"ddr4 1600 MHz setup 0", {"dram.preset=ddr4-3200", "clock_mhz=1600", "dma.setup_cycles=0"}},
      {"ddr4 700 MHz E2 M1 narrow SRAM",
       {"dram.preset=ddr4-3200", "clock_mhz=700", "dma.channels=2", "dma.max_outstanding=1", "sram.banks=4",
        "sram.bank_bytes_per_cycle=32"}},
      {"lpddr4 E2 M16", {"dram.preset=lpddr4-3200", "dma.channels=2"}},
      {"lpddr4 tile_major E1 M4", {"dram.preset=lpddr4-3200", "dram.layout=tile_major", "dma.max_outstanding=4"}},
      {"hbm2 E2 M4 16 banks", {"dram.preset=hbm2", "dma.channels=2", "dma.max_outstanding=4", "sram.banks=16"}},
      {"hbm2 tile_major E1 M16 one bank",
       {"dram.preset=hbm2", "dram.layout=tile_major", "sram.banks=1", "sram.bank_bytes_per_cycle=32",
        "dma.queue_depth=1"}},
      {"hbm2 E2 M16, 32x32 output-stationary array",
       {"dram.preset=hbm2", "dma.channels=2"},
       ComputeArray{32, 32, Dataflow::OutputStationary}},
      {"ddr4 E1 M16, 64x64 weight-stationary array",
       {"dram.preset=ddr4-3200"},
       ComputeArray{64, 64, Dataflow::WeightStationary}},
      {"hbm2 E1 M4, 48x32 input-stationary array, 8 banks",
       {"dram.preset=hbm2", "dma.max_outstanding=4", "sram.banks=8"},
       ComputeArray{48, 32, Dataflow::InputStationary}},
      {"ddr4 E1 M16, 16x8 output-stationary array (8 folds)",
       {"dram.preset=ddr4-3200"},
       ComputeArray{16, 8, Dataflow::OutputStationary}},
  };
  return list;
}

// docs/schedule-format.md's hand-written schedule: y = 0.5 (a @ w^T + s).
const char kOnnxParts[] =
    "tilesim-schedule 1\nmodel onnx_parts\nsram_bytes 20480\n"
    "tensor 0 a input shape=[32,32] padded=[32,32] batch=2 dims=[2,32,32]\n"
    "tensor 1 w param shape=[32,32] padded=[32,32]\n"
    "tensor 2 wt intermediate shape=[32,32] padded=[32,32] view=transpose(w)\n"
    "tensor 3 s param shape=[1] padded=[32] dims=[]\n"
    "tensor 4 c intermediate shape=[32,32] padded=[32,32] batch=2 dims=[2,32,32]\n"
    "tensor 5 y output shape=[32,32] padded=[32,32] batch=2 dims=[2,32,32] graph_output\n"
    "0 dma LOAD wt[0,0]@0x1000 deps=-\n"
    "1 dma LOAD s[0,0]@0x2000 deps=-\n"
    "2 dma LOAD a[0,0]@0x0000 deps=-\n"
    "3 compute EXEC matmul c[0,0]@0x3000 <- a[0,0]@0x0000 wt[0,0]@0x1000 bias s[0,0]@0x2000 zero_init deps=2\n"
    "4 dma LOAD a[1,0]@0x0000 deps=3\n"
    "5 compute EXEC matmul c[1,0]@0x4000 <- a[1,0]@0x0000 wt[0,0]@0x1000 bias s[0,0]@0x2000 zero_init deps=4\n"
    "6 compute EXEC scale y[0,0]@0x3000 <- c[0,0]@0x3000 scale=0.5 deps=-\n"
    "7 compute EXEC scale y[1,0]@0x4000 <- c[1,0]@0x4000 scale=0.5 deps=-\n"
    "8 dma STORE y[0,0]@0x3000 deps=6\n"
    "9 dma STORE y[1,0]@0x4000 deps=7\n";

sched::Schedule hand_schedule(const HwConfig& hw) {
  std::istringstream in(kOnnxParts);
  sched::Schedule s = sched::read_schedule_text(in, "onnx_parts.schedule");
  s.dram_layout = hw.dram_layout;  // as the compiler would lay it out
  return s;
}

}  // namespace

std::vector<TimedCase> timed_cases() {
  std::vector<std::pair<std::string, std::string>> models{{"mlp", ""}};
  for (const std::uint32_t seed : {3u, 11u})
    models.emplace_back("random" + std::to_string(seed), random_mlp(seed, RandomMlpShape{}));
  std::vector<TimedCase> cases;
  for (const Config& config : configs()) {
    HwConfig hw = load_hw_config(kSource + "/configs/hw/default.yaml", config.overrides);
    hw.compute.array = config.array;
    for (const auto& [name, text] : models) {
      const ir::Graph graph = text.empty() ? frontend::load_model(kSource + "/configs/models/mlp.yaml")
                                           : frontend::parse_model(text, name + ".yaml");
      cases.push_back(TimedCase{name + " on " + config.name, compile_model(hw, graph, 0).schedule, hw});
    }
    cases.push_back(TimedCase{"onnx_parts on " + config.name, hand_schedule(hw), hw});
    sched::Schedule conv = sched::testing::conv_schedule(sched::TensorLayout::Nhwc, sched::testing::conv_s2());
    conv.dram_layout = hw.dram_layout;
    cases.push_back(TimedCase{"conv (an im2col gather) on " + config.name, std::move(conv), hw});
    sched::Schedule concat = sched::testing::concat_schedule();
    concat.dram_layout = hw.dram_layout;
    cases.push_back(TimedCase{"concat (place views, one reading nothing) on " + config.name, std::move(concat), hw});
  }
  return cases;
}

}  // namespace tilesim::test
