// Attention groups (compiler/scheduler/attention_order.h): which layers form
// one, the EXEC order the fused schedule gives them, and the DMA it saves.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

#include "compiler/frontend/model_loader.h"
#include "compiler/passes/pipeline.h"
#include "compiler/schedule/validator.h"
#include "compiler/scheduler/scheduler.h"

using namespace tilesim;
using sched::AttentionSchedule;
using sched::UopKind;

namespace {

// One head: scores = q·kt, scaled, masked, softmax, then p·v. SEQ tokens
// (SEQ/32 tile rows of queries), head width 32 (one tile).
std::string attention(int seq, const std::string& outputs = "[o]") {
  const std::string s = std::to_string(seq);
  return "name: head\n"
         "inputs: {q: [" + s + ", 32], kt: [32, " + s + "], v: [" + s + ", 32]}\n"
         "params: {scale: [1], mask: [" + s + ", " + s + "]}\n"
         "ops:\n"
         "  - {op: matmul, inputs: [q, kt], output: scores}\n"
         "  - {op: mul, inputs: [scores, scale], output: scaled}\n"
         "  - {op: add, inputs: [scaled, mask], output: masked}\n"
         "  - {op: softmax, inputs: [masked], output: p}\n"
         "  - {op: matmul, inputs: [p, v], output: o}\n"
         "outputs: " + outputs + "\n";
}

sched::Schedule compile(const std::string& text, std::int64_t sram_kib, AttentionSchedule attention) {
  ir::Graph graph = frontend::parse_model(text, "head.yaml");
  passes::run_default_passes(graph);
  sched::SchedulerOptions options;
  options.sram_bytes = sram_kib * 1024;
  options.attention = attention;
  const sched::Schedule s = sched::schedule_graph(graph, options);
  CHECK(sched::validate(s) == std::vector<std::string>{});
  return s;
}

// "scores[1,0]" for each EXEC's destination, in schedule order.
std::vector<std::string> exec_order(const sched::Schedule& s) {
  std::vector<std::string> order;
  for (const auto& u : s.uops) {
    if (u.kind != UopKind::Exec) continue;
    order.push_back(s.tensors[u.tile.tensor].name + "[" + std::to_string(u.tile.row) + "," +
                    std::to_string(u.tile.col) + "]");
  }
  return order;
}

// LOADs and STOREs of the tensors between the group's layers.
int transfers_of_scores(const sched::Schedule& s) {
  const std::set<std::string> inner{"scores", "scaled", "masked", "p.stats", "p"};
  int count = 0;
  for (const auto& u : s.uops) {
    if (u.kind != UopKind::Exec && inner.count(s.tensors[u.tile.tensor].name)) ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("attention: the fused order takes one query row block from its scores to its output", "[scheduler][attention]") {
  // 64 tokens: two tile rows. Per row r: the two score tiles (one K step
  // each), the scale and the mask of each, two softmax_stats steps
  // accumulating into p.stats[r,0], the two softmax tiles, then o[r,0] in two
  // K steps. The layered order runs each layer's four (or two) tiles first.
  const auto fused = compile(attention(64), 256, AttentionSchedule::Fused);
  std::vector<std::string> expected;
  for (const std::string r : {"0", "1"}) {
    for (const std::string t : {"scores", "scaled", "masked"}) {
      expected.push_back(t + "[" + r + ",0]");
      expected.push_back(t + "[" + r + ",1]");
    }
    expected.insert(expected.end(), {"p.stats[" + r + ",0]", "p.stats[" + r + ",0]", "p[" + r + ",0]",
                                     "p[" + r + ",1]", "o[" + r + ",0]", "o[" + r + ",0]"});
  }
  CHECK(exec_order(fused) == expected);
  for (std::size_t l = 0; l < fused.layers.size(); ++l) {
    CHECK(fused.layers[l].plan.find("attention rows fused") != std::string::npos);
  }

  const auto layered = compile(attention(64), 256, AttentionSchedule::Layered);
  const std::vector<std::string> order = exec_order(layered);
  REQUIRE(order.size() == expected.size());
  CHECK(order[0] == "scores[0,0]");
  CHECK(order[3] == "scores[1,1]");
  CHECK(order[4] == "scaled[0,0]");
  CHECK(order.back() == "o[1,0]");
  for (const auto& layer : layered.layers) CHECK(layer.plan.find("attention") == std::string::npos);
}

TEST_CASE("attention: a row block of scores stays on chip where the layered order spills them", "[scheduler][attention]") {
  // 256 tokens: 8x8 score tiles (256 KiB) in a 128 KiB SRAM (32 tiles). The
  // layered order makes all 64 score tiles before softmax reads any, so it
  // must store and reload them; the fused order holds one row of 8 score
  // tiles, 8 of p, kt's 8 and v's 8 tiles at a time, and moves none.
  const auto fused = compile(attention(256), 128, AttentionSchedule::Fused);
  const auto layered = compile(attention(256), 128, AttentionSchedule::Layered);
  CHECK(transfers_of_scores(fused) == 0);
  CHECK(transfers_of_scores(layered) > 64);
  CHECK(fused.execs == layered.execs);
  CHECK(fused.bytes_loaded + fused.bytes_stored < layered.bytes_loaded + layered.bytes_stored);
}

TEST_CASE("attention: scores read outside the group keep the layered order", "[scheduler][attention]") {
  // The scores are also a graph output, so they must be stored whole: no group.
  const auto both = compile(attention(64, "[o, scores]"), 256, AttentionSchedule::Fused);
  const auto layered = compile(attention(64, "[o, scores]"), 256, AttentionSchedule::Layered);
  CHECK(exec_order(both) == exec_order(layered));
  for (const auto& layer : both.layers) CHECK(layer.plan.find("attention") == std::string::npos);
}
