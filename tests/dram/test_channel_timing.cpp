// Every timing constraint of one DDR4-3200 channel at its boundary, as
// Ramulator 2 tests its DDR4 timings: the command one cycle early is refused,
// on the cycle accepted. DDR4-3200AA in nCK: CL 22, CWL 16, tRCD 22, tRP 22,
// tRAS 52, tRC 74, tWR 24, tRTP 12, tCCD_S 4, tCCD_L 8, tRRD_S 4, tRRD_L 8,
// tFAW 34, tWTR_S 4, tWTR_L 12, tRTW 12, tRTRS 2, tRFC 560, BL/2 4.
#include <catch2/catch.hpp>

#include "sim/memory/dram/channel_timing.h"
#include "tests/dram/dram_test_config.h"

using tilesim::dram::ChannelTiming;
using Cmd = tilesim::dram::DramCommand;

namespace {

ChannelTiming ddr4(const std::vector<std::string>& overrides = {}) {
  return ChannelTiming(tilesim::test::dram_preset("ddr4-3200", overrides));
}

// Refused one cycle before `cycle`, accepted at it, and `cycle` is the earliest.
void check_boundary(const ChannelTiming& t, Cmd cmd, int bank, std::int64_t cycle) {
  CHECK(t.earliest(cmd, bank) == cycle);
  CHECK_FALSE(t.can_issue(cmd, bank, cycle - 1));
  CHECK(t.can_issue(cmd, bank, cycle));
}

}  // namespace

TEST_CASE("tRCD: a read or write waits tRCD after the activate", "[dram][timing]") {
  ChannelTiming t = ddr4();
  const int b = t.bank_index(0, 0, 0);
  CHECK_FALSE(t.can_issue(Cmd::kRead, b, 1000));  // closed bank: no read at all
  t.issue(Cmd::kActivate, b, 100, 7);
  CHECK(t.open_row(b) == 7);
  CHECK_FALSE(t.can_issue(Cmd::kActivate, b, 1000));  // open bank: no second activate
  check_boundary(t, Cmd::kRead, b, 122);              // 100 + tRCD 22
  check_boundary(t, Cmd::kWrite, b, 122);
}

TEST_CASE("tRAS, tRP and tRC between activates of one bank", "[dram][timing]") {
  ChannelTiming t = ddr4({"dram.tRC=80"});  // tRC above tRAS + tRP, so each rule shows on its own
  const int b = t.bank_index(0, 1, 2);
  t.issue(Cmd::kActivate, b, 100, 1);
  check_boundary(t, Cmd::kPrecharge, b, 152);  // 100 + tRAS 52
  t.issue(Cmd::kPrecharge, b, 152);
  CHECK_FALSE(t.is_open(b));
  check_boundary(t, Cmd::kActivate, b, 180);  // max(152 + tRP 22, 100 + tRC 80)
  ChannelTiming late = ddr4();
  late.issue(Cmd::kActivate, b, 100, 1);
  late.issue(Cmd::kPrecharge, b, 200);
  check_boundary(late, Cmd::kActivate, b, 222);  // 200 + tRP 22 (tRC 74 long past)
}

TEST_CASE("tRTP and tWR hold the precharge after a read or write", "[dram][timing]") {
  ChannelTiming t = ddr4();
  const int b = t.bank_index(0, 0, 0);
  t.issue(Cmd::kActivate, b, 0, 1);
  t.issue(Cmd::kRead, b, 45);
  check_boundary(t, Cmd::kPrecharge, b, 57);  // 45 + tRTP 12 (tRAS ends at 52)
  ChannelTiming w = ddr4();
  w.issue(Cmd::kActivate, b, 0, 1);
  w.issue(Cmd::kWrite, b, 40);
  check_boundary(w, Cmd::kPrecharge, b, 84);  // 40 + CWL 16 + BL/2 4 + tWR 24
}

TEST_CASE("tCCD_S between bank groups, tCCD_L inside one", "[dram][timing]") {
  ChannelTiming t = ddr4({"dram.tCCD_S=6"});  // above BL/2, so tCCD_S shows apart from the data bus
  const int g0 = t.bank_index(0, 0, 0), g1 = t.bank_index(0, 1, 0), g0b1 = t.bank_index(0, 0, 1);
  t.issue(Cmd::kActivate, g0, 0, 1);
  t.issue(Cmd::kActivate, g1, 4, 1);
  t.issue(Cmd::kActivate, g0b1, 8, 1);
  t.issue(Cmd::kRead, g0, 30);
  check_boundary(t, Cmd::kRead, g1, 36);    // 30 + tCCD_S 6
  check_boundary(t, Cmd::kRead, g0b1, 38);  // 30 + tCCD_L 8
  t.issue(Cmd::kWrite, g1, 60);
  check_boundary(t, Cmd::kWrite, g0, 66);  // 60 + tCCD_S 6 (tRTW from the read at 30 long past)
}

TEST_CASE("tRRD_S, tRRD_L and the four-activate window", "[dram][timing]") {
  ChannelTiming t = ddr4();
  t.issue(Cmd::kActivate, t.bank_index(0, 0, 0), 0, 1);
  check_boundary(t, Cmd::kActivate, t.bank_index(0, 1, 0), 4);  // tRRD_S
  check_boundary(t, Cmd::kActivate, t.bank_index(0, 0, 1), 8);  // tRRD_L
  t.issue(Cmd::kActivate, t.bank_index(0, 1, 0), 4, 1);
  t.issue(Cmd::kActivate, t.bank_index(0, 2, 0), 8, 1);
  t.issue(Cmd::kActivate, t.bank_index(0, 3, 0), 12, 1);
  // The fifth: tRRD_S allows 16, tRRD_L (group 0 at 0) 8, tFAW 0 + 34.
  check_boundary(t, Cmd::kActivate, t.bank_index(0, 0, 1), 34);
}

TEST_CASE("tWTR_S, tWTR_L after a write and tRTW after a read", "[dram][timing]") {
  ChannelTiming t = ddr4();
  const int g0 = t.bank_index(0, 0, 0), g1 = t.bank_index(0, 1, 0), g0b1 = t.bank_index(0, 0, 1);
  t.issue(Cmd::kActivate, g0, 0, 1);
  t.issue(Cmd::kActivate, g1, 4, 1);
  t.issue(Cmd::kActivate, g0b1, 8, 1);
  t.issue(Cmd::kWrite, g0, 30);             // data on the bus 46..50
  check_boundary(t, Cmd::kRead, g1, 54);    // 30 + CWL 16 + BL/2 4 + tWTR_S 4
  check_boundary(t, Cmd::kRead, g0b1, 62);  // 30 + CWL 16 + BL/2 4 + tWTR_L 12
  ChannelTiming r = ddr4();
  r.issue(Cmd::kActivate, g0, 0, 1);
  r.issue(Cmd::kActivate, g1, 4, 1);
  r.issue(Cmd::kRead, g0, 30);  // data 52..56
  // tRTW: 30 + 12 = 42; the data bus alone would allow 56 - CWL 16 = 40.
  check_boundary(r, Cmd::kWrite, g1, 42);
}

TEST_CASE("the data bus: bursts in issue order, tRTRS between ranks", "[dram][timing]") {
  ChannelTiming t = ddr4({"dram.ranks=2", "dram.address_mapping=RoRaBaCoBg"});
  const int r0 = t.bank_index(0, 0, 0), r1 = t.bank_index(1, 0, 0);
  t.issue(Cmd::kActivate, r0, 0, 1);
  t.issue(Cmd::kActivate, r1, 1, 1);      // another rank: no tRRD
  t.issue(Cmd::kRead, r0, 22);            // data 44..48
  check_boundary(t, Cmd::kRead, r1, 28);  // 48 + tRTRS 2 - CL 22 (tRCD allows 23)
}

TEST_CASE("one command per cycle on the command bus", "[dram][timing]") {
  ChannelTiming t = ddr4();
  const int g0 = t.bank_index(0, 0, 0);
  t.issue(Cmd::kActivate, g0, 0, 1);
  t.issue(Cmd::kActivate, t.bank_index(0, 1, 0), 30, 1);
  check_boundary(t, Cmd::kRead, g0, 31);  // tRCD allows 22; the ACT holds cycle 30
}

TEST_CASE("refresh: all banks closed first, then the rank waits tRFC", "[dram][timing]") {
  ChannelTiming t = ddr4();
  const int b = t.bank_index(0, 2, 3);
  t.issue(Cmd::kActivate, b, 0, 1);
  CHECK_FALSE(t.state_allows(Cmd::kRefresh, b));
  CHECK(t.state_allows(Cmd::kPrechargeAll, b));
  check_boundary(t, Cmd::kPrechargeAll, b, 52);  // the open bank's tRAS
  CHECK(t.issue(Cmd::kPrechargeAll, b, 52).banks_closed == 1);
  check_boundary(t, Cmd::kRefresh, b, 74);  // 52 + tRP 22 (= 0 + tRC 74)
  t.issue(Cmd::kRefresh, b, 100);
  check_boundary(t, Cmd::kActivate, t.bank_index(0, 0, 0), 660);  // 100 + tRFC 560
  check_boundary(t, Cmd::kRefresh, b, 660);
}

TEST_CASE("auto-precharge closes the bank at the earliest legal precharge", "[dram][timing]") {
  ChannelTiming t = ddr4();
  const int b = t.bank_index(0, 0, 0);
  t.issue(Cmd::kActivate, b, 0, 1);
  const auto read = t.issue(Cmd::kRead, b, 22, 0, true);
  CHECK(read.data_end == 48);  // 22 + CL 22 + BL/2 4
  CHECK(read.banks_closed == 1);
  CHECK_FALSE(t.is_open(b));
  check_boundary(t, Cmd::kActivate, b, 74);  // precharge at max(0 + tRAS, 22 + tRTP) = 52, + tRP 22
  ChannelTiming w = ddr4();
  w.issue(Cmd::kActivate, b, 0, 1);
  CHECK(w.issue(Cmd::kWrite, b, 22, 0, true).data_end == 42);  // 22 + CWL 16 + BL/2 4
  check_boundary(w, Cmd::kActivate, b, 88);                    // precharge at 22 + 16 + 4 + tWR 24 = 66, + tRP 22
}
