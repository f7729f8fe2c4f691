#include "sim/model/token_board.h"

namespace tilesim::sim {

using sched::kNoUop;

TokenBoard::TokenBoard(const char* name, const sched::Schedule& schedule)
    : sc_core::sc_prim_channel(name), schedule_(schedule) {
  for (std::size_t q = 0; q < head_.size(); ++q) head_[q] = next_of(q, 0);
}

std::uint32_t TokenBoard::next_of(std::size_t queue, std::uint32_t from) const {
  const auto n = static_cast<std::uint32_t>(schedule_.uops.size());
  while (from < n && queue_of(from) != queue) ++from;
  return from;
}

bool TokenBoard::ready(std::uint32_t uop, const sc_core::sc_event** wait_on) {
  const std::size_t self = queue_of(uop);
  const std::uint32_t dep = schedule_.uops[uop].dep;
  if (dep != kNoUop && dep >= schedule_.uops.size()) {  // a token nobody will ever hand out
    waiting_for_[self] = dep;
    *wait_on = &never_;
    return false;
  }
  if (dep != kNoUop) {
    const std::size_t queue = queue_of(dep);
    if (dep >= head_[queue]) {
      waiting_for_[self] = dep;
      watched_[queue] = true;
      *wait_on = &advanced_[queue];
      return false;
    }
  }
  waiting_for_[self] = kNoUop;
  return true;
}

bool TokenBoard::in_turn(std::uint32_t uop, const sc_core::sc_event** wait_on) {
  const std::size_t queue = queue_of(uop);
  if (head_[queue] == uop) return true;
  watched_[queue] = true;
  *wait_on = &advanced_[queue];
  return false;
}

void TokenBoard::complete(std::uint32_t uop) {
  const std::size_t queue = queue_of(uop);
  head_[queue] = next_of(queue, uop + 1);
  if (!watched_[queue]) return;
  // Every process waiting on the event wakes; one still blocked asks again.
  watched_[queue] = false;
  advanced_[queue].notify(sc_core::SC_ZERO_TIME);
}

}  // namespace tilesim::sim
