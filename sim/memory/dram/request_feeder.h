// Drives a DramSystem the way a saturating requester would: request i (its
// address and direction from the callbacks) arrives as soon as its channel's
// queue has room, in order, and the run ends when the last one completes. For
// tests and benchmarks of bandwidth and latency; the simulator's DMA engine
// drives the DramSystem itself.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/memory/dram/dram_system.h"

namespace tilesim::dram {

struct FeedResult {
  std::int64_t last_done_ps = 0;  // when the last burst completed
  std::vector<DramCompletion> completions;
};

FeedResult feed_requests(DramSystem& dram, std::uint64_t count,
                         const std::function<std::uint64_t(std::uint64_t)>& address,
                         const std::function<bool(std::uint64_t)>& is_write = nullptr);

// Bytes per second of a finished run: every burst's bytes over the time to the last completion.
double achieved_bytes_per_second(const DramSystem& dram, const FeedResult& result);

}  // namespace tilesim::dram
