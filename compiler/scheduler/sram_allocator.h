// Turns the EXEC stream into the final schedule: gives every tile an SRAM
// slot, inserts the LOADs and STOREs, and emits each uOp's dependency.
//
// Policy, in order of preference when a slot is needed:
//  1. a free slot, oldest-freed first: consecutive LOADs land in slots the
//     compute unit finished with earlier, so a LOAD for EXEC k+1 never waits
//     for EXEC k (double buffering without fixed ping/pong halves);
//  2. a finished graph-output tile whose STORE was held back (see below);
//  3. the resident tile used furthest in the future (Belady's MIN, optimal
//     for a known stream); a dirty one (a partial sum, or a layer output
//     that is still needed) is stored first and reloaded when needed.
// STOREs of finished output tiles are held back a few EXECs so the DMA queue
// does not block on them ahead of the next LOADs. A view's LOAD reads DRAM, so
// the held-back STOREs of the tiles it reads (view_gather.h, viewed_tiles) are
// sent before it, and only those: a conv's gathers of its image overlap the
// STOREs of its output.
#pragma once

#include <cstdint>

#include "compiler/schedule/schedule.h"
#include "compiler/scheduler/tile_program.h"

namespace tilesim::sched {

struct AllocatorOptions {
  std::int64_t sram_tiles = 0;
  std::int64_t store_delay_execs = 2;
  // Slots kept free by evicting early, and how far ahead (in EXECs) a tile's
  // next use must be for it to be evicted early.
  std::int64_t free_pool_tiles = 0;
  std::int64_t free_pool_horizon_execs = 128;
};

// Appends the uOps for `program` to schedule.uops, the layer of each to
// schedule.uop_layer, and fills the totals and the per-layer counters of
// schedule.layers (which lowering created). Consumes `program`: the pages of
// the EXECs already turned into uOps are given back as it goes, and `program`
// holds nothing useful afterwards.
void allocate_and_emit(TileProgram&& program, const TileSpace& space, const AllocatorOptions& options,
                       Schedule& schedule);

}  // namespace tilesim::sched
