#include <catch2/catch.hpp>

#include "compiler/scheduler/blocking.h"

using tilesim::sched::choose_matmul_plan;
using tilesim::sched::MatmulShape;

TEST_CASE("blocking: a matmul that fits whole is loaded once", "[blocking]") {
  // 4x4x4 tiles, 1024 slots: A (16) + B (16) + C (16) all fit, compulsory 32 loads.
  const auto plan = choose_matmul_plan(MatmulShape{4, 4, 4, false}, 1024);
  CHECK(plan.estimated_loads == 32);
  CHECK(plan.working_tiles <= 1024);
}

TEST_CASE("blocking: the plan always fits the SRAM when anything does", "[blocking]") {
  for (const std::int64_t slots : {6, 8, 16, 64, 256}) {  // 6: a 1x1 block with its bias
    INFO(slots);
    const auto plan = choose_matmul_plan(MatmulShape{8, 32, 32, true}, slots);
    CHECK(plan.working_tiles <= slots);
    CHECK(plan.block_m >= 1);
    CHECK(plan.block_n >= 1);
  }
}

TEST_CASE("blocking: below one block's working set the plan is the 1x1 nest", "[blocking]") {
  // 3 slots hold one EXEC but not the 5 tiles a double-buffered 1x1 block wants.
  const auto plan = choose_matmul_plan(MatmulShape{2, 2, 2, false}, 3);
  CHECK(plan.block_m == 1);
  CHECK(plan.block_n == 1);
}

TEST_CASE("blocking: more SRAM never raises the estimated loads", "[blocking]") {
  std::int64_t previous = -1;
  for (std::int64_t slots = 5; slots <= 2048; slots *= 2) {
    const auto plan = choose_matmul_plan(MatmulShape{8, 32, 32, false}, slots);
    if (previous >= 0) CHECK(plan.estimated_loads <= previous);
    previous = plan.estimated_loads;
  }
  // 8 MiB: A (256) and B (1024) each loaded once.
  CHECK(previous == 256 + 1024);
}
