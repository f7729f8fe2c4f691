// The schedule's text form: stable, diffable, one uOp per line, and readable
// back into the same Schedule (so tests and users can hand-write schedules for
// the simulator). docs/schedule-format.md gives the grammar; in short:
//
//   tilesim-schedule 1
//   model mlp
//   sram_bytes 12288
//   dram_layout row_major                          (optional: row_major or tile_major)
//   tensor 0 x input shape=[32,64] padded=[32,64] dram=0x0000
//   tensor 1 a input shape=[64,32] padded=[64,32] dram=0x2000 batch=2 dims=[2,64,32]
//   tensor 2 s param shape=[1] padded=[32] dram=0x6000 dims=[]     (a rank-0 scalar)
//   tensor 3 wt intermediate shape=[64,32] padded=[64,32] view=transpose(w)
//   tensor 4 x input shape=[30,3] padded=[32,32] dims=[1,3,5,6] layout=nhwc
//   tensor 5 xcol intermediate shape=[9,27] padded=[32,32] dims=[1,9,27] view=im2col(x) kernel=3x3
//            stride=2x2 dilation=1x1 pad=1x1 out=3x3 channel_stride=3 pad_value=0   (one line; view_text.h)
//   ...
//   totals loads=4 stores=1 execs=2 ...          (optional when hand-written)
//   layer name=y ops=matmul shapes="..." ...      (optional, any number)
//   uops 7                                        (optional: checked count)
//   0 dma LOAD x[0,0]@0x0000 deps=- layer=0       (layer=: on every uop or none)
//   2 compute EXEC matmul y[0,0]@0x2000 <- x[0,0]@0x0000 w[0,0]@0x1000 zero_init deps=1
//   5 compute EXEC scale z[0,0]@0x3000 <- y[0,0]@0x2000 scale=0.5 deps=4
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/schedule/schedule.h"

namespace tilesim::sched {

// Writes every field of the schedule that the format carries (all of them for a
// schedule whose unused uOp fields are left at their defaults).
void write_schedule_text(const Schedule& schedule, std::ostream& out);

// Where each item of a schedule file is: 1-based line numbers, 0 when the
// file has no such line. Lets a caller point at the line a problem concerns.
struct ScheduleLines {
  std::int64_t sram_bytes = 0;
  std::int64_t totals = 0;
  std::vector<std::int64_t> tensors;  // one per tensor, in index order
  std::vector<std::int64_t> layers;   // one per layer line, in order
  std::vector<std::int64_t> uops;     // one per uOp, in id order
};

// Parses the text form. `name` is the file name used in messages. Malformed
// input throws tilesim::InputError "NAME:LINE: what is wrong (expected ...)";
// the reader checks syntax, names and the ranges of the numbers it stores
// (tile coordinates and ids fit in 32 bits, lines at most 1 MiB).
// DRAM addresses (dram=) are all or nothing: a file that gives none gets the
// compiler's default placement (place_tensors, dram_placement.h); one that
// gives some must give every tensor that is not a view its own.
// Totals the file leaves out are counted from the uOps (count_totals in
// totals.h; sram_peak_bytes: the slots used); so are the figures a layer line
// leaves out when the uOps give their layer= (sram_peak_bytes: the schedule's),
// else they are 0. A uOp's layer= must name a layer line (they come first). The result is NOT validated: call
// validate(), or read a hand-written file with load_schedule_file()
// (schedule_file.h), which checks everything. `lines`, when given, receives
// the line of each item.
Schedule read_schedule_text(std::istream& in, const std::string& name, ScheduleLines* lines = nullptr);

}  // namespace tilesim::sched
