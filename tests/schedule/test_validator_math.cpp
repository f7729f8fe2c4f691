// Issue 14's EXEC kinds in schedules (div, sqrt, reciprocal, exp, neg, erf,
// pow, gelu, and gelu as a matmul's fused activation): a compiled model of all
// of them validates and round-trips through the text form exactly; each
// defect of their constants or fused activation is one exact message.
#include <catch2/catch.hpp>

#include <limits>
#include <sstream>
#include <string>

#include "compiler/schedule/schedule_text.h"
#include "compiler/schedule/validator.h"
#include "tests/schedule/compiled_yaml.h"

using namespace tilesim;
using namespace tilesim::sched;
using namespace tilesim::sched::testing;

namespace {

Schedule compiled() {
  return compile_yaml(
      "name: math\ninputs: {x: [40, 64], col: [40, 1]}\nparams: {w: [64, 48], b: [48]}\n"
      "ops:\n"
      "  - {op: div, inputs: [x, col], output: d}\n"
      "  - {op: erf, inputs: [d], output: e}\n"
      "  - {op: exp, inputs: [e], output: ex}\n"
      "  - {op: neg, inputs: [ex], output: n}\n"
      "  - {op: reciprocal, inputs: [n], output: r}\n"
      "  - {op: pow, inputs: [r], output: p, exponent: 3}\n"
      "  - {op: sqrt, inputs: [ex], output: s}\n"
      "  - {op: gelu, inputs: [s], output: g, tanh: 1}\n"
      "  - {op: add, inputs: [p, g], output: y1}\n"
      "  - {op: matmul, inputs: [x, w], output: h}\n"
      "  - {op: add, inputs: [h, b], output: hb}\n"
      "  - {op: gelu, inputs: [hb], output: y2}\n"
      "outputs: [y1, y2]\n",
      "math.yaml");
}

std::uint32_t first_exec(const Schedule& s, ExecKind kind) {
  for (std::uint32_t id = 0; id < s.uops.size(); ++id) {
    if (s.uops[id].kind == UopKind::Exec && s.uops[id].exec == kind) return id;
  }
  FAIL("no EXEC " << to_string(kind));
  return kNoUop;
}

std::string first_error(Schedule s, std::uint32_t id, const ExecParams& params) {
  s.uops[id].params = intern_params(s.exec_params, params);
  const auto errors = validate(s);
  return errors.empty() ? "(valid)" : errors.front();
}

}  // namespace

TEST_CASE("schedule: the issue-14 kinds validate and round-trip exactly", "[schedule][math]") {
  const Schedule s = compiled();
  CHECK(validate(s).empty());
  const std::string text = text_of(s);
  for (const char* kind :
       {" EXEC div ", " EXEC erf ", " EXEC exp ", " EXEC neg ", " EXEC reciprocal ", " EXEC sqrt "}) {
    CHECK(text.find(kind) != std::string::npos);
  }
  CHECK(text.find(":col deps=") != std::string::npos);  // d = x / col
  CHECK(text.find(" exponent=3 deps=") != std::string::npos);
  CHECK(text.find(" EXEC gelu ") != std::string::npos);
  CHECK(text.find(" tanh=1 deps=") != std::string::npos);
  CHECK(text.find(" gelu tanh=0 deps=") != std::string::npos);  // y2's matmul: the fused epilogue
  std::istringstream in(text);
  const Schedule back = read_schedule_text(in, "math.schedule");
  CHECK(validate(back).empty());
  CHECK(text_of(back) == text);
}

TEST_CASE("schedule: defects of the issue-14 constants and the fused gelu", "[schedule][math]") {
  const Schedule s = compiled();
  ExecParams p;
  p.param[0] = 0.5f;
  const std::uint32_t gelu = first_exec(s, ExecKind::Gelu);
  CHECK(first_error(s, gelu, p) ==
        "uop 40 EXEC gelu g[0,0]: tanh=0.5 (expected 0, the exact gelu, or 1, its tanh approximation)");
  p.param[0] = std::numeric_limits<float>::infinity();
  const std::uint32_t pow = first_exec(s, ExecKind::Pow);
  CHECK(first_error(s, pow, p) == "uop 52 EXEC pow p[0,0]: exponent=inf is not finite (expected a finite constant)");
  p.param[0] = 2.0f;
  const std::uint32_t exp = first_exec(s, ExecKind::Exp);
  CHECK(first_error(s, exp, p) ==
        "uop 32 EXEC exp ex[0,0]: constant 0 is 2 on a exp (expected 0: exp takes no constants)");
  ExecParams fused;
  fused.fused = ExecKind::Gelu;
  CHECK(first_error(s, exp, fused) == "uop 32 EXEC exp ex[0,0]: fused gelu on a exp (expected it only on a matmul)");
  ExecParams div;
  const std::uint32_t d = first_exec(s, ExecKind::Div);
  CHECK(first_error(s, d, div) ==
        "uop 21 EXEC div d[0,0]: operand 1 col read as tile (expected col for [40,1] against d [40,64])");
}
