// Orders the uOp list by when each uOp is expected to start.
//
// The allocator emits a LOAD right before the EXEC that needs it. A
// sequencer that issues uOps in list order into shallow per-unit queues would
// then hand the DMA engine its next LOADs only a queue's depth of EXECs in
// advance, and the units would mostly take turns. This pass runs the cycle
// model statically (each unit in order; a uOp starts when its unit is free
// and its dependency has finished) and merges the two units' streams by
// estimated start time. A LOAD thus moves up to right after the EXEC that
// frees its slot, and the list interleaves the units the way they will run.
// Each unit's own order, and so every hazard, is unchanged; dependencies are
// renumbered and still point backwards. Schedule::uop_layer, when it holds
// one entry per uOp, moves with its uOp.
#pragma once

#include <cstdint>

#include "compiler/hw/cost_model.h"
#include "compiler/schedule/schedule.h"
#include "compiler/schedule/transfer_bytes.h"

namespace tilesim::sched {

// `bytes` was built from `schedule` (it survives the reordering).
void order_by_start_time(Schedule& schedule, const CostModel& costs, const TransferBytes& bytes);

}  // namespace tilesim::sched
