// Lowering of the row ops (ir::is_row_op; lowering.h calls it): a reduction
// (ReduceSum, ReduceMax, SoftmaxStats, LayerNormStats) writes tile (i, 0) of
// its result in Ct steps, step k reading x's tile (i, k), zero_init on the
// first; an apply (Softmax, LayerNorm) writes each tile (i, j) from x's
// tile (i, j), the statistics' tile (i, 0) and gamma's and beta's (0, j).
// Tile rows in order, each row's steps together, so the accumulator stays
// in SRAM while the row's tiles stream past it (any SRAM that holds one
// EXEC's operands: the tiles of a row need not fit at once).
#pragma once

#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/schedule/schedule.h"
#include "compiler/scheduler/tile_program.h"

namespace tilesim::sched {

// `op` has its tensors renumbered to the schedule's.
void lower_rows(const ir::Op& op, const std::vector<TensorInfo>& tensors, const TileSpace& space, TileProgram& program);

}  // namespace tilesim::sched
