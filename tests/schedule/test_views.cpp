// Storage layouts and gather views (im2col, relayout) through the schedule's
// consumers without the simulator: the validator's table and dataflow checks,
// the DRAM spans and bursts of a gather tile (derived by hand below), the
// bytes a transfer moves, its cost, and the totals.
#include <catch2/catch.hpp>

#include <memory>
#include <set>
#include <tuple>
#include <string>
#include <vector>

#include "compiler/hw/cost_model.h"
#include "compiler/schedule/dram_layout.h"
#include "compiler/schedule/totals.h"
#include "compiler/schedule/transfer_bytes.h"
#include "compiler/schedule/validator.h"
#include "compiler/schedule/view_gather.h"
#include "tests/schedule/view_schedules.h"

using namespace tilesim::sched;
using namespace tilesim::sched::testing;
using Errors = std::vector<std::string>;

namespace {

std::vector<DramSpan> spans_of(const Schedule& s, TileRef tile, DramLayout layout) {
  DramSpans spans;
  tile_spans(s, tile, layout, &spans);
  return std::vector<DramSpan>(spans.begin(), spans.end());
}

// `count` spans of `bytes`, the first at `first`, `stride` apart.
std::vector<DramSpan> every(std::uint64_t first, std::uint64_t stride, std::uint32_t bytes, int count) {
  std::vector<DramSpan> out;
  for (int i = 0; i < count; ++i) out.push_back(DramSpan{first + static_cast<std::uint64_t>(i) * stride, bytes});
  return out;
}

// nhwc x [1,4,3,3] (one matrix [9,4]) shown as a [1,36] matrix in NCHW order.
Schedule flatten_schedule() {
  Builder b(3 * kTileBytes, "flatten");
  const auto x = b.laid_out("x", TensorRole::Input, {1, 4, 3, 3}, TensorLayout::Nhwc);
  const auto v = b.relayout("v", x, {1, 36});
  return shown(b, v);
}

}  // namespace

TEST_CASE("views: schedules with layouts and gather views validate", "[schedule][views]") {
  CHECK(validate(conv_schedule(TensorLayout::Nhwc, conv_s2())) == Errors{});
  CHECK(validate(conv_schedule(TensorLayout::Matrix, conv_s2())) == Errors{});
  CHECK(validate(conv_schedule(TensorLayout::Nhwc, conv_dilated())) == Errors{});
  CHECK(validate(conv_schedule(TensorLayout::Nhwc, conv_s2(), 3, 3)) == Errors{});  // depthwise
  CHECK(validate(flatten_schedule()) == Errors{});
  Builder b(3 * kTileBytes, "pool");
  const auto x = b.laid_out("x", TensorRole::Input, kImage, TensorLayout::Matrix);
  CHECK(validate(shown(b, b.im2col("xcol", x, pool_dilated()))) == Errors{});
}

// x nhwc [1,3,5,6] at address 0 is one tile: element (row h*6 + w, col c) at
// (32 r + c) * 4 in both layouts (its padded matrix is one tile wide). Every
// pixel lies in some 3x3 stride-2 window (rows -1..1, 1..3, 3..5; columns
// -1..1, 1..3, 3..5), so xcol[0,0] reads all 90 elements: per pixel row r its
// 3 channels, 12 bytes at 128 r, 30 spans, 360 bytes. In matrix layout x is
// 3 matrices [5,6] padded [32,32]: element (c, h, w) at ((32 c + h) 32 + w) 4
// = 4096 c + 128 h + 4 w, so 15 spans of 6 elements (24 B) at 4096 c + 128 h.
TEST_CASE("views: the spans and bursts of an im2col tile, by hand", "[schedule][views][dram]") {
  const Schedule nhwc = conv_schedule(TensorLayout::Nhwc, conv_s2());
  for (const DramLayout layout : {DramLayout::RowMajor, DramLayout::TileMajor}) {
    CHECK(spans_of(nhwc, T(2, 0, 0), layout) == every(0, 128, 12, 30));
  }
  std::vector<DramSpan> planes;
  for (std::uint64_t c = 0; c < 3; ++c) {
    for (std::uint64_t h = 0; h < 5; ++h) planes.push_back(DramSpan{4096 * c + 128 * h, 24});
  }
  const Schedule matrix = conv_schedule(TensorLayout::Matrix, conv_s2());
  CHECK(spans_of(matrix, T(2, 0, 0), DramLayout::RowMajor) == planes);
  // Bursts: each span lies in one 64-byte burst (DDR4-3200) and one 32-byte
  // burst (LPDDR4-3200): 30 bursts at 128 r, 15 at 4096 c + 128 h.
  DramSpans spans;
  std::vector<std::uint64_t> bursts, want;
  for (std::uint64_t r = 0; r < 30; ++r) want.push_back(128 * r);
  tile_bursts(nhwc, T(2, 0, 0), 64, &spans, &bursts);
  CHECK(bursts == want);
  tile_bursts(nhwc, T(2, 0, 0), 32, &spans, &bursts);
  CHECK(bursts == want);
  CHECK(spans.total_bytes() == 360);
  tile_bursts(matrix, T(2, 0, 0), 64, &spans, &bursts);
  CHECK(bursts.size() == 15);
}

// x nhwc [1,40,4,8] is one matrix [32,40] padded [32,64] (two tiles wide).
// A 1x1 im2col (S = 40) is [1,32,40]; its tile (0,1) holds columns 32..63:
// channels 32..39 of pixels 0..31 (columns 40..63 lie past the matrix: 0).
// Row-major, (row p, col c) is at (64 p + c) 4: 32 spans of 32 B at 256 p +
// 128. Tile-major, x's tile (0,1) is at 4096 and (p, c) at 4096 + (32 p + c -
// 32) 4: 32 spans of 32 B at 4096 + 128 p (not adjacent: 96 B apart).
TEST_CASE("views: a gather tile's spans in both DRAM layouts", "[schedule][views][dram]") {
  Builder b(2 * kTileBytes, "wide");
  const auto x = b.laid_out("x", TensorRole::Input, {1, 40, 4, 8}, TensorLayout::Nhwc);
  Im2colGeometry g;
  g.out_h = 4;
  g.out_w = 8;
  g.channel_stride = 40;
  const auto v = b.im2col("v", x, g);
  const Schedule s = b.done();
  CHECK(spans_of(s, T(v, 0, 1), DramLayout::RowMajor) == every(128, 256, 32, 32));
  CHECK(spans_of(s, T(v, 0, 1), DramLayout::TileMajor) == every(4096, 128, 32, 32));
  // Tile (0,0): channels 0..31, a whole 128-byte row of each pixel; row-major
  // rows are 256 B apart, tile-major they are adjacent: one span of 4 KiB.
  CHECK(spans_of(s, T(v, 0, 0), DramLayout::RowMajor) == every(0, 256, 128, 32));
  CHECK(spans_of(s, T(v, 0, 0), DramLayout::TileMajor) == every(0, 0, 4096, 1));
}

// The relayout of nhwc x [1,4,3,3] as [1,36] (padded to 64: two tiles):
// view element i is x's NCHW element i = (c, h, w) = (i / 9, i % 9 / 3, i %
// 3), stored at row i % 9, col c: address (32 (i % 9) + c) 4. Tile (0,0)
// holds i = 0..31: rows 0..4 with channels 0..3 (i = r, r+9, r+18, r+27),
// rows 5..8 with channels 0..2; sorted, per row r one span at 128 r: 5 of 16 B
// and 4 of 12 B, 128 B. Tile (0,1) holds i = 32..35: channel 3 of rows 5..8,
// 4 B each at 128 r + 12.
TEST_CASE("views: the spans of a relayout tile", "[schedule][views][dram]") {
  const Schedule s = flatten_schedule();
  std::vector<DramSpan> want = every(0, 128, 16, 5);
  for (const DramSpan& span : every(5 * 128, 128, 12, 4)) want.push_back(span);
  CHECK(spans_of(s, T(1, 0, 0), DramLayout::RowMajor) == want);
  CHECK(spans_of(s, T(1, 0, 1), DramLayout::RowMajor) == every(5 * 128 + 12, 128, 4, 4));
  DramSpans spans;
  tile_spans(s, T(1, 0, 0), &spans);
  // Element 10 = (c 1, h 0, w 1): row 1, col 1, address 132, the 6th
  // element (offset 20) of the spans' bytes; tile element 40 (row 1) lies
  // past the view's one row.
  CHECK(spans.gathered_offset(10) == 20);
  CHECK(spans.gathered_offset(0) == 0);
  CHECK(spans.gathered_offset(40) == DramSpans::kZero);
}

TEST_CASE("views: a gather LOAD moves the bytes of its distinct elements and costs them", "[schedule][views][cost]") {
  const Schedule s = conv_schedule(TensorLayout::Nhwc, conv_s2());
  const TransferBytes bytes(s);
  CHECK(bytes(T(2, 0, 0)) == 360);   // xcol: 90 distinct elements
  CHECK(bytes(T(1, 0, 0)) == 4096);  // w
  CHECK(bytes(T(3, 0, 0)) == 4096);  // y
  // Overlapping windows read an element once: a 3x3 stride-1 pad-1 window
  // over the same image names 9 * 30 * 3 elements but reads the 90.
  Builder b(2 * kTileBytes, "overlap");
  const auto x = b.laid_out("x", TensorRole::Input, kImage, TensorLayout::Nhwc);
  Im2colGeometry g = conv_s2();
  g.stride_h = g.stride_w = 1;
  g.out_h = 5;
  g.out_w = 6;
  const auto v = b.im2col("v", x, g);
  const Schedule overlap = b.done();
  const auto scratch = std::make_unique<GatherScratch>();
  CHECK(gathered_bytes(overlap.tensors, T(v, 0, 0), scratch.get()) == 360);
  // The ideal machine: setup 64 + ceil(360 / 32) = 64 + 12 = 76 cycles, no
  // transpose surcharge; the flatten's first tile, 128 bytes: 64 + 4 = 68.
  const tilesim::CostModel costs{tilesim::HwConfig{}};
  CHECK(costs.uop_cycles(s.uops[0], bytes) == 76);
  const Schedule flat = flatten_schedule();
  CHECK(costs.uop_cycles(flat.uops[0], TransferBytes(flat)) == 68);
}

// The lower bound must stay below any run: a gather moves only its elements,
// so an input tile that only gathers read counts those elements' bytes as
// compulsory (as a compulsory load it counts once, like any tile).
TEST_CASE("views: totals count gathered bytes and the elements a gather touches", "[schedule][views][totals]") {
  // nhwc: xcol gathers 90 elements of x's one tile. Loaded 360 + 4096;
  // compulsory loads x's tile and w's; bytes 360 + 4096, plus y stored once.
  ScheduleTotals t = count_totals(conv_schedule(TensorLayout::Nhwc, conv_s2()));
  CHECK(t.bytes_loaded == 360 + 4096);
  CHECK(t.compulsory_loads == 2);
  CHECK(t.compulsory_bytes == 360 + 2 * 4096);
  // Matrix layout: the same 90 elements lie in x's 3 tiles (one per channel).
  const Schedule s = conv_schedule(TensorLayout::Matrix, conv_s2());
  t = count_totals(s);
  CHECK(t.bytes_loaded == 360 + 4096);
  CHECK(t.compulsory_loads == 4);
  CHECK(t.compulsory_bytes == 360 + 2 * 4096);
  std::vector<TileRef> tiles;
  const auto scratch = std::make_unique<GatherScratch>();
  gathered_tiles(s.tensors, T(2, 0, 0), scratch.get(), &tiles);
  CHECK(tiles == std::vector<TileRef>{T(0, 0, 0), T(0, 1, 0), T(0, 2, 0)});
  // A tile both gathered from and read whole counts whole, once: x [1,3,5,6]
  // nhwc read by a relu (its tile) and by the gather.
  Builder b(4 * kTileBytes, "both");
  const auto x = b.laid_out("x", TensorRole::Input, kImage, TensorLayout::Nhwc);
  const auto xcol = b.im2col("xcol", x, conv_s2());
  const auto y = b.laid_out("y", TensorRole::Output, kImage, TensorLayout::Nhwc);
  const auto z = b.tensor("z", TensorRole::Output, 9, 27);
  b.load(T(xcol, 0, 0), 0x0000);
  b.elementwise(ExecKind::Relu, {T(z, 0, 0), 0x1000}, {{T(xcol, 0, 0), 0x0000}});
  b.store(T(z, 0, 0), 0x1000);
  b.load(T(x, 0, 0), 0x2000);
  b.elementwise(ExecKind::Relu, {T(y, 0, 0), 0x3000}, {{T(x, 0, 0), 0x2000}});
  b.store(T(y, 0, 0), 0x3000);
  resolve_deps(b.schedule());
  const Schedule both = b.done();
  CHECK(validate(both) == Errors{});
  t = count_totals(both);
  CHECK(t.compulsory_loads == 1);
  CHECK(t.compulsory_bytes == 4096 + 2 * 4096);
}

TEST_CASE("views: the validator's table checks of layouts", "[schedule][views][validator]") {
  const Schedule good = conv_schedule(TensorLayout::Nhwc, conv_s2());
  Schedule s = good;
  s.tensors[0].rows = 31;  // nhwc [1,3,5,6] is one matrix [30,3]
  CHECK(validate(s) == Errors{"tensor 0 x: shape [31,3] batch 1 (expected [30,3] batch 1 for dims [1,3,5,6]: nhwc "
                              "stores [N,C,H,W] as N matrices [H*W, C])"});
  s = good;
  s.tensors[1].groups = 3;  // w [4,3,3,3]: 4 output channels
  CHECK(validate(s) == Errors{"tensor 1 w: groups 3 with 4 output channels (expected a divisor of 4)"});
  s.tensors[1].groups = 2;  // divides, but then C = 3 * 2 = 6: [54,4]
  CHECK(validate(s) == Errors{"tensor 1 w: shape [27,4] batch 1 (expected [54,4] batch 1 for dims [4,3,3,3]: "
                              "conv_weight stores [OC,Cg,KH,KW] of G groups as one matrix [KH*KW*Cg*G, OC])"});
  s = good;
  s.tensors[3].groups = 2;
  CHECK(validate(s) == Errors{"tensor 3 y: groups 2 on an nhwc tensor (expected groups only on a conv_weight tensor)"});
  s.tensors[3].layout = TensorLayout::Nchw;  // y [1,4,3,3] in nchw: one matrix [4,9]
  s.tensors[3].rows = 4;
  s.tensors[3].cols = 9;
  CHECK(validate(s) == Errors{"tensor 3 y: groups 2 on an nchw tensor (expected groups only on a conv_weight tensor)"});
  s = good;
  s.tensors[0].dims.clear();
  CHECK(validate(s) == Errors{"tensor 0 x: layout nhwc without dims (expected dims=[N,C,H,W])"});
  s.tensors[0].rank = 3;
  CHECK(validate(s) == Errors{"tensor 0 x: layout nhwc on a rank-3 tensor (expected rank 4: dims [N,C,H,W])"});
  s = good;
  s.tensors[0].dims = {1, 3, 0, 6};
  CHECK(validate(s) == Errors{"tensor 0 x: dims [1,3,0,6] (expected positive dims)"});
  s.tensors[0].dims = {1, 3, 1 << 20, 1 << 20};
  CHECK(validate(s) == Errors{"tensor 0 x: dims [1,3,1048576,1048576] hold 3298534883328 elements (expected at most "
                              "2147483648 (2^31))"});
}

TEST_CASE("views: the validator's table checks of im2col views", "[schedule][views][validator]") {
  const Schedule good = conv_schedule(TensorLayout::Nhwc, conv_s2());
  const auto geometry = [&good](void (*change)(Im2colGeometry&)) {
    Schedule s = good;
    change(s.tensors[2].view.im2col);
    return validate(s);
  };
  CHECK(geometry([](Im2colGeometry& g) { g.stride_w = 0; }) ==
        Errors{"tensor 2 xcol: im2col stride=2x0 (expected positive kernel, stride, dilation and out)"});
  CHECK(geometry([](Im2colGeometry& g) { g.pad_top = -1; }) ==
        Errors{"tensor 2 xcol: im2col pad=-1x1 (expected pads >= 0)"});
  CHECK(geometry([](Im2colGeometry& g) { g.channel_stride = 2; }) ==
        Errors{"tensor 2 xcol: im2col channel_stride=2 is less than the 3 channels of x (expected at least 3)"});
  // Without padding after them, the windows of rows -1..1 and 1..3 fit the 5
  // image rows (the third, 3..5, reads row 5 below the image), and of columns
  // -1..1, 1..3 and 3..5 the 6 columns: at least 2x3 windows.
  CHECK(geometry([](Im2colGeometry& g) { g.out_h = 1; }) ==
        Errors{"tensor 2 xcol: im2col out=1x3 (expected at least 2x3: the windows of kernel 3x3, stride 2x2, "
               "dilation 1x1 and pad 1x1 that fit in the 5x6 image of x with no padding after them)"});
  // More windows than that are padding after the image: the view's shape follows.
  CHECK(geometry([](Im2colGeometry& g) { g.out_h = 4; }) ==
        Errors{"tensor 2 xcol: dims [1,9,27] (expected dims [1,12,27]: im2col of x is [N, OH*OW, "
               "KH*KW*channel_stride])"});
  Schedule s = good;
  s.tensors[2].dims.clear();
  s.tensors[2].cols = 28;
  CHECK(validate(s) == Errors{"tensor 2 xcol: rank 3, shape [9,28] batch 1 (expected dims [1,9,27]: im2col of x is "
                              "[N, OH*OW, KH*KW*channel_stride])"});
  s = good;
  s.tensors[2].layout = TensorLayout::Nhwc;
  s.tensors[2].rank = 4;
  s.tensors[2].dims = {1, 27, 3, 3};
  CHECK(validate(s) == Errors{"tensor 2 xcol: layout nhwc on an im2col view (expected matrix: the view is a GEMM "
                              "operand)"});
  s = good;
  s.tensors[2].view.of = 3;  // y [1,4,3,3]: 4 channels, a 3x3 image
  CHECK(validate(s) == Errors{"tensor 2 xcol: im2col channel_stride=3 is less than the 4 channels of y (expected at "
                              "least 4)"});
  Builder b(4 * kTileBytes, "flat");
  const auto m = b.tensor("m", TensorRole::Input, 30, 3);
  b.schedule().tensors.push_back(good.tensors[2]);
  b.schedule().tensors.back().view.of = m;
  CHECK(validate(b.done()) == Errors{"tensor 1 xcol: im2col of m, a rank-2 tensor without dims (expected an image "
                                     "[N,C,H,W] with its dims)"});
  s = good;
  s.tensors[2].view.of = 2;
  CHECK(validate(s) == Errors{"tensor 2 xcol: view of itself (expected a view of another tensor)"});
  s = good;
  s.tensors[0].rows = 31;  // x's own problem: reported on x only
  CHECK(validate(s) == Errors{"tensor 0 x: shape [31,3] batch 1 (expected [30,3] batch 1 for dims [1,3,5,6]: nhwc "
                              "stores [N,C,H,W] as N matrices [H*W, C])"});
  s = good;
  s.tensors[2].is_graph_output = true;
  CHECK(validate(s) == Errors{"tensor 2 xcol: a view is a graph output (expected views only to be loaded, never "
                              "stored)"});
}

TEST_CASE("views: the validator's table checks of relayout and transpose views", "[schedule][views][validator]") {
  const Schedule good = flatten_schedule();
  Schedule s = good;
  s.tensors[1].cols = 35;
  s.tensors[1].dims = {1, 35};
  CHECK(validate(s) == Errors{"tensor 1 v: relayout of x has 35 elements (expected 36, the elements of x)"});
  s = good;
  s.tensors[1].layout = TensorLayout::ConvWeight;
  s.tensors[1].rank = 4;
  s.tensors[1].dims = {36, 1, 1, 1};
  s.tensors[1].rows = 1;
  s.tensors[1].cols = 36;
  CHECK(validate(s) == Errors{"tensor 1 v: layout conv_weight on a relayout view (expected matrix, nchw or "
                              "nhwc)"});
  s = good;
  s.tensors[1].rank = 3;
  s.tensors[1].dims.clear();
  CHECK(validate(s) == Errors{"tensor 1 v: relayout view, a rank-3 tensor without dims (expected dims: a relayout "
                              "keeps the order of the true dims)"});
  // A relayout into nhwc: [1,36] -> nhwc [1,4,3,3] and back is the identity.
  Builder b(3 * kTileBytes, "unflatten");
  const auto f = b.laid_out("f", TensorRole::Input, {1, 36}, TensorLayout::Matrix);
  b.relayout("u", f, {1, 4, 3, 3}, TensorLayout::Nhwc);
  CHECK(validate(b.done()) == Errors{});
  // A transpose shows a matrix-layout tensor only.
  Builder t(3 * kTileBytes, "transpose");
  const auto x = t.laid_out("x", TensorRole::Input, {1, 4, 3, 3}, TensorLayout::Nhwc);
  TensorInfo& xt = t.schedule().tensors[static_cast<std::size_t>(t.view("xt", x))];
  xt.layout = TensorLayout::Matrix;  // a [4,9] matrix, x's storage transposed
  xt.rank = 2;
  xt.dims.clear();
  CHECK(validate(t.done()) == Errors{"tensor 1 xt: transpose of x, an nhwc tensor (expected a matrix-layout tensor)"});
}

TEST_CASE("views: a gather from a produced tensor needs every touched tile complete in DRAM",
          "[schedule][views][validator]") {
  // p = relu(x) in matrix layout [1,3,5,6]: 3 tiles, one per channel; the
  // stores of p[0,0] and p[1,0] happen, p[2,0]'s does not: the gather of
  // pcol[0,0] reads all three.
  Builder b(4 * kTileBytes, "produced");
  const auto x = b.laid_out("x", TensorRole::Input, kImage, TensorLayout::Matrix);
  const auto p = b.laid_out("p", TensorRole::Intermediate, kImage, TensorLayout::Matrix);
  const auto pcol = b.im2col("pcol", p, conv_s2());
  for (std::int32_t c = 0; c < 3; ++c) {
    b.load(T(x, c, 0), 0x0000);
    b.elementwise(ExecKind::Relu, {T(p, c, 0), 0x1000}, {{T(x, c, 0), 0x0000}});
    if (c < 2) b.store(T(p, c, 0), 0x1000);
  }
  b.load(T(pcol, 0, 0), 0x2000);
  resolve_deps(b.schedule());
  CHECK(validate(b.done()) == Errors{"uop 8 LOAD pcol[0,0]: pcol[0,0] gathers from p[2,0], which was never stored to "
                                     "DRAM (expected p an input, a param or stored earlier)"});
  // A partial sum in DRAM: q = a @ bm in two K steps, stored after the first.
  Builder k(6 * kTileBytes, "partial");
  const auto a = k.tensor("a", TensorRole::Input, 30, 64);
  const auto bm = k.tensor("bm", TensorRole::Param, 64, 3);
  const auto q = k.laid_out("q", TensorRole::Intermediate, kImage, TensorLayout::Nhwc);
  const auto qcol = k.im2col("qcol", q, conv_s2());
  k.load(T(a, 0, 0), 0x0000);
  k.load(T(bm, 0, 0), 0x1000);
  k.matmul({T(q, 0, 0), 0x2000}, {T(a, 0, 0), 0x0000}, {T(bm, 0, 0), 0x1000}, true);
  k.store(T(q, 0, 0), 0x2000);
  k.load(T(qcol, 0, 0), 0x3000);
  resolve_deps(k.schedule());
  CHECK(validate(k.done()) == Errors{"uop 4 LOAD qcol[0,0]: qcol[0,0] gathers from q[0,0], which DRAM holds as "
                                     "q[0,0] after 1 of 2 K steps (expected complete)"});
}

TEST_CASE("views: nothing stores into or writes a gather view", "[schedule][views][validator]") {
  Builder b(4 * kTileBytes, "write");
  const auto x = b.laid_out("x", TensorRole::Input, kImage, TensorLayout::Nhwc);
  const auto xcol = b.im2col("xcol", x, conv_s2());
  const auto y = b.tensor("y", TensorRole::Output, 9, 27);
  b.load(T(xcol, 0, 0), 0x0000);
  b.elementwise(ExecKind::Relu, {T(xcol, 0, 0), 0x1000}, {{T(xcol, 0, 0), 0x0000}});
  b.elementwise(ExecKind::Relu, {T(y, 0, 0), 0x2000}, {{T(xcol, 0, 0), 0x0000}});
  b.store(T(y, 0, 0), 0x2000);
  b.store(T(xcol, 0, 0), 0x1000);
  resolve_deps(b.schedule());
  CHECK(validate(b.done()) ==
        Errors{"uop 1 EXEC relu xcol[0,0]: writes view xcol of x (expected an intermediate or output tensor: a view "
               "is only loaded)",
               "uop 4 STORE xcol[0,0]: stores into view xcol of x (expected an intermediate or output tensor: a view "
               "has no storage and is never stored)"});
}

// concat_schedule (view_schedules.h): a [1,40,3,3] nhwc (9 x 40, padded 32 x
// 64, at 0: rows 256 B apart) and b [1,24,3,3] nhwc (9 x 24, one tile, at
// 8192: rows 128 B apart) placed at channels 0 and 40 of [1,64,3,3].
//   pa (0,0): channels 0..31 of a's 9 pixels: 9 spans of 128 B at 256 r.
//   pa (0,1): channels 32..39: 9 spans of 32 B at 256 r + 128.
//   pb (0,0): channels 0..31, all before b's offset 40: nothing.
//   pb (0,1): channels 40..63 = b's 0..23 (tile columns 8..31): 9 spans of
//             96 B at 8192 + 128 r.
TEST_CASE("views: a place view's tile reads its tensor at the offset and zero elsewhere", "[schedule][views][dram]") {
  const Schedule s = concat_schedule();
  REQUIRE(validate(s) == Errors{});
  const std::int32_t pa = 2, pb = 3;
  CHECK(spans_of(s, T(pa, 0, 0), DramLayout::RowMajor) == every(0, 256, 128, 9));
  CHECK(spans_of(s, T(pa, 0, 1), DramLayout::RowMajor) == every(128, 256, 32, 9));
  CHECK(spans_of(s, T(pb, 0, 0), DramLayout::RowMajor).empty());
  CHECK(spans_of(s, T(pb, 0, 1), DramLayout::RowMajor) == every(8192, 128, 96, 9));
  const TransferBytes bytes(s);
  CHECK(bytes(T(pa, 0, 0)) == 1152);
  CHECK(bytes(T(pa, 0, 1)) == 288);
  CHECK(bytes(T(pb, 0, 0)) == 0);
  CHECK(bytes(T(pb, 0, 1)) == 864);
  // Element by element: pb (0,1) element (r, c) is view channel 32 + c, b's
  // channel c - 8 for c >= 8 of pixel r < 9, zero elsewhere.
  const auto scratch = std::make_unique<GatherScratch>();
  gather_tile(s.tensors, T(pb, 0, 1), &scratch->tile);
  int sources = 0;
  for (std::int64_t r = 0; r < kTileDim; ++r) {
    for (std::int64_t c = 0; c < kTileDim; ++c) {
      const GatheredElement& e = scratch->tile[static_cast<std::size_t>(r * kTileDim + c)];
      INFO("element (" << r << ", " << c << ")");
      if (r < 9 && c >= 8) {
        REQUIRE(e.kind == GatheredElement::Source);
        CHECK((e.at.matrix == 0 && e.at.row == r && e.at.col == c - 8));
        ++sources;
      } else {
        CHECK(e.kind == GatheredElement::Zero);
      }
    }
  }
  CHECK(sources == 9 * 24);
  std::vector<TileRef> touched;
  gathered_tiles(s.tensors, T(pb, 0, 0), scratch.get(), &touched);
  CHECK(touched.empty());
  gathered_tiles(s.tensors, T(pa, 0, 1), scratch.get(), &touched);
  CHECK(touched == std::vector<TileRef>{T(0, 0, 1)});
  // The ideal machine: 64 + ceil(b / 32): 1152 B 100 cycles, nothing 64.
  const tilesim::CostModel costs{tilesim::HwConfig{}};
  CHECK(costs.uop_cycles(s.uops[0], bytes) == 100);
  CHECK(costs.uop_cycles(s.uops[1], bytes) == 64);
}

// The simulator's TransferBytes takes what the scheduler's gathered
// (Schedule::gathered_bytes) and gathers again once a tensor differs: pb at
// offset 8 puts b's 24 channels at view channels 8..31, all in pb (0,0)
// (9 pixels x 24 x 4 = 864 B), none in pb (0,1).
TEST_CASE("views: a schedule's gathered bytes are taken while its tensors are the ones gathered", "[schedule][views]") {
  Schedule s = concat_schedule();
  const std::int32_t pb = 3;
  const TransferBytes scheduler(s);
  s.gathered_bytes = scheduler.gathered();
  const TransferBytes simulator(s);
  CHECK(simulator.gathered() == scheduler.gathered());
  CHECK(simulator(T(pb, 0, 1)) == 864);
  s.tensors[pb].view.place.offset = 8;
  REQUIRE(validate(s) == Errors{});
  const TransferBytes moved(s);
  CHECK(moved.gathered() != scheduler.gathered());
  CHECK(moved(T(pb, 0, 0)) == 864);
  CHECK(moved(T(pb, 0, 1)) == 0);
}

// A place view along the rows of a matrix: x [2,3] at row 1 of [4,3].
TEST_CASE("views: a place view of a matrix along its rows", "[schedule][views]") {
  Builder b(3 * kTileBytes, "rows");
  const auto x = b.laid_out("x", TensorRole::Input, {2, 3}, TensorLayout::Matrix);
  const Schedule s = shown(b, b.place("v", x, {4, 3}, 0, 1));
  REQUIRE(validate(s) == Errors{});
  GatheredTile tile;
  gather_tile(s.tensors, T(1, 0, 0), &tile);
  for (std::int64_t r = 0; r < 4; ++r) {
    for (std::int64_t c = 0; c < 3; ++c) {
      const GatheredElement& e = tile[static_cast<std::size_t>(r * kTileDim + c)];
      INFO("element (" << r << ", " << c << ")");
      CHECK(e.kind == (r == 1 || r == 2 ? GatheredElement::Source : GatheredElement::Zero));
      if (e.kind == GatheredElement::Source) CHECK((e.at.row == r - 1 && e.at.col == c));
    }
  }
  CHECK(spans_of(s, T(1, 0, 0), DramLayout::RowMajor) == every(0, 128, 12, 2));
}

TEST_CASE("views: the validator's table checks of place views", "[schedule][views][validator]") {
  const Schedule good = concat_schedule();
  Schedule s = good;
  s.tensors[3].view.place.offset = 41;
  CHECK(validate(s) == Errors{"tensor 3 pb: place offset=41 puts the 24 elements of b on axis 1 past the view's 64 "
                              "(expected an offset from 0 to 40)"});
  s = good;
  s.tensors[3].view.place.axis = 4;
  CHECK(validate(s) == Errors{"tensor 3 pb: place axis=4 in a rank-4 view (expected an axis from 0 to 3)"});
  s = good;
  s.tensors[3].view.place = {2, 0};
  CHECK(validate(s) == Errors{"tensor 3 pb: place of b [1,24,3,3] in dims [1,64,3,3] (expected the same dims but on "
                              "axis 2)"});
  s = good;
  s.tensors[3].view.of = 0;
  s.tensors[1].dims = {1, 80, 3, 3};
  s.tensors[1].cols = 80;
  s.tensors[1].padded_cols = 96;
  s.tensors[3].view.of = 1;
  s.tensors[3].view.place = {1, 0};
  CHECK(validate(s) == Errors{"tensor 3 pb: place of b [1,80,3,3] in dims [1,64,3,3] (expected at most the view's 64 "
                              "on axis 1)"});
  Builder b(3 * kTileBytes, "ranks");
  const auto x = b.laid_out("x", TensorRole::Input, {2, 3}, TensorLayout::Matrix);
  b.place("v", x, {1, 4, 3}, 1, 0);
  CHECK(validate(b.done()) ==
        Errors{"tensor 1 v: place of x, a rank-2 tensor, in a rank-3 view (expected the same rank)"});
  Builder w(3 * kTileBytes, "weights");
  const auto y = w.laid_out("y", TensorRole::Input, {2, 1, 1, 1}, TensorLayout::Matrix);
  w.place("v", y, {4, 1, 1, 1}, 0, 0, TensorLayout::ConvWeight);
  CHECK(validate(w.done()) == Errors{"tensor 1 v: layout conv_weight on a place view (expected matrix, nchw or nhwc)"});
}

// Grouped conv weights are block-diagonal: row (kh*KW + kw)*C + c holds
// channel c, column o output channel o, and only c's group meeting o's is
// nonzero (convolution.md). Tiles are 32 rows by 32 columns.
TEST_CASE("views: which tiles of grouped conv weights are structural zeros", "[schedule][views]") {
  Builder b(3 * kTileBytes, "weights");
  // [40, 4, 1, 1] in 20 groups: C = 80 (4 per group), 2 output channels per
  // group. Row tiles: channels 0..31 (groups 0..7), 32..63 (8..15), 64..79
  // (16..19); column tiles: outputs 0..31 (groups 0..15), 32..39 (16..19).
  const auto w = b.laid_out("w", TensorRole::Param, {40, 4, 1, 1}, TensorLayout::ConvWeight, 20);
  // [80, 2, 3, 3] in 40 groups: C = 80, row r holds channel r mod 80; row
  // tile 2 (rows 64..95) holds channels 64..79 and 0..15 (groups 32..39 and
  // 0..7); column tile 1 (outputs 32..63) groups 16..31: none of them.
  const auto wrap = b.laid_out("wrap", TensorRole::Param, {80, 2, 3, 3}, TensorLayout::ConvWeight, 40);
  // Ungrouped weights and matrices have no structural zeros.
  const auto dense = b.laid_out("dense", TensorRole::Param, {64, 64, 1, 1}, TensorLayout::ConvWeight, 1);
  const Schedule& s = b.schedule();
  const TensorInfo& tw = s.tensors.at(static_cast<std::size_t>(w));
  const TensorInfo& twrap = s.tensors.at(static_cast<std::size_t>(wrap));
  const TensorInfo& tdense = s.tensors.at(static_cast<std::size_t>(dense));
  const bool expect_w[3][2] = {{false, true}, {false, true}, {true, false}};
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 2; ++c) {
      INFO("w tile " << r << "," << c);
      CHECK(is_structural_zero_tile(tw, r, c) == expect_w[r][c]);
    }
  }
  CHECK(is_structural_zero_tile(twrap, 2, 1));
  CHECK_FALSE(is_structural_zero_tile(twrap, 2, 0));
  CHECK_FALSE(is_structural_zero_tile(twrap, 2, 2));
  CHECK_FALSE(is_structural_zero_tile(tdense, 1, 0));
  // The K steps column 1 of w needs: only row tile 2.
  CHECK(next_weight_step(tw, 0, 1) == 2);
  CHECK(next_weight_step(tw, 3, 1) == 3);
  CHECK(next_weight_step(tw, 2, 0) == 3);  // none left: B's tile rows
  CHECK(next_weight_step(tdense, 1, 1) == 1);
}

namespace {

// Checks every element of every tile of im2col(x, g), x [2, channels, 7, 9] in
// `layout`, against the definition (tensor_view.h) computed here: view
// element (n, p, q) is channel c = q mod S of kernel position q div S of
// output pixel p, so input pixel (oh * SH - PT + kh * DH, ow * SW - PL + kw *
// DW); Zero where c >= C or past the view, the padding value outside the
// image. The tiles cut windows and channel strides mid-way (S = 5, 7 or 32).
// A tile's bytes (gathered_bytes, counted from the windows) are 4 per
// distinct element: the windows of neighbouring pixels overlap. The
// schedule's compulsory bytes count each element of x that any tile reads
// once, with the tiles of `zero` loaded and of `z` stored (shown()).
void check_im2col_tiles(TensorLayout layout, const Im2colGeometry& g, std::int64_t channels = 5) {
  const std::vector<std::int64_t> dims = {2, channels, 7, 9};
  Builder b(3 * kTileBytes, "im2col");
  const auto x = b.laid_out("x", TensorRole::Input, dims, layout);
  const Schedule s = shown(b, b.im2col("xcol", x, g));
  REQUIRE(validate(s) == Errors{});
  const TensorInfo& v = s.tensors[1];
  const std::int64_t pixels = std::int64_t{g.out_h} * g.out_w,
                     width = std::int64_t{g.kernel_h} * g.kernel_w * g.channel_stride;
  const auto pad = g.pad_negative_infinity ? GatheredElement::NegativeInfinity : GatheredElement::Zero;
  const auto scratch = std::make_unique<GatherScratch>();
  std::int64_t sources = 0;
  std::set<std::vector<std::int64_t>> read;  // every tile's input elements, each once
  std::vector<GatherRun> runs;
  int column_tiles = 0;
  for (std::int32_t tr = 0; tr < v.tile_rows(); ++tr) {
    for (std::int32_t tc = 0; tc < v.tile_cols(); ++tc) {
      gather_tile(s.tensors, T(1, tr, tc), &scratch->tile);
      // The simulator's LOAD reads the column runs where there are any.
      const bool by_columns = im2col_column_runs(s.tensors, T(1, tr, tc), &runs);
      column_tiles += by_columns;
      const auto from_runs = std::make_unique<GatheredTile>(expand_runs(runs));
      std::set<std::vector<std::int64_t>> distinct;  // the tile's input elements, each once
      for (std::int64_t e = 0; e < kTileDim * kTileDim; ++e) {
        const std::int64_t n = tr / v.tile_rows_per_matrix();
        const std::int64_t p = tr % v.tile_rows_per_matrix() * kTileDim + e / kTileDim,
                           q = tc * kTileDim + e % kTileDim;
        const std::int64_t pos = q / g.channel_stride, c = q % g.channel_stride;
        const std::int64_t ih = p / g.out_w * g.stride_h - g.pad_top + pos / g.kernel_w * g.dilation_h;
        const std::int64_t iw = p % g.out_w * g.stride_w - g.pad_left + pos % g.kernel_w * g.dilation_w;
        for (const GatheredTile* tile : {&scratch->tile, from_runs.get()}) {
          if (tile == from_runs.get() && !by_columns) continue;
          const GatheredElement& got = (*tile)[static_cast<std::size_t>(e)];
          INFO("tile (" << tr << ", " << tc << ") element " << e << ": n " << n << " pixel " << p << " column " << q
                        << (tile == from_runs.get() ? " (column runs)" : ""));
          if (p >= pixels || q >= width || c >= dims[1]) {
            CHECK(got.kind == GatheredElement::Zero);
          } else if (ih < 0 || ih >= dims[2] || iw < 0 || iw >= dims[3]) {
            CHECK(got.kind == pad);
          } else {
            REQUIRE(got.kind == GatheredElement::Source);
            CHECK(true_index(s.tensors[0], got.at) == std::vector<std::int64_t>{n, c, ih, iw});
            if (tile == from_runs.get()) continue;
            distinct.insert({n, c, ih, iw});
            read.insert({n, c, ih, iw});
            ++sources;
          }
        }
      }
      INFO("tile (" << tr << ", " << tc << ")");
      CHECK(gathered_bytes(s.tensors, T(1, tr, tc), scratch.get()) == 4 * static_cast<std::int64_t>(distinct.size()));
    }
  }
  CHECK(sources > 0);
  // Column runs where a tile row crosses kernel positions and X's channels
  // are not adjacent in storage (nhwc's are).
  const bool crosses = g.channel_stride % kTileDim != 0 && std::int64_t{g.kernel_h} * g.kernel_w > 1;
  CHECK((column_tiles > 0) == (crosses && layout != TensorLayout::Nhwc));
  INFO("compulsory bytes");
  CHECK(count_totals(s).compulsory_bytes ==
        4 * static_cast<std::int64_t>(read.size()) + 2 * kTileBytes * v.tile_rows() * v.tile_cols());
}

Im2colGeometry geometry(std::int32_t kh, std::int32_t kw, std::int32_t sh, std::int32_t sw, std::int32_t dh,
                        std::int32_t dw, std::int32_t pt, std::int32_t pl, std::int32_t s) {
  Im2colGeometry g;
  g.kernel_h = kh, g.kernel_w = kw, g.stride_h = sh, g.stride_w = sw, g.dilation_h = dh, g.dilation_w = dw;
  g.pad_top = pt, g.pad_left = pl, g.channel_stride = s;
  g.out_h = static_cast<std::int32_t>((7 + pt - (dh * (kh - 1) + 1)) / sh + 1);
  g.out_w = static_cast<std::int32_t>((9 + pl - (dw * (kw - 1) + 1)) / sw + 1);
  return g;
}

}  // namespace

TEST_CASE("views: every element of every im2col tile is where the definition says, in each image layout",
          "[schedule][views]") {
  Im2colGeometry pool = geometry(3, 3, 2, 2, 1, 1, 1, 1, 32);
  pool.pad_negative_infinity = true;
  const std::pair<const char*, Im2colGeometry> cases[] = {
      {"3x3 pad 1 packed", geometry(3, 3, 1, 1, 1, 1, 1, 1, 5)},
      {"3x2 stride 2x1 dilation 1x2 pad 2x0, stride 7", geometry(3, 2, 2, 1, 1, 2, 2, 0, 7)},
      {"5x5 pad 2", geometry(5, 5, 1, 1, 1, 1, 2, 2, 5)},
      {"1x1 stride 2", geometry(1, 1, 2, 2, 1, 1, 0, 0, 5)},
      {"3x3 stride 2 pad 1 (windows from the padding's second column)", geometry(3, 3, 2, 2, 1, 1, 1, 1, 5)},
      {"pooling windows, -inf, stride 32", pool},
  };
  for (const TensorLayout layout : {TensorLayout::Nhwc, TensorLayout::Nchw, TensorLayout::Matrix}) {
    for (const auto& [name, g] : cases) {
      INFO(to_string(layout) << ": " << name);
      check_im2col_tiles(layout, g);
    }
    // 40 channels: a run of channels crosses a tile of x (its rows in nchw,
    // its columns in nhwc).
    INFO(to_string(layout) << ": 3x3 pad 1, 40 channels, stride 40");
    check_im2col_tiles(layout, geometry(3, 3, 1, 1, 1, 1, 1, 1, 40), 40);
    INFO(to_string(layout) << ": 7x7 stride 2 pad 3, 3 channels (ResNet's first conv)");
    check_im2col_tiles(layout, geometry(7, 7, 2, 2, 1, 1, 3, 3, 3), 3);
  }
}

TEST_CASE("views: an im2col tile whose windows reach pixels far apart counts its distinct elements too",
          "[schedule][views]") {
  // 32 output pixels, one a row, 30 input rows apart: a tile's windows reach
  // pixels 0 to 930 of 100 channels, past the 65 536 (pixel, channel) bits
  // im2col_distinct_elements keeps, so it sorts the channel ranges instead.
  // Tile (0, 0) reads channels 0-31 of 32 pixels, tile (0, 3) channels 96-99.
  Builder b(3 * kTileBytes, "far");
  const auto x = b.laid_out("x", TensorRole::Input, {1, 100, 1000, 1}, TensorLayout::Nchw);
  Im2colGeometry g;
  g.kernel_h = g.kernel_w = 1, g.stride_h = 30, g.stride_w = 1, g.dilation_h = g.dilation_w = 1;
  g.pad_top = g.pad_left = 0, g.channel_stride = 100, g.out_h = 32, g.out_w = 1;
  const auto v = b.im2col("xcol", x, g);
  const Schedule s = b.done();
  const auto scratch = std::make_unique<GatherScratch>();
  CHECK(gathered_bytes(s.tensors, T(v, 0, 0), scratch.get()) == 4 * 32 * 32);
  CHECK(gathered_bytes(s.tensors, T(v, 0, 3), scratch.get()) == 4 * 32 * 4);
  for (std::int32_t tc = 0; tc < s.tensors[static_cast<std::size_t>(v)].tile_cols(); ++tc) {
    gather_tile(s.tensors, T(v, 0, tc), &scratch->tile);
    std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t>> distinct;
    for (const GatheredElement& e : scratch->tile) {
      if (e.kind == GatheredElement::Source) distinct.emplace(e.at.matrix, e.at.row, e.at.col);
    }
    INFO("tile column " << tc);
    CHECK(gathered_bytes(s.tensors, T(v, 0, tc), scratch.get()) == 4 * static_cast<std::int64_t>(distinct.size()));
  }
}

TEST_CASE("views: every element of every relayout tile is X's at the same row-major position, in each pair of layouts",
          "[schedule][views]") {
  // x [2,5,7,9] shown as v with the same elements in row-major order: as
  // [2,5,7,9] in another layout, or as the matrices [10,63] or [2,5,63].
  const std::vector<std::int64_t> image = {2, 5, 7, 9};
  const TensorLayout layouts[] = {TensorLayout::Matrix, TensorLayout::Nchw, TensorLayout::Nhwc};
  struct Shown {
    std::vector<std::int64_t> dims;
    TensorLayout layout;
  };
  std::vector<Shown> views = {{{10, 63}, TensorLayout::Matrix}, {{2, 5, 63}, TensorLayout::Matrix}};
  for (const TensorLayout layout : layouts) views.push_back({image, layout});
  const auto flat = [](const std::vector<std::int64_t>& dims, const std::vector<std::int64_t>& index) {
    std::int64_t f = 0;
    for (std::size_t i = 0; i < dims.size(); ++i) f = f * dims[i] + index[i];
    return f;
  };
  const auto scratch = std::make_unique<GatherScratch>();
  for (const TensorLayout x_layout : layouts) {
    for (const Shown& shown_as : views) {
      Builder b(3 * kTileBytes, "relayout");
      const auto x = b.laid_out("x", TensorRole::Input, image, x_layout);
      const Schedule s = shown(b, b.relayout("v", x, shown_as.dims, shown_as.layout));
      REQUIRE(gatherable(s, 1));  // the precondition of gather_tile (shown()'s z is in matrix layout)
      const TensorInfo& v = s.tensors[1];
      std::int64_t sources = 0;
      for (std::int32_t tr = 0; tr < v.tile_rows(); ++tr) {
        for (std::int32_t tc = 0; tc < v.tile_cols(); ++tc) {
          gather_tile(s.tensors, T(1, tr, tc), &scratch->tile);
          std::int64_t tile_sources = 0;
          for (std::int64_t e = 0; e < kTileDim * kTileDim; ++e) {
            const StorageCoord at{tr / v.tile_rows_per_matrix(),
                                  tr % v.tile_rows_per_matrix() * kTileDim + e / kTileDim,
                                  tc * kTileDim + e % kTileDim};
            const GatheredElement& got = scratch->tile[static_cast<std::size_t>(e)];
            const auto index = true_index(v, at);
            INFO("x " << to_string(x_layout) << ", v " << to_string(shown_as.layout) << " of rank "
                      << shown_as.dims.size() << ": tile (" << tr << ", " << tc << ") element " << e);
            if (!index) {
              CHECK(got.kind == GatheredElement::Zero);
              continue;
            }
            REQUIRE(got.kind == GatheredElement::Source);
            const auto xi = true_index(s.tensors[0], got.at);
            REQUIRE(xi);
            CHECK(flat(image, *xi) == flat(shown_as.dims, *index));
            ++tile_sources;
          }
          CHECK(gathered_bytes(s.tensors, T(1, tr, tc), scratch.get()) == 4 * tile_sources);
          sources += tile_sources;
        }
      }
      CHECK(sources == 2 * 5 * 7 * 9);
    }
  }
}
