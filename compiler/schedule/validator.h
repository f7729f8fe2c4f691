// The schedule validator: an independent check (it shares no code with the
// scheduler) that a Schedule is safe to run, done before any simulation.
//
// One pass over the uOps in list order, O(uOps) time and O(tiles + SRAM slots)
// memory. It checks structure (indices, tile grids of stacks, operand shapes and
// coordinates incl. batched matmul, repeating Add, scalars and views, addresses),
// dependencies (backwards, to the other unit), hazards (every conflicting SRAM
// access of the other unit is ordered by happens-before), data (every EXEC reads
// the complete tile its operand names; matmul K steps in order; zero_init and
// epilogue on the right steps), outputs (stored exactly once, complete) and the
// schedule's totals. docs/schedule-format.md lists every check.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "compiler/schedule/schedule.h"

namespace tilesim::sched {

// Human-readable problems, at most max_errors of them (the check stops there);
// empty when the schedule is valid. Each names the uOp id, kind and tile, e.g.
//   "uop 17 EXEC matmul y[0,1]: operand 0 at 0x2000 holds w1[3,1] (expected x[0,3])"
std::vector<std::string> validate(const Schedule& schedule, std::size_t max_errors = 20);

// Throws std::runtime_error listing the first problems when the schedule is not
// valid. A bad schedule is a compiler bug, not a user error.
void validate_or_throw(const Schedule& schedule);

}  // namespace tilesim::sched
