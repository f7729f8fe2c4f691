// One channel's memory controller (docs/dram-model.md, "Scheduling"): a
// request queue of queue_depth bursts, FR-FCFS over per-bank choices, the
// open- or closed-page policy, all-bank refresh per rank every tREFI, and the
// completions in order of their data on the bus.
//
// Event-driven: it never ticks. Each step computes, from the timing state,
// the earliest cycle any candidate command may issue and issues the winner
// there, so a step costs O(queue + banks) whatever the gap in time.
// advance_to(now) decides every cycle up to floor(now / tck); a request
// enqueued later takes part from the first undecided cycle (enqueue first
// when requests arrive at the instant you advance to).
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <vector>

#include "compiler/hw/dram_config.h"
#include "sim/memory/dram/address_map.h"
#include "sim/memory/dram/channel_timing.h"
#include "sim/memory/dram/dram_types.h"

namespace tilesim::dram {

class ChannelController {
 public:
  explicit ChannelController(const DramConfig& config);

  bool can_accept() const { return static_cast<std::int64_t>(queue_.size()) < config_.queue_depth; }
  void enqueue(const DramRequest& request, const DramCoordinates& where, std::uint64_t burst_address);
  // The earliest time something happens for a request: a command issues or a
  // burst completes; kNever when no request is queued or in flight.
  std::int64_t next_event_ps() const {
    std::int64_t t = oldest_done_ps();
    if (!queue_.empty()) {
      const Decision& d = next_decision();
      if (d.valid) t = std::min(t, d.cycle * config_.tck_ps);
    }
    return t;
  }
  // The earliest time a caller must advance to so as not to miss a
  // completion: the oldest burst in flight (a burst issued later has its data
  // later on this channel's bus), else the next command for a queued request.
  std::int64_t next_completion_bound_ps() const {
    return in_flight_.empty() ? next_event_ps() : oldest_done_ps();
  }
  // Issues every command up to `now_ps` and appends each burst done by then.
  void advance_to(std::int64_t now_ps, std::vector<DramCompletion>& done) {
    advance_to(now_ps, now_ps / config_.tck_ps, done);
  }
  // The same with `horizon`, floor(now_ps / tck), worked out by the caller (a
  // DramSystem, once for all its channels). Inline, for the common case: a
  // system advances every channel at any channel's event, and most find
  // nothing due, so that only the first undecided cycle moves.
  void advance_to(std::int64_t now_ps, std::int64_t horizon, std::vector<DramCompletion>& done) {
    if (cache_valid_ && (!cached_.valid || cached_.cycle > horizon) && oldest_done_ps() > now_ps) {
      next_cycle_ = std::max(next_cycle_, horizon + 1);
      return;
    }
    issue_and_complete(now_ps, horizon, done);
  }

  const DramChannelStats& stats() const { return stats_; }
  const ChannelTiming& timing() const { return timing_; }
  std::size_t queued() const { return queue_.size(); }
  // A request is queued or in flight (as of the last advance_to).
  bool busy() const { return !queue_.empty() || !in_flight_.empty(); }
  // The earliest time the controller issues a command if no request arrives:
  // with an empty queue, the next refresh (PREA or REF), which
  // next_event_ps() leaves out because it changes no completion. For a
  // caller that wants to see refreshes when they happen (a trace).
  std::int64_t next_command_ps() const {
    const Decision& d = next_decision();
    return d.valid ? d.cycle * config_.tck_ps : kNever;
  }

 private:
  enum class FirstCommand : std::uint8_t { kNone, kActivate, kPrecharge };
  struct Request {
    std::uint64_t id;
    std::uint64_t seq;  // enqueue order, breaks ties of arrival
    std::int64_t arrival_ps;
    std::int64_t arrival_cycle;  // the first cycle it may take part in
    std::uint64_t burst_address;
    BankIndex bank;
    std::int64_t row;
    bool is_write;
    std::uint64_t waits_for;  // seq + 1 of an older request to the same burst it must follow; 0: none
    FirstCommand first = FirstCommand::kNone;
  };
  // Set and read field by field, never copied whole: a copy of its 28 bytes
  // is two overlapping 16-byte moves, and a read across them waits for both
  // to retire (advance_to had 7% of a DDR4 run's profile doing so; now 2%).
  struct Decision {
    bool valid = false;
    std::int64_t cycle = 0;
    DramCommand command = DramCommand::kActivate;
    BankIndex bank = 0;
    int request = -1;  // index into queue_; -1 for a refresh command
    void set(std::int64_t at, DramCommand cmd, BankIndex b, int index) {
      valid = true;
      cycle = at;
      command = cmd;
      bank = b;
      request = index;
    }
  };
  struct Pending {
    std::uint64_t id;
    std::int64_t done_cycle;
  };

  // The next command from next_cycle_ on, cached until the state changes
  // (a new request or an issued command): the decision from any cycle up to
  // the decided one is the same decision.
  const Decision& next_decision() const {
    if (!cache_valid_) {
      decide(next_cycle_, cached_);
      cache_valid_ = true;
    }
    return cached_;
  }
  void decide(std::int64_t from_cycle, Decision& best) const;
  // When the oldest burst in flight is done (kNever: none).
  std::int64_t oldest_done_ps() const {
    return in_flight_.empty() ? kNever : in_flight_.front().done_cycle * config_.tck_ps;
  }
  void issue_and_complete(std::int64_t now_ps, std::int64_t horizon, std::vector<DramCompletion>& done);
  // Keeps the cached decision when the request just enqueued cannot change it.
  void update_cache_for(int index);
  bool is_hit(const Request& q) const { return timing_.is_open(q.bank) && timing_.open_row(q.bank) == q.row; }
  void refresh_candidates(std::int64_t cursor, Decision& best) const;
  void request_candidates(std::int64_t cursor, Decision& best, std::int64_t& next_arrival) const;
  void apply(const Decision& d);
  void complete_request(int index, std::int64_t cycle);

  DramConfig config_;
  ChannelTiming timing_;
  std::vector<Request> queue_;  // oldest first: by arrival, then enqueue order
  std::deque<Pending> in_flight_;
  std::vector<std::int64_t> refresh_due_;  // per rank: the cycle its next refresh is due
  std::vector<int> queued_per_bank_;
  int waiting_ = 0;              // queued requests that wait for an older one to their burst
  std::int64_t next_cycle_ = 0;  // the first cycle not decided yet
  std::uint64_t next_seq_ = 0;
  DramChannelStats stats_;
  mutable Decision cached_;
  mutable bool cache_valid_ = false;
  // Scratch of decide(): the request each bank serves next.
  mutable std::vector<int> choice_;
  mutable std::vector<char> chosen_hit_;  // whether that request is a row hit
  mutable std::vector<BankIndex> touched_;
};

}  // namespace tilesim::dram
