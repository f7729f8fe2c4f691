#include "compiler/scheduler/blocking.h"

#include <limits>
#include <sstream>

namespace tilesim::sched {

namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// Tiles one block needs at once: its accumulators, the strip of the inner
// operand reused across the innermost loop (double-buffered for the next K
// step), two buffers for the streamed operand, and the bias row when fused.
std::int64_t working_tiles(const MatmulShape& s, std::int64_t bm, std::int64_t bn, bool a_outer) {
  const std::int64_t strip = a_outer ? bn : bm;
  return bm * bn + 2 * strip + 2 + (s.has_bias ? bn : 0);
}

}  // namespace

std::string MatmulPlan::describe() const {
  std::ostringstream out;
  out << "C blocks " << block_m << "x" << block_n << ", " << (a_outer ? "A" : "B")
      << "-outer, blocks along " << (blocks_along_rows ? "rows" : "columns") << ", ~"
      << estimated_loads << " loads";
  return out.str();
}

MatmulPlan choose_matmul_plan(const MatmulShape& s, std::int64_t sram_tiles) {
  const std::int64_t a_tiles = s.m_tiles * s.k_tiles;
  const std::int64_t b_tiles = s.k_tiles * s.n_tiles;
  MatmulPlan best;
  best.working_tiles = working_tiles(s, 1, 1, true);
  best.estimated_loads = a_tiles * s.n_tiles + b_tiles * s.m_tiles;
  bool found = false;

  for (std::int64_t bm = 1; bm <= s.m_tiles; ++bm) {
    for (std::int64_t bn = 1; bn <= s.n_tiles; ++bn) {
      if (bm * bn > sram_tiles) break;
      const std::int64_t blocks_m = ceil_div(s.m_tiles, bm);
      const std::int64_t blocks_n = ceil_div(s.n_tiles, bn);
      for (const bool a_outer : {true, false}) {
        const std::int64_t work = working_tiles(s, bm, bn, a_outer);
        if (work > sram_tiles) continue;
        for (const bool along_rows : {true, false}) {
          // Along rows, consecutive blocks share A's row strip (bm x K tiles):
          // A is loaded once if that strip fits beside the block, and B is
          // loaded once in all only if the whole of B fits as well.
          const std::int64_t shared = along_rows ? bm * s.k_tiles : s.k_tiles * bn;
          const std::int64_t whole_other = along_rows ? b_tiles : a_tiles;
          const bool shared_stays = work + shared <= sram_tiles;
          const bool other_stays = shared_stays && work + shared + whole_other <= sram_tiles;
          std::int64_t a_loads = a_tiles * blocks_n;
          std::int64_t b_loads = b_tiles * blocks_m;
          if (along_rows) {
            if (shared_stays) a_loads = a_tiles;
            if (other_stays) b_loads = b_tiles;
          } else {
            if (shared_stays) b_loads = b_tiles;
            if (other_stays) a_loads = a_tiles;
          }
          const std::int64_t loads = a_loads + b_loads;
          const bool better = !found || loads < best.estimated_loads ||
                              (loads == best.estimated_loads && work < best.working_tiles);
          if (better) {
            found = true;
            best = MatmulPlan{bm, bn, a_outer, along_rows, work, loads};
          }
        }
      }
    }
  }
  return best;
}

}  // namespace tilesim::sched
