// Request latencies through the whole engine (DramSystem): idle bank, row
// hit, row conflict, writes, the closed-page policy, FR-FCFS order and the
// stats. DDR4-3200, tCK 625 ps, mapping RoBaCoBg: byte bits 0-5, bank group
// 6-7, column 8-14, bank 15-16, row 17 up. Timings in nCK as in
// test_channel_timing.cpp.
#include <catch2/catch.hpp>

#include "sim/memory/dram/dram_system.h"
#include "tests/dram/dram_test_config.h"

using tilesim::dram::DramCompletion;
using tilesim::dram::DramRequest;
using tilesim::dram::DramSystem;
using tilesim::dram::kNever;

namespace {

constexpr std::int64_t kTck = 625;

std::uint64_t ddr4_address(std::uint64_t row, std::uint64_t bank, std::uint64_t group, std::uint64_t column) {
  return (((row * 4 + bank) * 128 + column) * 4 + group) << 6;
}

DramSystem ddr4(const std::vector<std::string>& overrides = {}) {
  return DramSystem(tilesim::test::dram_preset("ddr4-3200", overrides));
}

// Advances from event to event until nothing is left; every completion in order.
std::vector<DramCompletion> run(DramSystem& dram) {
  std::vector<DramCompletion> done;
  for (std::int64_t t = dram.next_event_ps(); t != kNever; t = dram.next_event_ps()) dram.advance_to(t, done);
  return done;
}

DramRequest read(std::uint64_t id, std::uint64_t address, std::int64_t arrival_cycle) {
  return DramRequest{id, address, false, arrival_cycle * kTck};
}

}  // namespace

TEST_CASE("the address mapping decodes fields from the string", "[dram][system]") {
  DramSystem dram = ddr4();
  const auto c = dram.address_map().decode(ddr4_address(5, 2, 3, 100) + 17);
  CHECK((c.row == 5 && c.bank == 2 && c.bank_group == 3 && c.column == 100 && c.channel == 0));
  // Bits above the 8 GiB capacity are ignored.
  CHECK(dram.address_map().burst_address((std::uint64_t{1} << 33) + 64 + 5) == 64);
  DramSystem hbm(tilesim::test::dram_preset("hbm2"));  // RoBaCoBgCh: channel bits 6-8, group 9-10
  const auto h = hbm.address_map().decode(std::uint64_t{3} << 9 | std::uint64_t{5} << 6);
  CHECK((h.channel == 5 && h.bank_group == 3 && h.row == 0));
}

TEST_CASE("a read to an idle bank takes tRCD + CL + BL/2", "[dram][system]") {
  DramSystem dram = ddr4();
  CHECK(dram.next_event_ps() == kNever);
  dram.enqueue(read(1, ddr4_address(0, 0, 0, 0), 0));
  const auto done = run(dram);
  REQUIRE(done.size() == 1);
  CHECK(done[0].id == 1);
  CHECK(done[0].done_ps == (22 + 22 + 4) * kTck);  // ACT at 0, RD at tRCD, last beat at RD + CL + BL/2
  const auto& s = dram.stats().total;
  CHECK((s.reads == 1 && s.row_misses == 1 && s.activates == 1 && s.bytes == 64));
  CHECK(s.read_latency_max_ps == 48 * kTck);
  CHECK(s.data_bus_busy_ps == 4 * kTck);
}

TEST_CASE("a row hit takes CL + BL/2, a conflict adds tRP + tRCD", "[dram][system]") {
  DramSystem dram = ddr4();
  dram.enqueue(read(1, ddr4_address(0, 1, 2, 0), 0));    // miss: done at 48
  dram.enqueue(read(2, ddr4_address(0, 1, 2, 9), 100));  // hit: RD at 100, done 100 + 26
  dram.enqueue(read(3, ddr4_address(1, 1, 2, 0), 200));  // conflict: PRE 200, ACT 222, RD 244, done 270
  const auto done = run(dram);
  REQUIRE(done.size() == 3);
  CHECK(done[0].done_ps == 48 * kTck);
  CHECK(done[1].done_ps == 126 * kTck);
  CHECK(done[2].done_ps == 270 * kTck);  // 200 + tRP 22 + tRCD 22 + CL 22 + BL/2 4
  const auto& s = dram.stats().total;
  CHECK((s.row_misses == 1 && s.row_hits == 1 && s.row_conflicts == 1));
  CHECK((s.activates == 2 && s.precharges == 1));
  CHECK(s.read_latency_sum_ps == (48 + 26 + 70) * kTck);
  CHECK(s.mean_read_latency_ps() == 48.0 * kTck);
}

TEST_CASE("a conflict right after an activate also waits out tRAS", "[dram][system]") {
  DramSystem dram = ddr4();
  dram.enqueue(read(1, ddr4_address(0, 0, 0, 0), 0));  // ACT 0, RD 22, done 48
  dram.enqueue(read(2, ddr4_address(1, 0, 0, 0), 1));
  const auto done = run(dram);
  REQUIRE(done.size() == 2);
  // PRE at max(ACT 0 + tRAS 52, RD 22 + tRTP 12) = 52, ACT 74, RD 96, done 96 + 26.
  CHECK(done[1].done_ps == 122 * kTck);
}

TEST_CASE("a write completes when its data is on the bus: CWL + BL/2 after the command", "[dram][system]") {
  DramSystem dram = ddr4();
  dram.enqueue(DramRequest{7, ddr4_address(3, 0, 1, 0), true, 0});
  const auto done = run(dram);
  REQUIRE(done.size() == 1);
  CHECK(done[0].done_ps == (22 + 16 + 4) * kTck);  // ACT 0, WR at tRCD, + CWL + BL/2
  const auto& s = dram.stats().total;
  CHECK((s.writes == 1 && s.reads == 0 && s.read_latency_sum_ps == 0));
}

TEST_CASE("closed page: every access activates, nothing hits", "[dram][system]") {
  DramSystem dram = ddr4({"dram.page_policy=closed"});
  dram.enqueue(read(1, ddr4_address(0, 0, 0, 0), 0));
  dram.enqueue(read(2, ddr4_address(0, 0, 0, 1), 1));
  const auto done = run(dram);
  REQUIRE(done.size() == 2);
  CHECK(done[0].done_ps == 48 * kTck);
  // Auto-precharge at max(0 + tRAS, 22 + tRTP) = 52; ACT at max(52 + tRP, 0 + tRC) = 74; RD 96; done 122.
  CHECK(done[1].done_ps == 122 * kTck);
  const auto& s = dram.stats().total;
  CHECK((s.row_hits == 0 && s.row_misses == 2 && s.precharges == 2 && s.activates == 2));
}

TEST_CASE("FR-FCFS: a younger row hit goes before an older conflict", "[dram][system]") {
  DramSystem dram = ddr4();
  dram.enqueue(read(1, ddr4_address(0, 0, 0, 0), 0));   // ACT 0, RD 22, done 48
  dram.enqueue(read(2, ddr4_address(1, 0, 0, 0), 30));  // conflict, older
  dram.enqueue(read(3, ddr4_address(0, 0, 0, 5), 31));  // hit, younger: RD at 31, done 57
  const auto done = run(dram);
  REQUIRE(done.size() == 3);
  CHECK(done[1].id == 3);
  CHECK(done[1].done_ps == 57 * kTck);
  // Request 2: PRE at max(0 + tRAS 52, 31 + tRTP 12) = 52, ACT 74, RD 96, done 122.
  CHECK(done[2].id == 2);
  CHECK(done[2].done_ps == 122 * kTck);
}

TEST_CASE("a read never passes a write to its burst", "[dram][system]") {
  DramSystem dram = ddr4();
  const std::uint64_t x = ddr4_address(2, 1, 1, 3);
  dram.enqueue(DramRequest{1, x, true, 16 * kTck});  // the write, enqueued first
  dram.enqueue(read(2, x, 8));                       // arrives earlier, must still follow the write
  const auto done = run(dram);
  REQUIRE(done.size() == 2);
  CHECK(done[0].id == 1);
  CHECK(done[0].done_ps == (16 + 22 + 20) * kTck);  // ACT 16, WR 38, data ends 58
  CHECK(done[1].done_ps == (70 + 26) * kTck);       // RD at 38 + CWL 16 + BL/2 4 + tWTR_L 12 = 70
}

TEST_CASE("results do not depend on how often the caller advances", "[dram][system]") {
  auto trace = [](DramSystem& dram, std::int64_t step_ps) {
    std::vector<DramCompletion> done;
    std::uint64_t state = 12345;
    std::int64_t now = 0;
    for (std::uint64_t i = 0; i < 2000; ++i) {
      state = state * 6364136223846793005u + 1442695040888963407u;
      const std::uint64_t address = (state >> 20) % (std::uint64_t{1} << 24);
      const std::int64_t arrival =
          static_cast<std::int64_t>(i) * 25000;  // one request per 25 ns: random rows, no queue ever full
      while (now + step_ps < arrival) dram.advance_to(now += step_ps, done);
      REQUIRE(dram.can_accept(address));
      dram.enqueue(DramRequest{i, address, (state >> 63) != 0, arrival});
    }
    for (std::int64_t t = dram.next_event_ps(); t != kNever; t = dram.next_event_ps()) dram.advance_to(t, done);
    return done;
  };
  DramSystem fine = ddr4(), coarse = ddr4();
  const auto a = trace(fine, 625), b = trace(coarse, 100000);
  REQUIRE(a.size() == 2000);
  REQUIRE(b.size() == 2000);
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO(i);
    REQUIRE(a[i].id == b[i].id);
    REQUIRE(a[i].done_ps == b[i].done_ps);
  }
  const auto& s = fine.stats().total;
  CHECK(s.reads + s.writes == 2000);
  CHECK(s.row_hits + s.row_misses + s.row_conflicts == 2000);
  CHECK(s.bytes == 2000 * 64);
  CHECK(s.data_bus_busy_ps == 2000 * 4 * kTck);
}

TEST_CASE("misuse by the caller is a logic error, not a wrong number", "[dram][system]") {
  CHECK_THROWS_AS(DramSystem(tilesim::DramConfig{}), std::invalid_argument);
  DramSystem dram = ddr4({"dram.queue_depth=1"});
  dram.enqueue(read(1, 0, 0));
  CHECK_FALSE(dram.can_accept(64));
  CHECK_THROWS_AS(dram.enqueue(read(2, 64, 0)), std::logic_error);
  std::vector<DramCompletion> done;
  dram.advance_to(1000, done);
  CHECK_THROWS_AS(dram.enqueue(read(3, 128, 1)), std::logic_error);  // 625 ps: before the last advance
  CHECK_THROWS_AS(dram.advance_to(999, done), std::logic_error);
}

TEST_CASE("tREFI: a rank takes no command from the cycle its refresh is due", "[dram][system]") {
  // DDR4-3200: the first refresh is due at cycle tREFI = 12480.
  DramSystem early = ddr4();
  early.enqueue(read(1, ddr4_address(0, 0, 0, 0), 12479));
  // ACT at 12479 (< 12480), but its RD at 12501 is past the due cycle: the
  // bank is precharged at ACT + tRAS = 12531, REF at + tRP = 12553, ACT again
  // at + tRFC = 13113, RD at 13135, done at + CL + BL/2 = 13161.
  auto done = run(early);
  REQUIRE(done.size() == 1);
  CHECK(done[0].done_ps == 13161 * kTck);
  CHECK((early.stats().total.activates == 2 && early.stats().total.refreshes == 1));
  DramSystem due = ddr4();
  due.enqueue(read(1, ddr4_address(0, 0, 0, 0), 12480));
  // REF at 12480 (every bank closed), ACT at 12480 + tRFC 560 = 13040, RD 13062, done 13088.
  done = run(due);
  REQUIRE(done.size() == 1);
  CHECK(done[0].done_ps == 13088 * kTck);
  // An idle memory refreshes all the same: at 12480 and 24960 before a read at 30000.
  DramSystem idle = ddr4();
  idle.enqueue(read(1, ddr4_address(0, 0, 0, 0), 30000));
  done = run(idle);
  CHECK(idle.stats().total.refreshes == 2);
  CHECK(done[0].done_ps == (30000 + 48) * kTck);
}

TEST_CASE("stats are kept per channel and added up", "[dram][system]") {
  DramSystem hbm(tilesim::test::dram_preset("hbm2"));  // channel bits 6-8
  for (std::uint64_t c = 0; c < 8; ++c) {
    for (std::uint64_t k = 0; k <= c; ++k) hbm.enqueue(DramRequest{c * 10 + k, (k << 11) | (c << 6), k == 1, 0});
  }
  const auto done = run(hbm);
  REQUIRE(done.size() == 36);
  const auto& s = hbm.stats();
  REQUIRE(s.channels.size() == 8);
  for (std::uint64_t c = 0; c < 8; ++c) {
    INFO(c);
    CHECK(s.channels[c].reads + s.channels[c].writes == c + 1);
    CHECK(s.channels[c].writes == (c >= 1 ? 1u : 0u));
    CHECK(s.channels[c].bytes == (c + 1) * 64);
    CHECK(s.channels[c].data_bus_busy_ps == static_cast<std::int64_t>(c + 1) * 2 * 1000);
  }
  CHECK(s.total.reads == 29);
  CHECK(s.total.writes == 7);
  CHECK(s.total.bytes == 36 * 64);
  // Channel 0's lone read: ACT 0, RD at tRCD 12, done at + RL 17 + BL/2 2 = 31 ns.
  CHECK(done[0].done_ps == 31000);
  CHECK(s.channels[0].read_latency_max_ps == 31000);
}

TEST_CASE("an idle channel's next command is its refresh, and busy spans queued and in-flight requests",
          "[dram][system]") {
  DramSystem dram = ddr4();
  CHECK(dram.next_event_ps() == kNever);          // nothing to complete
  CHECK(dram.next_command_ps() == 12480 * kTck);  // the first REF, due at tREFI, every bank closed
  CHECK_FALSE(dram.channel(0).busy());
  dram.enqueue(read(1, ddr4_address(0, 0, 0, 0), 0));
  CHECK(dram.channel(0).busy());
  CHECK(dram.next_command_ps() == 0);  // its ACT
  std::vector<DramCompletion> done;
  dram.advance_to(22 * kTck, done);  // ACT at 0, RD at tRCD = 22: in flight until 22 + CL + BL/2
  CHECK(done.empty());
  CHECK(dram.channel(0).busy());
  CHECK(dram.next_event_ps() == 48 * kTck);
  CHECK(dram.next_command_ps() == 12480 * kTck);  // left out of next_event_ps: it completes nothing
  dram.advance_to(48 * kTck, done);
  CHECK(done.size() == 1);
  CHECK_FALSE(dram.channel(0).busy());
  // The row stays open (open page): PREA at the due cycle, REF tRP = 22 later,
  // then the next refresh a tREFI after the first was due, every bank closed.
  dram.advance_to(dram.next_command_ps(), done);
  CHECK(dram.stats().total.precharges == 1);
  CHECK(dram.stats().total.refreshes == 0);
  CHECK(dram.next_command_ps() == (12480 + 22) * kTck);
  dram.advance_to(dram.next_command_ps(), done);
  CHECK(dram.stats().total.refreshes == 1);
  CHECK(dram.next_command_ps() == 2 * 12480 * kTck);
  CHECK(done.size() == 1);
}
