// The SystemC simulator against the independent replay of the timed-DRAM
// rules (timed_replay.h) on every run of timed_cases(): small compiled models
// and a hand-written schedule on DDR4, LPDDR4 and HBM2, both layouts, 1 and 2
// DMA engines, 1 to 16 bursts in flight, ideal and banked SRAMs. Each
// simulation runs in a child process (timed_compare.h).
#include <catch2/catch.hpp>

#include "tests/sim/timed_cases.h"
#include "tests/sim/timed_compare.h"

using namespace tilesim;

TEST_CASE("timed: the simulator's figures equal the replay's on every small run", "[timed][simulator]") {
  const auto cases = test::timed_cases();
  REQUIRE(cases.size() >= 40);
  for (const test::TimedCase& c : cases) {
    INFO(c.name);
    test::compare_with_simulator(c.schedule, c.hw);
  }
}
