// Attention's fused schedule: the EXECs of one attention, from the score
// matmul to the P·V matmul, run one tile row of queries at a time, so that a
// row block of scores is made, scaled, masked, normalised and consumed while it
// is on chip, instead of every score of every head being made before the first
// is normalised (the layered order, which spills scores to DRAM once they no
// longer fit in SRAM).
//
// Contract. An attention group is a run of consecutive layers (lowering order):
//   S0 = MatMul(Q, B) (plain or fused), then any number of element-wise layers
//   S_k = f(S_{k-1}, other) with S_k's shape equal to S_{k-1}'s (the scale,
//   the additive mask, a Where), then SoftmaxStats(S_n) and Softmax(S_n, stats),
//   then a MatMul (plain or fused) whose A operand is the softmax's output P.
// Every tensor between two layers of the group (S_0..S_n, the statistics, P)
// is read by later layers of the group only, by no view and is no graph output;
// none of them is the B, bias or residual of a group matmul. Each layer of
// the group then computes tile row r of its output from tile row r of the
// group's tensors and from tensors made before the group, so ordering the
// group's EXECs by their destination's tile row (stable: the layer order, then
// each layer's own order, within a row) keeps every dependency and changes no
// result. Groups are found and reordered only with AttentionSchedule::Fused.
#pragma once

#include <cstddef>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/scheduler/tile_program.h"

namespace tilesim::sched {

enum class AttentionSchedule {
  Fused,    // each attention group row block by row block (the default)
  Layered,  // every layer whole before the next (as any other layers)
};

// Layers [first, last] of the lowering order, both included.
struct LayerRange {
  std::size_t first = 0;
  std::size_t last = 0;
};

// The attention groups among `layers` (the ids in `ops` of the live non-view
// ops, in lowering order), given every op (views included, with schedule
// tensor ids) to count readers, and the schedule's tensors.
std::vector<LayerRange> find_attention_groups(const std::vector<ir::OpId>& layers, const std::vector<ir::Op>& ops,
                                              const std::vector<TensorInfo>& tensors);

// Orders the EXECs of layers [group.first, group.last] by destination tile
// row, stably. program.exec_layer must give every EXEC's layer, and the
// group's EXECs must be contiguous (they are: lowering emits layer by layer).
void interleave_rows(TileProgram& program, const TileSpace& space, const LayerRange& group);

}  // namespace tilesim::sched
