// The validator's checks of a schedule's layers (validator.h runs them after
// the totals): which layer each uOp belongs to (Schedule::uop_layer) and the
// figures each layer records, which the per-layer report of a run shows.
//
// Contract: uop_layer is empty (the layers are unknown: nothing more is
// checked, the layers' figures are not used) or holds one entry per uOp, each
// below layers.size() (a Subject::Uop problem). Then every layer has at least
// one uOp, and its recorded loads, stores, execs, loads_eliminated, dma_bytes
// (bytes loaded + stored) and compulsory_bytes equal the ones counted from its
// uOps (count_totals, totals.h); its sram_peak_bytes lies between the slots
// one of its uOps uses at once and the schedule's sram_peak_bytes. Those are
// Subject::Layer problems, in layer order. O(uOps).
#pragma once

#include <cstddef>
#include <vector>

#include "compiler/schedule/schedule.h"
#include "compiler/schedule/totals.h"
#include "compiler/schedule/validator.h"

namespace tilesim::sched {

// `counted` is count_totals(schedule). At most max_errors problems.
std::vector<Problem> check_layers(const Schedule& schedule, const ScheduleTotals& counted, std::size_t max_errors);

}  // namespace tilesim::sched
