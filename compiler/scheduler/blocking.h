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

namespace tilesim::sched {

struct MatmulShape {
  std::int64_t m_tiles = 0, k_tiles = 0, n_tiles = 0;
  bool has_bias = false;
};

struct MatmulPlan {
  std::int64_t block_m = 1, block_n = 1;
  bool a_outer = true;           // inner loops: for i { for j } (else for j { for i })
  bool blocks_along_rows = true; // block grid visited bi-major (consecutive blocks share A's rows)
  std::int64_t working_tiles = 0;     // SRAM tiles the nest needs to run without reloads inside a block
  std::int64_t estimated_loads = 0;   // tile loads the plan expects (model, not the allocator's result)
  std::string describe() const;       // e.g. "C blocks 8x6, A-outer, along rows, ~2560 loads"
};

// Picks the plan with the fewest estimated loads that fits `sram_tiles`; when
// nothing fits (tiny SRAM), the 1x1 nest, which the allocator still runs
// correctly by evicting and reloading.
MatmulPlan choose_matmul_plan(const MatmulShape& shape, std::int64_t sram_tiles);

}  // namespace tilesim::sched
