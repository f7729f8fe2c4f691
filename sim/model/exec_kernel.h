// What the compute unit does with an EXEC's data: the one mapping from a uOp
// to the tile kernels (kernels/kernel_set.h), shared by the simulator's
// compute unit and bench/sim/kernel_replay. Knows the schedule and the
// kernels, nothing of SystemC.
//
// Every EXEC but matmul then writes +0 into the padding of its result tile,
// the elements beyond the tensor's true rows and columns (schedule.h), as the
// vector unit's write mask would: an activation with f(0) != 0 (sigmoid, a
// clip above 0), a column broadcast or a row read past a rank-1 tensor's one
// row would otherwise leave values there that a later matmul sums over K.
#pragma once

#include "compiler/schedule/schedule.h"
#include "kernels/kernel_set.h"

namespace tilesim::sim {

// Runs `uop` (an EXEC of `schedule`, validated) on the SRAM bytes at `sram`
// with the kernel set `k`.
void run_exec(const kernels::KernelSet& k, const sched::Schedule& schedule, const sched::Uop& uop, unsigned char* sram);

}  // namespace tilesim::sim
