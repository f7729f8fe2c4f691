// Lowering of the element-wise ops (lowering.h calls it): one EXEC per tile of
// the output, in row-major tile order. A binary op (add, sub, mul, max, min) reads
// each operand in the Broadcast form its shape gives and the tile
// broadcast_tile names (schedule.h); a unary op (relu, scale and the
// activations) reads the output's tile of its input, with its constants in
// the EXEC's params.
#pragma once

#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/schedule/schedule.h"
#include "compiler/scheduler/tile_program.h"

namespace tilesim::sched {

// `op` has its tensors renumbered to the schedule's. Throws std::logic_error
// for an op that is not element-wise or whose shapes do not broadcast (the
// frontends check shapes).
void lower_elementwise(const ir::Op& op, const std::vector<TensorInfo>& tensors, const TileSpace& space,
                       TileProgram& program);

// " + ", " - ", " * ", " max ", " min ": how the summary's shapes join a binary op's operands.
const char* operator_text(ir::OpKind kind);

}  // namespace tilesim::sched
