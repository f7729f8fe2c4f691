#include "sim/memory/sram/sram_banks.h"

#include <algorithm>
#include <stdexcept>

namespace tilesim::sim {

SramBanks::SramBanks(const SramBanksConfig& config, std::vector<std::string> requesters) : config_(config) {
  if (requesters.empty()) throw std::invalid_argument("SramBanks: no requesters");
  // read_sram_banks() refuses these in a file; a program that builds a
  // config by hand gets no undefined arithmetic either.
  if (config.banks < 0 || config.banks > kMaxSramBanks || config.bank_bytes_per_cycle < 1 ||
      config.interleave_bytes < 1 || (config.interleave_bytes & (config.interleave_bytes - 1)) != 0) {
    throw std::invalid_argument("SramBanks: invalid banks configuration");
  }
  for (auto& name : requesters) stats_.push_back(SramRequesterStats{std::move(name)});
  const std::int64_t per_bank = config.ports_per_bank == SramPorts::OneReadWrite ? 1 : 2;
  ports_.resize(static_cast<std::size_t>(config.banks * per_bank));
  read_cycles_.assign(static_cast<std::size_t>(config.banks), 0);
  write_cycles_.assign(static_cast<std::size_t>(config.banks), 0);
}

SramTicket SramBanks::request(std::size_t requester, std::int64_t start, std::int64_t busy_cycles,
                              const std::vector<SramAccess>& accesses, std::uint64_t order) {
  if (requester >= stats_.size()) throw std::invalid_argument("SramBanks: unknown requester");
  if (start < 0 || busy_cycles < 0) throw std::invalid_argument("SramBanks: negative start or busy cycles");
  if (start <= served_through_) {
    // A request another one already served should have waited for.
    throw std::logic_error("SramBanks: request at cycle " + std::to_string(start) + " after the requests up to cycle " +
                           std::to_string(served_through_) + " were served");
  }
  std::vector<SramAccess> list;
  if (!spare_.empty()) {
    list = std::move(spare_.back());
    spare_.pop_back();
  }
  list.assign(accesses.begin(), accesses.end());
  pending_.push_back(Pending{next_id_, requester, start, busy_cycles, std::move(list), order});
  return SramTicket{next_id_++};
}

SramOutcome SramBanks::finish(SramTicket ticket) {
  auto served = [&] {
    return std::find_if(served_.begin(), served_.end(), [&](const auto& s) { return s.first == ticket.id; });
  };
  auto it = served();
  if (it == served_.end()) {
    const auto pending =
        std::find_if(pending_.begin(), pending_.end(), [&](const Pending& p) { return p.id == ticket.id; });
    if (pending == pending_.end()) throw std::logic_error("SramBanks: unknown or finished ticket");
    serve_through(pending->start);
    it = served();
  }
  const SramOutcome outcome = it->second;
  served_.erase(it);
  return outcome;
}

// Serves every pending request with start <= last_start, in the order
// (start, requester, call): the caller vouches that all of them were made.
void SramBanks::serve_through(std::int64_t last_start) {
  auto due =
      std::stable_partition(pending_.begin(), pending_.end(), [&](const Pending& p) { return p.start <= last_start; });
  std::sort(pending_.begin(), due, [](const Pending& a, const Pending& b) {
    if (a.start != b.start) return a.start < b.start;
    if (a.who != b.who) return a.who < b.who;
    if (a.order != b.order) return a.order < b.order;
    return a.id < b.id;
  });
  for (auto p = pending_.begin(); p != due; ++p) {
    served_.emplace_back(p->id, serve(*p));
    spare_.push_back(std::move(p->accesses));
  }
  pending_.erase(pending_.begin(), due);
  served_through_ = std::max(served_through_, last_start);
}

void SramBanks::count_traffic(SramRequesterStats& s, const SramTraffic& traffic) {
  ++s.requests;
  s.reads += traffic.reads;
  s.writes += traffic.writes;
  s.bytes_read += traffic.bytes_read;
  s.bytes_written += traffic.bytes_written;
}

void SramBanks::count_ideal(std::size_t requester, const SramTraffic& traffic) {
  if (!config_.ideal()) throw std::logic_error("SramBanks: count_ideal on banked SRAM");
  if (requester >= stats_.size()) throw std::invalid_argument("SramBanks: unknown requester");
  count_traffic(stats_[requester], traffic);
}

SramOutcome SramBanks::serve(const Pending& r) {
  SramRequesterStats& s = stats_[r.who];
  SramTraffic traffic;
  for (const SramAccess& a : r.accesses) traffic.add(a);
  count_traffic(s, traffic);
  if (config_.ideal()) return SramOutcome{r.start + r.busy, 0, 0};
  SramOutcome outcome = serve_on_banks(r, s);
  s.bandwidth_stall_cycles += outcome.bandwidth_stall_cycles;
  s.conflict_stall_cycles += outcome.conflict_stall_cycles;
  if (outcome.conflict_stall_cycles > 0) ++s.conflicted_requests;
  return outcome;
}

PortCalendar& SramBanks::port(std::int64_t bank, bool is_write) {
  if (config_.ports_per_bank == SramPorts::OneReadWrite) return ports_[static_cast<std::size_t>(bank)];
  return ports_[static_cast<std::size_t>(2 * bank + (is_write ? 1 : 0))];
}

SramOutcome SramBanks::serve_on_banks(const Pending& r, SramRequesterStats& stats) {
  // Split every access over its banks; sum this request's own cycles per bank.
  shares_.clear();
  share_begin_.clear();
  for (const SramAccess& a : r.accesses) {
    share_begin_.push_back(shares_.size());
    if (a.bytes == 0) continue;
    split_over_banks(config_, a.address, a.bytes, &one_);
    for (const SramBankShare& share : one_) {
      (a.is_write ? write_cycles_ : read_cycles_)[static_cast<std::size_t>(share.bank)] += share.cycles;
      touched_.push_back(share.bank);
      stats.port_cycles += share.cycles;
    }
    shares_.insert(shares_.end(), one_.begin(), one_.end());
  }
  share_begin_.push_back(shares_.size());
  std::int64_t own_reads = 0, own_writes = 0;  // cycles on the busiest bank
  for (const std::int64_t bank : touched_) {
    own_reads = std::max(own_reads, read_cycles_[static_cast<std::size_t>(bank)]);
    own_writes = std::max(own_writes, write_cycles_[static_cast<std::size_t>(bank)]);
    read_cycles_[static_cast<std::size_t>(bank)] = write_cycles_[static_cast<std::size_t>(bank)] = 0;
  }
  touched_.clear();

  // Reads from the start, then writes released to end at start + busy.
  const std::int64_t end = r.start + r.busy;
  auto serve_accesses = [&](bool writes, std::int64_t from) {
    std::int64_t done = from;
    for (std::size_t i = 0; i < r.accesses.size(); ++i) {
      if (r.accesses[i].is_write != writes) continue;
      for (std::size_t k = share_begin_[i]; k < share_begin_[i + 1]; ++k) {
        PortCalendar& cal = port(shares_[k].bank, writes);
        cal.forget_before(r.start);  // no request served later starts earlier
        done = std::max(done, cal.reserve(from, shares_[k].cycles));
      }
    }
    return done;
  };
  const std::int64_t reads_done = serve_accesses(false, r.start);
  const std::int64_t writes_done = serve_accesses(true, std::max(end - own_writes, reads_done));
  const std::int64_t finish = std::max({end, reads_done, writes_done});

  // The same with every port to itself: reads back to back from the start.
  const std::int64_t alone_reads = r.start + own_reads;
  const std::int64_t alone = std::max({end, alone_reads, std::max(end - own_writes, alone_reads) + own_writes});
  return SramOutcome{finish, alone - end, finish - alone};
}

}  // namespace tilesim::sim
