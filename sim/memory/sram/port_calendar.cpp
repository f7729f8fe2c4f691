#include "sim/memory/sram/port_calendar.h"

#include <algorithm>

namespace tilesim::sim {

std::int64_t PortCalendar::reserve(std::int64_t from, std::int64_t n) {
  // The common cases in O(1): nothing promised from `from` on, or the last
  // interval covers `from` (the port is busy without a gap until its end).
  if (busy_.empty() || busy_.back().end < from) {
    busy_.push_back(Interval{from, from + n});
    return from + n;
  }
  if (busy_.back().begin <= from) {
    busy_.back().end = std::max(busy_.back().end, from) + n;
    return busy_.back().end;
  }
  // Fill the gaps between promised intervals, earliest first, coalescing.
  std::int64_t cursor = from;
  std::size_t i = 0;
  while (n > 0) {
    while (i < busy_.size() && busy_[i].end <= cursor) ++i;
    if (i < busy_.size() && busy_[i].begin <= cursor) {  // busy: skip to the interval's end
      cursor = busy_[i++].end;
      continue;
    }
    // Free from `cursor` up to the next interval (or for ever).
    const std::int64_t take = i < busy_.size() ? std::min(n, busy_[i].begin - cursor) : n;
    const bool join_before = i > 0 && busy_[i - 1].end == cursor;
    const bool join_after = i < busy_.size() && cursor + take == busy_[i].begin;
    if (join_before && join_after) {  // the gap closes: one interval
      busy_[i - 1].end = busy_[i].end;
      busy_.erase(busy_.begin() + static_cast<std::ptrdiff_t>(i));
      --i;
    } else if (join_before) {
      busy_[i - 1].end = cursor + take;
    } else if (join_after) {
      busy_[i].begin = cursor;
    } else {
      busy_.insert(busy_.begin() + static_cast<std::ptrdiff_t>(i), Interval{cursor, cursor + take});
      ++i;
    }
    cursor += take;
    n -= take;
  }
  return cursor;
}

void PortCalendar::forget_before(std::int64_t t) {
  std::size_t dead = 0;
  while (dead < busy_.size() && busy_[dead].end <= t) ++dead;
  if (dead > 0) busy_.erase(busy_.begin(), busy_.begin() + static_cast<std::ptrdiff_t>(dead));
}

}  // namespace tilesim::sim
