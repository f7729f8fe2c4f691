// A two-unit replay of a schedule through SramBanks, without SystemC: the
// rules of docs/cycle-model.md (in-order DMA and compute units, a uOp starts
// when its unit is free and its dependency has completed, tokens cost no
// time; the sequencer and FIFOs are left out: in compiled order they never
// change a cycle) with each uOp ending at SramBanks' finish instead of
// start + cost. It calls SramBanks the way a simulator's units must: request()
// when a uOp starts, finish() when its own cycles are over, and at one cycle
// the two units start in the order `dma_first` says (the result must not
// depend on it).
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/hw/hw_config.h"
#include "compiler/schedule/schedule.h"
#include "sim/memory/sram/sram_banks.h"

namespace tilesim::test {

struct Replay {
  std::int64_t cycles = 0;           // when the last uOp ended
  std::vector<std::int64_t> starts;  // per uOp
  std::vector<std::int64_t> finishes;
  std::vector<sim::SramRequesterStats> sram;  // dma, compute
};

Replay replay(const sched::Schedule& schedule, const HwConfig& hw, const SramBanksConfig& banks, bool dma_first = true);

}  // namespace tilesim::test
