// The schedule validator: an independent check (it shares no code with the
// scheduler but the definition of the totals, totals.h) that a Schedule is
// safe to run, done before any simulation.
//
// One pass over the uOps in list order, O(uOps) time and O(SRAM slots + tiles
// stored) memory, after the tensor table (shapes, sizes, views, DRAM
// placement). It checks structure (indices, tile grids of stacks, operand shapes and
// coordinates incl. batched matmul, repeating Add, scalars and views, addresses),
// dependencies (backwards, to existing uOps of the other unit), hazards (every conflicting SRAM
// access of the other unit is ordered by happens-before), data (every EXEC reads
// the complete tile its operand names; matmul K steps in order (those by structural-zero weight tiles may be skipped);
// zero_init and epilogue on the right steps), outputs (stored exactly once, complete) and the schedule's totals against
// count_totals() (totals.h), then the layers (validator_layers.h: each uOp's layer, each layer's figures). The tensor
// table's sizes stay within the frontends' limits (2^31 padded elements per tensor, 64 GiB in all), so nothing computed
// from it overflows. docs/schedule-format.md lists every check.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/schedule/schedule.h"

namespace tilesim::sched {

// What a problem concerns, so that a caller holding the schedule's source
// (the text form, schedule_file.h) can point at its line.
enum class Subject : std::uint8_t {
  SramBytes,  // the schedule's sram_bytes
  Tensor,     // tensor `index` (its table entry, or an output tile never stored)
  Uop,        // uop `index`
  Totals,     // the schedule's recorded totals
  Layer,      // layer `index` (Schedule::layers)
};

struct Problem {
  Subject subject = Subject::Uop;
  std::size_t index = 0;  // the tensor, uop or layer (Subject::Tensor, Uop, Layer)
  std::string text;       // as validate() gives it
};

// The problems, at most max_errors of them (the check stops there); empty when
// the schedule is valid. Each text names the uOp id, kind and tile (or the
// tensor), says what is wrong and what was expected, e.g.
//   "uop 17 EXEC matmul y[0,1]: operand 0 at 0x2000 holds w1[3,1] (expected x[0,3])"
// Safe on any Schedule: the tensor table is checked (sizes included) before
// anything is computed from it; memory is O(SRAM slots + tiles stored).
std::vector<Problem> find_problems(const Schedule& schedule, std::size_t max_errors = 20);

// The texts of find_problems().
std::vector<std::string> validate(const Schedule& schedule, std::size_t max_errors = 20);

// Throws std::runtime_error listing the first problems when the schedule is not
// valid. A bad compiled schedule is a compiler bug, not a user error.
void validate_or_throw(const Schedule& schedule);

}  // namespace tilesim::sched
