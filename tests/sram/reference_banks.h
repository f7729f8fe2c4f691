// An independent, deliberately naive re-computation of docs/sram-model.md:
// bytes counted onto banks one by one, port cycles kept as one flag per
// cycle, requests served after sorting them all. Slow and obvious, for
// checking SramBanks (interval calendars, lazy two-phase serving) against.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/hw/sram_banks_config.h"
#include "sim/memory/sram/sram_banks.h"

namespace tilesim::test {

struct ReferenceRequest {
  std::size_t who = 0;
  std::int64_t start = 0;
  std::int64_t busy = 0;
  std::vector<sim::SramAccess> accesses;
};

// The outcome of each request (same order as `requests`, which is the call
// order of requests with equal start and requester).
std::vector<sim::SramOutcome> reference_outcomes(const SramBanksConfig& config,
                                                 const std::vector<ReferenceRequest>& requests);

}  // namespace tilesim::test
