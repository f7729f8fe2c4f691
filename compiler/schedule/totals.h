// A schedule's totals, counted from its uOps and tensor table: the one
// definition that the scheduler (filling them), the schedule text reader
// (filling the ones a file leaves out), the validator (checking the ones a
// schedule records) and the simulator's lower bound all use.
//
// Definitions (docs/schedule-format.md, "Totals"):
//  * loads, stores, execs: uOps of each kind; bytes_loaded, bytes_stored: the
//    sum of what the LOADs and STOREs move (TransferBytes: a tile's
//    tile_transfer_bytes(), a gather view's tile its distinct elements' bytes).
//  * loads_eliminated: EXEC operand reads that no LOAD brought in just for
//    them: an operand whose slot was written by a LOAD that no EXEC has read
//    since counts as loaded; every other operand read counts as eliminated.
//  * slots_used_bytes: distinct SRAM slots any uOp touches, x 4096: an upper
//    bound of the peak (the scheduler knows the true peak; a hand-written
//    schedule's peak is taken to be this).
//  * compulsory_loads: distinct input and param tiles that some EXEC reads, a
//    transpose view's tile counted as the tile of the tensor it shows (view
//    tile (r, c) of matrix b is X's tile (c, r) of matrix b), so reading X and
//    X's transpose costs one load per tile, and a gather view's tile as every
//    tile of X its elements lie in; compulsory_bytes: those tiles' bytes —
//    whole for a tile read whole, 4 per distinct element for a tile only
//    gathers read (a gather moves only its elements: the bound stays below
//    every run) — plus every graph-output tile stored once.
//  * layers: when Schedule::uop_layer gives every uOp's layer, one entry per
//    Schedule::layers entry with the counts above over that layer's uOps
//    (an EXEC's loads_eliminated in the EXEC's layer), and its
//    compulsory_bytes: the bytes of its compulsory transfers — its LOADs that
//    bring an input or param tile (a transpose view's as the tile it shows,
//    a gather view's tile as itself, with the bytes it gathers) into SRAM for
//    the first time in the list, and its STOREs of graph-output tiles.
//    Over the layers these add up to the schedule's figures; compulsory_bytes
//    too when every tile loaded is read by some EXEC, every graph-output
//    tile stored once and no gather reads an element another gather tile
//    reads (overlapping im2col windows count their shared elements in each). A layer's compulsory transfers are among its own uOps, so its
//    lower bound never exceeds its span in a run.
//
// Safe on any Schedule, also one the validator would reject: references out
// of range count no bytes and no compulsory tile; a gather view that is not
// gatherable() (view_gather.h) counts tile_transfer_bytes() and no compulsory
// tile. O(uOps) time; memory
// O(distinct compulsory tiles) plus two bits per SRAM slot up to the highest
// address named.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/schedule/schedule.h"
#include "compiler/schedule/transfer_bytes.h"

namespace tilesim::sched {

struct LayerTotals {
  std::int64_t loads = 0, stores = 0, execs = 0;
  std::int64_t loads_eliminated = 0;
  std::int64_t bytes_loaded = 0, bytes_stored = 0;
  std::int64_t compulsory_bytes = 0;
};

struct ScheduleTotals {
  std::int64_t loads = 0, stores = 0, execs = 0;
  std::int64_t loads_eliminated = 0;
  std::int64_t bytes_loaded = 0, bytes_stored = 0;
  std::int64_t slots_used_bytes = 0;
  std::int64_t compulsory_loads = 0, compulsory_bytes = 0;
  std::vector<LayerTotals> layers;  // empty when the uOps' layers are unknown
};

ScheduleTotals count_totals(const Schedule& schedule);
// The same with `bytes` built from `schedule` (one gather of each view tile
// for both, where the scheduler has one already).
ScheduleTotals count_totals(const Schedule& schedule, const TransferBytes& bytes);

// Copies every counted total into `schedule` (sram_peak_bytes from
// slots_used_bytes only when `with_peak`: the scheduler keeps its own peak).
void set_totals(Schedule& schedule, const ScheduleTotals& totals, bool with_peak);

}  // namespace tilesim::sched
