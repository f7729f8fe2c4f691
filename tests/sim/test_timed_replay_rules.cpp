// The timed-DRAM rules of docs/cycle-model.md ("Timed DRAM: the DMA engines
// and their bursts", "SRAM banks") on small hand-written schedules, every
// figure derived by hand from that page and docs/dram-model.md; the replay
// (tests/sim/timed_replay.h) must reproduce each.
//
// The machine, unless a case says otherwise: the default accelerator at
// 1000 MHz (DMA setup 64 cycles, 32 B/cycle, transpose 32; matmul 64, vector
// 8; FIFOs 4) with `dram.preset: ddr4-3200` at tCK = 1000 ps, so one memory
// cycle is one accelerator cycle and every DRAM instant falls on a cycle.
// DDR4-3200 in nCK: tRCD 22, CL 22, CWL 16, BL/2 4, tCCD_S 4, tCCD_L 8,
// tRRD_S 4, tRP 22, tWTR_S 4, tWTR_L 12, tRTW 12, tREFI 12480. Bursts B = 64
// bytes, so a burst's port time I = ceil(64 / 32) = 2 cycles. Mapping
// RoBaCoBg: bits 6-7 bank group, 8-14 column, 15-16 bank, 17 up row. A
// schedule without dram= places its tensors 4096 B apart from 0; burst i of
// a 4 KiB contiguous tile at A is at A + 64 i: group i mod 4, column
// A / 256 + i / 4, bank 0, row 0. So every tile below lies in row 0 of the
// four banks "g0".."g3" (bank 0 of each group): the first burst to each group
// is a miss (ACT, then RD tRCD later), every other one a row hit.
//
// Latencies used throughout: a read issued by its command at r is done at
// r + CL + BL/2 = r + 26; a write at w is done at w + CWL + BL/2 = w + 20. Two
// column commands are at least tCCD_S = 4 apart (the data bus, BL/2 = 4, says
// the same), 8 in one bank group. A burst issued at cycle t is in the DRAM
// from memory cycle t, except one issued *because of* a completion at t (a
// slot freed by a burst done at t, the acceptance of the previous burst at t,
// the token of a uOp ending at t): it joins from t + 1 ("Same instant").
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "compiler/hw/cost_model.h"
#include "compiler/schedule/schedule_text.h"
#include "compiler/schedule/validator.h"
#include "tests/sim/timed_cases.h"
#include "tests/sim/timed_replay.h"

using namespace tilesim;
using test::timed_replay;
using test::TimedReplay;

namespace {

HwConfig timed_hw(const std::vector<std::string>& overrides = {}) {
  std::vector<std::string> all{"dram.tck_ps=1000"};
  all.insert(all.end(), overrides.begin(), overrides.end());
  return parse_hw_config("name: t\nsram: {size_kib: 256}\ndram: {preset: ddr4-3200}\n", "t.yaml", all);
}

sched::Schedule parse(const std::string& body, const std::string& layout = "") {
  std::istringstream in("tilesim-schedule 1\nsram_bytes 262144\n" + layout + body);
  sched::Schedule s = sched::read_schedule_text(in, "test.schedule");
  REQUIRE(sched::validate(s) == std::vector<std::string>{});
  return s;
}

TimedReplay run(const sched::Schedule& s, const HwConfig& hw) {
  return timed_replay(s, hw, test::TimedReplayOptions{true});
}

void check_dram(const TimedReplay& r, std::uint64_t reads, std::uint64_t writes, std::uint64_t hits,
                std::uint64_t misses) {
  const auto& t = r.dram.total;
  CHECK(t.reads == reads);
  CHECK(t.writes == writes);
  CHECK(t.row_hits == hits);
  CHECK(t.row_misses == misses);
  CHECK(t.row_conflicts == 0);
}

// One 32x32 tile at 0 (x), another at 4096 (w).
const char kTwoTiles[] =
    "tensor 0 x input shape=[32,32] padded=[32,32]\n"
    "tensor 1 w input shape=[32,32] padded=[32,32]\n";

}  // namespace

// E = 1, M = 1: every burst waits for the one before it.
//   burst 0: s = 0, issued at 64 (setup); ACT g0 at 64, RD at 86, done 112.
//   burst 1: its slot frees at 112 (burst 0 done at 112): issued at 112 because
//     of that completion, so it joins at 113: ACT g1 at 113, RD 135, done 161.
//   bursts 2, 3 likewise (misses in g2, g3): done 210, 259 (49 each).
//   bursts 4..63 are row hits: issued at the previous done d, RD at d + 1,
//     done d + 27. Last: 259 + 60 x 27 = 1879 >= s + cost = 192: C = 1879.
TEST_CASE("timed: one tile with one burst in flight pays the whole latency per burst", "[timed]") {
  const auto r =
      run(parse(std::string(kTwoTiles) + "0 dma LOAD x[0,0]@0x0000 deps=-\n"), timed_hw({"dma.max_outstanding=1"}));
  REQUIRE(r.burst_log.size() == 64);
  const std::int64_t issue[] = {64, 112, 161, 210, 259};
  const std::int64_t done[] = {112, 161, 210, 259, 286};
  for (int j = 0; j < 5; ++j) {
    CHECK(r.burst_log[j].issue == issue[j]);
    CHECK(r.burst_log[j].done_cycle == done[j]);
  }
  CHECK(r.burst_log[1].accept_ps == 112000);  // arrival = its issue instant
  CHECK(r.burst_log[63].done_cycle == 1879);
  CHECK(r.starts[0] == 0);
  CHECK(r.completions[0] == 1879);
  CHECK(r.cycles == 1879);
  CHECK(r.dma_busy_cycles == 1879);
  CHECK(r.compute_busy_cycles == 0);
  CHECK(r.overlap_cycles == 0);
  CHECK(r.bursts == 64);
  check_dram(r, 64, 0, 60, 4);
  CHECK(r.dram.total.refreshes == 0);
}

// E = 1, M = 16: bursts issue every I = 2 cycles from 64 (t_j = 64 + 2j).
//   ACTs: g0 at 64, g1 at 68, g2 at 72, g3 at 76 (tRRD_S = 4 apart).
//   RDs: burst 0 at 86 (tRCD), then one every 4 (tCCD_S, data bus) in arrival
//   order: RD_j = 86 + 4j (same group 16 apart >= tCCD_L), done_j = 112 + 4j.
//   The 17th burst waits for a slot: burst 0 frees it at 112; from then burst
//   j issues at done_{j-16} = 48 + 4j, long before its RD. Last done 364: C = 364.
TEST_CASE("timed: sixteen bursts in flight keep the DRAM's data bus busy", "[timed]") {
  const auto r = run(parse(std::string(kTwoTiles) + "0 dma LOAD x[0,0]@0x0000 deps=-\n"), timed_hw());
  CHECK(r.burst_log[15].issue == 94);
  CHECK(r.burst_log[16].issue == 112);
  CHECK(r.burst_log[16].accept_ps == 112000);
  CHECK(r.burst_log[63].issue == 300);
  CHECK(r.burst_log[63].done_cycle == 364);
  CHECK(r.cycles == 364);
  CHECK(r.dma_busy_cycles == 364);
  check_dram(r, 64, 0, 60, 4);
}

// The same at the preset's tCK = 625 ps (1.6 memory cycles per accelerator
// cycle), M = 1: a burst issued at cycle c arrives at c x 1000 ps, memory cycle
// ceil(c x 1.6) (or the next one when issued because of a completion at that
// very instant); done at arrival + 48 (a miss) or + 26 (a hit), in ps
// x 625; the next burst issues at ceil_cycle(done_ps):
//   c = 64: arrival 103, done 151 = 94375 ps -> next at 95
//   c = 95: arrival 152, done 200 = 125000 ps, a whole cycle: next at 125 joins at 201
//   c = 125: done 249 = 155625 -> 156; c = 156: arrival 250, done 298 -> 187
//   c = 187: arrival 300, a hit, done 326 = 203750 -> 204; ... last done 1207.
TEST_CASE("timed: a DRAM clock off the accelerator's rounds every done time up to a cycle", "[timed]") {
  const auto r = run(parse(std::string(kTwoTiles) + "0 dma LOAD x[0,0]@0x0000 deps=-\n"),
                     timed_hw({"dram.tck_ps=625", "dma.max_outstanding=1"}));
  const std::int64_t issue[] = {64, 95, 125, 156, 187, 204};
  const std::int64_t done_ps[] = {94375, 125000, 155625, 186250, 203750, 220625};
  for (int j = 0; j < 6; ++j) {
    CHECK(r.burst_log[j].issue == issue[j]);
    CHECK(r.burst_log[j].done_ps == done_ps[j]);
  }
  // The rest by the same rule, written out as a loop.
  std::int64_t c = 204, done = 220625;
  for (int j = 6; j < 64; ++j) {
    c = (done + 999) / 1000;
    const std::int64_t arrival = done % 1000 == 0 ? done / 625 + 1 : (c * 1000 + 624) / 625;
    done = (arrival + 26) * 625;
    CHECK(r.burst_log[j].issue == c);
    CHECK(r.burst_log[j].done_ps == done);
  }
  CHECK(r.cycles == 1207);
  CHECK(r.cycles == (done + 999) / 1000);
}

// E = 2, M = 1: x on engine 0, w (at 4096: column 16 on) on engine 1; both
// issue their first burst at 64, x's first (the older uOp) so x0 is the older
// request of bank g0.
//   ACT g0 64 (for x0); RD x0 86 (done 112); w0 is then a hit: RD 94
//   (tCCD_L after x0), done 120.
//   x1 issued at 112 joins at 113: ACT g1 113, RD 135, done 161; w1 issued 120
//   joins 121, RD 143 (tCCD_L), done 169. x2: ACT 162, RD 184, done 210; w2:
//   RD 192, done 218. x3: ACT 211, RD 233, done 259; w3: RD 241, done 267.
//   From x4 on both are hits: x_j issued at x_{j-1}'s done d joins at d + 1,
//   RD d + 1, done d + 27 (x4: 286); w_j 8 behind (tCCD_L after x_j): w4 294.
//   x63: 286 + 59 x 27 = 1879, w63: 1887. DMA busy: [0, 1887).
TEST_CASE("timed: two engines share the DRAM, the older uOp's burst first", "[timed]") {
  const auto r = run(parse(std::string(kTwoTiles) + "0 dma LOAD x[0,0]@0x0000 deps=-\n"
                                                    "1 dma LOAD w[0,0]@0x1000 deps=-\n"),
                     timed_hw({"dma.channels=2", "dma.max_outstanding=1"}));
  CHECK(r.starts[0] == 0);
  CHECK(r.starts[1] == 0);
  CHECK(r.burst_log[0].uop == 0);
  CHECK(r.burst_log[1].uop == 1);
  CHECK(r.burst_log[0].done_cycle == 112);
  CHECK(r.burst_log[1].done_cycle == 120);
  CHECK(r.completions[0] == 1879);
  CHECK(r.completions[1] == 1887);
  CHECK(r.cycles == 1887);
  CHECK(r.dma_busy_cycles == 1887);
  check_dram(r, 128, 0, 124, 4);
}

// E = 2, M = 16: x (64 bursts) on engine 0, the bias row s (128 B at 4096: two
// bursts, g0 and g1 at column 16) on engine 1. Arrivals: x0 and s0 at 64, x1
// and s1 at 66, x_j at 64 + 2j. ACTs g0 64, g1 68, g2 72, g3 76. RDs, oldest
// first among the ready ones: x0 86, x1 90, s0 94 (arrived before x2), s1 98
// (before x2, x3), then x_j at 94 + 4j (j >= 2). s's bursts are done at 120
// and 124 (and s + cost = 68), but DMA uOps complete in queue order: s
// completes with x, at x63's 94 + 252 + 26 = 372.
TEST_CASE("timed: a later uOp on another engine completes in queue order", "[timed]") {
  const auto r = run(parse("tensor 0 x input shape=[32,32] padded=[32,32]\n"
                           "tensor 1 s param shape=[32] padded=[32]\n"
                           "0 dma LOAD x[0,0]@0x0000 deps=-\n"
                           "1 dma LOAD s[0,0]@0x1000 deps=-\n"),
                     timed_hw({"dma.channels=2"}));
  REQUIRE(r.burst_log.size() == 66);
  CHECK(r.burst_log[1].uop == 1);  // s0, issued with x0 at 64
  CHECK(r.burst_log[1].done_cycle == 120);
  CHECK(r.burst_log[3].done_cycle == 124);
  CHECK(r.completions[0] == 372);
  CHECK(r.completions[1] == 372);
  CHECK(r.cycles == 372);
  check_dram(r, 66, 0, 62, 4);
}

// dram.queue_depth = 1, E = 1, M = 16: a burst that finds the channel queue
// full waits, and the engine issues nothing more until it is accepted.
//   burst 0 issued 64, accepted: ACT g0 64, RD 86. Burst 1 issued 66 waits;
//   the queue frees when RD 0 issues at 86: burst 1 enters at 86 (from memory
//   cycle 87: ACT g1 87, RD 109). Burst 2, issued at 86 because of that
//   acceptance, waits until 109: ACT 110, RD 132. Burst 3: enters 132, ACT
//   133, RD 155. Burst 4 (g0, a hit) enters 155, RD 159 (data bus: burst 3's
//   data ends 181 = 159 + 22). From then RD_j = 159 + 4 (j - 4): burst 63 RD
//   395, done 421.
TEST_CASE("timed: a full channel queue holds the engine until its burst is accepted", "[timed]") {
  const auto r =
      run(parse(std::string(kTwoTiles) + "0 dma LOAD x[0,0]@0x0000 deps=-\n"), timed_hw({"dram.queue_depth=1"}));
  const std::int64_t issue[] = {64, 66, 86, 109, 132, 155};
  const std::int64_t accept[] = {64, 86, 109, 132, 155, 159};
  for (int j = 0; j < 6; ++j) {
    CHECK(r.burst_log[j].issue == issue[j]);
    CHECK(r.burst_log[j].accept_ps == accept[j] * 1000);
  }
  CHECK(r.burst_log[63].done_cycle == 421);
  CHECK(r.cycles == 421);
}

// Layouts: x [32,64] (P = 64), tile (0,1), with tCCD_L = 16.
//   row_major: 32 spans of 128 B at 128 + 256 r: bursts alternate g2 (128 +
//   256 r) and g3 (192 + 256 r), column r. ACT g2 64, g3 68; RD b0 86, b1 90,
//   then each group every tCCD_L = 16: RD_{2m} = 86 + 16 m, RD_{2m+1} = 90 +
//   16 m. Last (b63, m = 31): RD 586, done 612. Two misses, 62 hits.
//   tile_major: one span of 4096 B at 4096 (tile 1 of the grid): all four
//   groups in turn, same group 16 apart: RD_j = 86 + 4j as with M = 16
//   above: done 364. Four misses, 60 hits.
TEST_CASE("timed: a row-major tile on two bank groups streams slower than a tile-major one", "[timed]") {
  const std::string body =
      "tensor 0 x input shape=[32,64] padded=[32,64]\n"
      "0 dma LOAD x[0,1]@0x0000 deps=-\n";
  const HwConfig hw = timed_hw({"dram.tCCD_L=16"});
  const auto row = run(parse(body), hw);
  CHECK(row.burst_log[0].address == 128);
  CHECK(row.burst_log[1].address == 192);
  CHECK(row.burst_log[2].address == 384);
  CHECK(row.cycles == 612);
  check_dram(row, 64, 0, 62, 2);
  const auto tile = run(parse(body, "dram_layout tile_major\n"), hw);
  CHECK(tile.burst_log[0].address == 4096);
  CHECK(tile.cycles == 364);
  check_dram(tile, 64, 0, 60, 4);
}

// A LOAD of a transposed view reads the shown tensor's tile (w at 0: the same
// bursts as the M = 16 case, last done 364) and completes transpose_cycles
// after its last burst: 364 + 32 = 396 (its cost, 64 + 128 + 32 = 224, is less).
TEST_CASE("timed: a view's LOAD adds the transpose after its last burst", "[timed]") {
  const auto r = run(parse("tensor 0 w param shape=[32,32] padded=[32,32]\n"
                           "tensor 1 wt intermediate shape=[32,32] padded=[32,32] view=transpose(w)\n"
                           "0 dma LOAD wt[0,0]@0x0000 deps=-\n"),
                     timed_hw());
  CHECK(r.burst_log[0].address == 0);
  CHECK(r.burst_log[63].done_cycle == 364);
  CHECK(r.completions[0] == 396);
  CHECK(r.cycles == 396);
}

// STORE then LOAD (M = 16): x as above (C 364, stage free at t_last + I = 302);
// EXEC relu 364-372; the STORE of y (at 8192: column 32 on, hits) takes its
// token at 372 and issues from 436: WR_j = 436 + 4j (tRTW after x's last RD at
// 338 long past), done 456 + 4j; its bursts issue at max(436 + 2j, done_{j-16})
// = 4j + 392 from j = 22: t_last 644, stage free 646; last WR 688, done 708.
// The LOAD of w (4096: column 16 on) starts at 646, first burst 710; its RD
// waits for the writes: tWTR_L after the last WR of g0 (676 + 16 + 4 + 12 =
// 708), tWTR_S after the last WR (688 + 24 = 712): RD_j = 712 + 4j, last done
// 712 + 252 + 26 = 990.
TEST_CASE("timed: a STORE's writes then a LOAD's reads pay the write-to-read turnaround", "[timed]") {
  const auto r = run(parse(std::string(kTwoTiles) + "tensor 2 y output shape=[32,32] padded=[32,32] graph_output\n"
                                                    "0 dma LOAD x[0,0]@0x0000 deps=-\n"
                                                    "1 compute EXEC relu y[0,0]@0x1000 <- x[0,0]@0x0000 deps=0\n"
                                                    "2 dma STORE y[0,0]@0x1000 deps=1\n"
                                                    "3 dma LOAD w[0,0]@0x2000 deps=-\n"),
                     timed_hw());
  CHECK(r.completions[0] == 364);
  CHECK(r.starts[1] == 364);
  CHECK(r.completions[1] == 372);
  CHECK(r.starts[2] == 372);
  CHECK(r.burst_log[64].is_write);
  CHECK(r.burst_log[64].issue == 436);
  CHECK(r.burst_log[127].issue == 644);
  CHECK(r.completions[2] == 708);
  CHECK(r.starts[3] == 646);
  CHECK(r.burst_log[128].issue == 710);
  CHECK(r.completions[3] == 990);
  CHECK(r.cycles == 990);
  CHECK(r.dma_busy_cycles == 982);  // [0, 364) and [372, 990): idle while the EXEC runs
  CHECK(r.compute_busy_cycles == 8);
  CHECK(r.overlap_cycles == 0);
  check_dram(r, 128, 64, 188, 4);
}

// compute.queue_depth = 1 blocks the one instruction stream: EXEC 1 is held by
// the compute unit, EXEC 2 fills its FIFO, so EXEC 3 and the LOAD of w behind
// it wait until EXEC 1 ends (372) and the unit takes EXEC 2. The engine's
// stage has been free since 302: w starts at 372, first burst 436, RD_j = 436
// + 4j, done 714. With FIFOs of 4 the sequencer issues all at 0 and w starts
// at 302: first burst 366, RD_j = 366 + 4j, done 644.
TEST_CASE("timed: a full compute FIFO holds back the DMA uOps behind it", "[timed]") {
  const auto s = parse(std::string(kTwoTiles) +
                       "tensor 2 y0 intermediate shape=[32,32] padded=[32,32]\n"
                       "tensor 3 y1 intermediate shape=[32,32] padded=[32,32]\n"
                       "tensor 4 y2 intermediate shape=[32,32] padded=[32,32]\n"
                       "0 dma LOAD x[0,0]@0x0000 deps=-\n"
                       "1 compute EXEC relu y0[0,0]@0x1000 <- x[0,0]@0x0000 deps=0\n"
                       "2 compute EXEC relu y1[0,0]@0x2000 <- x[0,0]@0x0000 deps=-\n"
                       "3 compute EXEC relu y2[0,0]@0x3000 <- x[0,0]@0x0000 deps=-\n"
                       "4 dma LOAD w[0,0]@0x4000 deps=-\n");
  const auto blocked = run(s, timed_hw({"compute.queue_depth=1"}));
  CHECK(blocked.starts[4] == 372);
  CHECK(blocked.completions[3] == 388);
  CHECK(blocked.cycles == 714);
  const auto free = run(s, timed_hw());
  CHECK(free.starts[4] == 302);
  CHECK(free.cycles == 644);
}

// dma.queue_depth = 1: the sequencer blocks on the engine's full FIFO, so the
// EXEC after three LOADs waits for the engine to take them one by one.
//   a: C 364, t_last 300, stage free 302. b (4096) starts 302, first burst
//   366, RD_j = 366 + 4j, done 392 + 4j; issues max(t_{j-1} + 2, done_{j-16})
//   = 4j + 328 from j = 19: t_last 580, stage free 582. c (8192) and d (12288)
//   likewise 280 later each: c starts 582, d 862, d's last done 1204.
//   FIFO of 1: b in the FIFO at 0, c waits until b is taken (302), d and
//   EXEC 5 until c is taken (582): EXEC 5 runs 582-590. FIFO of 4: all at 0,
//   EXEC 5 right after EXEC 1 (364-372). 1204 cycles either way.
TEST_CASE("timed: a full DMA FIFO holds back the uOps behind it", "[timed]") {
  const auto s = parse(
      "tensor 0 a input shape=[32,32] padded=[32,32]\n"
      "tensor 1 b input shape=[32,32] padded=[32,32]\n"
      "tensor 2 c input shape=[32,32] padded=[32,32]\n"
      "tensor 3 d input shape=[32,32] padded=[32,32]\n"
      "tensor 4 y0 intermediate shape=[32,32] padded=[32,32]\n"
      "tensor 5 y1 intermediate shape=[32,32] padded=[32,32]\n"
      "0 dma LOAD a[0,0]@0x0000 deps=-\n"
      "1 compute EXEC relu y0[0,0]@0x1000 <- a[0,0]@0x0000 deps=0\n"
      "2 dma LOAD b[0,0]@0x2000 deps=-\n"
      "3 dma LOAD c[0,0]@0x3000 deps=-\n"
      "4 dma LOAD d[0,0]@0x4000 deps=-\n"
      "5 compute EXEC relu y1[0,0]@0x5000 <- a[0,0]@0x0000 deps=-\n");
  const auto blocked = run(s, timed_hw({"dma.queue_depth=1"}));
  CHECK(blocked.starts[2] == 302);
  CHECK(blocked.starts[3] == 582);
  CHECK(blocked.starts[4] == 862);
  CHECK(blocked.starts[5] == 582);
  CHECK(blocked.completions[4] == 1204);
  CHECK(blocked.cycles == 1204);
  const auto free = run(s, timed_hw());
  CHECK(free.starts[5] == 372);
  CHECK(free.starts[4] == 862);
  CHECK(free.cycles == 1204);
}

// setup_cycles = 0: a uOp's first burst issues at its start. x: bursts at 2j,
// ACT g0 0, RD_j = 22 + 4j, done 300 (C = 300, t_last 236). EXEC relu
// 300-308. The LOAD of w (deps on the EXEC) starts at 308 because of the
// EXEC's completion at 308 — not something the DRAM hands back at 308, so its
// first burst reaches the DRAM before the DRAM decides 308 and joins at 308:
// RD_j = 308 + 4j, first done 334, last done 586 (587 had it joined at 309,
// as a burst freed by a completion of the DRAM at that instant would).
TEST_CASE("timed: a burst issued at an EXEC's completion joins the DRAM at that instant", "[timed]") {
  const auto r = run(parse(std::string(kTwoTiles) + "tensor 2 y intermediate shape=[32,32] padded=[32,32]\n"
                                                    "0 dma LOAD x[0,0]@0x0000 deps=-\n"
                                                    "1 compute EXEC relu y[0,0]@0x1000 <- x[0,0]@0x0000 deps=0\n"
                                                    "2 dma LOAD w[0,0]@0x2000 deps=1\n"),
                     timed_hw({"dma.setup_cycles=0"}));
  CHECK(r.completions[0] == 300);
  CHECK(r.starts[2] == 308);
  CHECK(r.burst_log[64].issue == 308);
  CHECK(r.burst_log[64].done_cycle == 334);
  CHECK(r.cycles == 586);
}

// Refresh (tREFI = 1000; the room rule needs 763): x's LOAD ends at 364 with
// four rows open; an EXEC of 2000 cycles runs 364-2364. The refresh due at
// 1000 closes the four banks (PREA 1000, REF 1022), the one due at 2000 finds
// them closed (REF 2000): 2 refreshes, 4 precharges, counted to the end.
TEST_CASE("timed: the DRAM's refreshes are counted up to the end of the run", "[timed]") {
  const auto r = run(parse(std::string(kTwoTiles) + "tensor 2 y intermediate shape=[32,32] padded=[32,32]\n"
                                                    "0 dma LOAD x[0,0]@0x0000 deps=-\n"
                                                    "1 compute EXEC relu y[0,0]@0x1000 <- x[0,0]@0x0000 deps=0\n"),
                     timed_hw({"dram.tREFI=1000", "compute.vector_tile_cycles=2000"}));
  CHECK(r.cycles == 2364);
  CHECK(r.dma_busy_cycles == 364);
  CHECK(r.compute_busy_cycles == 2000);
  CHECK(r.overlap_cycles == 0);
  CHECK(r.dram.total.refreshes == 2);
  CHECK(r.dram.total.precharges == 4);
  check_dram(r, 64, 0, 60, 4);
}

// SRAM banks: one bank of 4 B/cycle needs 1024 port cycles for the LOAD's
// tile; its write is released at max(s + cost - 1024, s) = 0, so finish =
// 1024, later than its last burst (364): C = 1024, a bandwidth stall of
// 1024 - 192 = 832 cycles.
TEST_CASE("timed: the SRAM's finish can end a transfer after its bursts", "[timed]") {
  const auto r = run(parse(std::string(kTwoTiles) + "0 dma LOAD x[0,0]@0x0000 deps=-\n"),
                     timed_hw({"sram.banks=1", "sram.bank_bytes_per_cycle=4"}));
  CHECK(r.burst_log[63].done_cycle == 364);
  CHECK(r.completions[0] == 1024);
  CHECK(r.cycles == 1024);
  REQUIRE(r.sram.size() == 2);
  CHECK(r.sram[0].bandwidth_stall_cycles == 832);
  CHECK(r.sram[0].conflict_stall_cycles == 0);
}

TEST_CASE("timed: the replay refuses the ideal DRAM", "[timed]") {
  HwConfig hw;
  hw.name = "ideal";
  hw.sram.size_kib = 256;
  CHECK_THROWS_AS(timed_replay(parse(std::string(kTwoTiles) + "0 dma LOAD x[0,0]@0x0000 deps=-\n"), hw),
                  std::invalid_argument);
}

// The execution contract on every small run the simulator is compared on
// (timed_cases.h): a uOp starts after its dependency and its unit's previous
// uOp, never ends before its own cost (an EXEC's after the EXEC before it), DMA uOps complete in queue order, the
// busy figures fit the cycles, and the DRAM served every burst.
TEST_CASE("timed: every small compiled run keeps the execution contract", "[timed]") {
  for (const test::TimedCase& c : test::timed_cases()) {
    INFO(c.name);
    const TimedReplay r = timed_replay(c.schedule, c.hw);
    const CostModel costs(c.hw);
    const sched::TransferBytes bytes(c.schedule);
    std::int64_t last_compute = 0, last_dma = 0, dma_uops = 0;
    ExecSequence execs(costs);  // an EXEC's cost after the one before it (a systolic array's streaming)
    for (std::size_t i = 0; i < c.schedule.uops.size(); ++i) {
      const sched::Uop& uop = c.schedule.uops[i];
      REQUIRE(r.starts[i] >= 0);
      const std::int64_t cost = uop.kind == sched::UopKind::Exec ? execs.next(uop) : costs.uop_cycles(uop, bytes);
      CHECK(r.completions[i] >= r.starts[i] + cost);
      if (uop.dep != sched::kNoUop) CHECK(r.starts[i] >= r.completions[uop.dep]);
      if (uop.unit() == sched::Unit::Compute) {
        CHECK(r.starts[i] >= last_compute);
        last_compute = r.completions[i];
      } else {
        CHECK(r.completions[i] >= last_dma);
        last_dma = r.completions[i];
        ++dma_uops;
      }
    }
    CHECK(r.cycles == std::max(last_compute, last_dma));
    CHECK(r.dma_busy_cycles <= r.cycles);
    CHECK(r.compute_busy_cycles <= r.cycles);
    CHECK(r.overlap_cycles <= std::min(r.dma_busy_cycles, r.compute_busy_cycles));
    CHECK(r.bursts >= dma_uops);
    CHECK(r.dram.total.reads + r.dram.total.writes == static_cast<std::uint64_t>(r.bursts));
    CHECK(r.dram.total.row_hits + r.dram.total.row_misses + r.dram.total.row_conflicts ==
          static_cast<std::uint64_t>(r.bursts));
  }
}
