// An independent re-computation of a run on a timed DRAM, without SystemC:
// the rules of docs/cycle-model.md, "Timed DRAM: the DMA engines and their
// bursts" and "SRAM banks", applied literally to a schedule, with the DRAM
// timed by tilesim::dram::DramSystem and the SRAM's ports by
// tilesim::sim::SramBanks. It shares no code with the simulator (sim/model/):
// a simulator that disagrees with it on any figure breaks a rule, or the
// rules are ambiguous (the choices this replay makes where the page is
// silent are listed in timed_replay.cpp, "Interpretations").
//
// Contract: `hw.dram` is a timed preset (not `ideal`: std::invalid_argument);
// the schedule passed the validator (a schedule that deadlocks anyway throws
// std::runtime_error). Deterministic. The loop visits only the accelerator
// cycles at which something can happen (a timer of a unit, or a DRAM event),
// so its cost is O(events x (engines + DRAM channels)), a few seconds for the
// large MLP's 1.5 M bursts.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/hw/hw_config.h"
#include "compiler/schedule/schedule.h"
#include "sim/memory/dram/dram_types.h"
#include "sim/memory/sram/sram_banks.h"

namespace tilesim::test {

struct TimedReplayOptions {
  bool record_bursts = false;  // fill TimedReplay::bursts (memory: one record per burst)
};

// One burst of a LOAD (a read) or a STORE (a write), for hand-derived tests.
struct BurstRecord {
  std::uint32_t uop = 0;  // the schedule's uOp id
  std::uint64_t address = 0;
  bool is_write = false;
  std::int64_t issue = 0;       // t_j, accelerator cycles
  std::int64_t accept_ps = 0;   // when the channel queue took it (its arrival_ps at the DRAM)
  std::int64_t done_ps = 0;     // the DRAM's completion
  std::int64_t done_cycle = 0;  // ceil_cycle(done_ps): when its slot frees
};

struct TimedReplay {
  std::int64_t cycles = 0;                    // the last completion of either unit
  std::vector<std::int64_t> starts;           // per uOp: s_u
  std::vector<std::int64_t> completions;      // per uOp: C_u (an EXEC: its end)
  std::int64_t dma_busy_cycles = 0;           // length of the union of [s_u, C_u) over LOADs and STOREs
  std::int64_t compute_busy_cycles = 0;       // sum over EXECs of C_u - s_u (SRAM stalls included)
  std::int64_t overlap_cycles = 0;            // both busy at once
  std::int64_t bursts = 0;                    // bursts issued
  dram::DramStats dram;                       // after advancing the DRAM to cycles x cycle_ps
  std::vector<sim::SramRequesterStats> sram;  // dma, compute
  std::vector<BurstRecord> burst_log;         // in issue order, with options.record_bursts
};

TimedReplay timed_replay(const sched::Schedule& schedule, const HwConfig& hw, const TimedReplayOptions& options = {});

}  // namespace tilesim::test
