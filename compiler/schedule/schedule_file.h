// A hand-written schedule for the simulator (`tilesim run --schedule FILE`):
// the text form (schedule_text.h), then every check a compiled schedule gets
// (validator.h) and the ones only a schedule from outside the compiler needs,
// all before anything is simulated. Each defect is one InputError naming the
// line of the tensor, uOp or header line it concerns, e.g.
//   t.schedule:7: uop 2 EXEC relu y[0,0]: dep 9 does not exist (expected an earlier uop of the dma unit)
// A schedule that passes runs to the end on the simulator: no dependency can
// stall it, no index leaves its tensor or the SRAM, no size overflows.
// docs/schedule-format.md, "Checks of a hand-written schedule".
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "compiler/schedule/schedule.h"
#include "compiler/schedule/validator.h"

namespace tilesim::sched {

// Reads and fully checks the schedule in `path` for a hardware SRAM of
// hw_sram_bytes. Throws InputError "FILE:LINE: problem (expected ...)" for the
// first defect: the reader's, then sram_bytes against the hardware, then the
// tensor table's (the earliest line), then the validator's first in its order
// (uOps in order, outputs, totals); "FILE: ..." for what has no line (an empty
// file, a missing sram_bytes line, no graph output).
Schedule load_schedule_file(const std::string& path, std::int64_t hw_sram_bytes);

// The same for text already open; `name` stands for the file in messages.
Schedule load_schedule_text(std::istream& in, const std::string& name, std::int64_t hw_sram_bytes);

// What the simulator needs beyond the validator, for a schedule that does not
// come from the compiler: dims for every rank-3 and rank-4 tensor (the inputs
// it seeds and the outputs it writes take their shape from them), graph_output
// on every tensor of role output (else it is silently not written). Problems
// concern tensors (Subject::Tensor).
std::vector<Problem> check_hand_written(const Schedule& schedule);

}  // namespace tilesim::sched
