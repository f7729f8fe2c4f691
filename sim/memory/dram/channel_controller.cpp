#include "sim/memory/dram/channel_controller.h"

#include <algorithm>

namespace tilesim::dram {

namespace {

// Candidates are ranked by cycle, then by kind, then by age.
enum Priority { kRefreshFirst = 0, kColumnFirst = 1, kRowCommand = 2 };

struct Rank {
  std::int64_t cycle;
  int priority;
  int order;  // the request's age (queue index) or the rank of a refresh
};

bool is_column(DramCommand cmd) { return cmd == DramCommand::kRead || cmd == DramCommand::kWrite; }

bool beats(const Rank& a, const Rank& b) {
  if (a.cycle != b.cycle) return a.cycle < b.cycle;
  if (a.priority != b.priority) return a.priority < b.priority;
  return a.order < b.order;
}

}  // namespace

ChannelController::ChannelController(const DramConfig& config)
    : config_(config),
      timing_(config),
      refresh_due_(static_cast<std::size_t>(config.ranks), config.tREFI),
      queued_per_bank_(static_cast<std::size_t>(timing_.banks()), 0),
      choice_(static_cast<std::size_t>(timing_.banks()), -1),
      chosen_hit_(static_cast<std::size_t>(timing_.banks()), false) {
  queue_.reserve(static_cast<std::size_t>(config.queue_depth));
}

void ChannelController::enqueue(const DramRequest& request, const DramCoordinates& where, std::uint64_t burst_address) {
  Request q;
  q.id = request.id;
  q.seq = next_seq_++;
  q.arrival_ps = request.arrival_ps;
  q.arrival_cycle = std::max((request.arrival_ps + config_.tck_ps - 1) / config_.tck_ps, next_cycle_);
  q.burst_address = burst_address;
  q.bank = timing_.bank_index(where.rank, where.bank_group, where.bank);
  q.row = where.row;
  q.is_write = request.is_write;
  // A write must not pass, nor be passed by, another access to its burst.
  q.waits_for = 0;
  for (auto it = queue_.rbegin(); it != queue_.rend(); ++it) {
    if (it->burst_address == burst_address && (it->is_write || q.is_write)) {
      q.waits_for = it->seq + 1;
      ++waiting_;
      break;
    }
  }
  auto at = queue_.end();
  while (at != queue_.begin() && (at - 1)->arrival_ps > q.arrival_ps) --at;
  const int index = static_cast<int>(at - queue_.begin());
  queue_.insert(at, q);
  ++queued_per_bank_[q.bank];
  update_cache_for(index);
}

void ChannelController::update_cache_for(int index) {
  if (!cache_valid_) return;
  const Request& q = queue_[index];
  // Inserted before the end, it moved the cached request's index; with
  // requests waiting (it may be one), a bank's requests may be ineligible.
  if (index + 1 != static_cast<int>(queue_.size()) || waiting_ > 0) {
    cache_valid_ = false;
    return;
  }
  const bool hit = is_hit(q);
  if (queued_per_bank_[q.bank] > 1) {
    // The bank keeps its choice (an older request) unless the newcomer is a hit.
    if (hit) cache_valid_ = false;
    return;
  }
  // Alone in its bank: its own command competes with the cached winner.
  const DramCommand cmd = hit ? (q.is_write ? DramCommand::kWrite : DramCommand::kRead)
                              : (timing_.is_open(q.bank) ? DramCommand::kPrecharge : DramCommand::kActivate);
  const std::int64_t t = std::max({timing_.earliest(cmd, q.bank), next_cycle_, q.arrival_cycle});
  if (t >= refresh_due_[timing_.rank_of(q.bank)]) return;
  if (!cached_.valid || t < cached_.cycle ||
      (t == cached_.cycle && cached_.request >= 0 && hit && !is_column(cached_.command))) {
    cache_valid_ = false;
  }
}

void ChannelController::issue_and_complete(std::int64_t now_ps, std::int64_t horizon,
                                           std::vector<DramCompletion>& done) {
  for (;;) {
    const Decision& d = next_decision();  // apply() leaves it as it is
    if (!d.valid || d.cycle > horizon) break;
    const std::int64_t cycle = d.cycle;
    apply(d);
    next_cycle_ = cycle + 1;
  }
  next_cycle_ = std::max(next_cycle_, horizon + 1);
  while (!in_flight_.empty() && oldest_done_ps() <= now_ps) {
    // Field by field: a completion built on the stack and copied in was read
    // back (16 bytes) before its two 8-byte stores retired, and stalled.
    DramCompletion& completion = done.emplace_back();
    completion.id = in_flight_.front().id;
    completion.done_ps = in_flight_.front().done_cycle * config_.tck_ps;
    in_flight_.pop_front();
  }
}

void ChannelController::decide(std::int64_t cursor, Decision& best) const {
  for (;;) {
    best.valid = false;
    std::int64_t next_arrival = kNever;
    request_candidates(cursor, best, next_arrival);
    refresh_candidates(cursor, best);
    // A request arriving before the winner's cycle may change the choice:
    // decide again from its arrival.
    if (best.valid && best.cycle < next_arrival) return;
    if (next_arrival == kNever) return;
    cursor = next_arrival;
  }
}

void ChannelController::request_candidates(std::int64_t cursor, Decision& best, std::int64_t& next_arrival) const {
  // Each bank serves its oldest row hit, else its oldest request. The
  // vectors' data and size are read once: a store through `choice` could
  // otherwise alias them, and the loop reloaded them at every request.
  touched_.clear();
  int* const choice = choice_.data();
  char* const chosen_hit = chosen_hit_.data();
  const Request* const queue = queue_.data();
  const int queued = static_cast<int>(queue_.size());
  for (int i = 0; i < queued; ++i) {
    const Request& q = queue[i];
    if (q.arrival_cycle > cursor) {
      next_arrival = std::min(next_arrival, q.arrival_cycle);
      continue;
    }
    if (q.waits_for != 0) continue;
    int& chosen = choice[q.bank];
    if (chosen < 0) {
      chosen = i;
      chosen_hit[q.bank] = is_hit(q);
      touched_.push_back(q.bank);
    } else if (!chosen_hit[q.bank] && is_hit(q)) {
      chosen = i;
      chosen_hit[q.bank] = true;
    }
  }
  Rank best_rank{best.cycle, 0, 0};
  for (const BankIndex bank : touched_) {
    const int i = choice_[bank];
    choice_[bank] = -1;
    const Request& q = queue_[i];
    const bool hit = chosen_hit_[bank];
    const DramCommand cmd = hit ? (q.is_write ? DramCommand::kWrite : DramCommand::kRead)
                                : (timing_.is_open(bank) ? DramCommand::kPrecharge : DramCommand::kActivate);
    const std::int64_t t = std::max(timing_.earliest(cmd, bank), cursor);
    if (t >= refresh_due_[timing_.rank_of(bank)]) continue;  // the rank waits for its refresh
    const Rank rank{t, hit ? kColumnFirst : kRowCommand, i};
    if (!best.valid || beats(rank, best_rank)) {
      best.set(t, cmd, bank, i);
      best_rank = rank;
    }
  }
}

void ChannelController::refresh_candidates(std::int64_t cursor, Decision& best) const {
  for (int r = 0; r < timing_.ranks(); ++r) {
    if (best.valid && refresh_due_[r] > best.cycle) continue;  // cannot win
    const BankIndex any_bank = timing_.bank_index(r, 0, 0);
    const DramCommand cmd = timing_.any_open(r) ? DramCommand::kPrechargeAll : DramCommand::kRefresh;
    const std::int64_t t = std::max({timing_.earliest(cmd, any_bank), refresh_due_[r], cursor});
    // Refresh commands win ties; between ranks the lower wins.
    if (!best.valid || t < best.cycle || (t == best.cycle && best.request >= 0)) {
      best.set(t, cmd, any_bank, -1);
    }
  }
}

void ChannelController::apply(const Decision& d) {
  cache_valid_ = false;
  if (d.request < 0) {
    const ChannelTiming::Issued issued = timing_.issue(d.command, d.bank, d.cycle);
    stats_.precharges += static_cast<std::uint64_t>(issued.banks_closed);
    if (d.command == DramCommand::kRefresh) {
      ++stats_.refreshes;
      refresh_due_[timing_.rank_of(d.bank)] += config_.tREFI;
    }
    return;
  }
  Request& q = queue_[d.request];
  switch (d.command) {
    case DramCommand::kActivate:
      timing_.issue(d.command, d.bank, d.cycle, q.row);
      ++stats_.activates;
      if (q.first == FirstCommand::kNone) q.first = FirstCommand::kActivate;
      break;
    case DramCommand::kPrecharge:
      timing_.issue(d.command, d.bank, d.cycle);
      ++stats_.precharges;
      if (q.first == FirstCommand::kNone) q.first = FirstCommand::kPrecharge;
      break;
    default: {
      const bool closed_page = config_.page_policy == PagePolicy::kClosed;
      const ChannelTiming::Issued issued = timing_.issue(d.command, d.bank, d.cycle, 0, closed_page);
      stats_.precharges += static_cast<std::uint64_t>(issued.banks_closed);
      complete_request(d.request, issued.data_end);
    }
  }
}

void ChannelController::complete_request(int index, std::int64_t end_cycle) {
  const Request& q = queue_[index];  // erased last, once its fields are used
  const std::int64_t done_ps = end_cycle * config_.tck_ps;
  if (q.is_write) {
    ++stats_.writes;
  } else {
    ++stats_.reads;
    stats_.read_latency_sum_ps += done_ps - q.arrival_ps;
    stats_.read_latency_max_ps = std::max(stats_.read_latency_max_ps, done_ps - q.arrival_ps);
  }
  stats_.bytes += static_cast<std::uint64_t>(config_.burst_bytes());
  stats_.data_bus_busy_ps += config_.burst_cycles() * config_.tck_ps;
  if (q.first == FirstCommand::kNone) ++stats_.row_hits;
  if (q.first == FirstCommand::kActivate) ++stats_.row_misses;
  if (q.first == FirstCommand::kPrecharge) ++stats_.row_conflicts;
  Pending& pending = in_flight_.emplace_back();  // field by field, as in advance_to
  pending.id = q.id;
  pending.done_cycle = end_cycle;
  --queued_per_bank_[q.bank];
  const std::uint64_t follower_mark = q.seq + 1;
  queue_.erase(queue_.begin() + index);
  if (waiting_ == 0) return;
  for (Request& other : queue_) {
    if (other.waits_for != follower_mark) continue;
    other.waits_for = 0;
    --waiting_;
  }
}

}  // namespace tilesim::dram
