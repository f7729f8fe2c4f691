#include "sim/memory/dram/channel_timing.h"

#include <algorithm>

namespace tilesim::dram {

namespace {

// "Never happened": far enough back that no timing sum reaches the present,
// near enough that adding any timing cannot overflow.
constexpr std::int64_t kLongAgo = -(std::int64_t{1} << 40);

}  // namespace

ChannelTiming::ChannelTiming(const DramConfig& config)
    : c_(config),
      bank_groups_(static_cast<int>(config.bank_groups)),
      banks_per_group_(static_cast<int>(config.banks_per_group)),
      banks_per_rank_(static_cast<int>(config.banks_per_rank())),
      banks_(static_cast<std::size_t>(config.ranks * config.banks_per_rank()),
             Bank{false, 0, kLongAgo, kLongAgo, kLongAgo, kLongAgo}),
      groups_(static_cast<std::size_t>(config.ranks * config.bank_groups), Group{kLongAgo, kLongAgo, kLongAgo}),
      ranks_(static_cast<std::size_t>(config.ranks),
             Rank{kLongAgo, kLongAgo, kLongAgo, kLongAgo, {kLongAgo, kLongAgo, kLongAgo, kLongAgo}, 0}),
      last_command_(kLongAgo),
      last_read_(kLongAgo),
      bus_free_(kLongAgo) {
  for (std::size_t b = 0; b < banks_.size(); ++b) {
    banks_[b].rank = static_cast<int>(b) / banks_per_rank_;
    banks_[b].group = static_cast<int>(b) / banks_per_group_;
  }
}

bool ChannelTiming::any_open(int rank) const {
  const auto first = banks_.begin() + rank * banks_per_rank_;
  return std::any_of(first, first + banks_per_rank_, [](const Bank& bank) { return bank.open; });
}

bool ChannelTiming::state_allows(DramCommand cmd, BankIndex b) const {
  switch (cmd) {
    case DramCommand::kActivate:
      return !banks_[b].open;
    case DramCommand::kPrecharge:
    case DramCommand::kRead:
    case DramCommand::kWrite:
      return banks_[b].open;
    case DramCommand::kPrechargeAll:
      return any_open(rank_of(b));
    case DramCommand::kRefresh:
      return !any_open(rank_of(b));
  }
  return false;
}

std::int64_t ChannelTiming::earliest(DramCommand cmd, BankIndex b) const {
  switch (cmd) {
    case DramCommand::kActivate:
      return earliest_activate(b);
    case DramCommand::kPrecharge:
      return earliest_precharge(b);
    case DramCommand::kRead:
      return earliest_column(false, b);
    case DramCommand::kWrite:
      return earliest_column(true, b);
    case DramCommand::kPrechargeAll:
    case DramCommand::kRefresh:
      return earliest_rank_wide(cmd, rank_of(b));
  }
  return kLongAgo;
}

std::int64_t ChannelTiming::earliest_activate(BankIndex b) const {
  const Bank& bank = banks_[b];
  const Rank& rank = ranks_[rank_of(b)];
  const Group& group = groups_[banks_[b].group];
  return std::max({last_command_ + 1, bank.pre + c_.tRP, bank.act + c_.tRC, rank.act + c_.tRRD_S, group.act + c_.tRRD_L,
                   rank.act_window[rank.act_next] + c_.tFAW, rank.ref + c_.tRFC});
}

std::int64_t ChannelTiming::earliest_precharge(BankIndex b) const {
  const Bank& bank = banks_[b];
  return std::max(
      {last_command_ + 1, bank.act + c_.tRAS, bank.rd + c_.tRTP, bank.wr + c_.CWL + c_.burst_cycles() + c_.tWR});
}

std::int64_t ChannelTiming::earliest_column(bool write, BankIndex b) const {
  const Bank& bank = banks_[b];
  const int r = rank_of(b);
  const Rank& rank = ranks_[r];
  const Group& group = groups_[banks_[b].group];
  const std::int64_t latency = write ? c_.CWL : c_.CL;
  // The burst's data may start only once the previous burst's has ended
  // (plus the rank switch): bursts hold the bus in issue order.
  const std::int64_t bus = bus_free_ + (bus_rank_ == r ? 0 : c_.tRTRS) - latency;
  std::int64_t t = std::max({last_command_ + 1, bank.act + c_.tRCD, bus});
  if (write) {
    return std::max({t, rank.wr + c_.tCCD_S, group.wr + c_.tCCD_L, last_read_ + c_.tRTW});
  }
  const std::int64_t write_end = c_.CWL + c_.burst_cycles();
  return std::max({t, rank.rd + c_.tCCD_S, group.rd + c_.tCCD_L, rank.wr + write_end + c_.tWTR_S,
                   group.wr + write_end + c_.tWTR_L});
}

std::int64_t ChannelTiming::earliest_rank_wide(DramCommand cmd, int r) const {
  std::int64_t t = last_command_ + 1;
  for (BankIndex b = r * banks_per_rank_; b < (r + 1) * banks_per_rank_; ++b) {
    const Bank& bank = banks_[b];
    if (cmd == DramCommand::kPrechargeAll) {
      if (bank.open) t = std::max(t, earliest_precharge(b));
    } else {
      t = std::max({t, bank.pre + c_.tRP, bank.act + c_.tRC});
    }
  }
  if (cmd == DramCommand::kRefresh) t = std::max(t, ranks_[r].ref + c_.tRFC);
  return t;
}

ChannelTiming::Issued ChannelTiming::issue(DramCommand cmd, BankIndex b, std::int64_t cycle, std::int64_t row,
                                           bool auto_precharge) {
  last_command_ = cycle;
  Bank& bank = banks_[b];
  Rank& rank = ranks_[rank_of(b)];
  Issued done;
  switch (cmd) {
    case DramCommand::kActivate:
      bank.open = true;
      bank.row = row;
      bank.act = rank.act = groups_[banks_[b].group].act = cycle;
      rank.act_window[rank.act_next] = cycle;
      rank.act_next = (rank.act_next + 1) % 4;
      break;
    case DramCommand::kPrecharge:
      bank.open = false;
      bank.pre = cycle;
      done.banks_closed = 1;
      break;
    case DramCommand::kPrechargeAll:
      for (BankIndex i = rank_of(b) * banks_per_rank_; i < (rank_of(b) + 1) * banks_per_rank_; ++i) {
        if (!banks_[i].open) continue;
        banks_[i].open = false;
        banks_[i].pre = cycle;
        ++done.banks_closed;
      }
      break;
    case DramCommand::kRead:
    case DramCommand::kWrite:
      done = column_issue(cmd == DramCommand::kWrite, b, cycle, auto_precharge);
      break;
    case DramCommand::kRefresh:
      rank.ref = cycle;
      break;
  }
  return done;
}

ChannelTiming::Issued ChannelTiming::column_issue(bool write, BankIndex b, std::int64_t cycle, bool auto_precharge) {
  Bank& bank = banks_[b];
  const int r = rank_of(b);
  Group& group = groups_[banks_[b].group];
  if (write) {
    bank.wr = ranks_[r].wr = group.wr = cycle;
  } else {
    bank.rd = ranks_[r].rd = group.rd = last_read_ = cycle;
  }
  Issued done;
  done.data_end = cycle + (write ? c_.CWL : c_.CL) + c_.burst_cycles();
  bus_free_ = done.data_end;
  bus_rank_ = r;
  if (auto_precharge) {
    // The bank precharges itself as soon as a PRE could be issued.
    const std::int64_t at =
        std::max(bank.act + c_.tRAS, write ? cycle + c_.CWL + c_.burst_cycles() + c_.tWR : cycle + c_.tRTP);
    bank.open = false;
    bank.pre = at;
    done.banks_closed = 1;
  }
  return done;
}

}  // namespace tilesim::dram
