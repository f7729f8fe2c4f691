// The validator's checks of a schedule's layers (validator_layers.h): each
// uOp's layer, at least one uOp per layer, each layer's recorded figures
// against its uOps, its SRAM peak; each defect with its exact message and the
// layer or uOp it concerns. Without uOp layers nothing of the layers is checked.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "compiler/schedule/totals.h"
#include "compiler/schedule/validator.h"
#include "tests/schedule/sample_schedules.h"

using namespace tilesim::sched;
using namespace tilesim::sched::testing;
using Errors = std::vector<std::string>;

namespace {

// one_tile_matmul (LOAD x, LOAD w, EXEC y = x.w, STORE y) as one layer "y"
// with the figures its uOps give: 2 LOADs, 1 STORE, 1 EXEC, 12288 B moved,
// all of them compulsory (x and w loaded for the first time, y a graph output).
Schedule one_layer() {
  Schedule s = one_tile_matmul().done();
  LayerSummary y;
  y.name = "y";
  y.loads = 2, y.stores = 1, y.execs = 1, y.dma_bytes = 3 * kTileBytes;
  y.compulsory_bytes = 3 * kTileBytes;
  y.sram_peak_bytes = 3 * kTileBytes;
  s.layers = {y};
  s.uop_layer = {0, 0, 0, 0};
  return s;
}

}  // namespace

TEST_CASE("validator layers: a schedule whose uops give their layers, with the right figures", "[schedule][layers]") {
  CHECK(validate(one_layer()).empty());
  const ScheduleTotals t = count_totals(one_layer());
  REQUIRE(t.layers.size() == 1);
  CHECK(t.layers[0].loads == 2);
  CHECK(t.layers[0].compulsory_bytes == 3 * kTileBytes);
}

TEST_CASE("validator layers: without uop layers the layer lines are not checked", "[schedule][layers]") {
  Schedule s = one_layer();
  s.uop_layer.clear();
  s.layers[0].loads = 99;
  s.layers.push_back(LayerSummary{});  // a layer with no uop
  CHECK(validate(s).empty());
}

TEST_CASE("validator layers: one layer per uop, each naming a layer", "[schedule][layers]") {
  Schedule s = one_layer();
  s.uop_layer.pop_back();
  const std::vector<Problem> short_list = find_problems(s);
  REQUIRE(short_list.size() == 1);
  CHECK(short_list[0].subject == Subject::Totals);
  CHECK(short_list[0].text == "the schedule gives the layer of 3 uops but has 4 (expected one layer per uop, or none)");

  s = one_layer();
  s.uop_layer[2] = 5;
  const std::vector<Problem> p = find_problems(s);
  REQUIRE(p.size() == 1);
  CHECK(p[0].subject == Subject::Uop);
  CHECK(p[0].index == 2);
  CHECK(p[0].text == "uop 2 EXEC matmul y[0,0]: layer 5 does not exist (expected a layer below 1)");
}

TEST_CASE("validator layers: every layer has a uop", "[schedule][layers]") {
  Schedule s = one_layer();
  LayerSummary z;
  z.name = "z";
  s.layers.push_back(z);
  const std::vector<Problem> p = find_problems(s);
  REQUIRE(p.size() == 1);
  CHECK(p[0].subject == Subject::Layer);
  CHECK(p[0].index == 1);
  CHECK(p[0].text == "layer 1 z: no uop belongs to it (expected at least one uop with layer=1)");
}

TEST_CASE("validator layers: each recorded figure equals its uops' count", "[schedule][layers]") {
  const std::vector<std::pair<std::int64_t LayerSummary::*, std::string>> figures = {
      {&LayerSummary::loads, "loads = 3 (expected 2, counted from its uops)"},
      {&LayerSummary::stores, "stores = 2 (expected 1, counted from its uops)"},
      {&LayerSummary::execs, "execs = 2 (expected 1, counted from its uops)"},
      {&LayerSummary::loads_eliminated, "loads_eliminated = 1 (expected 0, counted from its uops)"},
      {&LayerSummary::dma_bytes, "dma_bytes = 12289 (expected 12288, counted from its uops)"},
      {&LayerSummary::compulsory_bytes, "compulsory_bytes = 12289 (expected 12288, counted from its uops)"}};
  for (const auto& [field, text] : figures) {
    Schedule s = one_layer();
    ++(s.layers[0].*field);
    const std::vector<Problem> p = find_problems(s);
    REQUIRE(p.size() == 1);
    CHECK(p[0].subject == Subject::Layer);
    CHECK(p[0].index == 0);
    CHECK(p[0].text == "layer 0 y: " + text);
  }
}

TEST_CASE("validator layers: a layer's SRAM peak lies between one uop's slots and the schedule's peak",
          "[schedule][layers]") {
  Schedule s = one_layer();
  s.layers[0].sram_peak_bytes = 2 * kTileBytes;  // the EXEC names three slots
  CHECK(validate(s) == Errors{"layer 0 y: sram_peak_bytes = 8192 (expected 12288 to 12288: at least the slots one "
                              "of its uops uses at once, at most the schedule's peak)"});
  s.layers[0].sram_peak_bytes = 4 * kTileBytes;
  CHECK(validate(s) == Errors{"layer 0 y: sram_peak_bytes = 16384 (expected 12288 to 12288: at least the slots one "
                              "of its uops uses at once, at most the schedule's peak)"});
}
