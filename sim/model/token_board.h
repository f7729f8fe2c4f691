// Dependency tokens between the units, as a SystemC channel the units reach
// through ports (sc_port<TokenIf>), not shared state.
//
// Contract: every uOp names at most one dependency, a uOp of another unit
// queue. Each queue (the DMA's, the compute unit's) completes its uOps in list
// order, so "uOp d has completed" is "d's queue has completed more uOps than
// d's position in it": one counter per queue replaces a token per uOp. A
// token costs no time: a uOp whose dependency completes at t may start at t.
#pragma once

#include <systemc>

#include <array>
#include <cstdint>
#include <vector>

#include "compiler/schedule/schedule.h"

namespace tilesim::sim {

class TokenIf : public virtual sc_core::sc_interface {
 public:
  // Whether uop's dependency has completed. When not, records what uop's
  // queue waits for (the stall report) and sets *wait_on to the event that
  // announces progress of the queue it waits on.
  virtual bool ready(std::uint32_t uop, const sc_core::sc_event** wait_on) = 0;
  // Whether every uOp before `uop` in its own queue has completed (several
  // DMA engines complete their uOps in queue order); when not, sets *wait_on
  // to the event that announces progress of that queue.
  virtual bool in_turn(std::uint32_t uop, const sc_core::sc_event** wait_on) = 0;
  // uop has completed (uOps of one queue complete in list order).
  virtual void complete(std::uint32_t uop) = 0;
};

class TokenBoard : public sc_core::sc_prim_channel, public TokenIf {
 public:
  TokenBoard(const char* name, const sched::Schedule& schedule);
  bool ready(std::uint32_t uop, const sc_core::sc_event** wait_on) override;
  bool in_turn(std::uint32_t uop, const sc_core::sc_event** wait_on) override;
  void complete(std::uint32_t uop) override;

  // After the run: each queue's first uOp not completed (uops.size() when
  // all have), and what it waits for (kNoUop: nothing).
  std::uint32_t head(sched::Unit queue) const { return head_[index(queue)]; }
  std::uint32_t waiting_for(sched::Unit queue) const { return waiting_for_[index(queue)]; }

 private:
  static std::size_t index(sched::Unit queue) { return static_cast<std::size_t>(queue); }
  std::size_t queue_of(std::uint32_t uop) const { return index(schedule_.uops[uop].unit()); }
  // The first uOp of `queue` at or after `from`.
  std::uint32_t next_of(std::size_t queue, std::uint32_t from) const;
  const sched::Schedule& schedule_;
  std::array<std::uint32_t, 2> head_{0, 0};
  std::array<std::uint32_t, 2> waiting_for_{sched::kNoUop, sched::kNoUop};
  std::array<bool, 2> watched_{false, false};  // a process waits on advanced_[queue]
  std::array<sc_core::sc_event, 2> advanced_;
  sc_core::sc_event never_;  // for a dependency on a uOp that does not exist
};

}  // namespace tilesim::sim
