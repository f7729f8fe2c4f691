// Exact schedules for tiny models, derived by hand.
#include <catch2/catch.hpp>

#include "compiler/frontend/model_loader.h"
#include "compiler/passes/pipeline.h"
#include "compiler/schedule/validator.h"
#include "compiler/scheduler/scheduler.h"

using namespace tilesim;
using sched::kNoUop;
using sched::UopKind;

namespace {

sched::Schedule compile(const std::string& model_text, std::int64_t sram_kib) {
  ir::Graph graph = frontend::parse_model(model_text, "model.yaml");
  passes::run_default_passes(graph);
  return sched::schedule_graph(graph, sched::SchedulerOptions{sram_kib * 1024, 2, {}});
}

// "LOAD x[0,1]@0x3000 dep=-" for compact comparisons.
std::string brief(const sched::Schedule& s, const sched::Uop& u) {
  auto tile = [&](const sched::TileRef& t) {
    return s.tensors[t.tensor].name + "[" + std::to_string(t.row) + "," + std::to_string(t.col) + "]";
  };
  char addr[16];
  std::snprintf(addr, sizeof addr, "@0x%04x", u.addr);
  std::string text = std::string(sched::to_string(u.kind)) + " " + tile(u.tile) + addr;
  for (int p = 0; p < u.num_srcs(); ++p) {
    if (!u.src[p].valid()) continue;
    std::snprintf(addr, sizeof addr, "@0x%04x", u.src_addr[p]);
    text += (p ? " " : " <- ") + tile(u.src[p]) + addr;
  }
  if (u.zero_init) text += " zero_init";
  if (u.relu) text += " relu";
  text += " dep=" + (u.dep == kNoUop ? std::string("-") : std::to_string(u.dep));
  return text;
}

std::vector<std::string> brief_all(const sched::Schedule& s) {
  std::vector<std::string> lines;
  for (const auto& u : s.uops) lines.push_back(brief(s, u));
  return lines;
}

const char kOneTile[] = R"(name: one
inputs: {x: [32, 32]}
params: {w: [32, 32]}
ops:
  - {op: matmul, inputs: [x, w], output: y}
outputs: [y]
)";

const char kTwoKSteps[] = R"(name: two
inputs: {x: [32, 64]}
params: {w: [64, 32]}
ops:
  - {op: matmul, inputs: [x, w], output: y}
outputs: [y]
)";

}  // namespace

TEST_CASE("scheduler: one tile matmul is LOAD, LOAD, EXEC, STORE", "[scheduler]") {
  const auto s = compile(kOneTile, 12);
  // Three slots: x -> 0x0000, w -> 0x1000, the accumulator y -> 0x2000.
  // The EXEC waits for the later LOAD (uop 1); the STORE for the EXEC (uop 2).
  CHECK(brief_all(s) == std::vector<std::string>{
                            "LOAD x[0,0]@0x0000 dep=-",
                            "LOAD w[0,0]@0x1000 dep=-",
                            "EXEC y[0,0]@0x2000 <- x[0,0]@0x0000 w[0,0]@0x1000 zero_init dep=1",
                            "STORE y[0,0]@0x2000 dep=2",
                        });
  CHECK(s.loads == 2);
  CHECK(s.stores == 1);
  CHECK(s.execs == 1);
  CHECK(s.bytes_loaded == 2 * 4096);
  CHECK(s.bytes_stored == 4096);
  CHECK(s.compulsory_loads == 2);
  CHECK(s.compulsory_bytes == 3 * 4096);
  CHECK(s.sram_peak_bytes == 3 * 4096);
  CHECK(sched::validate(s).empty());
}

TEST_CASE("scheduler: with room, K step 2's LOADs do not wait for EXEC 1", "[scheduler]") {
  const auto s = compile(kTwoKSteps, 24);
  // Six slots. Step k=0 takes slots 0, 1 and the accumulator slot 2; the freed
  // slots 0 and 1 go to the back of the free list, so step k=1 loads into the
  // untouched slots 3 and 4: those LOADs depend on nothing and overlap EXEC 2.
  CHECK(brief_all(s) == std::vector<std::string>{
                            "LOAD x[0,0]@0x0000 dep=-",
                            "LOAD w[0,0]@0x1000 dep=-",
                            "EXEC y[0,0]@0x2000 <- x[0,0]@0x0000 w[0,0]@0x1000 zero_init dep=1",
                            "LOAD x[0,1]@0x3000 dep=-",
                            "LOAD w[1,0]@0x4000 dep=-",
                            "EXEC y[0,0]@0x2000 <- x[0,1]@0x3000 w[1,0]@0x4000 dep=4",
                            "STORE y[0,0]@0x2000 dep=5",
                        });
  CHECK(sched::validate(s).empty());
}

TEST_CASE("scheduler: at the 3-tile minimum, K step 2 reuses step 1's slots", "[scheduler]") {
  const auto s = compile(kTwoKSteps, 12);
  // Only slots 0 and 1 are free after step 0, so each LOAD of step 1 must wait
  // until EXEC 2 has read the slot (write-after-read): no overlap, but correct.
  CHECK(brief_all(s) == std::vector<std::string>{
                            "LOAD x[0,0]@0x0000 dep=-",
                            "LOAD w[0,0]@0x1000 dep=-",
                            "EXEC y[0,0]@0x2000 <- x[0,0]@0x0000 w[0,0]@0x1000 zero_init dep=1",
                            "LOAD x[0,1]@0x0000 dep=2",
                            "LOAD w[1,0]@0x1000 dep=2",
                            "EXEC y[0,0]@0x2000 <- x[0,1]@0x0000 w[1,0]@0x1000 dep=4",
                            "STORE y[0,0]@0x2000 dep=5",
                        });
  CHECK(sched::validate(s).empty());
}

TEST_CASE("scheduler: an SRAM below one EXEC's tiles is refused with the minimum", "[scheduler]") {
  const char bias_model[] = R"(name: b
inputs: {x: [32, 32]}
params: {w: [32, 32], b: [32]}
ops:
  - {op: matmul, inputs: [x, w], output: h}
  - {op: add, inputs: [h, b], output: y}
outputs: [y]
)";
  // Fused matmul+bias reads A, B and the bias row and writes C: 4 tiles.
  try {
    compile(bias_model, 12);
    FAIL("no error");
  } catch (const sched::SramTooSmall& e) {
    CHECK(e.need_tiles == 4);
    CHECK(e.have_bytes == 12288);
  }
  CHECK(sched::validate(compile(bias_model, 16)).empty());
}
