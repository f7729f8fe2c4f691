// The rules of docs/sram-model.md on small cases, every cycle derived by hand.
//
// Shorthand in the derivations: a 4 KiB tile on one bank of W B/cycle needs
// 4096 / W port cycles; "[a, b)" are the port cycles an access holds. Reads
// are served from the uOp's start; the writes of a uOp are released at
// max(start + busy - (its write cycles on its busiest bank), its reads' end);
// a uOp ends at max(start + busy, its last access's end). Requests are served
// in the order (start, requester), requester 0 (dma) before 1 (compute).
#include <catch2/catch.hpp>

#include <stdexcept>

#include "sim/memory/sram/sram_banks.h"

using namespace tilesim;
using sim::SramAccess;
using sim::SramBanks;
using sim::SramOutcome;

namespace {

constexpr std::size_t kDma = 0;
constexpr std::size_t kCompute = 1;
constexpr std::uint32_t kTile = 4096;

SramBanksConfig banks(std::int64_t n, std::int64_t bytes_per_cycle, SramPorts ports, std::int64_t interleave) {
  return SramBanksConfig{n, bytes_per_cycle, ports, interleave};
}

SramAccess read(std::uint32_t address, std::uint32_t bytes = kTile) { return SramAccess{address, bytes, false}; }
SramAccess write(std::uint32_t address, std::uint32_t bytes = kTile) { return SramAccess{address, bytes, true}; }

SramBanks machine(const SramBanksConfig& config) { return SramBanks(config, {"dma", "compute"}); }

void check(const SramOutcome& got, std::int64_t finish, std::int64_t bandwidth, std::int64_t conflict) {
  CHECK(got.finish == finish);
  CHECK(got.bandwidth_stall_cycles == bandwidth);
  CHECK(got.conflict_stall_cycles == conflict);
}

}  // namespace

TEST_CASE("ideal SRAM: every uOp ends at start + busy, traffic is counted", "[sram]") {
  SramBanks sram = machine(SramBanksConfig{});
  const auto load = sram.request(kDma, 0, 192, {write(0)});
  const auto exec = sram.request(kCompute, 0, 64, {read(0x1000), read(0x2000), read(0x3000), write(0x3000)});
  check(sram.finish(exec), 64, 0, 0);
  check(sram.finish(load), 192, 0, 0);
  const auto& dma = sram.stats()[kDma];
  const auto& compute = sram.stats()[kCompute];
  CHECK(dma.name == "dma");
  CHECK(dma.requests == 1);
  CHECK(dma.writes == 1);
  CHECK(dma.bytes_written == 4096);
  CHECK(dma.port_cycles == 0);
  CHECK(compute.reads == 3);
  CHECK(compute.writes == 1);
  CHECK(compute.bytes_read == 12288);
  CHECK(compute.bytes_written == 4096);
  CHECK(compute.conflict_stall_cycles == 0);
  CHECK(compute.bandwidth_stall_cycles == 0);
}

TEST_CASE("one narrow bank: a LOAD's write holds the port, an EXEC starting inside it waits", "[sram]") {
  // 1 bank x 32 B/cycle (the DMA's own rate), one read/write port: a tile is 128 port cycles.
  SramBanks sram = machine(banks(1, 32, SramPorts::OneReadWrite, 64));
  // LOAD at 0, busy 192: write released at 192 - 128 = 64, holds [64, 192), ends 192.
  const auto load = sram.request(kDma, 0, 192, {write(0x0000)});
  // EXEC matmul (zero_init) at 100, busy 64: reads A, B, writes C.
  const auto exec = sram.request(kCompute, 100, 64, {read(0x1000), read(0x2000), write(0x3000)});
  check(sram.finish(load), 192, 0, 0);
  // With the port to itself: A [100, 228), B [228, 356), C released at
  // max(164 - 128, 356) = 356, [356, 484): ends 484, 484 - 164 = 320 cycles of bandwidth.
  // Behind the LOAD (served first: it started first): A waits for 192, [192, 320),
  // B [320, 448), C [448, 576): ends 576, 92 cycles later (the LOAD's [100, 192)).
  check(sram.finish(exec), 576, 320, 92);
  CHECK(sram.stats()[kCompute].conflict_stall_cycles == 92);
  CHECK(sram.stats()[kCompute].bandwidth_stall_cycles == 320);
  CHECK(sram.stats()[kCompute].conflicted_requests == 1);
  CHECK(sram.stats()[kCompute].port_cycles == 384);
  CHECK(sram.stats()[kDma].conflict_stall_cycles == 0);
  CHECK(sram.stats()[kDma].port_cycles == 128);
}

TEST_CASE("one 4 B/cycle bank: a LOAD and an EXEC in the same cycles serialize, the earlier start first", "[sram]") {
  // 1 bank x 4 B/cycle, 1rw. A bias row (128 B) is 32 port cycles, a scalar 1.
  SramBanks sram = machine(banks(1, 4, SramPorts::OneReadWrite, 64));
  // LOAD of a bias row at 0, busy 68 (64 + 128/32): write [36, 68), ends 68.
  const auto load = sram.request(kDma, 0, 68, {write(0x0000, 128)});
  // EXEC at 40, busy 8: reads a bias row (32 cycles) and a scalar (1), writes
  // a bias row (32). Alone: [40, 72), [72, 73), write at max(48 - 32, 73) = 73,
  // [73, 105): ends 105, 105 - 48 = 57 of bandwidth.
  // Behind the LOAD's [36, 68): the row [68, 100), the scalar [100, 101), the
  // write [101, 133): ends 133, 28 cycles later (= 68 - 40, the LOAD's cycles it waited for).
  const auto exec = sram.request(kCompute, 40, 8, {read(0x1000, 128), read(0x2000, 4), write(0x3000, 128)});
  check(sram.finish(load), 68, 0, 0);
  check(sram.finish(exec), 133, 57, 28);
  CHECK(sram.stats()[kCompute].conflict_stall_cycles == 28);
}

TEST_CASE("a later start goes around the cycles an earlier one promised, even later ones", "[sram]") {
  // 1 bank x 64 B/cycle, 1rw: a tile is 64 port cycles.
  SramBanks sram = machine(banks(1, 64, SramPorts::OneReadWrite, 64));
  // EXEC at 0, busy 200: read [0, 64); write released at 200 - 64 = 136, [136, 200). Ends 200.
  const auto exec = sram.request(kCompute, 0, 200, {read(0x1000), write(0x2000)});
  // LOAD at 10, busy 100: its write wants [46, 110) but [46, 64) is the EXEC's:
  // it takes [64, 128) (the gap before 136), ends 128: 18 cycles of conflict.
  const auto load = sram.request(kDma, 10, 100, {write(0x0000)});
  // STORE at 150 (after the LOAD), busy 192: its read wants 64 cycles from 150;
  // [150, 200) is the EXEC's write: [200, 264). That ends long before
  // 150 + 192 = 342, so the conflict costs the STORE nothing.
  check(sram.finish(exec), 200, 0, 0);
  check(sram.finish(load), 128, 0, 18);
  const auto store = sram.request(kDma, 150, 192, {read(0x2000)});
  check(sram.finish(store), 342, 0, 0);
  CHECK(sram.stats()[kDma].conflict_stall_cycles == 18);
  CHECK(sram.stats()[kDma].conflicted_requests == 1);
}

TEST_CASE("same start: the DMA is served first, whatever order the calls come in", "[sram]") {
  // 1 bank x 64 B/cycle, 1rw. A STORE and a ReLU EXEC both start at 0.
  // STORE (dma) first: its read [0, 64); ends at 192.
  // EXEC: read [64, 128), write at max(8 - 64, 128) = 128, [128, 192): ends 192.
  // Alone it would read [0, 64) and write [64, 128): 128 - 8 = 120 of
  // bandwidth, 192 - 128 = 64 of conflict.
  for (const bool compute_calls_first : {false, true}) {
    INFO("compute calls first: " << compute_calls_first);
    SramBanks sram = machine(banks(1, 64, SramPorts::OneReadWrite, 64));
    sim::SramTicket store, exec;
    if (compute_calls_first) {
      exec = sram.request(kCompute, 0, 8, {read(0x1000), write(0x2000)});
      store = sram.request(kDma, 0, 192, {read(0x3000)});
    } else {
      store = sram.request(kDma, 0, 192, {read(0x3000)});
      exec = sram.request(kCompute, 0, 8, {read(0x1000), write(0x2000)});
    }
    check(sram.finish(exec), 192, 120, 64);
    check(sram.finish(store), 192, 0, 0);
  }
}

TEST_CASE("1r1w: a read and a write on one bank in one cycle proceed together, 1rw serializes them", "[sram]") {
  // 1 bank x 64 B/cycle. LOAD at 0, busy 192: write [128, 192).
  // ReLU EXEC at 128, busy 64: reads X (64 cycles), writes Y (64 cycles).
  // 1r1w: the read [128, 192) on the read port beside the LOAD's write; the
  //       write at max(192 - 64, 192) = 192, [192, 256) on the write port,
  //       free after 192: ends 256 = alone (64 of bandwidth), no conflict.
  // 1rw:  the read waits for the port, [192, 256); the write [256, 320):
  //       ends 320, 64 cycles of conflict.
  for (const SramPorts ports : {SramPorts::OneReadOneWrite, SramPorts::OneReadWrite}) {
    const bool split = ports == SramPorts::OneReadOneWrite;
    INFO(to_string(ports));
    SramBanks sram = machine(banks(1, 64, ports, 64));
    const auto load = sram.request(kDma, 0, 192, {write(0x0000)});
    const auto exec = sram.request(kCompute, 128, 64, {read(0x1000), write(0x2000)});
    check(sram.finish(load), 192, 0, 0);
    check(sram.finish(exec), split ? 256 : 320, 64, split ? 0 : 64);
  }
  // Two reads in one cycle still serialize with 1r1w: two STORE-like reads at
  // 0 (dma first): dma [0, 64), compute [64, 128).
  SramBanks sram = machine(banks(1, 64, SramPorts::OneReadOneWrite, 64));
  const auto a = sram.request(kDma, 0, 64, {read(0x0000)});
  const auto b = sram.request(kCompute, 0, 64, {read(0x1000)});
  check(sram.finish(a), 64, 0, 0);
  check(sram.finish(b), 128, 0, 64);
}

TEST_CASE("interleave: an access spread over banks proceeds on all of them at once", "[sram]") {
  // A ReLU EXEC at 0, busy 8, reading one tile and writing another, 64 B/cycle banks, 1rw.
  // 1 bank: read [0, 64), write [64, 128): ends 128.
  // 4 banks, interleave 64: each tile is 16 chunks of 64 B on every bank,
  // 1024 B = 16 cycles per bank: read [0, 16), write [16, 32): ends 32.
  // 4 banks, interleave 4096: each tile on one bank (0x1000 on bank 1,
  // 0x2000 on bank 2): read [0, 64) on bank 1, write at max(8 - 64, 64) = 64
  // on bank 2: ends 128 like one bank (the result needs the operands first).
  struct Case {
    std::int64_t banks, interleave, finish;
  };
  for (const Case c : {Case{1, 64, 128}, Case{4, 64, 32}, Case{4, 4096, 128}}) {
    INFO(c.banks << " banks, interleave " << c.interleave);
    SramBanks sram = machine(banks(c.banks, 64, SramPorts::OneReadWrite, c.interleave));
    const auto exec = sram.request(kCompute, 0, 8, {read(0x1000), write(0x2000)});
    check(sram.finish(exec), c.finish, c.finish - 8, 0);
  }
  // Tile-interleaved banks let the DMA and the compute unit work side by side:
  // 2 banks x 64 B, interleave 4096. LOAD to 0x0000 (bank 0) at 0, busy 192:
  // write [128, 192). EXEC at 128, busy 64, reading 0x1000 (bank 1), writing
  // 0x3000 (bank 1): read [128, 192), write [192, 256): no conflict. The same
  // EXEC reading 0x2000 (bank 0) waits: read [192, 256), write [256, 320).
  for (const std::uint32_t source : {0x1000u, 0x2000u}) {
    INFO("EXEC reads " << source);
    SramBanks sram = machine(banks(2, 64, SramPorts::OneReadWrite, 4096));
    const auto load = sram.request(kDma, 0, 192, {write(0x0000)});
    const auto exec = sram.request(kCompute, 128, 64, {read(source), write(0x3000)});
    check(sram.finish(load), 192, 0, 0);
    check(sram.finish(exec), source == 0x1000 ? 256 : 320, 64, source == 0x1000 ? 0 : 64);
  }
}

TEST_CASE("wide banks: every access one cycle, and the cost vanishes inside the uOp", "[sram]") {
  // 16 banks x 4096 B/cycle, interleave 256: a tile is 256 B on each bank, one
  // cycle. A STORE at 0 (dma, served first) reads at cycle 0 on every bank;
  // an EXEC matmul at 0, busy 64, reads A, B, C at cycles 1, 2, 3 (same banks,
  // one port each) and writes C at 64 - 1 = 63: both end on time.
  SramBanks sram = machine(banks(16, 4096, SramPorts::OneReadWrite, 256));
  const auto store = sram.request(kDma, 0, 192, {read(0x4000)});
  const auto exec = sram.request(kCompute, 0, 64, {read(0x1000), read(0x2000), read(0x3000), write(0x3000)});
  check(sram.finish(exec), 64, 0, 0);
  check(sram.finish(store), 192, 0, 0);
  CHECK(sram.stats()[kCompute].port_cycles == 4 * 16);
}

TEST_CASE("the calls' contract is checked", "[sram]") {
  SramBanks sram = machine(banks(1, 64, SramPorts::OneReadWrite, 64));
  const auto a = sram.request(kDma, 10, 192, {write(0)});
  CHECK(sram.finish(a).finish == 202);  // the write's 64 cycles are [138, 202)
  // Once the requests of cycle 10 were served, a request for cycle 10 (or
  // earlier) would have had a say in them: refused.
  CHECK_THROWS_AS(sram.request(kCompute, 10, 8, {read(0x1000)}), std::logic_error);
  CHECK_THROWS_AS(sram.request(kCompute, 3, 8, {read(0x1000)}), std::logic_error);
  CHECK_THROWS_AS(sram.finish(a), std::logic_error);  // asked twice
  CHECK_THROWS_AS(sram.request(2, 20, 8, {}), std::invalid_argument);
  CHECK_THROWS_AS(sram.request(kDma, 20, -1, {}), std::invalid_argument);
  const auto b = sram.request(kCompute, 11, 8, {});
  CHECK(sram.finish(b).finish == 19);  // no traffic: start + busy
  CHECK_THROWS_AS(SramBanks(banks(2, 0, SramPorts::OneReadWrite, 64), {"dma"}), std::invalid_argument);
  CHECK_THROWS_AS(SramBanks(banks(2, 64, SramPorts::OneReadWrite, 48), {"dma"}), std::invalid_argument);
  CHECK_THROWS_AS(SramBanks(SramBanksConfig{}, {}), std::invalid_argument);
}
