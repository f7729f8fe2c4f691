#include "sim/model/token_board.h"

namespace tilesim::sim {

using sched::kNoUop;

TokenBoard::TokenBoard(const char* name, const sched::Schedule& schedule)
    : sc_core::sc_prim_channel(name), schedule_(schedule), position_(schedule.uops.size()) {
  for (std::size_t i = 0; i < schedule.uops.size(); ++i) position_[i] = total_[index(schedule.uops[i].unit())]++;
}

bool TokenBoard::ready(std::uint32_t uop, const sc_core::sc_event** wait_on) {
  const std::size_t self = index(schedule_.uops[uop].unit());
  const std::uint32_t dep = schedule_.uops[uop].dep;
  if (dep != kNoUop && dep >= schedule_.uops.size()) {  // a token nobody will ever hand out
    waiting_for_[self] = dep;
    *wait_on = &never_;
    return false;
  }
  if (dep != kNoUop) {
    const std::size_t queue = index(schedule_.uops[dep].unit());
    if (completed_[queue] <= position_[dep]) {
      waiting_for_[self] = dep;
      *wait_on = &advanced_[queue];
      return false;
    }
  }
  waiting_for_[self] = kNoUop;
  return true;
}

bool TokenBoard::in_turn(std::uint32_t uop, const sc_core::sc_event** wait_on) {
  const std::size_t queue = index(schedule_.uops[uop].unit());
  if (completed_[queue] == position_[uop]) return true;
  *wait_on = &advanced_[queue];
  return false;
}

void TokenBoard::complete(std::uint32_t uop) {
  const std::size_t queue = index(schedule_.uops[uop].unit());
  ++completed_[queue];
  advanced_[queue].notify(sc_core::SC_ZERO_TIME);
}

}  // namespace tilesim::sim
