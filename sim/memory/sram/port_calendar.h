// The reservation calendar of one SRAM bank port: which cycles it is already
// promised to an access. docs/sram-model.md, "Serving an access".
//
// Contract: reserve(from, n) promises the n earliest cycles >= `from` that no
// earlier reservation holds (not necessarily consecutive: the port serves
// the access in every free cycle, around cycles it promised before) and
// returns the cycle after the last of them. Reservations are kept as sorted,
// disjoint, coalesced intervals; forget_before(t) drops the intervals that
// end at or before t, which no later reservation can reach. Cost per call:
// linear in the live intervals, a handful in practice.
#pragma once

#include <cstdint>
#include <vector>

namespace tilesim::sim {

class PortCalendar {
 public:
  struct Interval {
    std::int64_t begin;  // first reserved cycle
    std::int64_t end;    // one past the last
  };

  // n >= 1. Returns the cycle after the last one reserved.
  std::int64_t reserve(std::int64_t from, std::int64_t n);
  // Drops intervals wholly before cycle t (end <= t).
  void forget_before(std::int64_t t);

  const std::vector<Interval>& intervals() const { return busy_; }

 private:
  std::vector<Interval> busy_;
};

}  // namespace tilesim::sim
