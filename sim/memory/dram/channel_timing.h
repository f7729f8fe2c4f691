// The command-level state of one DRAM channel: each bank's open row and the
// times of the last commands at bank, bank-group, rank and channel scope, and
// from them the earliest cycle each command may be issued
// (docs/dram-model.md, "Command timing"). Times are memory-clock cycles (nCK)
// from 0. It enforces timing and state rules only; which command to issue
// when is the controller's business (channel_controller.h). Tests drive it
// directly to check every timing boundary.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "compiler/hw/dram_config.h"

namespace tilesim::dram {

enum class DramCommand { kActivate, kPrecharge, kPrechargeAll, kRead, kWrite, kRefresh };

// A bank of the channel: (rank * bank_groups + bank_group) * banks_per_group + bank.
using BankIndex = int;

class ChannelTiming {
 public:
  explicit ChannelTiming(const DramConfig& config);

  BankIndex bank_index(int rank, int bank_group, int bank) const {
    return (rank * bank_groups_ + bank_group) * banks_per_group_ + bank;
  }
  int rank_of(BankIndex b) const { return banks_[b].rank; }
  int group_of(BankIndex b) const { return banks_[b].group % bank_groups_; }
  int banks() const { return static_cast<int>(banks_.size()); }
  int ranks() const { return static_cast<int>(ranks_.size()); }

  bool is_open(BankIndex b) const { return banks_[b].open; }
  std::int64_t open_row(BankIndex b) const { return banks_[b].row; }
  bool any_open(int rank) const;

  // Whether the banks' state admits the command: ACT to a closed bank, PRE,
  // RD or WR to an open one (the caller checks the row), PREA to a rank with
  // an open bank, REF to a rank whose banks are all closed. For PREA and REF,
  // `b` is any bank of the rank.
  bool state_allows(DramCommand cmd, BankIndex b) const;
  // The earliest cycle every timing constraint admits the command at.
  std::int64_t earliest(DramCommand cmd, BankIndex b) const;
  bool can_issue(DramCommand cmd, BankIndex b, std::int64_t cycle) const {
    return state_allows(cmd, b) && cycle >= earliest(cmd, b);
  }

  struct Issued {
    std::int64_t data_end = 0;  // RD, WR: the cycle the burst's last beat ends
    int banks_closed = 0;       // PRE, PREA, and RD/WR with auto-precharge
  };
  // Issues the command at `cycle`, which must satisfy can_issue. ACT opens
  // `row`; RD and WR with `auto_precharge` close the bank at the earliest
  // cycle it may precharge (the closed-page policy).
  Issued issue(DramCommand cmd, BankIndex b, std::int64_t cycle, std::int64_t row = 0, bool auto_precharge = false);

 private:
  struct Bank {
    bool open = false;
    std::int64_t row = 0;
    std::int64_t act, pre, rd, wr;  // the last ACT, precharge (of any kind), RD, WR
    // Its rank and its bank group's index in groups_, held here rather than
    // divided out at every timing query (two integer divisions for each
    // bank that a scheduling decision weighs).
    int rank = 0, group = 0;
  };
  struct Group {
    std::int64_t act, rd, wr;
  };
  struct Rank {
    std::int64_t act, rd, wr, ref;
    std::array<std::int64_t, 4> act_window;  // the last four ACTs, oldest at act_next
    int act_next = 0;
  };

  std::int64_t earliest_activate(BankIndex b) const;
  std::int64_t earliest_precharge(BankIndex b) const;
  std::int64_t earliest_column(bool write, BankIndex b) const;
  std::int64_t earliest_rank_wide(DramCommand cmd, int rank) const;
  Issued column_issue(bool write, BankIndex b, std::int64_t cycle, bool auto_precharge);

  DramConfig c_;
  int bank_groups_, banks_per_group_, banks_per_rank_;
  std::vector<Bank> banks_;
  std::vector<Group> groups_;  // rank * bank_groups + bank_group
  std::vector<Rank> ranks_;
  std::int64_t last_command_;  // the command bus: one command per cycle
  std::int64_t last_read_;     // any rank: tRTW
  std::int64_t bus_free_;      // the end of the last burst's data
  int bus_rank_ = -1;          // the rank that burst came from
};

}  // namespace tilesim::dram
