#include "sim/memory/dram/request_feeder.h"

namespace tilesim::dram {

FeedResult feed_requests(DramSystem& dram, std::uint64_t count,
                         const std::function<std::uint64_t(std::uint64_t)>& address,
                         const std::function<bool(std::uint64_t)>& is_write) {
  FeedResult result;
  result.completions.reserve(count);
  std::uint64_t next = 0;
  std::int64_t now = 0;
  while (result.completions.size() < count) {
    while (next < count && dram.can_accept(address(next))) {
      dram.enqueue(DramRequest{next, address(next), is_write ? is_write(next) : false, now});
      ++next;
    }
    now = dram.next_event_ps();
    dram.advance_to(now, result.completions);
  }
  result.last_done_ps = result.completions.empty() ? 0 : result.completions.back().done_ps;
  return result;
}

double achieved_bytes_per_second(const DramSystem& dram, const FeedResult& result) {
  if (result.last_done_ps <= 0) return 0.0;
  return static_cast<double>(dram.stats().total.bytes) * 1e12 / static_cast<double>(result.last_done_ps);
}

}  // namespace tilesim::dram
