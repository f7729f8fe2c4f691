// The validator on row reductions (schedule.h, "Row reductions"): compiled
// softmax and layer norm schedules are accepted and survive the text form;
// a missing step, an apply before its statistics are complete and operands
// at the wrong tiles are each reported with their exact message.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "compiler/schedule/validator.h"
#include "tests/schedule/compiled_yaml.h"
#include "tests/schedule/schedule_builder.h"

using namespace tilesim::sched;
using namespace tilesim::sched::testing;
using Errors = std::vector<std::string>;

namespace {

// y = softmax(x) over 96 columns (3 tile columns), then z = layer_norm(y).
const char* kModel =
    "name: rows\n"
    "inputs:\n  x: [32, 96]\n"
    "params:\n  g: [96]\n  b: [96]\n"
    "ops:\n"
    "  - {op: softmax, inputs: [x], output: y}\n"
    "  - {op: layer_norm, inputs: [y, g, b], output: z, epsilon: 0.001}\n"
    "  - {op: reduce_max, inputs: [x], output: m}\n"
    "outputs: [z, m]\n";

std::uint32_t find_exec(const Schedule& s, ExecKind kind, int nth) {
  for (std::uint32_t i = 0; i < s.uops.size(); ++i) {
    if (s.uops[i].kind == UopKind::Exec && s.uops[i].exec == kind && nth-- == 0) return i;
  }
  FAIL("no such EXEC");
  return 0;
}

}  // namespace

TEST_CASE("validator rows: compiled schedules are valid at any SRAM and read back from text", "[schedule][rows]") {
  for (const std::int64_t tiles : {5, 8, 64}) {
    INFO(tiles << " tiles");
    const Schedule s = compile_yaml(kModel, "rows.yaml", tiles);
    CHECK(validate(s).empty());
    const std::string text = text_of(s);
    CHECK(text.find("EXEC softmax_stats y.stats[0,0]") != std::string::npos);
    CHECK(text.find("EXEC layer_norm_stats") != std::string::npos);
    CHECK(text.find(" epsilon=0.001") != std::string::npos);
    std::istringstream in(text);
    const Schedule back = read_schedule_text(in, "t.sched");
    CHECK(text_of(back) == text);
    CHECK(validate(back).empty());
  }
}

TEST_CASE("validator rows: a missing statistics step", "[schedule][rows]") {
  Schedule s = compile_yaml(kModel, "rows.yaml", 64);
  const std::uint32_t step1 = find_exec(s, ExecKind::SoftmaxStats, 1);
  // Step 1 removed, the dependencies renumbered (a dep on it: on its own dep).
  const std::uint32_t dep = s.uops[step1].dep;
  s.uops.erase(s.uops.begin() + step1);
  s.uop_layer.erase(s.uop_layer.begin() + step1);
  for (Uop& x : s.uops) {
    if (x.dep != kNoUop && x.dep == step1) x.dep = dep;
    if (x.dep != kNoUop && x.dep > step1) --x.dep;
  }
  const Errors errors = validate(s, 2);
  REQUIRE(!errors.empty());
  CHECK(errors[0] ==
        "uop 8 EXEC softmax_stats y.stats[0,0]: accumulator at 0x4000 holds y.stats[0,0] after 1 of 3 steps "
        "(expected y.stats[0,0] after 2 of 3 steps)");
}

TEST_CASE("validator rows: an apply before its statistics are complete", "[schedule][rows]") {
  Schedule s = compile_yaml(kModel, "rows.yaml", 64);
  const std::uint32_t last = find_exec(s, ExecKind::SoftmaxStats, 2);
  const std::uint32_t apply = find_exec(s, ExecKind::Softmax, 0);
  std::swap(s.uops[last], s.uops[apply]);  // the apply runs after 2 of the 3 steps
  const Errors errors = validate(s, 2);
  REQUIRE(!errors.empty());
  CHECK(errors[0] ==
        "uop 9 EXEC softmax y[0,0]: operand 1 at 0x4000 holds y.stats[0,0] after 2 of 3 steps (expected complete)");
}

TEST_CASE("validator rows: operands at the wrong tiles", "[schedule][rows]") {
  Schedule s = compile_yaml(kModel, "rows.yaml", 64);
  Schedule wrong = s;
  wrong.uops[find_exec(s, ExecKind::Softmax, 1)].src[0].col = 0;
  CHECK(validate(wrong, 1) ==
        Errors{"uop 11 EXEC softmax y[0,1]: operand 0 is x[0,0] (expected x[0,1]: the result's own tile)"});
  wrong = s;
  wrong.uops[find_exec(s, ExecKind::LayerNorm, 1)].src[2].col = 2;
  CHECK(validate(wrong, 1) == Errors{"uop 21 EXEC layer_norm z[0,1]: operand 2 is g[0,2] (expected g[0,1])"});
  wrong = s;
  wrong.uops[find_exec(s, ExecKind::LayerNorm, 0)].src[1] = wrong.uops[find_exec(s, ExecKind::LayerNorm, 0)].src[0];
  CHECK(validate(wrong, 1) ==
        Errors{"uop 19 EXEC layer_norm z[0,0]: operand 1 y has 96 columns (expected 2 statistics)"});
}

TEST_CASE("validator rows: an apply's statistics come from its own kind of reduction", "[schedule][rows]") {
  // softmax y = x with statistics s that are a param, then a layer_norm z
  // reading t, a softmax_stats result of the right shape but the wrong kind.
  Builder b(8 * kTileBytes, "stats");
  const auto x = b.tensor("x", TensorRole::Input, 32, 32);
  const auto s = b.tensor("s", TensorRole::Param, 32, 2);
  const auto t = b.tensor("t", TensorRole::Intermediate, 32, 2);
  const auto g = b.tensor("g", TensorRole::Param, 1, 32, 1);
  const auto y = b.tensor("y", TensorRole::Output, 32, 32);
  const auto z = b.tensor("z", TensorRole::Output, 32, 32);
  b.load(T(x, 0, 0), 0x0000);
  b.load(T(s, 0, 0), 0x1000);
  b.elementwise(ExecKind::Softmax, {T(y, 0, 0), 0x2000}, {{T(x, 0, 0), 0x0000}, {T(s, 0, 0), 0x1000}});
  b.store(T(y, 0, 0), 0x2000);
  const std::uint32_t stats = b.elementwise(ExecKind::SoftmaxStats, {T(t, 0, 0), 0x3000}, {{T(x, 0, 0), 0x0000}});
  b.uop(stats).zero_init = true;
  b.load(T(g, 0, 0), 0x4000);
  b.elementwise(ExecKind::LayerNorm, {T(z, 0, 0), 0x5000},
                {{T(x, 0, 0), 0x0000}, {T(t, 0, 0), 0x3000}, {T(g, 0, 0), 0x4000}});
  b.store(T(z, 0, 0), 0x5000);
  resolve_deps(b.schedule());
  CHECK(validate(b.done()) ==
        Errors{"uop 2 EXEC softmax y[0,0]: operand 1 s is param (expected the statistics of a softmax_stats)",
               "uop 6 EXEC layer_norm z[0,0]: operand 1 t is written by softmax_stats (expected the statistics of a "
               "layer_norm_stats)"});
}
