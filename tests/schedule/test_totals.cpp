// count_totals (totals.h): the one definition of a schedule's totals, checked
// on hand-built schedules, on every example model as the scheduler compiles it,
// and on the ONNX Gemm with transB whose transposed view was once counted as a
// second input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>
#include <sstream>
#include <tuple>
#include <string>

#include "compiler/frontend/onnx_loader.h"
#include "compiler/passes/pipeline.h"
#include "compiler/schedule/saturating.h"
#include "compiler/schedule/schedule_text.h"
#include "compiler/schedule/totals.h"
#include "compiler/schedule/validator.h"
#include "compiler/schedule/view_gather.h"
#include "compiler/scheduler/lowering.h"
#include "compiler/scheduler/scheduler.h"
#include "tests/schedule/sample_onnx_schedules.h"
#include "tests/schedule/sample_schedules.h"

using namespace tilesim;
using namespace tilesim::sched;
using namespace tilesim::sched::testing;

namespace {

const std::string kTransposeB = "/usr/share/libonnx-testdata/data/node/test_gemm_transposeB/model.onnx";

Schedule compile(const std::string& path, std::int64_t sram_bytes) {
  ir::Graph graph = frontend::load_any_model(path);
  passes::run_default_passes(graph);
  const std::int64_t min_bytes = min_sram_tiles(graph) * kTileBytes;
  return schedule_graph(graph, SchedulerOptions{std::max(sram_bytes, min_bytes), 2, {}});
}

// What the scheduler recorded equals what count_totals counts from its uOps.
void check_recorded_equals_counted(const Schedule& s) {
  const ScheduleTotals t = count_totals(s);
  CHECK(s.loads == t.loads);
  CHECK(s.stores == t.stores);
  CHECK(s.execs == t.execs);
  CHECK(s.loads_eliminated == t.loads_eliminated);
  CHECK(s.bytes_loaded == t.bytes_loaded);
  CHECK(s.bytes_stored == t.bytes_stored);
  CHECK(s.compulsory_loads == t.compulsory_loads);
  CHECK(s.compulsory_bytes == t.compulsory_bytes);
  CHECK(s.sram_peak_bytes <= t.slots_used_bytes);
  CHECK(s.loads >= s.compulsory_loads);
  // Per layer: every uOp has one, every layer's figures are its uOps', and
  // over the layers they add up to the totals (compulsory bytes included).
  REQUIRE(s.layers_known());
  REQUIRE(t.layers.size() == s.layers.size());
  LayerTotals sum;
  for (std::size_t l = 0; l < s.layers.size(); ++l) {
    const LayerSummary& r = s.layers[l];
    const LayerTotals& c = t.layers[l];
    CHECK(r.loads == c.loads);
    CHECK(r.stores == c.stores);
    CHECK(r.execs == c.execs);
    CHECK(r.loads_eliminated == c.loads_eliminated);
    CHECK(r.dma_bytes == c.bytes_loaded + c.bytes_stored);
    CHECK(r.compulsory_bytes == c.compulsory_bytes);
    CHECK(r.sram_peak_bytes <= s.sram_peak_bytes);
    CHECK(r.execs > 0);
    sum.loads += c.loads, sum.stores += c.stores, sum.execs += c.execs, sum.loads_eliminated += c.loads_eliminated;
    sum.bytes_loaded += c.bytes_loaded, sum.bytes_stored += c.bytes_stored, sum.compulsory_bytes += c.compulsory_bytes;
  }
  CHECK(sum.loads == t.loads);
  CHECK(sum.stores == t.stores);
  CHECK(sum.execs == t.execs);
  CHECK(sum.loads_eliminated == t.loads_eliminated);
  CHECK(sum.bytes_loaded == t.bytes_loaded);
  CHECK(sum.bytes_stored == t.bytes_stored);
  // Equal unless gathers overlap (totals.h): overlapping im2col windows
  // count their shared elements in each layer's figure, once in the total.
  const bool gathers = std::any_of(s.tensors.begin(), s.tensors.end(),
                                   [](const TensorInfo& info) { return info.view.kind == ViewKind::Im2col; });
  if (gathers) {
    CHECK(sum.compulsory_bytes >= t.compulsory_bytes);
  } else {
    CHECK(sum.compulsory_bytes == t.compulsory_bytes);
  }
}

std::string without_totals_line(const Schedule& s) {
  std::ostringstream out;
  write_schedule_text(s, out);
  std::istringstream in(out.str());
  std::string text;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("totals ", 0) != 0) text += line + "\n";
  }
  return text;
}

}  // namespace

TEST_CASE("totals: every figure of a hand-built schedule", "[schedule][totals]") {
  // three_k_ping_pong: 7 LOADs (6 operand tiles, the bias row), 3 EXECs, 1 STORE.
  const ScheduleTotals t = count_totals(three_k_ping_pong().schedule());
  CHECK(t.loads == 7);
  CHECK(t.stores == 1);
  CHECK(t.execs == 3);
  CHECK(t.loads_eliminated == 0);
  CHECK(t.bytes_loaded == 6 * kTileBytes + 128);
  CHECK(t.bytes_stored == kTileBytes);
  CHECK(t.slots_used_bytes == 6 * kTileBytes);
  CHECK(t.compulsory_loads == 7);
  CHECK(t.compulsory_bytes == 6 * kTileBytes + 128 + kTileBytes);
}

TEST_CASE("totals: an operand read again without a LOAD counts as eliminated", "[schedule][totals]") {
  // y = relu(x) + x: x is loaded once and read twice; h stays on chip.
  Builder b(3 * kTileBytes);
  const auto x = b.tensor("x", TensorRole::Input, 32, 32);
  const auto h = b.tensor("h", TensorRole::Intermediate, 32, 32);
  const auto y = b.tensor("y", TensorRole::Output, 32, 32);
  b.load(T(x, 0, 0), 0x0000);
  b.elementwise(ExecKind::Relu, {T(h, 0, 0), 0x1000}, {{T(x, 0, 0), 0x0000}}, 0);
  b.elementwise(ExecKind::Add, {T(y, 0, 0), 0x2000}, {{T(h, 0, 0), 0x1000}, {T(x, 0, 0), 0x0000}});
  b.store(T(y, 0, 0), 0x2000, 2);
  const ScheduleTotals t = count_totals(b.schedule());
  CHECK(t.loads_eliminated == 2);  // the add's h (computed on chip) and its x (loaded for the relu)
  CHECK(t.compulsory_loads == 1);
  CHECK(t.compulsory_bytes == 2 * kTileBytes);
  CHECK(validate(b.done()).empty());
}

TEST_CASE("totals: a view's tile is the tile of the tensor it shows", "[schedule][totals]") {
  // view_matmul reads wt[0,0] and wt[1,0]: w's tiles [0,0] and [0,1].
  Builder b = view_matmul();
  CHECK(count_totals(b.schedule()).compulsory_loads == 4);
  // Reading w's own tile [0,1] as well adds no compulsory load.
  Schedule s = b.done();
  Uop relu;
  relu.kind = UopKind::Exec;
  relu.exec = ExecKind::Relu;
  s.tensors.push_back(s.tensors[3]);
  s.tensors.back().name = "z";
  s.tensors.back().role = TensorRole::Intermediate;
  s.tensors.back().is_graph_output = false;
  relu.tile = T(4, 0, 0);
  relu.src[0] = T(1, 0, 1);  // w[0,1], what wt[1,0] shows
  s.uops.push_back(relu);
  const ScheduleTotals t = count_totals(s);
  CHECK(t.compulsory_loads == 4);
  CHECK(t.compulsory_bytes == 5 * kTileBytes);
}

TEST_CASE("totals: a stacked view maps matrix by matrix", "[schedule][totals]") {
  // p is a stack of 2 matrices of 2x1 tiles; pt shows each transposed (1x2 tiles).
  Builder b(4 * kTileBytes);
  const auto p = b.stack("p", TensorRole::Param, {2}, 64, 32);
  const auto pt = b.view("pt", p);
  const auto y = b.stack("y", TensorRole::Output, {2}, 32, 64);
  for (std::int32_t m = 0; m < 2; ++m) {
    for (std::int32_t c = 0; c < 2; ++c) b.elementwise(ExecKind::Relu, {T(y, m, c), 0x1000}, {{T(pt, m, c), 0}});
  }
  // pt[m, c] is p[m * 2 + c, 0]: all four tiles of p, once each.
  const ScheduleTotals t = count_totals(b.schedule());
  CHECK(t.compulsory_loads == 4);
  CHECK(t.compulsory_bytes == 4 * kTileBytes + 4 * kTileBytes);
}

TEST_CASE("totals: safe on a schedule the validator rejects", "[schedule][totals]") {
  Schedule s = one_tile_matmul().done();
  s.uops[0].tile.tensor = 99;                  // no such tensor
  s.uops[2].src[1] = T(1, 1 << 30, -5);        // outside w
  s.tensors[2].batch = std::int64_t{1} << 62;  // an output whose size overflows
  s.tensors.push_back(s.tensors[1]);           // a view of nothing
  s.tensors.back().view = sched::TensorView{sched::ViewKind::Transpose, 1234, {}, {}, {}};
  s.uops[2].src[0] = T(3, 0, 0);
  const ScheduleTotals t = count_totals(s);
  CHECK(t.loads == 2);
  CHECK(t.bytes_loaded == kTileBytes);  // the LOAD of tensor 99 moves nothing
  CHECK(t.compulsory_bytes == kSaturated);
  CHECK_FALSE(validate(s).empty());
}

TEST_CASE("totals: the scheduler's figures equal the counted ones on every example model", "[schedule][totals]") {
  std::vector<std::string> models;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(TILESIM_SOURCE_DIR) + "/configs/models")) {
    if (entry.path().extension() == ".yaml") models.push_back(entry.path().string());
  }
  models.push_back(kTransposeB);
  REQUIRE(models.size() >= 6);
  for (const std::string& model : models) {
    for (const std::int64_t sram : {std::int64_t{0}, std::int64_t{64} << 10, std::int64_t{1} << 20}) {
      INFO(model << " at " << sram << " bytes (0: the minimum)");
      const Schedule s = compile(model, sram);
      check_recorded_equals_counted(s);
      CHECK(validate(s).empty());
      // Read back without its totals line, the text form counts the same.
      std::istringstream in(without_totals_line(s));
      const Schedule read = read_schedule_text(in, "model.schedule");
      CHECK(read.compulsory_loads == s.compulsory_loads);
      CHECK(read.compulsory_bytes == s.compulsory_bytes);
      CHECK(read.loads_eliminated == s.loads_eliminated);
    }
  }
}

TEST_CASE("totals: Gemm with transB counts B once, not B and its view", "[schedule][totals][onnx]") {
  const Schedule s = compile(kTransposeB, 256 << 10);
  // a, b (read through the view b.T) and c: three input tiles, then y stored.
  CHECK(s.compulsory_loads == 3);
  CHECK(s.compulsory_bytes == 4 * kTileBytes);
  std::istringstream in(without_totals_line(s));
  const Schedule read = read_schedule_text(in, "transposeB.schedule");
  CHECK(read.compulsory_bytes == 4 * kTileBytes);
  // The DMA bound at 32 bytes per cycle: 16384 / 32 = 512 cycles (640 when
  // the view was counted as a fourth input).
  CHECK((read.compulsory_bytes + 31) / 32 == 512);
}

TEST_CASE("totals: each layer's share, and its compulsory transfers", "[schedule][totals][layers]") {
  // Layer 0: h = x.w, h spilled. Layer 1: y = h.wt + x, with wt the view of w
  // (its tile is w's, loaded already) and x loaded a second time.
  std::istringstream in(
      "tilesim-schedule 1\nsram_bytes 65536\n"
      "tensor 0 x input shape=[32,32] padded=[32,32]\n"
      "tensor 1 w param shape=[32,32] padded=[32,32]\n"
      "tensor 2 wt intermediate shape=[32,32] padded=[32,32] view=transpose(w)\n"
      "tensor 3 h intermediate shape=[32,32] padded=[32,32]\n"
      "tensor 4 t intermediate shape=[32,32] padded=[32,32]\n"
      "tensor 5 y output shape=[32,32] padded=[32,32] graph_output\n"
      "layer name=h\nlayer name=y\n"
      "0 dma LOAD x[0,0]@0x0000 deps=- layer=0\n"
      "1 dma LOAD w[0,0]@0x1000 deps=- layer=0\n"
      "2 compute EXEC matmul h[0,0]@0x2000 <- x[0,0]@0x0000 w[0,0]@0x1000 zero_init deps=1 layer=0\n"
      "3 dma STORE h[0,0]@0x2000 deps=2 layer=0\n"
      "4 dma LOAD wt[0,0]@0x3000 deps=- layer=1\n"
      "5 compute EXEC matmul t[0,0]@0x4000 <- h[0,0]@0x2000 wt[0,0]@0x3000 zero_init deps=4 layer=1\n"
      "6 dma LOAD x[0,0]@0x5000 deps=- layer=1\n"
      "7 compute EXEC add y[0,0]@0x6000 <- t[0,0]@0x4000 x[0,0]@0x5000 deps=6 layer=1\n"
      "8 dma STORE y[0,0]@0x6000 deps=7 layer=1\n");
  const Schedule s = read_schedule_text(in, "layers.schedule");
  REQUIRE(validate(s).empty());
  const ScheduleTotals t = count_totals(s);
  REQUIRE(t.layers.size() == 2);
  const LayerTotals &h = t.layers[0], &y = t.layers[1];
  CHECK(h.loads == 2);
  CHECK(h.stores == 1);
  CHECK(h.execs == 1);
  CHECK(h.loads_eliminated == 0);
  CHECK(h.bytes_loaded == 2 * kTileBytes);
  CHECK(h.bytes_stored == kTileBytes);
  CHECK(h.compulsory_bytes == 2 * kTileBytes);  // x and w; the spill of h is not compulsory
  CHECK(y.loads == 2);
  CHECK(y.stores == 1);
  CHECK(y.execs == 2);
  CHECK(y.loads_eliminated == 2);  // h and t, written by EXECs
  CHECK(y.bytes_loaded == 2 * kTileBytes);
  CHECK(y.bytes_stored == kTileBytes);
  CHECK(y.compulsory_bytes == kTileBytes);  // y's STORE: wt shows w's tile and x came in before
  CHECK(h.compulsory_bytes + y.compulsory_bytes == t.compulsory_bytes);
  // The reader filled the layer lines with these figures.
  CHECK(s.layers[1].loads_eliminated == 2);
  CHECK(s.layers[1].compulsory_bytes == kTileBytes);
  CHECK(s.layers[1].dma_bytes == 3 * kTileBytes);
  // Without layers there is no share.
  Schedule unknown = s;
  unknown.uop_layer.clear();
  CHECK(count_totals(unknown).layers.empty());
}

// gathered_bytes counts an im2col tile's distinct elements from its windows,
// which overlap (im2col_distinct_elements), without gathering it; every other
// gather view's map is one to one, so it counts them as they come. Checked here against a set of the distinct positions,
// on every gather view tile of every PyTorch export (permutes, slices,
// relayouts, places and im2cols of the CNNs and transformers).
TEST_CASE("totals: a gather view tile's bytes are 4 per distinct element it reads", "[schedule][totals][views]") {
  int gather_tiles = 0;
  std::set<ViewKind> kinds;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(TILESIM_SOURCE_DIR) + "/tests/models/torch")) {
    const std::string model = (entry.path() / "model.onnx").string();
    if (!std::filesystem::exists(model)) continue;
    const Schedule s = compile(model, 0);
    const auto scratch = std::make_unique<GatherScratch>();
    for (std::size_t v = 0; v < s.tensors.size(); ++v) {
      if (!is_gather(s.tensors[v])) continue;
      kinds.insert(s.tensors[v].view.kind);
      for (std::int32_t r = 0; r < s.tensors[v].tile_rows(); ++r) {
        for (std::int32_t c = 0; c < s.tensors[v].tile_cols(); ++c) {
          const TileRef tile{static_cast<std::int32_t>(v), r, c};
          gather_tile(s.tensors, tile, &scratch->tile);
          std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t>> distinct;
          for (const GatheredElement& e : scratch->tile) {
            if (e.kind == GatheredElement::Source) distinct.emplace(e.at.matrix, e.at.row, e.at.col);
          }
          INFO(model << ": " << s.tensors[v].name << " tile (" << r << ", " << c << ")");
          CHECK(gathered_bytes(s.tensors, tile, scratch.get()) == 4 * static_cast<std::int64_t>(distinct.size()));
          ++gather_tiles;
        }
      }
    }
  }
  CHECK(gather_tiles > 100);
  CHECK(kinds == std::set<ViewKind>{ViewKind::Im2col, ViewKind::Relayout, ViewKind::Place, ViewKind::Permute,
                                    ViewKind::Slice});
}
