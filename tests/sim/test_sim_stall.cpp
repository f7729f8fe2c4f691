// The simulator's own stall report, for a schedule that reaches it without
// the checks `tilesim run --schedule` applies (which refuse these files with
// their line, tests/cli/test_liveness.cpp): the run ends at once with
// SimulationStalled naming each stuck unit and the uOp whose token it waits
// for - never a hang. One simulation per TEST_CASE (SystemC elaborates once
// per process).
#include <catch2/catch.hpp>

#include <fstream>

#include "compiler/schedule/schedule_text.h"
#include "sim/model/simulate.h"

using namespace tilesim;

namespace {

// Read, not validated: the corpus file as the simulator would get it unchecked.
sched::Schedule unchecked(const std::string& name) {
  const std::string path = std::string(TILESIM_SOURCE_DIR) + "/tests/bad-inputs/schedules/" + name;
  std::ifstream in(path);
  REQUIRE(in);
  return sched::read_schedule_text(in, path);
}

std::string stall_of(const sched::Schedule& s) {
  HwConfig hw;
  hw.name = "default";
  hw.sram.size_kib = 256;
  try {
    sim::simulate(s, hw, {}, sim::SimOptions{});
  } catch (const sim::SimulationStalled& e) {
    return e.what();
  }
  return "no stall reported";
}

}  // namespace

TEST_CASE("sim stall: the compute unit waiting on a later uOp of its own queue is named", "[sim][liveness]") {
  // The LOAD runs (0..192); EXEC 1 waits for EXEC 2, queued behind it; the
  // STORE waits for EXEC 2 too.
  CHECK(stall_of(unchecked("compute-waits-on-itself.schedule")) ==
        "simulation stalled at cycle 192: dma unit holds uop 3 (STORE y[0,0]) waiting for the token of uop 2 (EXEC "
        "relu y[0,0]), which compute never completes; compute unit holds uop 1 (EXEC relu y[0,0]) waiting for the "
        "token of uop 2 (EXEC relu y[0,0]), which compute never completes");
}

TEST_CASE("sim stall: the DMA engine waiting for a uOp that does not exist is named", "[sim][liveness]") {
  CHECK(stall_of(unchecked("dma-waits-for-missing-uop.schedule")) ==
        "simulation stalled at cycle 0: dma unit holds uop 0 (LOAD x[0,0]) waiting for the token of uop 7, which "
        "does not exist; compute unit holds uop 1 (EXEC relu y[0,0]) waiting for the token of uop 0 (LOAD x[0,0]), "
        "which dma never completes");
}
