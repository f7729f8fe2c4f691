// The binary and unary EXEC families in schedules: a compiled model with every
// broadcast form and constant validates and round-trips through the text form;
// each defect of an operand's form, tile or constants is one exact message;
// the text form's own errors for forms and constants.
#include <catch2/catch.hpp>

#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/frontend/model_loader.h"
#include "compiler/passes/pipeline.h"
#include "compiler/schedule/schedule_text.h"
#include "compiler/schedule/validator.h"
#include "compiler/scheduler/scheduler.h"
#include "compiler/support/input_error.h"
#include "tests/schedule/compiled_yaml.h"

using namespace tilesim;
using namespace tilesim::sched;
using namespace tilesim::sched::testing;
using Errors = std::vector<std::string>;

namespace {

// y = clip(col [64, 1] * row [1, 64], 0, 6) + s, then sigmoid: a column, a row,
// a scalar and two constants; 2 x 2 tiles each.
Schedule compiled() {
  return compile_yaml(
      "name: forms\ninputs: {col: [64, 1]}\nparams: {row: [1, 64], s: [1]}\n"
      "ops:\n"
      "  - {op: mul, inputs: [col, row], output: outer}\n"
      "  - {op: clip, inputs: [outer], output: c, min: 0, max: 6}\n"
      "  - {op: add, inputs: [s, c], output: a}\n"
      "  - {op: sigmoid, inputs: [a], output: y}\n"
      "outputs: [y]\n",
      "forms.yaml");
}

// The EXEC writing tile (row, col) of tensor `name`.
std::uint32_t exec_of(const Schedule& s, const std::string& name, std::int32_t row, std::int32_t col) {
  const TileRef tile{tensor_named(s, name), row, col};
  for (std::uint32_t id = 0; id < s.uops.size(); ++id) {
    if (s.uops[id].kind == UopKind::Exec && s.uops[id].tile == tile) return id;
  }
  FAIL("no EXEC writing " << name);
  return kNoUop;
}

// The uOp now refers to a new params entry.
void set_params(Schedule& s, std::uint32_t id, const ExecParams& params) {
  s.uops[id].params = intern_params(s.exec_params, params);
}

const std::string kHeader =
    "tilesim-schedule 1\nsram_bytes 65536\n"
    "tensor 0 x input shape=[32,32] padded=[32,32]\n"
    "tensor 1 r param shape=[32] padded=[32]\n"
    "tensor 2 y output shape=[32,32] padded=[32,32] graph_output\n"
    "0 dma LOAD x[0,0]@0x0000 deps=-\n"
    "1 dma LOAD r[0,0]@0x1000 deps=-\n";

}  // namespace

TEST_CASE("schedule: every broadcast form and constant validates and round-trips", "[schedule][elementwise]") {
  const Schedule s = compiled();
  CHECK(validate(s).empty());
  const std::string text = text_of(s);
  CHECK(text.find(" EXEC mul outer[1,1]@") != std::string::npos);
  CHECK(text.find(" <- col[1,0]@") != std::string::npos);
  CHECK(text.find(":col row[0,1]@") != std::string::npos);
  CHECK(text.find(":row deps=") != std::string::npos);
  CHECK(text.find(" s[0,0]@0x") != std::string::npos);
  CHECK(text.find(":scalar c[") != std::string::npos);
  CHECK(text.find(" min=0 max=6 deps=") != std::string::npos);
  std::istringstream in(text);
  const Schedule back = read_schedule_text(in, "forms.schedule");
  CHECK(validate(back).empty());
  CHECK(text_of(back) == text);
}

TEST_CASE("validator: a binary EXEC's operands against the broadcasting rule", "[schedule][validator][elementwise]") {
  SECTION("the column's tile for the wrong row") {
    Schedule s = compiled();
    const std::uint32_t id = exec_of(s, "outer", 1, 0);
    s.uops[id].src[0].row = 0;
    const Errors errors = validate(s);
    REQUIRE(!errors.empty());
    CHECK(errors[0] == "uop " + std::to_string(id) +
                           " EXEC mul outer[1,0]: operand 0 is col[0,0] (expected col[1,0]: numpy broadcasting pairs "
                           "it with outer[1,0])");
  }
  SECTION("a row read as a whole tile") {
    Schedule s = compiled();
    const std::uint32_t id = exec_of(s, "outer", 0, 0);
    ExecParams params = s.exec_params[s.uops[id].params];
    params.form[1] = Broadcast::Tile;
    set_params(s, id, params);
    const Errors errors = validate(s);
    REQUIRE(!errors.empty());
    CHECK(errors[0] == "uop " + std::to_string(id) +
                           " EXEC mul outer[0,0]: operand 1 row read as tile (expected row for [1,64] against outer "
                           "[64,64])");
  }
  SECTION("an operand that does not broadcast") {
    Schedule s = compiled();
    const std::uint32_t id = exec_of(s, "a", 0, 0);
    s.uops[id].src[0] = TileRef{tensor_named(s, "row"), 0, 0};
    const Errors errors = validate(s);
    REQUIRE(!errors.empty());
    CHECK(errors[0] ==
          "uop " + std::to_string(id) +
              " EXEC add a[0,0]: operand 0 row read as scalar (expected row for [1,64] against a [64,64])");
  }
  SECTION("an operand wider than the result") {
    Schedule s = compiled();
    const std::uint32_t id = exec_of(s, "outer", 0, 0);
    s.uops[id].src[0] = TileRef{tensor_named(s, "outer"), 0, 0};
    s.uops[id].tile = TileRef{tensor_named(s, "col"), 0, 0};
    const Errors errors = validate(s);
    REQUIRE(!errors.empty());
    CHECK(errors[0] == "uop " + std::to_string(id) +
                           " EXEC mul col[0,0]: operand 0 outer [64,64] does not broadcast to col [64,1] (expected "
                           "each of its dims equal to the result's or 1, aligned at the last dim)");
  }
}

TEST_CASE("validator: an EXEC's constants and forms only where its kind has them",
          "[schedule][validator][elementwise]") {
  const auto first_error = [](Schedule& s, std::uint32_t id, const ExecParams& params) {
    set_params(s, id, params);
    const Errors errors = validate(s);
    REQUIRE(!errors.empty());
    return errors[0];
  };
  Schedule s = compiled();
  const std::uint32_t clip = exec_of(s, "c", 0, 0), sigmoid = exec_of(s, "y", 0, 0);
  const std::string head = "uop " + std::to_string(clip) + " EXEC clip c[0,0]: ";
  ExecParams p = s.exec_params[s.uops[clip].params];
  p.param[0] = std::numeric_limits<float>::quiet_NaN();
  CHECK(first_error(s, clip, p) == head + "min=nan (expected a number or an infinity: an absent bound is -inf or inf)");
  p.param[0] = -std::numeric_limits<float>::infinity();
  p.form[0] = Broadcast::Row;
  CHECK(first_error(s, clip, p) == head +
                                       "operand 0 read as row (expected a whole tile: only add, sub, mul, max, min, "
                                       "div and where broadcast)");
  s = compiled();
  ExecParams q;
  q.param[1] = -0.0f;
  CHECK(first_error(s, sigmoid, q) == "uop " + std::to_string(sigmoid) +
                                          " EXEC sigmoid y[0,0]: constant 1 is -0 on a sigmoid (expected 0: sigmoid "
                                          "takes no constants)");
  s = compiled();
  s.uops[sigmoid].params = 99;
  const Errors errors = validate(s);
  REQUIRE(!errors.empty());
  CHECK(errors[0] ==
        "uop " + std::to_string(sigmoid) + " EXEC sigmoid y[0,0]: params index 99 is outside the table of " +
            std::to_string(s.exec_params.size()) + " (expected 0.." + std::to_string(s.exec_params.size() - 1) + ")");
  s = compiled();
  const std::uint32_t mul = exec_of(s, "outer", 0, 0);
  ExecParams leaky = s.exec_params[s.uops[mul].params];
  leaky.param[0] = 0.5f;
  CHECK(first_error(s, mul, leaky) == "uop " + std::to_string(mul) +
                                          " EXEC mul outer[0,0]: constant 0 is 0.5 on a mul (expected 0: mul takes no "
                                          "constants)");
}

TEST_CASE("schedule text: broadcast forms and named constants", "[schedule][text][elementwise]") {
  const std::string add = "2 compute EXEC add y[0,0]@0x2000 <- x[0,0]@0x0000 r[0,0]@0x1000";
  CHECK(error_of(kHeader + add + ":row deps=1\n").empty());
  CHECK(error_of(kHeader + add + ":diagonal deps=1\n") ==
        "t.sched:8: uop 2: unknown broadcast form 'diagonal' (expected row, col or scalar after an operand's address)");
  CHECK(error_of(kHeader + add + ":row alpha=1 deps=1\n") ==
        "t.sched:8: uop 2: unexpected field 'alpha=1' (expected ID compute EXEC add TENSOR[ROW,COL]@ADDR <- 2 "
        "operands, each TENSOR[ROW,COL]@ADDR[:row|:col|:scalar] deps=DEP)");
  const std::string clip = "2 compute EXEC clip y[0,0]@0x2000 <- x[0,0]@0x0000";
  CHECK(error_of(kHeader + clip + " min=0 max=inf deps=0\n").empty());
  CHECK(error_of(kHeader + clip + " max=6 deps=0\n") ==
        "t.sched:8: uop 2: missing min=NUMBER (expected ID compute EXEC clip TENSOR[ROW,COL]@ADDR <- 1 operand "
        "min=NUMBER max=NUMBER deps=DEP)");
  CHECK(error_of(kHeader + clip + " min=0 min=1 max=6 deps=0\n") ==
        "t.sched:8: uop 2: unexpected field 'min=1' (expected ID compute EXEC clip TENSOR[ROW,COL]@ADDR <- 1 operand "
        "min=NUMBER max=NUMBER deps=DEP)");
  CHECK(error_of(kHeader + "2 compute EXEC leaky_relu y[0,0]@0x2000 <- x[0,0]@0x0000 alpha=tenth deps=0\n") ==
        "t.sched:8: uop 2: bad alpha 'tenth' (expected a number, e.g. alpha=0.5)");
  CHECK(error_of(kHeader + "2 compute EXEC hard_sigmoid y[0,0]@0x2000 <- x[0,0]@0x0000 alpha=0.2 deps=0\n") ==
        "t.sched:8: uop 2: missing beta=NUMBER (expected ID compute EXEC hard_sigmoid TENSOR[ROW,COL]@ADDR <- 1 "
        "operand alpha=NUMBER beta=NUMBER deps=DEP)");
  CHECK(error_of(kHeader + "2 compute EXEC tanh y[0,0]@0x2000 <- x[0,0]@0x0000 x[0,0]@0x0000 deps=0\n") ==
        "t.sched:8: uop 2: too many operands (expected ID compute EXEC tanh TENSOR[ROW,COL]@ADDR <- 1 operand "
        "deps=DEP)");
}

namespace {

// y = clip(x [32, 64] @ w [64, 64] + b, 0, 6): two K steps for each of y's two
// tiles, the clip fused into the last.
Schedule relu6() {
  ir::Graph g = frontend::parse_model(
      "name: relu6\ninputs: {x: [32, 64]}\nparams: {w: [64, 64], b: [64]}\n"
      "ops:\n"
      "  - {op: matmul, inputs: [x, w], output: h}\n"
      "  - {op: add, inputs: [h, b], output: hb}\n"
      "  - {op: clip, inputs: [hb], output: y, min: 0, max: 6}\n"
      "outputs: [y]\n",
      "relu6.yaml");
  passes::run_default_passes(g);
  SchedulerOptions options;
  options.sram_bytes = 64 * kTileBytes;
  return schedule_graph(g, options);
}

// The K step `k` of the matmul writing y's tile (0, col).
std::uint32_t step_of(const Schedule& s, std::int32_t col, std::int32_t k) {
  for (std::uint32_t id = 0; id < s.uops.size(); ++id) {
    const Uop& x = s.uops[id];
    if (x.kind == UopKind::Exec && x.tile.col == col && x.src[0].col == k) return id;
  }
  FAIL("no such K step");
  return kNoUop;
}

ExecParams clip(float lo, float hi) {
  ExecParams p;
  p.fused = ExecKind::Clip;
  p.param[0] = lo;
  p.param[1] = hi;
  return p;
}

}  // namespace

TEST_CASE("schedule: a matmul's fused clip validates and round-trips", "[schedule][elementwise]") {
  const Schedule s = relu6();
  CHECK(validate(s).empty());
  const std::string text = text_of(s);
  CHECK(text.find(" bias b[0,1]@") != std::string::npos);
  CHECK(text.find(" clip min=0 max=6 deps=") != std::string::npos);
  std::istringstream in(text);
  const Schedule back = read_schedule_text(in, "relu6.schedule");
  CHECK(validate(back).empty());
  CHECK(text_of(back) == text);
  CHECK(error_of(kHeader + "2 compute EXEC matmul y[0,0]@0x2000 <- x[0,0]@0x0000 x[0,0]@0x0000 zero_init leaky_relu "
                           "clip min=0 deps=1\n") ==
        "t.sched:8: uop 2: unexpected flag clip (expected ID compute EXEC matmul TENSOR[ROW,COL]@ADDR <- 2 operands "
        "[bias TENSOR[0,COL]@ADDR] [residual TENSOR[ROW,COL]@ADDR] [zero_init] [relu | clip min=NUMBER max=NUMBER | "
        "leaky_relu alpha=NUMBER | gelu tanh=0|1] "
        "deps=DEP)");
}

TEST_CASE("validator: a matmul's fused activation", "[schedule][validator][elementwise]") {
  const auto first_error = [](Schedule& s) {
    const Errors errors = validate(s);
    REQUIRE(!errors.empty());
    return errors[0];
  };
  Schedule s = relu6();
  const std::uint32_t first = step_of(s, 0, 0), last = step_of(s, 0, 1), other = step_of(s, 1, 1);
  const std::string head = "uop " + std::to_string(first) + " EXEC matmul y[0,0]: ";
  set_params(s, first, clip(0, 6));
  CHECK(first_error(s) == head + "clip on K step 0 of 2 (expected the epilogue only on the last step, 1)");
  s = relu6();
  set_params(s, other, clip(0, 5));
  CHECK(first_error(s) ==
        "uop " + std::to_string(other) + " EXEC matmul y[0,1]: epilogue (clip min=0 max=5, bias b) differs from uop " +
            std::to_string(last) + " (clip min=0 max=6, bias b) (expected the same fused epilogue on every tile of y)");
  s = relu6();
  s.uops[last].relu = true;
  CHECK(first_error(s) ==
        "uop " + std::to_string(last) + " EXEC matmul y[0,0]: relu and a fused clip (expected one activation)");
  s = relu6();
  ExecParams sigmoid;
  sigmoid.fused = ExecKind::Sigmoid;
  set_params(s, last, sigmoid);
  CHECK(first_error(s) == "uop " + std::to_string(last) +
                              " EXEC matmul y[0,0]: fused sigmoid (expected clip, leaky_relu or gelu: the matmul's "
                              "output stage)");
  s = compiled();
  const std::uint32_t add = exec_of(s, "a", 0, 0);
  ExecParams on_add = s.exec_params[s.uops[add].params];
  on_add.fused = ExecKind::LeakyRelu;
  set_params(s, add, on_add);
  CHECK(first_error(s) ==
        "uop " + std::to_string(add) + " EXEC add a[0,0]: fused leaky_relu on a add (expected it only on a matmul)");
}
