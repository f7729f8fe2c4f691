// The schedule text form: exact output, exact round trip, hand-written input and
// parse errors with exact messages.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "compiler/schedule/schedule_text.h"
#include "compiler/schedule/validator.h"
#include "compiler/support/input_error.h"
#include "tests/schedule/sample_onnx_schedules.h"
#include "tests/schedule/sample_schedules.h"
#include "tests/schedule/view_schedules.h"

using namespace tilesim::sched;
using namespace tilesim::sched::testing;

namespace {

std::string text_of(const Schedule& s) {
  std::ostringstream out;
  write_schedule_text(s, out);
  return out.str();
}

Schedule parse(const std::string& text, const std::string& name = "t.sched") {
  std::istringstream in(text);
  return read_schedule_text(in, name);
}

void check_tile(const TileRef& a, const TileRef& b) {
  CHECK(a.tensor == b.tensor);
  CHECK(a.row == b.row);
  CHECK(a.col == b.col);
}

void check_same(const Schedule& a, const Schedule& b) {
  CHECK(a.model == b.model);
  CHECK(a.sram_bytes == b.sram_bytes);
  CHECK(a.dram_layout == b.dram_layout);
  REQUIRE(a.tensors.size() == b.tensors.size());
  for (std::size_t i = 0; i < a.tensors.size(); ++i) {
    const TensorInfo &x = a.tensors[i], &y = b.tensors[i];
    CHECK(x.name == y.name);
    CHECK(x.role == y.role);
    CHECK(x.rank == y.rank);
    CHECK(x.rows == y.rows);
    CHECK(x.cols == y.cols);
    CHECK(x.padded_rows == y.padded_rows);
    CHECK(x.padded_cols == y.padded_cols);
    CHECK(x.is_graph_output == y.is_graph_output);
    CHECK(x.batch == y.batch);
    CHECK(x.dims == y.dims);
    CHECK((x.view.kind == y.view.kind && x.view.of == y.view.of && x.view.im2col == y.view.im2col));
    CHECK((x.view.place == y.view.place && x.view.select == y.view.select));
    CHECK(x.layout == y.layout);
    CHECK(x.groups == y.groups);
    CHECK(x.dram_address == y.dram_address);
  }
  REQUIRE(a.uops.size() == b.uops.size());
  for (std::size_t i = 0; i < a.uops.size(); ++i) {
    const Uop &x = a.uops[i], &y = b.uops[i];
    CHECK(x.kind == y.kind);
    CHECK(x.exec == y.exec);
    CHECK(x.zero_init == y.zero_init);
    CHECK(x.relu == y.relu);
    check_tile(x.tile, y.tile);
    CHECK(x.addr == y.addr);
    for (int k = 0; k < 3; ++k) {
      check_tile(x.src[k], y.src[k]);
      CHECK(x.src_addr[k] == y.src_addr[k]);
    }
    CHECK(x.dep == y.dep);
    // The params each uOp refers to, bit for bit (the tables may be ordered differently).
    REQUIRE(x.params < a.exec_params.size());
    REQUIRE(y.params < b.exec_params.size());
    const ExecParams &p = a.exec_params[x.params], &q = b.exec_params[y.params];
    CHECK(p.form[0] == q.form[0]);
    CHECK(p.form[1] == q.form[1]);
    for (int k = 0; k < 2; ++k) {
      if (std::isnan(p.param[k]))
        CHECK(std::isnan(q.param[k]));
      else
        CHECK(std::memcmp(&p.param[k], &q.param[k], sizeof(float)) == 0);
    }
  }
  REQUIRE(a.layers.size() == b.layers.size());
  for (std::size_t i = 0; i < a.layers.size(); ++i) {
    const LayerSummary &x = a.layers[i], &y = b.layers[i];
    CHECK(x.name == y.name);
    CHECK(x.ops == y.ops);
    CHECK(x.shapes == y.shapes);
    CHECK(x.tiles == y.tiles);
    CHECK(x.plan == y.plan);
    CHECK(x.loads == y.loads);
    CHECK(x.stores == y.stores);
    CHECK(x.execs == y.execs);
    CHECK(x.loads_eliminated == y.loads_eliminated);
    CHECK(x.dma_bytes == y.dma_bytes);
    CHECK(x.sram_peak_bytes == y.sram_peak_bytes);
    CHECK(x.compulsory_bytes == y.compulsory_bytes);
  }
  CHECK(a.uop_layer == b.uop_layer);
  CHECK(a.loads == b.loads);
  CHECK(a.stores == b.stores);
  CHECK(a.execs == b.execs);
  CHECK(a.loads_eliminated == b.loads_eliminated);
  CHECK(a.bytes_loaded == b.bytes_loaded);
  CHECK(a.bytes_stored == b.bytes_stored);
  CHECK(a.sram_peak_bytes == b.sram_peak_bytes);
  CHECK(a.compulsory_loads == b.compulsory_loads);
  CHECK(a.compulsory_bytes == b.compulsory_bytes);
}

void check_round_trip(const Schedule& s) {
  const std::string text = text_of(s);
  const Schedule back = parse(text);
  check_same(s, back);
  CHECK(text_of(back) == text);
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const tilesim::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

const std::string kHeader =
    "tilesim-schedule 1\n"
    "model m\n"
    "sram_bytes 12288\n"
    "tensor 0 x input shape=[32,32] padded=[32,32]\n"
    "tensor 1 w param shape=[32,32] padded=[32,32]\n"
    "tensor 2 y output shape=[32,32] padded=[32,32] graph_output\n";

}  // namespace

TEST_CASE("schedule text: exact form", "[schedule][text]") {
  Schedule s = one_tile_matmul().done();
  s.compulsory_loads = 2;
  s.compulsory_bytes = 3 * kTileBytes;
  CHECK(text_of(s) ==
        "tilesim-schedule 1\n"
        "model one_tile\n"
        "sram_bytes 12288\n"
        "dram_layout row_major\n"
        "tensor 0 x input shape=[32,32] padded=[32,32] dram=0x0000\n"
        "tensor 1 w param shape=[32,32] padded=[32,32] dram=0x1000\n"
        "tensor 2 y output shape=[32,32] padded=[32,32] dram=0x2000 graph_output\n"
        "totals loads=2 stores=1 execs=1 loads_eliminated=0 bytes_loaded=8192 bytes_stored=4096 "
        "sram_peak_bytes=12288 compulsory_loads=2 compulsory_bytes=12288\n"
        "uops 4\n"
        "0 dma LOAD x[0,0]@0x0000 deps=-\n"
        "1 dma LOAD w[0,0]@0x1000 deps=-\n"
        "2 compute EXEC matmul y[0,0]@0x2000 <- x[0,0]@0x0000 w[0,0]@0x1000 zero_init deps=1\n"
        "3 dma STORE y[0,0]@0x2000 deps=2\n");
  const std::string fused = text_of(three_k_ping_pong().done());
  CHECK(fused.find("tensor 2 b param shape=[32] padded=[32] dram=0x6000\n") != std::string::npos);
  CHECK(fused.find("\n9 compute EXEC matmul y[0,0]@0x4000 <- x[0,2]@0x0000 w[2,0]@0x1000 bias b[0,0]@0x5000 "
                   "relu deps=7\n") != std::string::npos);
}

TEST_CASE("schedule text: round trip is exact", "[schedule][text]") {
  check_round_trip(one_tile_matmul().done());
  check_round_trip(two_k_double_buffered().done());
  check_round_trip(three_k_ping_pong().done());
  check_round_trip(prefetch_two_rows(true).done());
  Builder forward = one_tile_matmul();
  forward.uop(2).dep = 3;  // invalid schedules round-trip too
  forward.uop(1).addr = 0x0800;
  check_round_trip(forward.done());

  Schedule s = three_k_ping_pong().done();
  s.model = "my model \"v2\"";
  s.loads_eliminated = 3;
  s.compulsory_loads = 7;
  s.compulsory_bytes = 28800;
  s.sram_bytes = 1 << 24;
  s.uops[4].addr = 0xfff000;
  s.uops[8].src_addr[0] = 0xabc000;
  LayerSummary layer;
  layer.name = "y";
  layer.ops = "matmul+add+relu";
  layer.shapes = "[32,96] @ [96,32] -> [32,32]";
  layer.tiles = "M1 K3 N1";
  layer.plan = "output-stationary\tblock 1x1\\n";
  layer.loads = 7;
  layer.execs = 3;
  layer.stores = 1;
  layer.dma_bytes = 28800;
  layer.sram_peak_bytes = 28672;
  layer.compulsory_bytes = 16512;
  s.layers = {layer, LayerSummary{}};
  check_round_trip(s);
  s.uop_layer.assign(s.uops.size(), 0);  // every uOp in layer 0 ...
  s.uop_layer[5] = 1;                    // ... but one
  check_round_trip(s);
  CHECK(text_of(s).find(" deps=- layer=0\n") != std::string::npos);
  s.dram_layout = DramLayout::TileMajor;
  s.tensors[1].dram_address = 0xfedcba9876543000;
  check_round_trip(s);
}

TEST_CASE("schedule text: stacks, scalars, views and scale", "[schedule][text][onnx]") {
  const std::string bmm = text_of(batched_matmul(false).done());
  CHECK(bmm.find("\ntensor 0 a input shape=[64,64] padded=[64,64] dram=0x0000 batch=2 dims=[2,64,64]\n") !=
        std::string::npos);
  CHECK(
      bmm.find("\ntensor 2 c output shape=[64,32] padded=[64,32] dram=0xc000 batch=2 dims=[2,64,32] graph_output\n") !=
      std::string::npos);
  const std::string scalar = text_of(scalar_bias().done());
  CHECK(scalar.find("\ntensor 2 s param shape=[1] padded=[32] dram=0x3000 dims=[]\n") != std::string::npos);
  CHECK(scalar.find(" bytes_loaded=12292 ") != std::string::npos);
  CHECK(scalar.find("\n5 compute EXEC matmul y[0,1]@0x5000 <- x[0,0]@0x0000 w[0,1]@0x2000 bias s[0,0]@0x3000 "
                    "zero_init deps=3\n") != std::string::npos);
  CHECK(scalar.find("\n8 compute EXEC add h[0,0]@0x1000 <- x[0,0]@0x0000 s[0,0]@0x3000:scalar deps=3\n") !=
        std::string::npos);
  const std::string view = text_of(view_matmul().done());
  CHECK(view.find("\ntensor 2 wt intermediate shape=[64,32] padded=[64,32] view=transpose(w)\n") != std::string::npos);
  CHECK(text_of(scale_tile().done()).find("\n1 compute EXEC scale y[0,0]@0x1000 <- x[0,0]@0x0000 scale=0.5 deps=0\n") !=
        std::string::npos);

  check_round_trip(batched_matmul(true).done());
  check_round_trip(batched_matmul(false).done());
  check_round_trip(add_over_stack().done());
  check_round_trip(scalar_bias().done());
  check_round_trip(view_matmul().done());
  for (const float f : {0.5f, 0.1f, -3.0f, 1e-7f, 3.4028235e38f, -1.17549435e-38f, 1.0f / 3.0f, 0.0f, -0.0f,
                        std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::infinity(),
                        -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()}) {
    const Schedule s = scale_tile(f).done();
    const Schedule back = parse(text_of(s));
    CHECK(std::signbit(back.exec_params[back.uops[1].params].param[0]) == std::signbit(f));
    check_same(s, back);
    CHECK(text_of(back) == text_of(s));
  }

  // The rank is inferred from dims= (dims=[]: 0), else from shape=; rank= only
  // when neither gives it, so odd tables (even invalid ones) round-trip too.
  Schedule odd = batched_matmul(false).done();
  odd.tensors[0].dims.clear();  // rank 3 without dims
  odd.tensors[1].rank = 4;
  odd.tensors[1].dims = {1, 2, 64, 32};
  odd.tensors[2].rank = 0;  // invalid: rank 0 with dims
  const std::string text = text_of(odd);
  CHECK(text.find("\ntensor 0 a input shape=[64,64] padded=[64,64] dram=0x0000 rank=3 batch=2\n") != std::string::npos);
  CHECK(text.find("\ntensor 1 w param shape=[64,32] padded=[64,32] dram=0x8000 batch=2 dims=[1,2,64,32]\n") !=
        std::string::npos);
  CHECK(text.find(
            "\ntensor 2 c output shape=[32] padded=[32] dram=0xc000 rank=0 batch=2 dims=[2,64,32] graph_output\n") !=
        std::string::npos);
  Schedule rank1 = scalar_bias().done();
  rank1.tensors[2].rank = 1;
  CHECK(text_of(rank1).find("\ntensor 2 s param shape=[1] padded=[32] dram=0x3000\n") != std::string::npos);
  check_round_trip(rank1);

  // A view may name a tensor that comes later in the table.
  const Schedule later = parse(
      "tilesim-schedule 1\nsram_bytes 4096\n"
      "tensor 0 wt intermediate shape=[64,32] padded=[64,32] batch=3 dims=[3,64,32] view=transpose(w)\n"
      "tensor 1 w param shape=[32,64] padded=[32,64] dims=[3,32,64] batch=3\n");
  CHECK(later.tensors[0].view.of == 1);
  CHECK(later.tensors[0].rank == 3);
  CHECK(later.tensors[1].batch == 3);
  CHECK(validate(later).empty());
}

TEST_CASE("schedule text: hand-written schedule without totals", "[schedule][text]") {
  const Schedule s = parse(kHeader +
                           "# x @ w, by hand\n"
                           "\n"
                           "0 dma LOAD x[0,0]@0x0000 deps=-\n"
                           "1   dma   LOAD w[0,0]@0x1000   deps=-\r\n"
                           "2 compute EXEC matmul y[0,0]@0x2000 <- x[0,0]@0x0000 w[0,0]@0x1000 zero_init deps=1\n"
                           "3 dma STORE y[0,0]@0x2000 deps=2\n");
  CHECK(s.model == "m");
  CHECK(s.uops.size() == 4);
  CHECK(s.loads == 2);
  CHECK(s.stores == 1);
  CHECK(s.execs == 1);
  CHECK(s.bytes_loaded == 8192);
  CHECK(s.bytes_stored == 4096);
  CHECK(s.sram_peak_bytes == 12288);
  CHECK(s.compulsory_loads == 2);
  CHECK(s.compulsory_bytes == 12288);
  CHECK(validate(s).empty());
}

TEST_CASE("schedule text: parse errors name file, line and what was expected", "[schedule][text]") {
  const std::string load0 = "0 dma LOAD x[0,0]@0x0000 deps=-\n";
  CHECK(error_of("") == "t.sched: empty file (expected 'tilesim-schedule 1' on the first line)");
  CHECK(error_of("model m\n") == "t.sched:1: missing header line (expected 'tilesim-schedule 1' first)");
  CHECK(error_of("tilesim-schedule 2\n") == "t.sched:1: unsupported version '2' (expected 1)");
  CHECK(error_of("tilesim-schedule 1\nmodel m\n") == "t.sched: missing 'sram_bytes' line (expected sram_bytes BYTES)");
  CHECK(error_of("tilesim-schedule 1\nsram_bytes 4k\n") ==
        "t.sched:2: sram_bytes: bad size '4k' (expected a non-negative integer)");
  CHECK(error_of("tilesim-schedule 1\nsram_bytes 1\nsram_bytes 2\n") ==
        "t.sched:3: second 'sram_bytes' line (expected one)");
  CHECK(error_of("tilesim-schedule 1\nfoo 1\n") ==
        "t.sched:2: unknown line 'foo' (expected tilesim-schedule, model, sram_bytes, dram_layout, tensor, totals, "
        "layer, uops or a uop line)");
  CHECK(error_of(kHeader + "tensor 4 z input shape=[1,1] padded=[32,32]\n") ==
        "t.sched:7: tensor: index '4' out of sequence (expected 3)");
  CHECK(error_of(kHeader + "tensor 3 x input shape=[1,1] padded=[32,32]\n") ==
        "t.sched:7: tensor 3: tensor name 'x' used twice (expected unique names)");
  CHECK(error_of(kHeader + "tensor 3 z weight shape=[1,1] padded=[32,32]\n") ==
        "t.sched:7: tensor 3: unknown role 'weight' (expected input, param, intermediate or output)");
  CHECK(error_of(kHeader + "tensor 3 z input shape=(1,1) padded=[32,32]\n") ==
        "t.sched:7: tensor 3: bad field 'shape=(1,1)' (expected shape=[ROWS,COLS] or shape=[COLS])");
  CHECK(error_of(kHeader + "totals loads=2 moves=3\n") ==
        "t.sched:7: totals: unknown field 'moves=3' (expected KEY=VALUE with KEY one of bytes_loaded, "
        "bytes_stored, compulsory_bytes, compulsory_loads, execs, loads, loads_eliminated, sram_peak_bytes, stores)");
  CHECK(error_of(kHeader + "layer name=\"y\n") ==
        "t.sched:7: unterminated string 'name=\"y' (expected a closing '\"')");
  CHECK(error_of(kHeader + "uops 2\n" + load0) ==
        "t.sched:7: uops: announced 2 uop lines but the file has 1 (expected as many uop lines as announced)");
  CHECK(error_of(kHeader + load0 + "tensor 3 z input shape=[1,1] padded=[32,32]\n") ==
        "t.sched:8: 'tensor' line after the first uop (expected header lines before the uops)");
  CHECK(error_of(kHeader + "1 dma LOAD x[0,0]@0x0000 deps=-\n") ==
        "t.sched:7: uop id '1' out of sequence (expected 0)");
  CHECK(error_of(kHeader + "0 dma LAOD x[0,0]@0x0000 deps=-\n") ==
        "t.sched:7: uop 0: unknown kind 'LAOD' (expected LOAD, STORE or EXEC)");
  CHECK(error_of(kHeader + "0 compute LOAD x[0,0]@0x0000 deps=-\n") ==
        "t.sched:7: uop 0: LOAD does not run on the compute unit (expected dma)");
  CHECK(error_of(kHeader + "0 dma LOAD q[0,0]@0x0000 deps=-\n") ==
        "t.sched:7: uop 0: unknown tensor 'q' (expected a name from a tensor line)");
  CHECK(error_of(kHeader + "0 dma LOAD x[0;0]@0x0000 deps=-\n") ==
        "t.sched:7: uop 0: bad operand 'x[0;0]@0x0000' (expected TENSOR[ROW,COL]@ADDR, e.g. x[0,1]@0x1000)");
  CHECK(error_of(kHeader + "0 dma LOAD x[0,0]@0x1g00 deps=-\n") ==
        "t.sched:7: uop 0: bad address '0x1g00' (expected 0x followed by 1 to 8 hex digits)");
  CHECK(error_of(kHeader + "0 dma LOAD x[0,0]@0x0000\n") ==
        "t.sched:7: uop 0: incomplete line (expected ID UNIT KIND TENSOR[ROW,COL]@ADDR ... deps=DEP, e.g. 3 dma "
        "LOAD x[0,1]@0x1000 deps=-)");
  CHECK(error_of(kHeader + "0 dma LOAD x[0,0]@0x0000 deps=-1\n") ==
        "t.sched:7: uop 0: bad dependency '-1' (expected a non-negative integer)");
  CHECK(error_of(kHeader + load0 + "1 compute EXEC conv y[0,0]@0x2000 <- x[0,0]@0x0000 deps=0\n") ==
        "t.sched:8: uop 1: unknown EXEC kind 'conv' (expected matmul, add, sub, mul, max, min, relu, scale, clip, "
        "leaky_relu, sigmoid, tanh, hard_sigmoid, hard_swish, max_pool, avg_pool, reduce_sum, reduce_max, "
        "softmax_stats, softmax, layer_norm_stats, layer_norm, div, sqrt, reciprocal, exp, neg, erf, pow, gelu or "
        "where)");
  CHECK(error_of(kHeader + load0 + "1 compute EXEC relu y[0,0]@0x2000 x[0,0]@0x0000 deps=0\n") ==
        "t.sched:8: uop 1: missing '<-' after the result (expected ID compute EXEC relu TENSOR[ROW,COL]@ADDR <- 1 "
        "operand deps=DEP)");
  CHECK(error_of(kHeader + load0 + "1 compute EXEC relu y[0,0]@0x2000 <- x[0,0]@0x0000 w[0,0]@0x1000 deps=0\n") ==
        "t.sched:8: uop 1: too many operands (expected ID compute EXEC relu TENSOR[ROW,COL]@ADDR <- 1 operand "
        "deps=DEP)");
  CHECK(error_of(kHeader + load0 + "1 compute EXEC matmul y[0,0]@0x2000 <- x[0,0]@0x0000 deps=0\n") ==
        "t.sched:8: uop 1: too few operands (expected ID compute EXEC matmul TENSOR[ROW,COL]@ADDR <- 2 operands "
        "[bias TENSOR[0,COL]@ADDR] [residual TENSOR[ROW,COL]@ADDR] [zero_init] [relu | clip min=NUMBER max=NUMBER | "
        "leaky_relu alpha=NUMBER | gelu tanh=0|1] "
        "deps=DEP)");
  CHECK(error_of(kHeader + load0 + "1 compute EXEC add y[0,0]@0x2000 <- x[0,0]@0x0000 x[0,0]@0x0000 relu deps=0\n") ==
        "t.sched:8: uop 1: unexpected flag relu (expected ID compute EXEC add TENSOR[ROW,COL]@ADDR <- 2 operands, "
        "each TENSOR[ROW,COL]@ADDR[:row|:col|:scalar] deps=DEP)");
}

TEST_CASE("schedule text: parse errors of the ONNX extensions", "[schedule][text][onnx]") {
  const std::string load0 = "0 dma LOAD x[0,0]@0x0000 deps=-\n";
  CHECK(error_of(kHeader + "tensor 3 z input shape=[32,32] padded=[32,32] graph_output batch=2 color=red\n") ==
        "t.sched:7: tensor 3: unknown field 'color=red' (expected dram=ADDR, rank=R, batch=B, dims=[D,...], "
        "layout=LAYOUT, groups=G, view=KIND(NAME), the im2col fields kernel=, stride=, dilation=, pad=, out=, "
        "channel_stride=, pad_value=, the place fields axis=, offset=, the permute and slice fields from=, perm=, "
        "slice=, or graph_output)");
  CHECK(error_of(kHeader + "tensor 3 z input shape=[32,32] padded=[32,32] batch=2 batch=3\n") ==
        "t.sched:7: tensor 3: field batch given twice (expected each field once)");
  CHECK(error_of(kHeader + "tensor 3 z input shape=[32,32] padded=[32,32] batch=-2\n") ==
        "t.sched:7: tensor 3: bad batch '-2' (expected a non-negative integer)");
  CHECK(error_of(kHeader + "tensor 3 z input shape=[32,32] padded=[32,32] dims=[2,,32]\n") ==
        "t.sched:7: tensor 3: bad dim '' (expected a non-negative integer)");
  CHECK(error_of(kHeader + "tensor 3 z input shape=[32,32] padded=[32,32] dims=2,32,32\n") ==
        "t.sched:7: tensor 3: bad field 'dims=2,32,32' (expected dims=[D,...] or dims=[])");
  CHECK(error_of(kHeader + "tensor 3 z input shape=[32,32] padded=[32,32] dims=[32,32,]\n") ==
        "t.sched:7: tensor 3: bad field 'dims=[32,32,]' (expected dims=[D,...] or dims=[])");
  CHECK(error_of(kHeader + "tensor 3 z input shape=[32,32] padded=[32,32] view=x\n") ==
        "t.sched:7: tensor 3: bad field 'view=x' (expected view=transpose(NAME), view=im2col(NAME), "
        "view=relayout(NAME), view=place(NAME), view=permute(NAME) or view=slice(NAME))");
  CHECK(error_of(kHeader + "tensor 3 z input shape=[32,32] padded=[32,32] view=transpose(q)\n" + load0) ==
        "t.sched:7: tensor 3: view=transpose of unknown tensor 'q' (expected a name from a tensor line)");
  CHECK(error_of(kHeader + load0 + "1 compute EXEC scale y[0,0]@0x2000 <- x[0,0]@0x0000 deps=0\n") ==
        "t.sched:8: uop 1: missing scale=NUMBER (expected ID compute EXEC scale TENSOR[ROW,COL]@ADDR <- 1 operand "
        "scale=NUMBER deps=DEP)");
  CHECK(error_of(kHeader + load0 + "1 compute EXEC scale y[0,0]@0x2000 <- x[0,0]@0x0000 scale=half deps=0\n") ==
        "t.sched:8: uop 1: bad scale 'half' (expected a number, e.g. scale=0.5)");
  CHECK(error_of(kHeader + load0 + "1 compute EXEC scale y[0,0]@0x2000 <- x[0,0]@0x0000 scale=0.5x deps=0\n") ==
        "t.sched:8: uop 1: bad scale '0.5x' (expected a number, e.g. scale=0.5)");
  CHECK(error_of(kHeader + load0 + "1 compute EXEC relu y[0,0]@0x2000 <- x[0,0]@0x0000 scale=2 deps=0\n") ==
        "t.sched:8: uop 1: unexpected field 'scale=2' (expected ID compute EXEC relu TENSOR[ROW,COL]@ADDR <- 1 operand "
        "deps=DEP)");
  CHECK(error_of(kHeader + load0 + "1 compute EXEC scale y[0,0]@0x2000 <- scale=2 x[0,0]@0x0000 deps=0\n") ==
        "t.sched:8: uop 1: operand 'x[0,0]@0x0000' after the flags (expected ID compute EXEC scale "
        "TENSOR[ROW,COL]@ADDR <- 1 operand scale=NUMBER deps=DEP)");
}

TEST_CASE("schedule text: the example in docs/schedule-format.md parses, validates and round-trips",
          "[schedule][text]") {
  std::ifstream doc(std::string(TILESIM_SOURCE_DIR) + "/docs/schedule-format.md");
  REQUIRE(doc);
  std::stringstream all;
  all << doc.rdbuf();
  const std::string text = all.str();
  const std::size_t section = text.find("## Text form");
  REQUIRE(section != std::string::npos);
  const std::size_t open = text.find("```\n", section);
  const std::size_t close = text.find("```\n", open + 4);
  REQUIRE(close != std::string::npos);
  const std::string example = text.substr(open + 4, close - open - 4);
  const Schedule s = parse(example, "schedule-format.md");
  CHECK(validate(s).empty());
  CHECK(text_of(s) == example);
}

TEST_CASE("schedule text: the ONNX example in docs/schedule-format.md parses, validates and round-trips",
          "[schedule][text][onnx]") {
  std::ifstream doc(std::string(TILESIM_SOURCE_DIR) + "/docs/schedule-format.md");
  REQUIRE(doc);
  std::stringstream all;
  all << doc.rdbuf();
  const std::string text = all.str();
  const std::size_t section = text.find("a stack, a view, a scalar bias and a scale");
  REQUIRE(section != std::string::npos);
  const std::size_t open = text.find("```\n", section);
  const std::size_t close = text.find("```\n", open + 4);
  REQUIRE(close != std::string::npos);
  const Schedule s = parse(text.substr(open + 4, close - open - 4), "schedule-format.md");
  CHECK(s.tensors[2].view.of == 1);
  CHECK(s.tensors[3].rank == 0);
  CHECK(s.tensors[5].batch == 2);
  CHECK(s.exec_params[s.uops[6].params].param[0] == 0.5f);
  CHECK(s.bytes_loaded == 3 * kTileBytes + 4);
  CHECK(validate(s).empty());
  check_round_trip(s);
}

TEST_CASE("schedule text: layer= gives each uop's layer, and the layer lines' figures it leaves out are counted",
          "[schedule][text][layers]") {
  const std::string uops =
      "0 dma LOAD x[0,0]@0x0000 deps=- layer=0\n"
      "1 dma LOAD w[0,0]@0x1000 deps=- layer=1\n"
      "2 compute EXEC matmul y[0,0]@0x2000 <- x[0,0]@0x0000 w[0,0]@0x1000 zero_init deps=1 layer=1\n"
      "3 dma STORE y[0,0]@0x2000 deps=2 layer=1\n";
  const Schedule s = parse(kHeader + "layer name=first\nlayer name=second sram_peak_bytes=8192 loads=7\n" + uops);
  CHECK(s.uop_layer == std::vector<std::uint32_t>{0, 1, 1, 1});
  REQUIRE(s.layers.size() == 2);
  // Layer 0: the LOAD of x, an input's first load: compulsory.
  CHECK(s.layers[0].loads == 1);
  CHECK(s.layers[0].stores == 0);
  CHECK(s.layers[0].execs == 0);
  CHECK(s.layers[0].dma_bytes == 4096);
  CHECK(s.layers[0].compulsory_bytes == 4096);
  CHECK(s.layers[0].sram_peak_bytes == 12288);  // left out: the schedule's (the slots used)
  // Layer 1: w's first load and y's STORE; given figures are kept as written.
  CHECK(s.layers[1].loads == 7);
  CHECK(s.layers[1].stores == 1);
  CHECK(s.layers[1].execs == 1);
  CHECK(s.layers[1].loads_eliminated == 0);
  CHECK(s.layers[1].dma_bytes == 8192);
  CHECK(s.layers[1].compulsory_bytes == 8192);
  CHECK(s.layers[1].sram_peak_bytes == 8192);

  // Without layer= the layers are unknown and their figures are what the lines say (0 if nothing).
  std::string plain = uops;
  for (std::size_t at = plain.find(" layer="); at != std::string::npos; at = plain.find(" layer=")) {
    plain.erase(at, plain.find('\n', at) - at);
  }
  const Schedule unknown = parse(kHeader + "layer name=first loads=3\n" + plain);
  CHECK(unknown.uop_layer.empty());
  CHECK_FALSE(unknown.layers_known());
  CHECK(unknown.layers[0].loads == 3);
  CHECK(unknown.layers[0].execs == 0);
  CHECK(unknown.layers[0].sram_peak_bytes == 0);
}

TEST_CASE("schedule text: layer= is on every uop or none, names a layer line, and is a number",
          "[schedule][text][layers]") {
  const std::string load0 = "0 dma LOAD x[0,0]@0x0000 deps=- layer=0\n";
  CHECK(error_of(kHeader + "layer name=y\n" + load0 + "1 dma LOAD w[0,0]@0x1000 deps=-\n") ==
        "t.sched:9: uop 1: no layer= but uop 0 has one (expected layer=N at the end of every uop line, or of none)");
  CHECK(
      error_of(kHeader + "layer name=y\n0 dma LOAD x[0,0]@0x0000 deps=-\n1 dma LOAD w[0,0]@0x1000 deps=- layer=0\n") ==
      "t.sched:9: uop 1: layer= but uop 0 has none (expected layer=N at the end of every uop line, or of none)");
  CHECK(error_of(kHeader + "layer name=y\n0 dma LOAD x[0,0]@0x0000 deps=- layer=1\n") ==
        "t.sched:8: uop 0: layer=1 names no layer line: the file has 1 (expected a layer from 0 to 0)");
  CHECK(error_of(kHeader + load0) ==
        "t.sched:7: uop 0: layer=0 names no layer line: the file has 0 (expected a layer line for each layer, before "
        "the uops)");
  CHECK(error_of(kHeader + "layer name=y\n" + load0 + "layer name=z\n") ==
        "t.sched:9: 'layer' line after the first uop (expected header lines before the uops)");
  CHECK(error_of(kHeader + "layer name=y\n0 dma LOAD x[0,0]@0x0000 deps=- layer=x\n") ==
        "t.sched:8: uop 0: bad layer 'x' (expected a non-negative integer)");
  CHECK(error_of(kHeader + "layer name=y\n0 dma LOAD x[0,0]@0x0000 deps=- layer=99999999999999999999\n") ==
        "t.sched:8: uop 0: bad layer '99999999999999999999' (expected a non-negative integer)");
  CHECK(error_of(kHeader + "layer name=y\n0 dma LOAD x[0,0]@0x0000 layer=0\n") ==
        "t.sched:8: uop 0: missing deps= at the end (expected deps=ID or deps=-)");
  CHECK(error_of(kHeader + "layer name=y\n0 dma LOAD x[0,0]@0x0000 deps=- layer=0 layer=0\n") ==
        "t.sched:8: uop 0: missing deps= at the end (expected deps=ID or deps=-)");
  CHECK(error_of(kHeader + "layer name=y bytes=1\n") ==
        "t.sched:7: layer: unknown field 'bytes=1' (expected KEY=VALUE with KEY one of name, ops, plan, shapes, "
        "tiles, compulsory_bytes, dma_bytes, execs, loads, loads_eliminated, sram_peak_bytes, stores)");
}

// The layout and view fields (view_text.h): exact form, exact round trip.
TEST_CASE("schedule text: layouts and gather views", "[schedule][text][views]") {
  const Schedule conv = conv_schedule(TensorLayout::Nhwc, conv_s2(), 3, 3);
  const std::string text = text_of(conv);
  CHECK(text.find("\ntensor 0 x input shape=[30,3] padded=[32,32] dram=0x0000 dims=[1,3,5,6] layout=nhwc\n") !=
        std::string::npos);
  CHECK(text.find("\ntensor 1 w param shape=[27,3] padded=[32,32] dram=0x1000 dims=[3,1,3,3] layout=conv_weight "
                  "groups=3\n") != std::string::npos);
  CHECK(text.find("\ntensor 2 xcol intermediate shape=[9,27] padded=[32,32] dims=[1,9,27] view=im2col(x) "
                  "kernel=3x3 stride=2x2 dilation=1x1 pad=1x1 out=3x3 channel_stride=3 pad_value=0\n") !=
        std::string::npos);
  check_round_trip(conv);
  Builder b(3 * kTileBytes, "pool");
  const auto x = b.laid_out("x", TensorRole::Input, kImage, TensorLayout::Matrix);
  const Schedule pool = shown(b, b.im2col("xcol", x, pool_dilated()));
  CHECK(text_of(pool).find(" view=im2col(x) kernel=3x3 stride=1x1 dilation=2x2 pad=2x2 out=5x6 channel_stride=32 "
                           "pad_value=-inf\n") != std::string::npos);
  check_round_trip(pool);
  Builder f(3 * kTileBytes, "flatten");
  const auto image = f.laid_out("x", TensorRole::Input, {1, 4, 3, 3}, TensorLayout::Nhwc);
  const Schedule flat = shown(f, f.relayout("v", image, {1, 36}));
  CHECK(text_of(flat).find("\ntensor 1 v intermediate shape=[1,36] padded=[32,64] dims=[1,36] view=relayout(x)\n") !=
        std::string::npos);
  check_round_trip(flat);
  const Schedule concat = concat_schedule();
  CHECK(text_of(concat).find("\ntensor 3 pb intermediate shape=[9,64] padded=[32,64] dims=[1,64,3,3] layout=nhwc "
                             "view=place(b) axis=1 offset=40\n") != std::string::npos);
  check_round_trip(concat);
  // layout=matrix may be written; groups= on a matrix is read (the validator refuses it).
  const Schedule matrix = parse(kHeader + "tensor 3 z input shape=[32,32] padded=[32,32] layout=matrix groups=2\n");
  CHECK(matrix.tensors[3].layout == TensorLayout::Matrix);
  CHECK(matrix.tensors[3].groups == 2);
  CHECK(text_of(matrix).find("\ntensor 3 z input shape=[32,32] padded=[32,32] dram=0x3000 groups=2\n") !=
        std::string::npos);
}

TEST_CASE("schedule text: parse errors of the layout and view fields", "[schedule][text][views]") {
  const std::string z = kHeader + "tensor 3 z intermediate shape=[9,27] padded=[32,32] dims=[1,9,27] ";
  const std::string geometry = " kernel=3x3 stride=2x2 dilation=1x1 pad=1x1 out=3x3 channel_stride=3 pad_value=0\n";
  CHECK(error_of(z + "layout=chwn\n") ==
        "t.sched:7: tensor 3: unknown layout 'chwn' (expected layout=matrix, layout=nchw, layout=nhwc or "
        "layout=conv_weight)");
  CHECK(error_of(z + "layout=\n") ==
        "t.sched:7: tensor 3: unknown layout '' (expected layout=matrix, layout=nchw, layout=nhwc or "
        "layout=conv_weight)");
  CHECK(error_of(z + "layout\n") ==
        "t.sched:7: tensor 3: unknown field 'layout' (expected dram=ADDR, rank=R, batch=B, dims=[D,...], "
        "layout=LAYOUT, groups=G, view=KIND(NAME), the im2col fields kernel=, stride=, dilation=, pad=, out=, "
        "channel_stride=, pad_value=, the place fields axis=, offset=, the permute and slice fields from=, perm=, "
        "slice=, or graph_output)");
  CHECK(error_of(z + "groups=-1\n") ==
        "t.sched:7: tensor 3: bad field 'groups=-1' (expected groups=G with G an integer from 0 to 2147483647)");
  CHECK(error_of(z + "groups=2147483648\n") ==
        "t.sched:7: tensor 3: bad field 'groups=2147483648' (expected groups=G with G an integer from 0 to "
        "2147483647)");
  CHECK(error_of(z + "view=conv(x)\n") ==
        "t.sched:7: tensor 3: bad field 'view=conv(x)' (expected view=transpose(NAME), view=im2col(NAME), "
        "view=relayout(NAME), view=place(NAME), view=permute(NAME) or view=slice(NAME))");
  CHECK(error_of(z + "view=im2col()" + geometry) ==
        "t.sched:7: tensor 3: bad field 'view=im2col()' (expected view=transpose(NAME), view=im2col(NAME), "
        "view=relayout(NAME), view=place(NAME), view=permute(NAME) or view=slice(NAME))");
  CHECK(error_of(z + "view=relayout(x\n") ==
        "t.sched:7: tensor 3: bad field 'view=relayout(x' (expected view=transpose(NAME), view=im2col(NAME), "
        "view=relayout(NAME), view=place(NAME), view=permute(NAME) or view=slice(NAME))");
  CHECK(error_of(z + "view=im2col(q)" + geometry) ==
        "t.sched:7: tensor 3: view=im2col of unknown tensor 'q' (expected a name from a tensor line)");
  CHECK(error_of(z + "view=relayout(q)\n") ==
        "t.sched:7: tensor 3: view=relayout of unknown tensor 'q' (expected a name from a tensor line)");
  CHECK(error_of(z + "view=im2col(x) kernel=3\n") ==
        "t.sched:7: tensor 3: bad field 'kernel=3' (expected kernel=AxB with A and B integers from 0 to 2147483647, "
        "e.g. kernel=3x3)");
  CHECK(error_of(z + "view=im2col(x) stride=2x-1\n") ==
        "t.sched:7: tensor 3: bad field 'stride=2x-1' (expected stride=AxB with A and B integers from 0 to "
        "2147483647, e.g. stride=3x3)");
  CHECK(error_of(z + "view=im2col(x) dilation=1x2147483648\n") ==
        "t.sched:7: tensor 3: bad field 'dilation=1x2147483648' (expected dilation=AxB with A and B integers from 0 "
        "to 2147483647, e.g. dilation=3x3)");
  CHECK(error_of(z + "view=im2col(x) pad=1X1\n") ==
        "t.sched:7: tensor 3: bad field 'pad=1X1' (expected pad=AxB with A and B integers from 0 to 2147483647, "
        "e.g. pad=3x3)");
  CHECK(error_of(z + "view=im2col(x) out=3x3x3\n") ==
        "t.sched:7: tensor 3: bad field 'out=3x3x3' (expected out=AxB with A and B integers from 0 to 2147483647, "
        "e.g. out=3x3)");
  CHECK(error_of(z + "view=im2col(x) channel_stride=three\n") ==
        "t.sched:7: tensor 3: bad field 'channel_stride=three' (expected channel_stride=S with S an integer from 0 "
        "to 2147483647)");
  CHECK(error_of(z + "view=im2col(x) pad_value=inf\n") ==
        "t.sched:7: tensor 3: bad field 'pad_value=inf' (expected pad_value=0 or pad_value=-inf)");
  CHECK(error_of(z + "view=im2col(x) kernel=3x3 stride=2x2 dilation=1x1 pad=1x1 channel_stride=3 pad_value=0\n") ==
        "t.sched:7: tensor 3: view=im2col without out= (expected kernel=, stride=, dilation=, pad=, out=, "
        "channel_stride= and pad_value= with view=im2col(NAME))");
  CHECK(error_of(z + "view=relayout(x) pad=1x1\n") ==
        "t.sched:7: tensor 3: pad= without view=im2col(NAME) (expected the im2col fields only with "
        "view=im2col(NAME))");
  CHECK(error_of(z + "stride=1x1 kernel=3x3\n") ==
        "t.sched:7: tensor 3: stride= without view=im2col(NAME) (expected the im2col fields only with "
        "view=im2col(NAME))");
  CHECK(error_of(z + "view=im2col(x)" + " kernel=3x3 kernel=3x3\n") ==
        "t.sched:7: tensor 3: field kernel given twice (expected each field once)");
  // view=place(X) axis=A offset=O: both, and only with view=place.
  CHECK(error_of(z + "view=place(x) axis=1\n") ==
        "t.sched:7: tensor 3: view=place without offset= (expected axis= and offset= with view=place(NAME))");
  CHECK(error_of(z + "view=relayout(x) offset=2\n") ==
        "t.sched:7: tensor 3: offset= without view=place(NAME) (expected the place fields only with "
        "view=place(NAME))");
  CHECK(error_of(z + "view=place(x) axis=-1 offset=0\n") ==
        "t.sched:7: tensor 3: bad field 'axis=-1' (expected axis=N with N an integer from 0 to 2147483647)");
  CHECK(error_of(z + "view=place(x) axis=1 offset=2 offset=3\n") ==
        "t.sched:7: tensor 3: field offset given twice (expected each field once)");
}
