// Lowering of MaxPool and AveragePool (lowering.h calls it), after the conv
// lowering pass made the op's input an im2col view V with channel_stride =
// the output's padded columns: output tile (i, j) is P steps (P = kernel
// positions), step k reading V's tile (i, k*Ct + j), zero_init on the first;
// an average's reciprocal counts D (when the op has them) join its last step.
// Output tiles in row-major order, each tile's steps together, so that every
// view tile is loaded once and the partial result stays in SRAM.
#pragma once

#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/schedule/schedule.h"
#include "compiler/scheduler/tile_program.h"

namespace tilesim::sched {

// `op` has its tensors renumbered to the schedule's. Throws std::logic_error
// when its input is not such a view (the conv lowering pass makes it).
void lower_pool(const ir::Op& op, const std::vector<TensorInfo>& tensors, const TileSpace& space, TileProgram& program);

}  // namespace tilesim::sched
