// Bandwidth figures of the presets under a saturating requester
// (feed_requests: each burst enqueued as soon as its queue has room).
#include <catch2/catch.hpp>

#include "sim/memory/dram/request_feeder.h"
#include "tests/dram/dram_test_config.h"

using tilesim::DramConfig;
using tilesim::dram::DramSystem;
using tilesim::dram::feed_requests;

namespace {

// The fraction of peak bandwidth sequential reads of `count` bursts reach.
double streaming_fraction(const DramConfig& c, std::uint64_t count) {
  DramSystem dram(c);
  const auto result = feed_requests(dram, count, [&](std::uint64_t i) { return i * c.burst_bytes(); });
  return tilesim::dram::achieved_bytes_per_second(dram, result) / c.peak_bytes_per_second();
}

}  // namespace

TEST_CASE("streaming reads reach 90 % of DDR4-3200's 25.6 GB/s", "[dram][bandwidth]") {
  const DramConfig c = tilesim::test::dram_preset("ddr4-3200");
  const double fraction = streaming_fraction(c, 400000);
  // Bank groups alternate burst by burst (RoBaCoBg), so the bus can be busy
  // every cycle but for refresh: at most 1 - tRFC / tREFI = 1 - 560 / 12480.
  CHECK(fraction >= 0.90);
  CHECK(fraction <= 1.0 - 560.0 / 12480.0);
}

TEST_CASE("streaming reads reach 90 % of HBM2's 256 GB/s", "[dram][bandwidth]") {
  const DramConfig c = tilesim::test::dram_preset("hbm2");
  const double fraction = streaming_fraction(c, 800000);
  CHECK(fraction >= 0.90);
  CHECK(fraction <= 1.0 - 220.0 / 3900.0);  // refresh: tRFC 220 of every tREFI 3900
}

TEST_CASE("streaming reads reach 90 % of LPDDR4-3200's 12.8 GB/s", "[dram][bandwidth]") {
  const DramConfig c = tilesim::test::dram_preset("lpddr4-3200");
  const double fraction = streaming_fraction(c, 200000);
  CHECK(fraction >= 0.90);
  CHECK(fraction <= 1.0 - 448.0 / 6246.0);
}

TEST_CASE("random rows in one bank: one burst per tRC", "[dram][bandwidth]") {
  // No refresh during the run (tREFI at its maximum, 1048576 nCK > 1000 * 74),
  // so the rate is exactly the bank's: each request a conflict, ACT k at
  // k * tRC (PRE at ACT + tRAS 52, ACT after tRP 22: 74 = tRC), its data
  // done CL + BL/2 after RD at ACT + tRCD. Last done: 74 * 999 + 22 + 26.
  const DramConfig c = tilesim::test::dram_preset("ddr4-3200", {"dram.tREFI=1048576"});
  DramSystem dram(c);
  const std::uint64_t row_bytes = std::uint64_t{1} << 17;  // RoBaCoBg: the row starts at bit 17
  const auto result = feed_requests(dram, 1000, [&](std::uint64_t i) { return (i * 7919 % 65536) * row_bytes; });
  CHECK(result.last_done_ps == (74 * 999 + 48) * 625);
  const auto& s = dram.stats().total;
  CHECK((s.row_conflicts == 999 && s.row_misses == 1 && s.activates == 1000 && s.refreshes == 0));
  // The same with refresh: one REF per tREFI due before the end, each
  // costing the bank between tRFC - tRC (a refresh that partly overlaps the
  // tRC wait) and tRAS + tRP + tRFC + 2 (drain an activate just issued,
  // precharge, refresh; a cycle each for PREA and REF on the command bus).
  DramSystem refreshed(tilesim::test::dram_preset("ddr4-3200"));
  const auto with_refresh =
      feed_requests(refreshed, 1000, [&](std::uint64_t i) { return (i * 7919 % 65536) * row_bytes; });
  const auto refreshes = static_cast<std::int64_t>(refreshed.stats().total.refreshes);
  CHECK(refreshes == with_refresh.last_done_ps / 625 / 12480);
  const std::int64_t extra = (with_refresh.last_done_ps - result.last_done_ps) / 625;
  CHECK(extra >= refreshes * (560 - 74));
  CHECK(extra <= refreshes * (52 + 22 + 560 + 2));
}

TEST_CASE("refresh costs about tRFC / tREFI of the bandwidth (4.5 % for DDR4 8 Gb)", "[dram][bandwidth]") {
  // 200000 bursts of 4 nCK fit in the maximum tREFI: one run without refresh.
  const DramConfig with = tilesim::test::dram_preset("ddr4-3200");
  const DramConfig without = tilesim::test::dram_preset("ddr4-3200", {"dram.tREFI=1048576"});
  DramSystem a(with), b(without);
  auto sequential = [](std::uint64_t i) { return i * 64; };
  const auto ra = feed_requests(a, 200000, sequential);
  const auto rb = feed_requests(b, 200000, sequential);
  CHECK(b.stats().total.refreshes == 0);
  const double loss = 1.0 - static_cast<double>(rb.last_done_ps) / static_cast<double>(ra.last_done_ps);
  // tRFC / tREFI = 560 / 12480 = 4.49 %; each refresh also closes the open
  // rows, and reopening them (tRP + tRCD + the wait for the next group's
  // data) costs under 1 % more.
  CHECK(loss >= 560.0 / 12480.0);
  CHECK(loss <= 560.0 / 12480.0 + 0.01);
  // One REF per tREFI of the run: floor(end / tREFI) of them, give or take the last.
  const std::int64_t due = ra.last_done_ps / 625 / 12480;
  CHECK(static_cast<std::int64_t>(a.stats().total.refreshes) >= due - 1);
  CHECK(static_cast<std::int64_t>(a.stats().total.refreshes) <= due);
}

TEST_CASE("closed page streams slower than open page", "[dram][bandwidth]") {
  const double open = streaming_fraction(tilesim::test::dram_preset("ddr4-3200"), 20000);
  const double closed = streaming_fraction(tilesim::test::dram_preset("ddr4-3200", {"dram.page_policy=closed"}), 20000);
  // Closed: every burst an ACT; four groups share a tFAW of 34 nCK per 4 ACTs
  // while 4 bursts need only 16 nCK of bus: at most 16 / 34 of peak.
  CHECK(closed <= 16.0 / 34.0);
  CHECK(open >= 0.9);
}
