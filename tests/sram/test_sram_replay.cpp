// Compiled and hand-written schedules replayed through SramBanks by the
// two-unit machine of docs/cycle-model.md (tests/sram/machine_replay.h): the
// default configuration and one with enough banks and width keep today's
// cycle counts; one narrow bank shows the DMA/compute conflict in cycles and
// in the stall statistic, derived here by hand.
#include <catch2/catch.hpp>

#include <sstream>

#include "compiler/driver/compile_model.h"
#include "compiler/frontend/model_loader.h"
#include "compiler/hw/cost_model.h"
#include "compiler/schedule/schedule_text.h"
#include "compiler/schedule/validator.h"
#include "sim/memory/sram/uop_accesses.h"
#include "tests/sram/machine_replay.h"

using namespace tilesim;
using test::replay;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;

HwConfig default_hw() { return load_hw_config(kSource + "/configs/hw/default.yaml"); }

sched::Schedule compiled(const std::string& model, const HwConfig& hw) {
  return compile_model(hw, frontend::load_model(kSource + "/configs/models/" + model), 0).schedule;
}

sched::Schedule parse(const std::string& text) {
  std::istringstream in(text);
  sched::Schedule s = sched::read_schedule_text(in, "test.schedule");
  REQUIRE(sched::validate(s) == std::vector<std::string>{});
  return s;
}

// docs/cycle-model.md's worked example, double-buffered.
const char kDoubleBuffered[] =
    "tilesim-schedule 1\nmodel hand\nsram_bytes 262144\n"
    "tensor 0 x input shape=[32,64] padded=[32,64]\n"
    "tensor 1 w param shape=[64,32] padded=[64,32]\n"
    "tensor 2 y output shape=[32,32] padded=[32,32] graph_output\n"
    "0 dma LOAD x[0,0]@0x0000 deps=-\n"
    "1 dma LOAD w[0,0]@0x1000 deps=-\n"
    "2 compute EXEC matmul y[0,0]@0x2000 <- x[0,0]@0x0000 w[0,0]@0x1000 zero_init deps=1\n"
    "3 dma LOAD x[0,1]@0x3000 deps=-\n"
    "4 dma LOAD w[1,0]@0x4000 deps=-\n"
    "5 compute EXEC matmul y[0,0]@0x2000 <- x[0,1]@0x3000 w[1,0]@0x4000 deps=4\n"
    "6 dma STORE y[0,0]@0x2000 deps=5\n";

// One slot per bank, a tile per port cycle: enough for the cost to vanish.
const SramBanksConfig kEnough1rw{64, 4096, SramPorts::OneReadWrite, 4096};
const SramBanksConfig kEnough1r1w{64, 4096, SramPorts::OneReadOneWrite, 4096};
// One bank at the DMA's own rate: a tile is 128 port cycles.
const SramBanksConfig kNarrow{1, 32, SramPorts::OneReadWrite, 64};

}  // namespace

TEST_CASE("replay: the worked example keeps 1024 cycles by default and with enough banks", "[sram]") {
  const auto s = parse(kDoubleBuffered);
  for (const SramBanksConfig& banks : {SramBanksConfig{}, kEnough1rw, kEnough1r1w}) {
    INFO(banks.banks << " banks " << to_string(banks.ports_per_bank));
    const auto r = replay(s, default_hw(), banks);
    CHECK(r.cycles == 1024);
    CHECK(r.finishes == std::vector<std::int64_t>{192, 384, 448, 576, 768, 832, 1024});
    CHECK(r.sram[0].conflict_stall_cycles + r.sram[1].conflict_stall_cycles == 0);
  }
}

TEST_CASE("replay: the worked example on one narrow bank, by hand", "[sram]") {
  // 1 bank x 32 B/cycle, 1rw: a tile is 128 port cycles; a LOAD (busy 192)
  // writes in [end - 128, end), exactly while its bytes arrive.
  //  0 LOAD x  0-192    write [64, 192)
  //  1 LOAD w  192-384  write [256, 384)
  //  at 384 LOAD 3 and EXEC 2 start together; the DMA is served first:
  //  3 LOAD    384-576  write [448, 576)
  //  2 EXEC    from 384 reads A: [384, 448) then, after the LOAD's write,
  //            [576, 640); B [640, 768); writes C at max(448 - 128, 768):
  //            [768, 896). Ends 896 (alone: A [384, 512), B [512, 640),
  //            C [640, 768), 768: 320 bandwidth + 128 conflict cycles).
  //  4 LOAD    576-768 wants to write from 640, the port is promised to
  //            EXEC 2 until 896: [896, 1024). Ends 1024: 256 conflict cycles.
  //  5 EXEC    waits for LOAD 4: starts 1024, reads A, B and the accumulator
  //            [1024, 1408), writes C [1408, 1536). Ends 1536: 1536 - 1088 =
  //            448 bandwidth cycles, nobody else on the port.
  //  6 STORE   waits for EXEC 5: 1536-1728, reads [1536, 1664).
  // 1728 cycles instead of 1024.
  const auto s = parse(kDoubleBuffered);
  for (const bool dma_first : {true, false}) {
    INFO("dma starts first within a cycle: " << dma_first);
    const auto r = replay(s, default_hw(), kNarrow, dma_first);
    CHECK(r.starts == std::vector<std::int64_t>{0, 192, 384, 384, 576, 1024, 1536});
    CHECK(r.finishes == std::vector<std::int64_t>{192, 384, 896, 576, 1024, 1536, 1728});
    CHECK(r.cycles == 1728);
    CHECK(r.sram[0].conflict_stall_cycles == 256);
    CHECK(r.sram[0].bandwidth_stall_cycles == 0);
    CHECK(r.sram[0].conflicted_requests == 1);
    CHECK(r.sram[1].conflict_stall_cycles == 128);
    CHECK(r.sram[1].bandwidth_stall_cycles == 320 + 448);
    CHECK(r.sram[1].port_cycles == 128 * (3 + 4));
  }
  // The time-range bound: 5 x 192 + 2 x 64 own cycles, 5 + 7 accesses of 128 port cycles.
  CHECK(CostModel(default_hw()).serial_cycles(s) == 1088);
  CHECK(sim::sram_serial_port_cycles(s, kNarrow) == 1536);
  CHECK(sim::sram_serial_port_cycles(s, SramBanksConfig{}) == 0);
}

TEST_CASE("replay: the default MLP keeps 6272 cycles by default and with enough banks", "[sram]") {
  const HwConfig hw = default_hw();
  const auto s = compiled("mlp.yaml", hw);
  for (const SramBanksConfig& banks : {SramBanksConfig{}, kEnough1rw, kEnough1r1w}) {
    INFO(banks.banks << " banks " << to_string(banks.ports_per_bank));
    const auto r = replay(s, hw, banks);
    CHECK(r.cycles == 6272);  // docs/cycle-model.md, "The default run"
    CHECK(r.sram[0].conflict_stall_cycles + r.sram[1].conflict_stall_cycles == 0);
    CHECK(r.sram[0].bandwidth_stall_cycles + r.sram[1].bandwidth_stall_cycles == 0);
    // 27 LOADs and 4 STOREs; 44 matmul steps reading x and w (and the
    // accumulator on all but the first K step), each writing its tile.
    CHECK(r.sram[0].writes == 27);
    CHECK(r.sram[0].reads == 4);
    CHECK(r.sram[1].writes == 44);
  }
}

TEST_CASE("replay: the default MLP on narrower SRAMs slows down and counts its conflicts", "[sram]") {
  const HwConfig hw = default_hw();
  const auto s = compiled("mlp.yaml", hw);
  // Figures of docs/sram-model.md's table; each run also with the other
  // order of starts within a cycle, which must not matter.
  struct Case {
    SramBanksConfig banks;
    std::int64_t cycles, dma_conflicts, compute_conflicts;
  };
  // 16 x 64 B: a tile is 4 cycles per bank, an EXEC's 16 fit its 64; only
  // once (EXEC 62, 5120-5184) does a LOAD ending in the same cycle hold the
  // banks for the last 4 cycles, and the EXEC's write slips past its end.
  // 4 x 32 B: a tile 32 cycles per bank; a matmul step needs 64 + 32 (first
  // K step) or 96 + 32 port cycles: 16 x 32 + 28 x 64 = 2304 cycles of
  // bandwidth stall however the ports are built.
  // 1 x 32 B: one port for everything; it is busy 31 x 128 + 160 x 128 =
  // 24448 of the 24640 cycles. With 1r1w, reads and writes overlap.
  for (const Case& c : {Case{{16, 64, SramPorts::OneReadWrite, 64}, 6276, 0, 4},
                        Case{{4, 32, SramPorts::OneReadWrite, 64}, 7584, 0, 512},
                        Case{{4, 32, SramPorts::OneReadOneWrite, 64}, 7168, 0, 64}, Case{kNarrow, 24640, 8384, 3200},
                        Case{{1, 32, SramPorts::OneReadOneWrite, 64}, 21504, 1536, 384}}) {
    INFO(c.banks.banks << " x " << c.banks.bank_bytes_per_cycle << " " << to_string(c.banks.ports_per_bank));
    const auto r = replay(s, hw, c.banks, true);
    const auto other = replay(s, hw, c.banks, false);
    CHECK(other.finishes == r.finishes);
    CHECK(r.cycles == c.cycles);
    CHECK(r.cycles <= CostModel(hw).serial_cycles(s) + sim::sram_serial_port_cycles(s, c.banks));
    CHECK(r.sram[0].conflict_stall_cycles == c.dma_conflicts);
    CHECK(r.sram[1].conflict_stall_cycles == c.compute_conflicts);
    if (c.banks.banks == 4) CHECK(r.sram[1].bandwidth_stall_cycles == 2304);
  }
  const auto narrow = replay(s, hw, kNarrow);
  CHECK(narrow.sram[0].port_cycles == 31 * 128);          // 27 LOADs, 4 STOREs
  CHECK(narrow.sram[1].port_cycles == (116 + 44) * 128);  // 116 operand reads, 44 results
  CHECK(narrow.sram[0].port_cycles + narrow.sram[1].port_cycles <= narrow.cycles);
}

TEST_CASE("replay: the large MLP keeps 1766528 cycles by default and with enough banks", "[sram]") {
  const HwConfig hw = default_hw();
  const auto s = compiled("mlp-large.yaml", hw);
  for (const SramBanksConfig& banks : {SramBanksConfig{}, kEnough1rw, kEnough1r1w}) {
    INFO(banks.banks << " banks " << to_string(banks.ports_per_bank));
    CHECK(replay(s, hw, banks).cycles == 1766528);  // docs/cycle-model.md
  }
}
