// The cycle model as the compiler sees it: the hardware description's costs,
// used to pick loop nests and to order the uOp list the way the units will run.
#pragma once

#include <cstdint>

namespace tilesim::sched {

struct CycleCosts {
  std::int64_t matmul_tile_cycles = 64;
  std::int64_t vector_tile_cycles = 8;
  std::int64_t dma_setup_cycles = 64;
  std::int64_t dma_bytes_per_cycle = 32;
  std::int64_t dma_transpose_cycles = 32;  // extra for a LOAD of a transposed view
  std::int64_t transfer_cycles(std::int64_t bytes) const {
    return dma_setup_cycles + (bytes + dma_bytes_per_cycle - 1) / dma_bytes_per_cycle;
  }
};

}  // namespace tilesim::sched
