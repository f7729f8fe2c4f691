// Exact cycles of two small ONNX Convs compiled and run end to end on the
// ideal machine (configs/hw/default.yaml), each figure derived by hand in the
// comments from the rules of docs/cycle-model.md and the layouts and gathers
// of docs/convolution.md, with the math checked by --verify. The schedules
// quoted are what `tilesim compile --emit schedule` prints for these models;
// the last case checks the first one's DMA order, which gives it its overlap.
//
// Costs used (cycle-model.md, "The rules"): a transfer of b bytes takes
// setup 64 + ceil(b / 32) cycles, so a whole tile (4096 B) 192 and a bias row
// (128 B) 68; a gather LOAD (an im2col or relayout view tile) moves 4 B per
// distinct source element it names; a matmul EXEC 64 cycles, a vector EXEC
// (the `scale` copy of the graph output) 8. A uOp starts when its unit is free
// and its one dependency has ended; each unit runs its queue in order. Every
// EXEC here depends on a DMA uOp listed before it, so the sequencer's FIFOs
// never delay a start (all uOps are issued before their dependency ends).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

#include "compiler/driver/compile_model.h"
#include "compiler/schedule/tile_format.h"
#include "compiler/schedule/validator.h"
#include "tests/onnx/onnx_builders.h"
#include "tests/support/run_process.h"

using namespace tilesim;
using namespace tilesim::test;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;

struct ConvCase {
  std::string name;
  std::vector<std::int64_t> x, w;  // NCHW input, [OC, C/G, KH, KW] weights
  std::int64_t group = 1, stride = 1, pad = 1;
};

// A Conv with bias, weights (i mod 13) / 4 - 1.5 and biases 0.1, 0.2, ...
onnx::ModelProto conv_model(const ConvCase& c) {
  onnx::ModelProto m = new_model(13);
  auto* g = m.mutable_graph();
  g->set_name(c.name);
  auto* n = add_node(g, "Conv", {"x", "w", "b"}, "y");
  set_ints(n, "kernel_shape", {c.w[2], c.w[3]});
  set_ints(n, "strides", {c.stride, c.stride});
  set_ints(n, "pads", {c.pad, c.pad, c.pad, c.pad});
  set_int(n, "group", c.group);
  std::vector<float> w(static_cast<std::size_t>(c.w[0] * c.w[1] * c.w[2] * c.w[3])), b;
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i % 13) / 4 - 1.5f;
  for (std::int64_t o = 0; o < c.w[0]; ++o) b.push_back(0.1f * static_cast<float>(o + 1));
  add_initializer(g, "w", c.w, w);
  add_initializer(g, "b", {c.w[0]}, b);
  const auto out = [&](std::int64_t size) { return (size + 2 * c.pad - c.w[2]) / c.stride + 1; };
  set_shape(g->add_input(), "x", c.x);
  set_shape(g->add_output(), "y", {c.x[0], c.w[0], out(c.x[2]), out(c.x[3])});
  return m;
}

// Runs the model at `sram_kib` with --verify; returns stats.json.
nlohmann::json run_conv(const ConvCase& c, int sram_kib) {
  write_model(conv_model(c), c.name + ".onnx");  // (in this process's own directory)
  const auto r = run_tilesim({"run", "--hw", kSource + "/configs/hw/default.yaml", "--model", c.name + ".onnx", "--set",
                              "sram.size_kib=" + std::to_string(sram_kib), "--verify", "--stats-json", c.name + ".json",
                              "--force"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("verify y:") != std::string::npos);
  CHECK(r.out.find("BEYOND") == std::string::npos);
  std::ifstream in(c.name + ".json");
  return nlohmann::json::parse(in);
}

// A layer's span and bound from stats.json's `layers`.
void check_layer(const nlohmann::json& layer, const std::string& name, int first, int last, int compute_bound,
                 int dma_bound) {
  INFO("layer " << name);
  CHECK(layer["name"] == name);
  CHECK(layer["first_cycle"] == first);
  CHECK(layer["last_cycle"] == last);
  CHECK(layer["bound"]["compute_cycles"] == compute_bound);
  CHECK(layer["bound"]["dma_cycles"] == dma_bound);
}

}  // namespace

TEST_CASE("conv cycles: a 3x3 pad-1 Conv with bias, 1x3x6x6 to 1x4x6x6, worked out by hand", "[onnx][conv][cycles]") {
  // The lowering (convolution.md): x stays nchw, a [3, 36] matrix (tiles
  // x[0,0] of pixels 0..31 and x[0,1] of 32..35); the Conv is im2col(x)
  // [36, 27] @ w [27, 4] + b: M = 2 row tiles (pixels 0..31, 32..35), K = 1
  // (27 = 3x3x3 columns, padded once), N = 1. Its result y.nhwc [36, 4] goes
  // to DRAM, and the graph output y (nchw [4, 36], two column tiles) is
  // copied out through the relayout view y.view: a gather, a `scale` copy
  // EXEC, a STORE per tile. At 256 KiB the compiler emits
  //    0 LOAD im2col[0,0]   1 LOAD w[0,0]   2 LOAD b   3 EXEC matmul (deps 2)
  //    4 LOAD im2col[1,0]   5 EXEC matmul (deps 4)   6 STORE y.nhwc[0,0] (deps 3)
  //    7 LOAD y.view[0,0]   8 EXEC scale (deps 7)   9 STORE y.nhwc[1,0] (deps 5)
  //   10 LOAD y.view[0,1]  11 EXEC scale (deps 10)  12 STORE y[0,0] (deps 8)
  //   13 STORE y[0,1] (deps 11)
  // (the ordering pass lists each uOp by its estimated start). An output
  // tile's STORE is held back two EXECs (architecture.md, SramAllocator), and
  // a view's LOAD sends first only the held-back STOREs of the tiles it reads:
  // im2col[1,0] reads x, a graph input, so STORE y.nhwc[0,0] waits behind it;
  // y.view[0,0] (pixels 0..31) reads y.nhwc[0,0] alone, so its STORE goes
  // just before it; STORE y.nhwc[1,0], held back until the fourth EXEC, goes
  // just before y.view[0,1], which reads it; the graph output's two STOREs,
  // still held back when the EXECs end, go last.
  // Gathered bytes: im2col[0,0] is pixels oh 0..4 (all ow) and (5, 0..1) with
  // all 9 taps: input rows oh - 1 + kh cover 0..5, columns 0..5, so all 36
  // elements of each of the 3 channels, 108 x 4 = 432 B: 64 + 14 = 78 cycles.
  // im2col[1,0] is pixels (5, 2..5): rows 4..5 (row 6 is padding), columns
  // 1..5 (6 is padding), 2 x 5 x 3 = 30 elements, 120 B: 64 + 4 = 68.
  // y.view[0,0] names y's 4 channels x pixels 0..31 = 128 elements, 512 B:
  // 80; y.view[0,1] 4 x 4 = 16 elements, 64 B: 66.
  //   DMA      LOAD 0 [0,78) LOAD 1 [78,270) LOAD 2 [270,338)
  //   compute  EXEC 3 [338,402)                      (under LOAD 4: overlap 64)
  //   DMA      LOAD 4 [338,406)
  //   compute  EXEC 5 [406,470)                      (under STORE 6: 64)
  //   DMA      STORE 6 [406,598) (EXEC 3 ended at 402) LOAD 7 [598,678)
  //   compute  EXEC 8 [678,686)                      (under STORE 9: 8)
  //   DMA      STORE 9 [678,870) LOAD 10 [870,936)
  //   compute  EXEC 11 [936,944)                     (under STORE 12: 8)
  //   DMA      STORE 12 [936,1128) STORE 13 [1128,1320)
  // Cycles 1320, the DMA engine never idle: DMA busy 78 + 192 + 68 + 68 + 192
  // + 80 + 192 + 66 + 192 + 192 = 1320; compute busy 2 x 64 + 2 x 8 = 144;
  // overlap 144 (every EXEC runs under a transfer). Loaded 432 + 4096 + 128 +
  // 120 + 512 + 64 = 5352 B; stored 4 tiles, 16384 B.
  // Bound (cycle-model.md, "Lower bound"): compute 144; compulsory bytes w
  // 4096 + b 128 + x's 108 distinct gathered elements 432 + y's 2 tiles 8192
  // = 12848, DMA ceil(12848 / 32) = 402; efficiency 402 / 1320.
  // Layers: y.nhwc spans [0, 870) (its last uOp is STORE 9), compute bound
  // 2 x 64 = 128, DMA bound its first loads of w, b and the two gather tiles,
  // ceil((4096 + 128 + 432 + 120) / 32) = ceil(149.25) = 150; y spans
  // [598, 1320) (from LOAD 7: the layers overlap), compute 16, DMA its 2
  // output tiles 8192 / 32 = 256.
  const auto s = run_conv({"conv_pad1_small", {1, 3, 6, 6}, {4, 3, 3, 3}}, 256);
  CHECK(s["cycles"] == 1320);
  CHECK(s["dma"]["busy_cycles"] == 1320);
  CHECK(s["compute"]["busy_cycles"] == 144);
  CHECK(s["overlap_cycles"] == 144);
  CHECK(s["dma"]["loads"] == 6);
  CHECK(s["dma"]["stores"] == 4);
  CHECK(s["dma"]["bytes_loaded"] == 5352);
  CHECK(s["dma"]["bytes_stored"] == 16384);
  CHECK(s["bound"]["compute_cycles"] == 144);
  CHECK(s["bound"]["dma_cycles"] == 402);
  CHECK(s["efficiency"].get<double>() == Approx(402.0 / 1320));
  REQUIRE(s["layers"].size() == 2);
  check_layer(s["layers"][0], "y.nhwc", 0, 870, 128, 150);
  check_layer(s["layers"][1], "y", 598, 1320, 16, 256);
}

TEST_CASE("conv cycles: a 3x3 stride-2 Conv in 2 groups at 16 KiB, with reloads, worked out by hand",
          "[onnx][conv][cycles]") {
  // x [1,4,12,12] (nchw [4, 144]), w [4,2,3,3] in 2 groups, stride 2, pad 1:
  // OH = OW = (12 + 2 - 3) / 2 + 1 = 6. im2col(x) is [36, 36], column
  // (kh x 3 + kw) x 4 + c, so K = 2 tiles: columns 0..31 are the taps (kh, kw)
  // but (2,2), columns 32..35 tap (2,2). The weights are one block-diagonal
  // [36, 4] matrix, two row tiles w[0,0], w[1,0]. M = 2 (pixels 0..31 and
  // 32..35), N = 1. 16 KiB holds 4 tiles, the minimum with a bias (A, B, bias,
  // accumulator), so w[0,0] and b cannot stay resident across the two row tiles:
  //    0 LOAD im2col[0,0]@0   1 LOAD w[0,0]@1   2 EXEC matmul (deps 1)
  //    3 LOAD im2col[0,1]@3   4 LOAD w[1,0]@0 (deps 2)   5 LOAD b@1 (deps 2)
  //    6 EXEC matmul + bias (deps 5)   7 LOAD im2col[1,0]@3 (deps 6)
  //    8 STORE y.nhwc[0,0]@2 (deps 6)   9 LOAD w[0,0]@2 (deps 6)  -- reload
  //   10 EXEC matmul (deps 9)   11 LOAD im2col[1,1]@3 (deps 10)
  //   12 LOAD b@2 (deps 10)  -- reload   13 EXEC matmul + bias (deps 12)
  //   14 LOAD y.view[0,0]@3 (deps 13)   15 EXEC scale (deps 14)
  //   16 STORE y.nhwc[1,0]@1 (deps 13)   17 LOAD y.view[0,1]@2 (deps 13)
  //   18 EXEC scale (deps 17)   19 STORE y[0,0]@0 (deps 15)
  //   20 STORE y[0,1]@3 (deps 18)
  // The STOREs are held back (first case): im2col[1,0] reads x, so it goes
  // ahead of STORE y.nhwc[0,0], which then goes when w[0,0] finds no free
  // slot (a full SRAM sends every held-back STORE, freeing slot 2);
  // y.view[0,0] reads y.nhwc[0,0] alone, so STORE y.nhwc[1,0] waits until
  // y.view[0,1], which reads it.
  // (@k: SRAM slot k; w[1,0] stays in slot 0 for both row tiles: the one load
  // eliminated.) Input element (ih, iw) = (2 oh - 1 + kh, 2 ow - 1 + kw).
  // Gathered elements per channel, times 4 channels, times 4 B:
  //  - im2col[0,0]: pixels oh 0..4 reach rows 0..9 and every column 0..11,
  //    but (9, 11) only through tap (2,2) of pixel (4,5) (120 - 1 = 119);
  //    pixels (5,0), (5,1) add row 10 columns 0..3 (4) and row 11 columns
  //    0..2 (3; column 3 again only through tap (2,2)): 126, 2016 B: 64 + 63
  //    = 127 cycles;
  //  - im2col[0,1]: tap (2,2) of pixels 0..31: (2 oh + 1, 2 ow + 1), 5 x 6 +
  //    2 = 32, 512 B: 80;
  //  - im2col[1,0]: pixels (5, 2..5), taps but (2,2): rows 9..11 x columns
  //    3..11 = 27, less (11, 11) (tap (2,2) only): 26, 416 B: 64 + 13 = 77;
  //  - im2col[1,1]: (11, 5), (11, 7), (11, 9), (11, 11): 4, 64 B: 66.
  // y.view tiles as in the first case: 512 B (80) and 64 B (66).
  //   DMA      LOAD 0 [0,127) LOAD 1 [127,319) LOAD 3 [319,399)
  //   compute  EXEC 2 [319,383)                      (under LOAD 3: overlap 64)
  //   DMA      LOAD 4 [399,591) LOAD 5 [591,659)
  //   compute  EXEC 6 [659,723)                      (DMA idle: LOAD 7 waits)
  //   DMA      LOAD 7 [723,800) STORE 8 [800,992) LOAD 9 [992,1184)
  //   compute  EXEC 10 [1184,1248)                   (DMA idle: LOAD 11 waits)
  //   DMA      LOAD 11 [1248,1314) LOAD 12 [1314,1382)
  //   compute  EXEC 13 [1382,1446)                   (DMA idle)
  //   DMA      LOAD 14 [1446,1526)
  //   compute  EXEC 15 [1526,1534)                   (under STORE 16: 8)
  //   DMA      STORE 16 [1526,1718) LOAD 17 [1718,1784)
  //   compute  EXEC 18 [1784,1792)                   (under STORE 19: 8)
  //   DMA      STORE 19 [1784,1976) (EXEC 15 ended at 1534) STORE 20 [1976,2168)
  // Cycles 2168; DMA busy 1976 (the uOps' costs above: 2168 less the three
  // idle gaps of 64); compute busy 4 x 64 + 2 x 8 = 272; overlap 64 + 8 + 8
  // = 80. Loaded 2016 + 4096 + 512 + 4096 + 128 + 416 + 4096 + 64 + 128
  // + 512 + 64 = 16128 B in 11 loads (8 compulsory, w[0,0] and b twice).
  // Bound: compute 272; compulsory bytes w 8192 + b 128 + x's distinct
  // gathered elements (all 4 x 144: every row and column is some tap's) 2304
  // + y 8192 = 18816, DMA ceil(18816 / 32) = 588.
  // Layers: y.nhwc spans [0, 1718) (to STORE 16), compute 4 x 64 = 256, DMA
  // its first loads: every gather tile's bytes (an element two tiles read
  // counts in each, cycle-model.md "Per layer"), w, b: 2016 + 512 + 416 + 64
  // + 8192 + 128 = 11328, 11328 / 32 = 354; y spans [1446, 2168) (from LOAD
  // 14), compute 16, DMA 256.
  const auto s = run_conv({"conv_s2_g2_small", {1, 4, 12, 12}, {4, 2, 3, 3}, 2, 2, 1}, 16);
  CHECK(s["cycles"] == 2168);
  CHECK(s["dma"]["busy_cycles"] == 1976);
  CHECK(s["compute"]["busy_cycles"] == 272);
  CHECK(s["overlap_cycles"] == 80);
  CHECK(s["dma"]["loads"] == 11);
  CHECK(s["dma"]["loads_eliminated"] == 1);
  CHECK(s["dma"]["bytes_loaded"] == 16128);
  CHECK(s["dma"]["bytes_stored"] == 16384);
  CHECK(s["bound"]["compute_cycles"] == 272);
  CHECK(s["bound"]["dma_cycles"] == 588);
  CHECK(s["efficiency"].get<double>() == Approx(588.0 / 2168));
  REQUIRE(s["layers"].size() == 2);
  check_layer(s["layers"][0], "y.nhwc", 0, 1718, 256, 354);
  check_layer(s["layers"][1], "y", 1446, 2168, 16, 256);
}

// The rule behind the first case's overlap (architecture.md, SramAllocator):
// a view's LOAD sends first the held-back STOREs of the tiles it reads, and
// only those. The DMA queue of that model at 256 KiB, in order: the second
// gather of x (a graph input) goes ahead of STORE y.nhwc[0,0]; y.view[0,0]
// (pixels 0..31) reads y.nhwc[0,0] alone, so STORE y.nhwc[1,0] stays held
// until y.view[0,1] reads it. Sending every held-back STORE before each view
// LOAD (the rule before) put STORE y.nhwc[0,0] ahead of im2col[1,0] and both
// y.nhwc STOREs ahead of y.view[0,0].
TEST_CASE("conv schedule: a view's LOAD waits only for the held-back STOREs of the tiles it reads",
          "[onnx][conv][scheduler]") {
  ir::Graph graph;
  const onnx::ModelProto m = conv_model({"conv_store_order", {1, 3, 6, 6}, {4, 3, 3, 3}});
  REQUIRE(error_of(m, &graph).empty());
  HwConfig hw;
  hw.sram.size_kib = 256;
  const sched::Schedule s = compile_model(hw, std::move(graph), 0).schedule;
  CHECK(sched::validate(s).empty());
  std::vector<std::string> dma;
  for (const sched::Uop& u : s.uops) {
    if (u.kind == sched::UopKind::Exec) continue;
    dma.push_back(std::string(sched::to_string(u.kind)) + " " + s.tensors[u.tile.tensor].name + "[" +
                  std::to_string(u.tile.row) + "," + std::to_string(u.tile.col) + "]");
  }
  CHECK(dma == std::vector<std::string>{"LOAD y.nhwc.im2col[0,0]", "LOAD w[0,0]", "LOAD b[0,0]",
                                        "LOAD y.nhwc.im2col[1,0]", "STORE y.nhwc[0,0]", "LOAD y.view[0,0]",
                                        "STORE y.nhwc[1,0]", "LOAD y.view[0,1]", "STORE y[0,0]", "STORE y[0,1]"});
}

// Depthwise x [1,64,4,4] by w [64,1,3,3] (group 64, pad 1): K = 9 x 64 =
// 576 rows, 18 row tiles; tile k holds kernel position k / 2 and channels
// 32 (k mod 2) .. +31, each its own group; N = 64 outputs, 2 column tiles, so
// B tile (k, j) is nonzero only when k mod 2 = j. Output tile column j takes
// the 9 K steps k = j, j + 2, .., j + 16: zero_init on k = j, the bias on
// k = 16 + j; M = 16 pixels, one row tile: 2 x 9 = 18 matmul EXECs where
// the dense GEMM takes 36, and 18 weight tiles loaded instead of 36.
TEST_CASE("conv schedule: a depthwise Conv skips the K steps of all-zero weight tiles", "[onnx][conv][scheduler]") {
  const ConvCase c{"conv_depthwise_skip", {1, 64, 4, 4}, {64, 1, 3, 3}, 64};
  ir::Graph graph;
  REQUIRE(error_of(conv_model(c), &graph).empty());
  HwConfig hw;
  hw.sram.size_kib = 256;
  sched::Schedule s = compile_model(hw, std::move(graph), 0).schedule;
  REQUIRE(sched::validate(s).empty());
  std::vector<std::uint32_t> matmuls;
  int weight_loads = 0;
  for (std::uint32_t id = 0; id < s.uops.size(); ++id) {
    const sched::Uop& u = s.uops[id];
    if (u.kind == sched::UopKind::Load && s.tensors[u.tile.tensor].name == "w") ++weight_loads;
    if (u.kind != sched::UopKind::Exec || u.exec != sched::ExecKind::MatMul) continue;
    matmuls.push_back(id);
    const std::int32_t k = u.src[1].row, j = u.src[1].col;
    INFO("uop " << id << ": K step " << k << " of column " << j);
    CHECK(k % 2 == j);
    CHECK(u.zero_init == (k == j));
    CHECK(u.src[2].valid() == (k == 16 + j));
  }
  CHECK(matmuls.size() == 18);
  CHECK(weight_loads == 18);

  // The validator's step rule with skipped steps: zero_init on K step 3 of
  // column 1 would drop step 1; the epilogue belongs on step 17.
  auto problems_when = [&](std::uint32_t id, auto change) {
    sched::Schedule bad = s;
    change(bad.uops[id]);
    return sched::validate(bad);
  };
  auto find_step = [&](std::int32_t k, std::int32_t j) {
    for (const std::uint32_t id : matmuls) {
      if (s.uops[id].src[1].row == k && s.uops[id].src[1].col == j) return id;
    }
    FAIL("no K step " << k << " of column " << j);
    return 0u;
  };
  const std::uint32_t step3 = find_step(3, 1), step15 = find_step(15, 1);
  auto zero_init = problems_when(step3, [](sched::Uop& u) { u.zero_init = true; });
  REQUIRE_FALSE(zero_init.empty());
  CHECK(zero_init[0] == "uop " + std::to_string(step3) + " EXEC matmul y.nhwc[0,1]: zero_init on K step 3 of 18 " +
                            "(expected it only on steps 0 to 1: the weight tiles before step 1 are structural zeros)");
  auto relu = problems_when(step15, [](sched::Uop& u) { u.relu = true; });
  REQUIRE_FALSE(relu.empty());
  CHECK(relu[0] == "uop " + std::to_string(step15) +
                       " EXEC matmul y.nhwc[0,1]: relu on K step 15 of 18 (expected the epilogue only on the last "
                       "step, 17)");
  // Dropping a needed step (K step 3 of column 1, whose weight tile is not a
  // structural zero) leaves step 5 accumulating on the sum after step 1.
  sched::Schedule dropped = s;
  dropped.uops.erase(dropped.uops.begin() + step3);
  for (sched::Uop& u : dropped.uops) {
    if (u.dep != sched::kNoUop && u.dep >= step3) u.dep = u.dep == step3 ? step3 - 1 : u.dep - 1;
  }
  const std::uint32_t step5 = find_step(5, 1) - 1;
  const auto gap = sched::validate(dropped, 100);
  const std::string want = "uop " + std::to_string(step5) + " EXEC matmul y.nhwc[0,1]: accumulator at " +
                           sched::format_addr(dropped.uops[step5].addr) +
                           " holds y.nhwc[0,1] after 2 of 18 K steps (expected y.nhwc[0,1] after 5 of 18 K steps)";
  INFO(gap.size() << " problems; first: " << (gap.empty() ? "" : gap[0]));
  CHECK(std::find(gap.begin(), gap.end(), want) != gap.end());
  run_conv(c, 256);  // and the math, against the host reference
}
