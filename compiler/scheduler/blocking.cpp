#include "compiler/scheduler/blocking.h"

#include <limits>
#include <sstream>

namespace tilesim::sched {

namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// Tiles one block needs at once: its accumulators, the strip of the inner
// operand reused across the innermost loop (double-buffered for the next K
// step), two buffers for the streamed operand, the bias row when fused, and
// one slot for the residual tile the last K step reads (one per C tile, each
// read once: it streams through one slot).
std::int64_t working_tiles(const MatmulShape& s, std::int64_t bm, std::int64_t bn, bool a_outer) {
  const std::int64_t strip = a_outer ? bn : bm;
  return bm * bn + 2 * strip + 2 + (s.has_bias ? bn : 0) + (s.has_residual ? 1 : 0);
}

}  // namespace

std::string MatmulPlan::describe() const {
  std::ostringstream out;
  out << "C blocks " << block_m << "x" << block_n << ", " << (a_outer ? "A" : "B") << "-outer, blocks along "
      << (blocks_along_rows ? "rows" : "columns") << ", ~" << estimated_loads << " loads, ~" << estimated_cycles
      << " cycles";
  return out.str();
}

namespace {

// The plan for one blocking, with its traffic and time estimates.
MatmulPlan evaluate(const MatmulShape& s, std::int64_t sram_tiles, const CostModel& costs, std::int64_t bm,
                    std::int64_t bn, bool a_outer, bool along_rows) {
  const std::int64_t a_tiles = s.m_tiles * s.k_tiles;
  const std::int64_t b_tiles = s.k_tiles * s.n_tiles;
  const std::int64_t load = costs.transfer_cycles(kTileBytes);
  const std::int64_t blocks_m = ceil_div(s.m_tiles, bm);
  const std::int64_t blocks_n = ceil_div(s.n_tiles, bn);
  const std::int64_t work = working_tiles(s, bm, bn, a_outer);
  // Along rows, consecutive blocks share A's row strip (bm x K tiles): A is
  // loaded once if that strip fits beside the block, and B is loaded once in
  // all only if the whole of B fits as well. Along columns, the same for B.
  const std::int64_t shared = along_rows ? bm * s.k_tiles : s.k_tiles * bn;
  const std::int64_t whole_other = along_rows ? b_tiles : a_tiles;
  const bool shared_stays = work + shared <= sram_tiles;
  const bool other_stays = shared_stays && work + shared + whole_other <= sram_tiles;

  // Per K step a block loads `strip` tiles of the shared operand (unless it
  // stays from the previous block of the line) and `other` tiles of the other
  // (new in the first line of blocks, and in every line unless it stays).
  const std::int64_t strip = along_rows ? bm : bn, other = along_rows ? bn : bm;
  const std::int64_t lines = along_rows ? blocks_m : blocks_n;
  const std::int64_t per_line = along_rows ? blocks_n : blocks_m;
  const std::int64_t step_exec = costs.matmul_block_step_cycles(bm, bn, a_outer);
  auto step = [&](bool strip_new, bool other_new) {
    return std::max(step_exec, ((strip_new ? strip : 0) + (other_new ? other : 0)) * load);
  };
  std::int64_t cycles = 0;
  for (const bool first_line : {true, false}) {
    const std::int64_t count = first_line ? 1 : lines - 1;
    const bool other_new = first_line || !other_stays;
    cycles += count * s.k_tiles * (step(true, other_new) + (per_line - 1) * step(!shared_stays, other_new));
  }

  std::int64_t shared_loads = (along_rows ? a_tiles : b_tiles) * (shared_stays ? 1 : per_line);
  std::int64_t other_loads = whole_other * (other_stays ? 1 : lines);
  return MatmulPlan{bm, bn, a_outer, along_rows, work, shared_loads + other_loads, cycles};
}

bool better(const MatmulPlan& a, const MatmulPlan& b) {
  if (a.estimated_cycles != b.estimated_cycles) return a.estimated_cycles < b.estimated_cycles;
  if (a.estimated_loads != b.estimated_loads) return a.estimated_loads < b.estimated_loads;
  return a.working_tiles < b.working_tiles;
}

}  // namespace

MatmulPlan choose_matmul_plan(const MatmulShape& s, std::int64_t sram_tiles, const CostModel& costs) {
  MatmulPlan best = evaluate(s, sram_tiles, costs, 1, 1, true, true);
  bool found = best.working_tiles <= sram_tiles;
  for (std::int64_t bm = 1; bm <= s.m_tiles; ++bm) {
    for (std::int64_t bn = 1; bn <= s.n_tiles && bm * bn <= sram_tiles; ++bn) {
      for (const bool a_outer : {true, false}) {
        if (working_tiles(s, bm, bn, a_outer) > sram_tiles) continue;
        for (const bool along_rows : {true, false}) {
          const MatmulPlan plan = evaluate(s, sram_tiles, costs, bm, bn, a_outer, along_rows);
          if (!found || better(plan, best)) best = plan;
          found = true;
        }
      }
    }
  }
  return best;
}

}  // namespace tilesim::sched
