// `tilesim compile --emit summary`: per-layer and total figures of a schedule.
#pragma once

#include <ostream>

#include "compiler/schedule/schedule.h"

namespace tilesim::sched {

void write_summary(const Schedule& schedule, std::ostream& out);

}  // namespace tilesim::sched
