// Loop order and blocking of one tiled matmul, chosen for the SRAM at hand.
//
// The nest is output-stationary: C is cut into blocks of block_m x block_n
// tiles whose accumulators stay resident across the whole K loop. Inside a
// K step either A[i,k] is the outer loop (B's row strip of the block stays
// resident and is reused across i) or B[k,j] is (A's column strip is reused
// across j). Blocks are visited along rows or along columns of the block grid,
// so that the strip shared by consecutive blocks can stay resident when it fits.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/hw/cost_model.h"

namespace tilesim::sched {

struct MatmulShape {
  std::int64_t m_tiles = 0, k_tiles = 0, n_tiles = 0;
  bool has_bias = false;
  bool has_residual = false;  // the last K step also reads a tile of R (C's shape) per C tile
};

struct MatmulPlan {
  std::int64_t block_m = 1, block_n = 1;
  bool a_outer = true;                // inner loops: for i { for j } (else for j { for i })
  bool blocks_along_rows = true;      // block grid visited bi-major (consecutive blocks share A's rows)
  std::int64_t working_tiles = 0;     // SRAM tiles the nest needs to run without reloads inside a block
  std::int64_t estimated_loads = 0;   // tile loads the plan expects (model, not the allocator's result)
  std::int64_t estimated_cycles = 0;  // K steps of each block, DMA and compute overlapped
  std::string describe() const;       // e.g. "C blocks 8x6, A-outer, along rows, ~2560 loads"
};

// Picks the plan that fits `sram_tiles` with the fewest estimated cycles
// (then the fewest loads). The estimate walks the blocks: a K step of a block
// costs max(its EXECs, the LOADs of the operand tiles it cannot reuse), since
// the next step's LOADs overlap this step's EXECs; so a plan that saves
// traffic but bunches its LOADs (a 1x1 block loading A and B for every EXEC)
// loses to one that spreads them under the math. When nothing fits (tiny
// SRAM), the 1x1 nest, which the allocator still runs correctly by evicting
// and reloading. A step's EXECs are timed by CostModel::matmul_block_step_cycles,
// so on a systolic array the nest whose order streams the stationary operand wins.
MatmulPlan choose_matmul_plan(const MatmulShape& shape, std::int64_t sram_tiles, const CostModel& costs = {});

}  // namespace tilesim::sched
