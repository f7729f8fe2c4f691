// Liveness: a hand-written schedule whose dependencies could never be met (a
// cycle, a unit waiting on a later uOp of its own queue, a uOp that does not
// exist) is refused before simulation, at once, with exit code 2 and the line
// of the uOp; a sound one runs to the end. The simulator's own stall report,
// for a schedule that reaches it unchecked, is tested on the library
// (tests/sim/test_sim_stall.cpp).
#include <catch2/catch.hpp>

#include <chrono>

#include "tests/support/run_process.h"

using tilesim::test::run_tilesim;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;

void check_refused(const std::string& schedule, const std::string& expected) {
  const std::string path = kSource + "/tests/bad-inputs/schedules/" + schedule;
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_tilesim({"run", "--hw", kSource + "/configs/hw/default.yaml", "--schedule", path});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.signal == 0);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "tilesim: error: " + path + ":" + expected + "\n");
  CHECK(seconds < 1.0);
}

}  // namespace

TEST_CASE("liveness: a DMA/compute dependency cycle is refused at its first forward dep", "[liveness]") {
  check_refused("cycle-dma-compute.schedule",
                "5: uop 0 LOAD x[0,0]: dep 1 points forward (expected an earlier uop of the compute unit)");
}

TEST_CASE("liveness: the compute unit waiting on a later uOp of its own queue is refused", "[liveness]") {
  check_refused("compute-waits-on-itself.schedule",
                "6: uop 1 EXEC relu y[0,0]: dep 2 points forward (expected an earlier uop of the dma unit)");
}

TEST_CASE("liveness: a dependency on a uOp that does not exist is refused", "[liveness]") {
  check_refused("dma-waits-for-missing-uop.schedule",
                "5: uop 0 LOAD x[0,0]: dep 7 does not exist (expected an earlier uop of the compute unit)");
}

TEST_CASE("liveness: a hand-written schedule that is sound runs to the end", "[liveness]") {
  const auto r = run_tilesim({"run", "--hw", kSource + "/configs/hw/default.yaml", "--schedule",
                              kSource + "/docs/examples/one-tile.schedule", "--timing-only"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\n  cycles            ") != std::string::npos);
}
