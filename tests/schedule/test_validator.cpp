// The validator on correct schedules, on dependency and hazard defects, and on a
// generated schedule of a million uOps.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "compiler/schedule/validator.h"
#include "tests/schedule/sample_schedules.h"

using namespace tilesim::sched;
using namespace tilesim::sched::testing;
using Errors = std::vector<std::string>;

TEST_CASE("validator accepts correct hand-built schedules", "[schedule][validator]") {
  CHECK(validate(one_tile_matmul().done()).empty());
  CHECK(validate(two_k_double_buffered().done()).empty());
  CHECK(validate(three_k_ping_pong().done()).empty());
  CHECK(validate(prefetch_two_rows(false).done()).empty());
  CHECK_NOTHROW(validate_or_throw(three_k_ping_pong().done()));
}

TEST_CASE("validator: a dependency reached through the unit's own queue counts", "[schedule][validator]") {
  // LOAD 6 has no dep of its own, yet runs after EXEC 4 because LOAD 5 waits for it.
  Schedule s = three_k_ping_pong().done();
  REQUIRE(s.uops[6].dep == kNoUop);
  CHECK(validate(s).empty());
}

TEST_CASE("validator: LOAD overwriting a slot an EXEC still reads", "[schedule][validator]") {
  Builder b = three_k_ping_pong();
  b.uop(5).dep = kNoUop;  // x[0,2] over x[0,0] without waiting for step 0
  b.uop(6).dep = 4;
  CHECK(validate(b.done()) ==
        Errors{"uop 5 (LOAD x[0,2]) writes slot at 0x0000 while uop 4 (EXEC matmul y[0,0]) may still read it "
               "(expected a dependency on uop 4 or a later compute uop)"});
}

TEST_CASE("validator: EXEC reading before its LOAD completes", "[schedule][validator]") {
  Builder b = one_tile_matmul();
  b.uop(2).dep = 0;  // waits for x but not for w
  CHECK(validate(b.done()) ==
        Errors{"uop 2 (EXEC matmul y[0,0]) reads slot at 0x1000 while uop 1 (LOAD w[0,0]) may still write it "
               "(expected a dependency on uop 1 or a later dma uop)"});
}

TEST_CASE("validator: STORE before the EXEC that writes its slot is done", "[schedule][validator]") {
  Builder b = one_tile_matmul();
  b.uop(3).dep = kNoUop;
  CHECK(validate(b.done()) ==
        Errors{"uop 3 (STORE y[0,0]) reads slot at 0x2000 while uop 2 (EXEC matmul y[0,0]) may still write it "
               "(expected a dependency on uop 2 or a later compute uop)"});
}

TEST_CASE("validator: EXEC overwriting a slot a STORE still reads", "[schedule][validator]") {
  Builder b = two_k_double_buffered();
  // Store the partial sum as if y were an intermediate spill, then continue.
  Schedule s = b.done();
  s.tensors[2].role = TensorRole::Intermediate;
  s.tensors[2].is_graph_output = false;
  Uop spill;
  spill.kind = UopKind::Store;
  spill.tile = T(2, 0, 0);
  spill.addr = 0x4000;
  spill.dep = 4;
  s.uops.insert(s.uops.begin() + 5, spill);  // uops 5 STORE, 6 EXEC (dep 3), 7 STORE
  s.uops[7].dep = 6;
  set_totals(s, count_totals(s), true);
  CHECK(validate(s) ==
        Errors{"uop 6 (EXEC matmul y[0,0]) writes slot at 0x4000 while uop 5 (STORE y[0,0]) may still read it "
               "(expected a dependency on uop 5 or a later dma uop)"});
  s.uops[6].dep = 5;
  CHECK(validate(s).empty());
}

TEST_CASE("validator: forward and same-unit dependencies", "[schedule][validator]") {
  SECTION("forward") {
    Builder b = one_tile_matmul();
    b.uop(2).dep = 3;
    const Errors errors = validate(b.done());
    REQUIRE(!errors.empty());
    CHECK(errors[0] == "uop 2 EXEC matmul y[0,0]: dep 3 points forward (expected an earlier uop of the dma unit)");
  }
  SECTION("itself") {
    Builder b = one_tile_matmul();
    b.uop(1).dep = 1;
    CHECK(validate(b.done()) ==
          Errors{"uop 1 LOAD w[0,0]: dep 1 is itself (expected an earlier uop of the compute unit)"});
  }
  SECTION("same unit") {
    Builder b = one_tile_matmul();
    b.uop(3).dep = 1;
    const Errors errors = validate(b.done());
    REQUIRE(errors.size() == 2);
    CHECK(errors[0] ==
          "uop 3 STORE y[0,0]: dep 1 (LOAD w[0,0]) is on the same unit (expected an earlier uop of the compute unit)");
    CHECK(errors[1] ==
          "uop 3 (STORE y[0,0]) reads slot at 0x2000 while uop 2 (EXEC matmul y[0,0]) may still write it "
          "(expected a dependency on uop 2 or a later compute uop)");
  }
}

TEST_CASE("validator: max_errors caps the list and validate_or_throw reports", "[schedule][validator]") {
  Builder b = one_tile_matmul();
  for (std::uint32_t id = 0; id < 4; ++id) b.uop(id).addr = 0x0800;  // every uOp misaligned
  const Schedule s = b.done();
  CHECK(validate(s, 2).size() == 2);
  CHECK(validate(s, 0).empty());
  try {
    validate_or_throw(s);
    FAIL("no exception");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK(what.find("internal error: invalid schedule for one_tile:") == 0);
    CHECK(what.find("uop 0 LOAD x[0,0]: tile address 0x0800 is not a multiple of 4096") != std::string::npos);
  }
}

TEST_CASE("validator runs through a generated 1M-uop schedule", "[schedule][validator][large]") {
  // y = x @ w with M = N = 16 tiles and K = 1310: 3 uOps per K step, ping/pong
  // operand and accumulator slots, dependencies resolved by the test helper.
  const std::int32_t m = 16, n = 16, k = 1310;
  Builder b(6 * kTileBytes, "large");
  const auto x = b.tensor("x", TensorRole::Input, 32 * m, 32 * k);
  const auto w = b.tensor("w", TensorRole::Param, 32 * k, 32 * n);
  const auto y = b.tensor("y", TensorRole::Output, 32 * m, 32 * n);
  b.schedule().uops.reserve(3u * m * n * k + m * n);
  std::uint32_t step = 0, tile = 0;
  for (std::int32_t i = 0; i < m; ++i) {
    for (std::int32_t j = 0; j < n; ++j, ++tile) {
      const std::uint32_t acc = (4 + tile % 2) * kTileBytes;
      for (std::int32_t kk = 0; kk < k; ++kk, ++step) {
        const std::uint32_t pa = (step % 2) * kTileBytes, pb = (2 + step % 2) * kTileBytes;
        b.load(T(x, i, kk), pa);
        b.load(T(w, kk, j), pb);
        b.matmul({T(y, i, j), acc}, {T(x, i, kk), pa}, {T(w, kk, j), pb}, kk == 0);
      }
      b.store(T(y, i, j), acc);
    }
  }
  resolve_deps(b.schedule());
  const Schedule s = b.done();
  REQUIRE(s.uops.size() > 1000000);
  CHECK(validate(s).empty());
}
