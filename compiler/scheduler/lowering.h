// Lowering: the tiled graph becomes the EXEC stream (TileProgram), op by op
// in topological order, each matmul in the loop nest chosen for the SRAM
// (blocking.h), the fused epilogue on the last K step; then, with
// AttentionSchedule::Fused, each attention group row block by row block
// (attention_order.h).
#pragma once

#include <cstdint>

#include "compiler/hw/cost_model.h"
#include "compiler/ir/graph.h"
#include "compiler/schedule/schedule.h"
#include "compiler/scheduler/attention_order.h"
#include "compiler/scheduler/tile_program.h"

namespace tilesim::sched {

class LoweringPass {
 public:
  LoweringPass(std::int64_t sram_tiles, const CostModel& costs, AttentionSchedule attention)
      : sram_tiles_(sram_tiles), costs_(costs), attention_(attention) {}
  // Fills schedule.tensors, schedule.layers (names, shapes, plans) and the
  // program. The graph must have been through the tiling pass.
  void run(const ir::Graph& graph, Schedule& schedule, TileProgram& program) const;

 private:
  std::int64_t sram_tiles_;
  CostModel costs_;
  AttentionSchedule attention_;
};

// The fewest SRAM tiles any single EXEC of this graph needs: its operands and
// its destination (3 for a matmul, 4 with a fused bias).
std::int64_t min_sram_tiles(const ir::Graph& graph);

}  // namespace tilesim::sched
