// The matrix of small runs on a timed DRAM that the replay and the simulator
// are compared on (and the replay's own contract checks run on): small models
// (the default MLP, random MLPs with odd shapes and biases, the hand-written
// schedule of docs/schedule-format.md with a stack, a transposed view, a
// scalar bias and a scale; a convolution through an im2col gather; a concat
// through place views, one LOAD of which reads nothing) times configurations (ddr4-3200, lpddr4-3200 and
// hbm2; both layouts; 1 and 2 DMA engines; 1, 4 and 16 bursts in flight; the
// ideal SRAM and narrow banks; a short channel queue; clocks on and off the
// DRAM's grid; no setup cycles). Each case is a few hundred uOps at most.
#pragma once

#include <string>
#include <vector>

#include "compiler/hw/hw_config.h"
#include "compiler/schedule/schedule.h"

namespace tilesim::test {

struct TimedCase {
  std::string name;  // "model on configuration", for messages
  sched::Schedule schedule;
  HwConfig hw;
};

// configs/hw/default.yaml with each configuration's --set overrides.
std::vector<TimedCase> timed_cases();

}  // namespace tilesim::test
