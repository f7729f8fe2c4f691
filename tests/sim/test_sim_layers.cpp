// The per-layer figures of a run (docs/stats.md, "Per layer"), exact, on the
// default (ideal) hardware: 64 setup cycles + 4096 / 32 = 192 cycles per tile
// transfer, 64 per matmul EXEC, a free SRAM of 256 KiB (docs/cycle-model.md).
// One simulation per TEST_CASE (SystemC elaborates once per process).
//
// The model: a = relu(x @ w1) (layer 0, matmul+relu), y = a @ w2 (layer 1,
// matmul), x and w1 [32,32], w2 [32,64]. The compiler's schedule (checked
// below uOp by uOp) and its run, by the rules of docs/cycle-model.md:
//
//   uOp                           layer  unit     start   end  why
//   0 LOAD  x[0,0]                  0    dma        0    192
//   1 LOAD  w1[0,0]                 0    dma      192    384
//   2 EXEC  a[0,0] = x.w1, relu     0    compute  384    448  token of 1 at 384
//   3 LOAD  w2[0,0]                 1    dma      384    576  a fresh slot: no token
//   4 EXEC  y[0,0] = a.w2[0,0]      1    compute  576    640  token of 3
//   5 LOAD  w2[0,1]                 1    dma      576    768
//   6 EXEC  y[0,1] = a.w2[0,1]      1    compute  768    832  token of 5
//   7 STORE y[0,0]                  1    dma      768    960  token of 4 (at 640)
//   8 STORE y[0,1]                  1    dma      960   1152  token of 6 (at 832)
//
// Layer 0: uOps 0-2, first start 0, last completion 448: 448 cycles, 38.9 %
// of the 1152. Its bound: compute 1 x 64 = 64; DMA, its compulsory transfers
// (x and w1 loaded for the first time, 8192 B) at 32 B/cycle = 256; so 256,
// efficiency 256 / 448. Layer 1: uOps 3-8, 384 to 1152: 768 cycles, 66.7 %
// (the spans overlap: layer 1's first LOAD runs beside layer 0's EXEC). Its
// bound: compute 2 x 64 = 128; DMA, w2's two tiles and y's two (8192 + 8192 B)
// / 32 = 512; efficiency 512 / 768. The bottleneck is layer 1, the longer.
#include <catch2/catch.hpp>

#include <string>

#include "compiler/driver/compile_model.h"
#include "compiler/frontend/model_loader.h"
#include "compiler/hw/cost_model.h"
#include "compiler/schedule/transfer_bytes.h"
#include "compiler/schedule/validator.h"
#include "sim/memory/sram/uop_accesses.h"
#include "sim/model/simulate.h"
#include "tests/support/vcd_reader.h"

using namespace tilesim;

namespace {

const char kModel[] =
    "name: two_layers\n"
    "inputs: {x: [32, 32]}\n"
    "params: {w1: [32, 32], w2: [32, 64]}\n"
    "ops:\n"
    "  - {op: matmul, inputs: [x, w1], output: h}\n"
    "  - {op: relu, inputs: [h], output: a}\n"
    "  - {op: matmul, inputs: [a, w2], output: y}\n"
    "outputs: [y]\n";

HwConfig default_hw() {
  HwConfig hw;
  hw.name = "default";
  hw.sram.size_kib = 256;
  return hw;
}

sched::Schedule two_layers() {
  sched::Schedule s = compile_model(default_hw(), frontend::parse_model(kModel, "two_layers.yaml"), 0).schedule;
  REQUIRE(sched::validate(s).empty());
  return s;
}

// Four layers: three matmuls of 3, 2 and 3 K steps (on an output-stationary
// array a step streams behind the one before: ExecSequence), the first with
// its ReLU fused, and the sigmoid alone (vector EXECs).
const char kThreeLayers[] =
    "name: three_layers\n"
    "inputs: {x: [64, 96]}\n"
    "params: {w1: [96, 64], w2: [64, 96], w3: [96, 32]}\n"
    "ops:\n"
    "  - {op: matmul, inputs: [x, w1], output: h1}\n"
    "  - {op: relu, inputs: [h1], output: a1}\n"
    "  - {op: matmul, inputs: [a1, w2], output: h2}\n"
    "  - {op: sigmoid, inputs: [h2], output: a2}\n"
    "  - {op: matmul, inputs: [a2, w3], output: y}\n"
    "outputs: [y]\n";

// Each layer's figures by their definitions, walking the schedule (the
// simulator counts them in its units as uOps finish): transfers from
// TransferBytes, the compute bound as every EXEC of the layer back to back in
// queue order, the SRAM traffic from each uOp's accesses.
std::vector<sim::LayerStats> layers_by_definition(const sched::Schedule& s, const HwConfig& hw) {
  const CostModel costs(hw);
  const sched::TransferBytes bytes(s);
  ExecSequence execs(costs);
  std::vector<sim::LayerStats> layers(s.layers.size());
  for (std::size_t i = 0; i < s.uops.size(); ++i) {
    const sched::Uop& uop = s.uops[i];
    sim::LayerStats& layer = layers[s.uop_layer[i]];
    if (uop.kind == sched::UopKind::Exec) {
      ++layer.execs;
      layer.bound_compute_cycles += execs.next(uop);
      if (uop.exec == sched::ExecKind::MatMul) ++layer.matmul_execs;
      else layer.vector_cycles += costs.exec_cycles(uop.exec);
    } else if (uop.kind == sched::UopKind::Load) {
      ++layer.loads, layer.bytes_loaded += bytes(uop.tile);
    } else {
      ++layer.stores, layer.bytes_stored += bytes(uop.tile);
    }
    for (const sim::SramAccess& access : sim::uop_sram_access_list(s, uop)) {
      (access.is_write ? layer.sram_bytes_written : layer.sram_bytes_read) += access.bytes;
    }
  }
  return layers;
}

void check_layers_by_definition(const std::string& hw_file) {
  const HwConfig hw = load_hw_config(std::string(TILESIM_SOURCE_DIR) + "/configs/hw/" + hw_file);
  const sched::Schedule s = compile_model(hw, frontend::parse_model(kThreeLayers, "three_layers.yaml"), 0).schedule;
  REQUIRE(sched::validate(s).empty());
  REQUIRE(s.layers.size() == 4);
  const sim::SimResult r = sim::simulate(s, hw, {}, sim::SimOptions{});
  REQUIRE(r.stats.layers.size() == 4);
  const std::vector<sim::LayerStats> want = layers_by_definition(s, hw);
  std::int64_t bound = 0;
  for (std::size_t l = 0; l < want.size(); ++l) {
    INFO("layer " << l);
    const sim::LayerStats& got = r.stats.layers[l];
    CHECK(got.loads == want[l].loads);
    CHECK(got.stores == want[l].stores);
    CHECK(got.execs == want[l].execs);
    CHECK(got.bytes_loaded == want[l].bytes_loaded);
    CHECK(got.bytes_stored == want[l].bytes_stored);
    CHECK(got.matmul_execs == want[l].matmul_execs);
    CHECK(got.vector_cycles == want[l].vector_cycles);
    CHECK(got.sram_bytes_read == want[l].sram_bytes_read);
    CHECK(got.sram_bytes_written == want[l].sram_bytes_written);
    CHECK(got.bound_compute_cycles == want[l].bound_compute_cycles);
    bound += want[l].bound_compute_cycles;
  }
  CHECK(r.stats.bound_compute_cycles == bound);
  CHECK(r.stats.bound_compute_cycles == CostModel(hw).compute_bound_cycles(s));
}

}  // namespace

TEST_CASE("sim layers: each layer's counts, SRAM bytes and compute bound are their definitions' (streaming array)",
          "[sim][layers][array]") {
  // Ideal DRAM and SRAM: one DMA engine, the SRAM's traffic counted per request.
  check_layers_by_definition("systolic.yaml");
}

TEST_CASE("sim layers: each layer's counts, SRAM bytes and compute bound are their definitions' (4 DMA engines)",
          "[sim][layers][dram]") {
  // HBM2 behind four DMA engines (their counts summed layer by layer), a
  // banked SRAM, a 128x128 weight-stationary array.
  check_layers_by_definition("datacenter.yaml");
}

TEST_CASE("sim layers: a two-layer model's spans, counts and bounds, derived by hand", "[sim][layers]") {
  const sched::Schedule s = two_layers();
  // The schedule of the table above: kinds in list order and each uOp's layer.
  std::string kinds;
  for (const sched::Uop& u : s.uops) kinds += sched::to_string(u.kind)[0];
  CHECK(kinds == "LLELELESS");
  CHECK(s.uop_layer == std::vector<std::uint32_t>{0, 0, 0, 1, 1, 1, 1, 1, 1});
  REQUIRE(s.layers.size() == 2);
  CHECK(s.layers[0].compulsory_bytes == 8192);
  CHECK(s.layers[1].compulsory_bytes == 16384);

  const sim::SimResult r = sim::simulate(s, default_hw(), {}, sim::SimOptions{});
  CHECK(r.stats.cycles == 1152);
  REQUIRE(r.stats.layers_known);
  REQUIRE(r.stats.layers.size() == 2);
  const sim::LayerStats& a = r.stats.layers[0];
  CHECK(a.first_cycle == 0);
  CHECK(a.last_cycle == 448);
  CHECK(a.cycles() == 448);
  CHECK(a.loads == 2);
  CHECK(a.stores == 0);
  CHECK(a.execs == 1);
  CHECK(a.bytes_loaded == 8192);
  CHECK(a.bytes_stored == 0);
  CHECK(a.bound_compute_cycles == 64);
  CHECK(a.bound_dma_cycles == 256);
  CHECK(a.bound_cycles() == 256);
  const sim::LayerStats& y = r.stats.layers[1];
  CHECK(y.first_cycle == 384);
  CHECK(y.last_cycle == 1152);
  CHECK(y.cycles() == 768);
  CHECK(y.loads == 2);
  CHECK(y.stores == 2);
  CHECK(y.execs == 2);
  CHECK(y.bytes_loaded == 8192);
  CHECK(y.bytes_stored == 8192);
  CHECK(y.bound_compute_cycles == 128);
  CHECK(y.bound_dma_cycles == 512);
  // The layers' traffic is the run's.
  CHECK(a.bytes_loaded + y.bytes_loaded == r.stats.bytes_loaded);
  CHECK(a.bytes_stored + y.bytes_stored == r.stats.bytes_stored);
  CHECK(a.loads + y.loads == r.stats.loads);
  CHECK(a.stores + y.stores == r.stats.stores);
  CHECK(a.execs + y.execs == r.stats.tile_ops);
}

TEST_CASE("sim layers: the trace's dma_layer and compute_layer follow the units' uOps", "[sim][layers][trace]") {
  const sched::Schedule s = two_layers();
  sim::SimOptions options;
  options.vcd_path = "sim_layers.vcd";
  sim::SimResult r = sim::simulate(s, default_hw(), {}, options);
  r.trace.commit();
  const auto vcd = test::read_vcd("sim_layers.vcd");
  using Changes = std::vector<std::pair<std::int64_t, std::string>>;
  // The DMA engine runs layer 0's LOADs from 0, layer 1's from 384 to the
  // end of the last STORE at 1152; then it idles (z).
  CHECK(vcd.of("dma_layer") == Changes{{0, "0"}, {384, "1"}, {1152, "z"}});
  // The compute unit idles (z) but while its three EXECs run.
  CHECK(vcd.of("compute_layer") ==
        Changes{{0, "z"}, {384, "0"}, {448, "z"}, {576, "1"}, {640, "z"}, {768, "1"}, {832, "z"}});
  CHECK(vcd.end_time == 1152);
}

TEST_CASE("sim layers: a schedule that does not give its uOps' layers has no layer figures", "[sim][layers]") {
  sched::Schedule s = two_layers();
  s.uop_layer.clear();
  REQUIRE(sched::validate(s).empty());
  sim::SimOptions options;
  options.vcd_path = "sim_no_layers.vcd";
  sim::SimResult r = sim::simulate(s, default_hw(), {}, options);
  r.trace.commit();
  CHECK(r.stats.cycles == 1152);
  CHECK_FALSE(r.stats.layers_known);
  CHECK(r.stats.layers.empty());
  // The run's figures still come from the units' single bucket: the table's.
  CHECK(r.stats.loads == 4);
  CHECK(r.stats.stores == 2);
  CHECK(r.stats.tile_ops == 3);
  CHECK(r.stats.bound_compute_cycles == 3 * 64);
  const auto vcd = test::read_vcd("sim_no_layers.vcd");
  CHECK_FALSE(vcd.has("dma_layer"));
  CHECK_FALSE(vcd.has("compute_layer"));
  CHECK(vcd.has("dma_uop"));
}
