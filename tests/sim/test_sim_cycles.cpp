// Exact cycle counts of tiny hand-written schedules on the default hardware
// (32 B/cycle DMA with 64 setup cycles, 64-cycle tile matmul), one simulation
// per TEST_CASE (SystemC elaborates once per process).
//
// A 4 KiB tile transfer takes 64 + 4096/32 = 192 cycles; a 128-byte bias row
// 64 + 128/32 = 68 cycles.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "compiler/schedule/schedule_text.h"
#include "compiler/schedule/validator.h"
#include "kernels/kernel_set.h"
#include "sim/model/simulate.h"
#include "tests/support/vcd_reader.h"

using namespace tilesim;

namespace {

HwConfig default_hw() {
  HwConfig hw;
  hw.name = "default";
  hw.sram.size_kib = 256;
  return hw;
}

sched::Schedule parse(const std::string& text) {
  std::istringstream in(text);
  sched::Schedule s = sched::read_schedule_text(in, "test.schedule");
  REQUIRE(sched::validate(s) == std::vector<std::string>{});
  return s;
}

HostTensor tile_of(float first, float step, int rows = 32) {
  HostTensor t;
  t.rows = rows;
  t.cols = 32;
  t.rank = rows == 1 ? 1 : 2;
  for (int i = 0; i < rows * 32; ++i) t.data.push_back(first + step * static_cast<float>(i % 17) - 0.5f);
  return t;
}

// C = A.B on 32x32 tiles in double, for the math checks.
std::vector<double> matmul32(const std::vector<float>& a, const std::vector<float>& b) {
  std::vector<double> c(32 * 32, 0.0);
  for (int i = 0; i < 32; ++i)
    for (int k = 0; k < 32; ++k)
      for (int j = 0; j < 32; ++j) c[i * 32 + j] += static_cast<double>(a[i * 32 + k]) * b[k * 32 + j];
  return c;
}

const char kHeader[] =
    "tilesim-schedule 1\nmodel hand\nsram_bytes 262144\n"
    "tensor 0 x input shape=[32,64] padded=[32,64]\n"
    "tensor 1 w param shape=[64,32] padded=[64,32]\n"
    "tensor 2 y output shape=[32,32] padded=[32,32] graph_output\n";

// Two K steps; step 2's LOADs go to slots step 1 does not read.
const char kDoubleBuffered[] =
    "0 dma LOAD x[0,0]@0x0000 deps=-\n"
    "1 dma LOAD w[0,0]@0x1000 deps=-\n"
    "2 compute EXEC matmul y[0,0]@0x2000 <- x[0,0]@0x0000 w[0,0]@0x1000 zero_init deps=1\n"
    "3 dma LOAD x[0,1]@0x3000 deps=-\n"
    "4 dma LOAD w[1,0]@0x4000 deps=-\n"
    "5 compute EXEC matmul y[0,0]@0x2000 <- x[0,1]@0x3000 w[1,0]@0x4000 deps=4\n"
    "6 dma STORE y[0,0]@0x2000 deps=5\n";

}  // namespace

TEST_CASE("sim: a single LOAD takes setup + bytes / bandwidth", "[sim]") {
  const auto s = parse(
      "tilesim-schedule 1\nsram_bytes 262144\n"
      "tensor 0 x input shape=[32,32] padded=[32,32]\n"
      "0 dma LOAD x[0,0]@0x0000 deps=-\n");
  const auto r = sim::simulate(s, default_hw(), {}, sim::SimOptions{});
  CHECK(r.stats.cycles == 192);  // 64 + 4096 / 32
  CHECK(r.stats.dma_busy_cycles == 192);
  CHECK(r.stats.compute_busy_cycles == 0);
  CHECK(r.stats.overlap_cycles == 0);
  CHECK(r.stats.loads == 1);
  CHECK(r.stats.bytes_loaded == 4096);
}

TEST_CASE("sim: LOAD, LOAD, EXEC, STORE run back to back and compute A.B", "[sim]") {
  const auto s = parse(
      "tilesim-schedule 1\nsram_bytes 262144\n"
      "tensor 0 x input shape=[32,32] padded=[32,32]\n"
      "tensor 1 w param shape=[32,32] padded=[32,32]\n"
      "tensor 2 y output shape=[32,32] padded=[32,32] graph_output\n"
      "0 dma LOAD x[0,0]@0x0000 deps=-\n"
      "1 dma LOAD w[0,0]@0x1000 deps=-\n"
      "2 compute EXEC matmul y[0,0]@0x2000 <- x[0,0]@0x0000 w[0,0]@0x1000 zero_init deps=1\n"
      "3 dma STORE y[0,0]@0x2000 deps=2\n");
  const std::map<std::string, HostTensor> inputs{{"x", tile_of(0.25f, 0.0625f)}, {"w", tile_of(-0.5f, 0.03125f)}};
  sim::SimOptions options;
  options.kernels = &kernels::reference_kernels();
  const auto r = sim::simulate(s, default_hw(), inputs, options);
  // LOAD x [0,192), LOAD w [192,384), EXEC [384,448), STORE [448,640).
  CHECK(r.stats.cycles == 640);
  CHECK(r.stats.dma_busy_cycles == 3 * 192);
  CHECK(r.stats.compute_busy_cycles == 64);
  CHECK(r.stats.overlap_cycles == 0);
  const auto expected = matmul32(inputs.at("x").data, inputs.at("w").data);
  const HostTensor& y = r.outputs.at("y");
  REQUIRE(y.data.size() == 1024);
  for (int i = 0; i < 1024; ++i) CHECK(y.data[i] == Approx(expected[i]).epsilon(1e-5).margin(1e-5));
}

TEST_CASE("sim: with double buffering the second K step's LOADs overlap the first EXEC", "[sim]") {
  const auto s = parse(std::string(kHeader) + kDoubleBuffered);
  sim::SimOptions options;
  options.vcd_path = "sim_double_buffer.vcd";
  auto r = sim::simulate(s, default_hw(), {}, options);
  r.trace.commit();
  // DMA: x0 [0,192) w0 [192,384) x1 [384,576) w1 [576,768) STORE [832,1024).
  // Compute: EXEC 2 [384,448) while x1 loads (overlap 64), EXEC 5 [768,832).
  CHECK(r.stats.cycles == 1024);
  CHECK(r.stats.dma_busy_cycles == 5 * 192);
  CHECK(r.stats.compute_busy_cycles == 128);
  CHECK(r.stats.overlap_cycles == 64);

  // The trace: 1 ns per cycle at 1 GHz; every promised signal; overlap high
  // for exactly overlap_cycles.
  const auto vcd = test::read_vcd("sim_double_buffer.vcd");
  CHECK(vcd.timescale == "1 ns");
  for (const char* name : {"dma_busy", "compute_busy", "overlap", "dma_uop", "compute_uop", "dma_queue",
                           "compute_queue", "sram_bytes_in_use"}) {
    CHECK(vcd.has(name));
  }
  CHECK(vcd.end_time == 1024);
  CHECK(vcd.time_high("overlap") == 64);
  CHECK(vcd.time_high("dma_busy") == 960);
  CHECK(vcd.time_high("compute_busy") == 128);
}

TEST_CASE("sim: without double buffering the LOADs wait for the EXEC (no overlap)", "[sim]") {
  const auto s = parse(std::string(kHeader) +
                       "0 dma LOAD x[0,0]@0x0000 deps=-\n"
                       "1 dma LOAD w[0,0]@0x1000 deps=-\n"
                       "2 compute EXEC matmul y[0,0]@0x2000 <- x[0,0]@0x0000 w[0,0]@0x1000 zero_init deps=1\n"
                       "3 dma LOAD x[0,1]@0x0000 deps=2\n"
                       "4 dma LOAD w[1,0]@0x1000 deps=2\n"
                       "5 compute EXEC matmul y[0,0]@0x2000 <- x[0,1]@0x0000 w[1,0]@0x1000 deps=4\n"
                       "6 dma STORE y[0,0]@0x2000 deps=5\n");
  const auto r = sim::simulate(s, default_hw(), {}, sim::SimOptions{});
  // x1 waits for EXEC 2 to end at 448: x1 [448,640) w1 [640,832) EXEC [832,896) STORE [896,1088).
  CHECK(r.stats.cycles == 1088);
  CHECK(r.stats.overlap_cycles == 0);
}

TEST_CASE("sim: a bias row moves 128 bytes in 68 cycles", "[sim]") {
  const auto s = parse(
      "tilesim-schedule 1\nsram_bytes 262144\n"
      "tensor 0 b param shape=[32] padded=[32]\n"
      "0 dma LOAD b[0,0]@0x0000 deps=-\n");
  const auto r = sim::simulate(s, default_hw(), {}, sim::SimOptions{});
  CHECK(r.stats.cycles == 68);  // 64 + 128 / 32
  CHECK(r.stats.bytes_loaded == 128);
}

TEST_CASE("sim: a dependency cycle stops with the stuck units named", "[sim]") {
  // Built without the text reader, which (like the validator) rejects it.
  sched::Schedule s;
  s.sram_bytes = 262144;
  s.tensors.push_back(
      {"x", sched::TensorRole::Input, 2, 32, 32, 32, 32, false, 1, {}, sched::TensorLayout::Matrix, 1, {}, {}});
  s.tensors.push_back(
      {"y", sched::TensorRole::Output, 2, 32, 32, 32, 32, true, 1, {}, sched::TensorLayout::Matrix, 1, {}, {}});
  sched::Uop load;
  load.kind = sched::UopKind::Load;
  load.tile = {0, 0, 0};
  load.dep = 1;  // waits for the EXEC that waits for it
  sched::Uop relu;
  relu.kind = sched::UopKind::Exec;
  relu.exec = sched::ExecKind::Relu;
  relu.tile = {1, 0, 0};
  relu.addr = 0x1000;
  relu.src[0] = {0, 0, 0};
  relu.dep = 0;
  s.uops = {load, relu};
  try {
    sim::simulate(s, default_hw(), {}, sim::SimOptions{});
    FAIL("no stall reported");
  } catch (const sim::SimulationStalled& e) {
    CHECK(std::string(e.what()) ==
          "simulation stalled at cycle 0: dma unit holds uop 0 (LOAD x[0,0]) waiting for the token of "
          "uop 1 (EXEC relu y[0,0]), which compute never completes; compute unit holds uop 1 (EXEC relu "
          "y[0,0]) waiting for the token of uop 0 (LOAD x[0,0]), which dma never completes");
  }
}

TEST_CASE("sim: a trace window records value changes only inside it", "[sim]") {
  const auto s = parse(std::string(kHeader) + kDoubleBuffered);
  sim::SimOptions options;
  options.vcd_path = "sim_window.vcd";
  options.trace_from_cycle = 300;
  options.trace_to_cycle = 700;
  auto r = sim::simulate(s, default_hw(), {}, options);
  r.trace.commit();
  CHECK(r.stats.cycles == 1024);  // the window changes what is traced, not the timing

  const auto vcd = test::read_vcd("sim_window.vcd");
  std::vector<std::int64_t> change_times;
  for (const auto& [id, changes] : vcd.changes) {
    for (const auto& change : changes) {
      if (change.first != 0) change_times.push_back(change.first);
    }
  }
  std::sort(change_times.begin(), change_times.end());
  change_times.erase(std::unique(change_times.begin(), change_times.end()), change_times.end());
  // At 300 the state of that moment (DMA loading w0, uop 1); at 384 EXEC 2 and
  // LOAD x1 start, at 448 EXEC 2 ends, at 576 LOAD w1 starts; nothing from 700 on.
  CHECK(change_times == std::vector<std::int64_t>{300, 384, 448, 576});
  // Overlap inside the window: EXEC 2 [384,448) while x1 loads.
  CHECK(vcd.time_high("overlap") == 64);
}

// The same two K steps on a 32x32 systolic array (compute.array, issue 15):
// a tile matmul alone is one fold of 2*32 + 32 + 32 - 2 = 126 cycles.
HwConfig array_hw(Dataflow dataflow) {
  HwConfig hw = default_hw();
  hw.compute.array = ComputeArray{32, 32, dataflow};
  return hw;
}

TEST_CASE("sim: on an output-stationary array the second K step streams behind the first", "[sim][array]") {
  const auto r = sim::simulate(parse(std::string(kHeader) + kDoubleBuffered), array_hw(Dataflow::OutputStationary),
                               {}, sim::SimOptions{});
  // DMA: x0 [0,192) w0 [192,384) x1 [384,576) w1 [576,768) STORE [800,992).
  // Compute: EXEC 2 [384,510) while x1 loads (overlap 126); EXEC 5 accumulates
  // into the same y[0,0]@0x2000, so its partial sums never left the cells: it
  // streams its 32 K elements in [768,800).
  CHECK(r.stats.cycles == 992);
  CHECK(r.stats.compute_busy_cycles == 126 + 32);
  CHECK(r.stats.overlap_cycles == 126);
  CHECK(r.stats.bound_compute_cycles == 158);
}

TEST_CASE("sim: on a weight-stationary array each K step loads its own weights", "[sim][array]") {
  const auto r = sim::simulate(parse(std::string(kHeader) + kDoubleBuffered), array_hw(Dataflow::WeightStationary),
                               {}, sim::SimOptions{});
  // EXEC 5 reads w[1,0], not EXEC 2's w[0,0]: a full 126 cycles [768,894),
  // then the STORE [894,1086).
  CHECK(r.stats.cycles == 1086);
  CHECK(r.stats.compute_busy_cycles == 2 * 126);
  CHECK(r.stats.overlap_cycles == 126);
}
