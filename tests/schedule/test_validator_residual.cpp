// A matmul's residual operand (src[3], text "residual"): the compiled form
// validates and round-trips with and without a bias, each defect the
// validator knows is one exact line, and the reader's misplaced forms.
#include <catch2/catch.hpp>

#include <algorithm>
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

// y = relu(x [32, 64] @ w [64, 64] (+ b) + r): two K steps for each of y's
// two tiles, the residual r [32, 64] added on the last.
Schedule residual_block(bool bias) {
  const std::string add_bias = bias ? "  - {op: add, inputs: [h, b], output: hb}\n" : "";
  return compile_yaml(
      "name: block\ninputs: {x: [32, 64], r: [32, 64]}\nparams: {w: [64, 64], b: [64]}\n"
      "ops:\n"
      "  - {op: matmul, inputs: [x, w], output: h}\n" +
          add_bias + "  - {op: add, inputs: [" + (bias ? "hb" : "h") +
          ", r], output: s}\n"
          "  - {op: relu, inputs: [s], output: y}\n"
          "outputs: [y]\n",
      "block.yaml");
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

bool has(const Errors& errors, const std::string& line) {
  return std::find(errors.begin(), errors.end(), line) != errors.end();
}

const std::string kForm =
    " (expected ID compute EXEC matmul TENSOR[ROW,COL]@ADDR <- 2 operands [bias TENSOR[0,COL]@ADDR] "
    "[residual TENSOR[ROW,COL]@ADDR] [zero_init] [relu | clip min=NUMBER max=NUMBER | leaky_relu alpha=NUMBER | gelu "
    "tanh=0|1] "
    "deps=DEP)";

}  // namespace

TEST_CASE("schedule: a matmul's residual validates and round-trips, with and without a bias", "[schedule][residual]") {
  for (const bool bias : {true, false}) {
    INFO("bias " << bias);
    const Schedule s = residual_block(bias);
    CHECK(validate(s).empty());
    const Uop& last = s.uops[step_of(s, 1, 1)];
    CHECK(last.src[3] == (TileRef{tensor_named(s, "r"), 0, 1}));
    CHECK(last.src[2].valid() == bias);
    CHECK(last.num_srcs() == 4);
    CHECK_FALSE(s.uops[step_of(s, 1, 0)].src[3].valid());
    const std::string text = text_of(s);
    CHECK(text.find(bias ? " bias b[0,1]@0x" : " <- ") != std::string::npos);
    CHECK(text.find(" residual r[0,1]@0x") != std::string::npos);
    CHECK((text.find(" bias ") != std::string::npos) == bias);
    std::istringstream in(text);
    const Schedule back = read_schedule_text(in, "block.schedule");
    CHECK(validate(back).empty());
    CHECK(text_of(back) == text);
  }
}

TEST_CASE("validator: a matmul's residual", "[schedule][validator][residual]") {
  const std::uint32_t first = step_of(residual_block(true), 0, 0);
  const std::uint32_t last = step_of(residual_block(true), 0, 1);
  const std::uint32_t other = step_of(residual_block(true), 1, 1);
  const std::string head = "uop " + std::to_string(last) + " EXEC matmul y[0,0]: ";
  SECTION("on a K step before the last") {
    Schedule s = residual_block(true);
    s.uops[first].src[3] = s.uops[last].src[3];
    s.uops[first].src_addr[3] = s.uops[last].src_addr[3];
    CHECK(has(validate(s), "uop " + std::to_string(first) +
                               " EXEC matmul y[0,0]: residual on K step 0 of 2 (expected the epilogue only on the "
                               "last step, 1)"));
  }
  SECTION("another tile of R") {
    Schedule s = residual_block(true);
    s.uops[last].src[3].col = 1;
    const Errors errors = validate(s);
    REQUIRE(!errors.empty());
    CHECK(errors[0] == head + "operand 3 is r[0,1] (expected r[0,0])");
  }
  SECTION("R of another shape") {
    Schedule s = residual_block(true);
    s.uops[last].src[3].tensor = tensor_named(s, "w");
    const Errors errors = validate(s);
    REQUIRE(!errors.empty());
    CHECK(errors[0] == head + "operand 3 w is [64,64] (expected [32,64] as y: a residual has the result's shape)");
  }
  SECTION("the result itself") {
    Schedule s = residual_block(true);
    s.uops[last].src[3].tensor = tensor_named(s, "y");
    const Errors errors = validate(s);
    REQUIRE(!errors.empty());
    CHECK(errors[0] == head +
                           "operand 3 is y[0,0], the result itself (expected another tensor of its shape: a residual "
                           "is added to the result)");
  }
  SECTION("on one tile of the result but not another") {
    Schedule s = residual_block(true);
    s.uops[other].src[3] = TileRef{};
    const Errors errors = validate(s);
    REQUIRE(!errors.empty());
    CHECK(errors[0] == "uop " + std::to_string(other) + " EXEC matmul y[0,1]: no residual differs from uop " +
                           std::to_string(last) +
                           " (residual r) (expected the same fused epilogue on every tile of y)");
  }
  SECTION("on an EXEC that is no matmul") {
    Schedule s = residual_block(true);
    Uop& x = s.uops[last];
    x.exec = ExecKind::Add;
    x.zero_init = x.relu = false;
    x.src[2] = TileRef{};
    const Errors errors = validate(s);
    REQUIRE(!errors.empty());
    CHECK(errors[0] ==
          head.substr(0, head.find("matmul")) + "add y[0,0]: unexpected operand 3 r[0,0] (add takes 2 operands)");
  }
}

TEST_CASE("schedule text: a misplaced residual", "[schedule][residual]") {
  const std::string header =
      "tilesim-schedule 1\nsram_bytes 65536\n"
      "tensor 0 x input shape=[32,32] padded=[32,32]\n"
      "tensor 1 r input shape=[32,32] padded=[32,32]\n"
      "tensor 2 b param shape=[32] padded=[32]\n"
      "tensor 3 y output shape=[32,32] padded=[32,32] graph_output\n"
      "0 dma LOAD x[0,0]@0x0000 deps=-\n"
      "1 dma LOAD r[0,0]@0x1000 deps=-\n";
  const std::string mm = "2 compute EXEC matmul y[0,0]@0x2000 <- ";
  CHECK(error_of(header + mm + "x[0,0]@0x0000 x[0,0]@0x0000 residual r[0,0]@0x1000 zero_init deps=1\n").empty());
  CHECK(error_of(header + mm + "x[0,0]@0x0000 residual r[0,0]@0x1000 x[0,0]@0x0000 deps=1\n") ==
        "t.sched:9: uop 2: misplaced 'residual'" + kForm);
  CHECK(error_of(header + mm + "x[0,0]@0x0000 x[0,0]@0x0000 residual r[0,0]@0x1000 bias b[0,0]@0x3000 deps=1\n") ==
        "t.sched:9: uop 2: misplaced 'bias'" + kForm);
  CHECK(error_of(header + mm + "x[0,0]@0x0000 x[0,0]@0x0000 residual r[0,0]@0x1000 residual r[0,0]@0x1000 deps=1\n") ==
        "t.sched:9: uop 2: misplaced 'residual'" + kForm);
  CHECK(error_of(header + mm + "x[0,0]@0x0000 x[0,0]@0x0000 zero_init residual r[0,0]@0x1000 deps=1\n") ==
        "t.sched:9: uop 2: operand 'residual' after the flags" + kForm);
  CHECK(error_of(header + "2 compute EXEC add y[0,0]@0x2000 <- x[0,0]@0x0000 x[0,0]@0x0000 residual r[0,0]@0x1000 "
                          "deps=1\n") ==
        "t.sched:9: uop 2: misplaced 'residual' (expected ID compute EXEC add TENSOR[ROW,COL]@ADDR <- 2 operands, each "
        "TENSOR[ROW,COL]@ADDR[:row|:col|:scalar] deps=DEP)");
}
