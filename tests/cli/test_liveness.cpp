// Liveness: a schedule whose dependencies can never be met, handed straight
// to the simulator (no compiler, no validator), must end at once with exit
// code 1 and one line naming each stuck unit and the uOp whose token it
// waits for - never hang.
#include <catch2/catch.hpp>

#include <chrono>

#include "tests/support/run_process.h"

using tilesim::test::run_tilesim;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;

void check_stall(const std::string& schedule, const std::string& expected) {
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_tilesim({"run", "--hw", kSource + "/configs/hw/default.yaml", "--schedule",
                              kSource + "/tests/bad-inputs/schedules/" + schedule});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.signal == 0);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "tilesim: internal error: simulation stalled " + expected + "\n");
  CHECK(seconds < 1.0);
}

}  // namespace

TEST_CASE("liveness: a DMA/compute dependency cycle names both stuck units", "[liveness]") {
  check_stall("cycle-dma-compute.schedule",
              "at cycle 0: dma unit holds uop 0 (LOAD x[0,0]) waiting for the token of uop 1 (EXEC relu "
              "y[0,0]), which compute never completes; compute unit holds uop 1 (EXEC relu y[0,0]) waiting "
              "for the token of uop 0 (LOAD x[0,0]), which dma never completes");
}

TEST_CASE("liveness: the compute unit waiting on a later uOp of its own queue is named", "[liveness]") {
  // The LOAD runs (0..192); EXEC 1 waits for EXEC 2, queued behind it; the
  // STORE waits for EXEC 2 too.
  check_stall("compute-waits-on-itself.schedule",
              "at cycle 192: dma unit holds uop 3 (STORE y[0,0]) waiting for the token of uop 2 (EXEC relu "
              "y[0,0]), which compute never completes; compute unit holds uop 1 (EXEC relu y[0,0]) waiting "
              "for the token of uop 2 (EXEC relu y[0,0]), which compute never completes");
}

TEST_CASE("liveness: the DMA engine waiting for a uOp that does not exist is named", "[liveness]") {
  check_stall("dma-waits-for-missing-uop.schedule",
              "at cycle 0: dma unit holds uop 0 (LOAD x[0,0]) waiting for the token of uop 7, which does not "
              "exist; compute unit holds uop 1 (EXEC relu y[0,0]) waiting for the token of uop 0 (LOAD "
              "x[0,0]), which dma never completes");
}

TEST_CASE("liveness: a hand-written schedule that is sound runs to the end", "[liveness]") {
  const auto r = run_tilesim({"run", "--hw", kSource + "/configs/hw/default.yaml", "--schedule",
                              kSource + "/docs/examples/one-tile.schedule", "--timing-only"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("cycles            ") != std::string::npos);
}
