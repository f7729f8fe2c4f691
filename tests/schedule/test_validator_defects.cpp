// The validator on single defects of data, outputs, structure and totals: each
// reported with its exact message.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "compiler/schedule/validator.h"
#include "tests/schedule/sample_schedules.h"

using namespace tilesim::sched;
using namespace tilesim::sched::testing;
using Errors = std::vector<std::string>;

TEST_CASE("validator: accumulator allocated over a live operand (the seed's small-SRAM bug)", "[schedule][validator]") {
  CHECK(validate(prefetch_two_rows(true).done()) ==
        Errors{"uop 5 EXEC matmul y[1,0]: operand 0 at 0x2000 holds y[0,0] (expected x[1,0])"});
}

TEST_CASE("validator: matmul in place", "[schedule][validator]") {
  Builder b = one_tile_matmul();
  b.uop(2).addr = 0x0000;
  b.uop(3).addr = 0x0000;
  CHECK(validate(b.done()) ==
        Errors{"uop 2 EXEC matmul y[0,0]: accumulator at 0x0000 is also operand 0's address (expected distinct "
               "slots: a matmul cannot run in place)"});
}

TEST_CASE("validator: stale operand", "[schedule][validator]") {
  Builder b = two_k_double_buffered();
  b.uop(5).src_addr[0] = 0x0000;  // step 1 reads step 0's slot: x[0,1] went to 0x2000
  CHECK(validate(b.done()) == Errors{"uop 5 EXEC matmul y[0,0]: operand 0 at 0x0000 holds x[0,0] (expected x[0,1])"});
}

TEST_CASE("validator: operand that is not yet complete", "[schedule][validator]") {
  // z = relu(y) where y is read after only one of its two K steps.
  Builder b(6 * kTileBytes, "partial");
  const auto x = b.tensor("x", TensorRole::Input, 32, 64);
  const auto w = b.tensor("w", TensorRole::Param, 64, 32);
  const auto y = b.tensor("y", TensorRole::Intermediate, 32, 32);
  const auto z = b.tensor("z", TensorRole::Output, 32, 32);
  b.load(T(x, 0, 0), 0x0000);
  b.load(T(w, 0, 0), 0x1000);
  b.matmul({T(y, 0, 0), 0x2000}, {T(x, 0, 0), 0x0000}, {T(w, 0, 0), 0x1000}, true, 1);
  b.elementwise(ExecKind::Relu, {T(z, 0, 0), 0x3000}, {{T(y, 0, 0), 0x2000}});
  b.store(T(z, 0, 0), 0x3000, 3);
  CHECK(validate(b.done()) ==
        Errors{"uop 3 EXEC relu z[0,0]: operand 0 at 0x2000 holds y[0,0] after 1 of 2 K steps (expected complete)"});
}

TEST_CASE("validator: accumulator missing its earlier K steps", "[schedule][validator]") {
  Builder b = two_k_double_buffered();
  b.uop(4).addr = 0x0000;  // step 0 accumulates elsewhere (in place, too)
  const Errors errors = validate(b.done());
  REQUIRE(errors.size() == 2);
  CHECK(errors[1] ==
        "uop 5 EXEC matmul y[0,0]: accumulator at 0x4000 holds nothing (expected y[0,0] after 1 of 2 K steps)");
}

TEST_CASE("validator: out-of-range and unaligned addresses", "[schedule][validator]") {
  SECTION("out of range") {
    Builder b = one_tile_matmul();
    b.uop(1).addr = 0x3000;
    const Errors errors = validate(b.done());
    REQUIRE(errors.size() == 2);
    CHECK(errors[0] ==
          "uop 1 LOAD w[0,0]: tile address 0x3000 + 4096 bytes is outside the SRAM of 12288 bytes (expected at most "
          "0x2000)");
    CHECK(errors[1] == "uop 2 EXEC matmul y[0,0]: operand 1 at 0x1000 holds nothing (expected w[0,0])");
  }
  SECTION("unaligned") {
    Builder b = one_tile_matmul();
    b.uop(2).src_addr[1] = 0x1800;
    CHECK(validate(b.done()) ==
          Errors{"uop 2 EXEC matmul y[0,0]: operand 1 address 0x1800 is not a multiple of 4096 (expected a "
                 "tile-aligned address)"});
  }
}

TEST_CASE("validator: output stores", "[schedule][validator]") {
  SECTION("never stored") {
    Builder b = one_tile_matmul();
    b.schedule().uops.pop_back();
    CHECK(validate(b.done()) == Errors{"output y[0,0] is never stored (expected one STORE after its last EXEC)"});
  }
  SECTION("stored twice") {
    Builder b = one_tile_matmul();
    b.store(T(2, 0, 0), 0x2000);
    CHECK(validate(b.done()) ==
          Errors{"uop 4 STORE y[0,0]: output tile stored again (first by uop 3; expected exactly one STORE)"});
  }
  SECTION("stored before its last K step") {
    Builder b = two_k_double_buffered();
    Schedule s = b.done();
    std::swap(s.uops[5], s.uops[6]);  // 5 STORE after step 0, 6 step 1
    s.uops[5].dep = 4;
    s.uops[6].dep = 5;
    CHECK(validate(s) == Errors{"uop 5 STORE y[0,0]: stores y[0,0] after 1 of 2 K steps (expected complete: an "
                                "output is stored once, after its last EXEC)"});
  }
  SECTION("recomputed after its store") {
    Builder b = one_tile_matmul();
    b.matmul({T(2, 0, 0), 0x2000}, {T(0, 0, 0), 0x0000}, {T(1, 0, 0), 0x1000}, true, 3);
    CHECK(validate(b.done()) ==
          Errors{"uop 4 EXEC matmul y[0,0]: writes y[0,0] after uop 3 stored it (expected its one STORE after its "
                 "last EXEC)"});
  }
  SECTION("store into a param") {
    Builder b = one_tile_matmul();
    b.store(T(1, 0, 0), 0x1000);
    CHECK(validate(b.done()) ==
          Errors{"uop 4 STORE w[0,0]: stores into param tensor w (expected an intermediate or output tensor)"});
  }
  SECTION("load of a tile never stored") {
    Builder b = one_tile_matmul();
    const auto t = b.tensor("t", TensorRole::Intermediate, 32, 32);
    b.load(T(t, 0, 0), 0x0000, 2);
    CHECK(validate(b.done()) == Errors{"uop 4 LOAD t[0,0]: t[0,0] was never stored to DRAM (expected an input, a "
                                       "param or a tile stored earlier)"});
  }
}

TEST_CASE("validator: zero_init and epilogue steps", "[schedule][validator]") {
  SECTION("zero_init on k != 0") {
    Builder b = two_k_double_buffered();
    b.uop(5).zero_init = true;
    CHECK(validate(b.done()) ==
          Errors{"uop 5 EXEC matmul y[0,0]: zero_init on K step 1 of 2 (expected it only on step 0)"});
  }
  SECTION("no zero_init on k == 0") {
    Builder b = two_k_double_buffered();
    b.uop(4).zero_init = false;
    CHECK(validate(b.done()) ==
          Errors{"uop 4 EXEC matmul y[0,0]: K step 0 of 2 without zero_init (expected zero_init on step 0)"});
  }
  SECTION("relu before the last step") {
    Builder b = three_k_ping_pong();
    b.uop(8).relu = true;
    CHECK(validate(b.done()) ==
          Errors{"uop 8 EXEC matmul y[0,0]: relu on K step 1 of 3 (expected the epilogue only on the last step, 2)"});
  }
  SECTION("epilogue differs between tiles of one tensor") {
    Builder b(6 * kTileBytes, "epilogue");
    const auto x = b.tensor("x", TensorRole::Input, 32, 32);
    const auto w = b.tensor("w", TensorRole::Param, 32, 64);
    const auto y = b.tensor("y", TensorRole::Output, 32, 64);
    b.load(T(x, 0, 0), 0x0000);
    b.load(T(w, 0, 0), 0x1000);
    b.load(T(w, 0, 1), 0x2000);
    b.matmul({T(y, 0, 0), 0x3000}, {T(x, 0, 0), 0x0000}, {T(w, 0, 0), 0x1000}, true, 2, true);
    b.matmul({T(y, 0, 1), 0x4000}, {T(x, 0, 0), 0x0000}, {T(w, 0, 1), 0x2000}, true, 2, false);
    b.store(T(y, 0, 0), 0x3000, 3);
    b.store(T(y, 0, 1), 0x4000, 4);
    CHECK(validate(b.done()) ==
          Errors{"uop 4 EXEC matmul y[0,1]: epilogue (no relu, no bias) differs from uop 3 (relu, no bias) (expected "
                 "the same fused epilogue on every tile of y)"});
  }
}

TEST_CASE("validator: operand structure", "[schedule][validator]") {
  SECTION("B tile from the wrong K row") {
    Builder b = two_k_double_buffered();
    b.uop(5).src[1].row = 0;
    const Errors errors = validate(b.done());
    REQUIRE(!errors.empty());
    CHECK(errors[0] == "uop 5 EXEC matmul y[0,0]: operand 1 is w[0,0] (expected w[1,0])");
  }
  SECTION("inner dimensions differ") {
    Builder b = one_tile_matmul();
    b.tensor("v", TensorRole::Param, 64, 32);
    b.uop(2).src[1].tensor = 3;
    const Errors errors = validate(b.done());
    REQUIRE(!errors.empty());
    CHECK(errors[0] == "uop 2 EXEC matmul y[0,0]: operand 1 v is 2x1 tiles (expected 1x1 to match y)");
  }
  SECTION("tile outside the grid") {
    Builder b = one_tile_matmul();
    b.uop(0).tile.col = 1;
    const Errors errors = validate(b.done());
    REQUIRE(!errors.empty());
    CHECK(errors[0] == "uop 0 LOAD x[0,1]: tile x[0,1] is outside the tile grid of x (expected row < 1, col < 1)");
  }
  SECTION("tensor index out of range") {
    Builder b = one_tile_matmul();
    b.uop(2).src[0].tensor = 9;
    const Errors errors = validate(b.done());
    REQUIRE(!errors.empty());
    CHECK(errors[0] == "uop 2 EXEC matmul y[0,0]: operand 0 tensor index 9 out of range (expected 0..2)");
  }
  SECTION("missing operand") {
    Builder b = one_tile_matmul();
    b.uop(2).src[1] = TileRef{};
    const Errors errors = validate(b.done());
    REQUIRE(!errors.empty());
    CHECK(errors[0] ==
          "uop 2 EXEC matmul y[0,0]: operand 1 is missing (matmul takes 2 operands and an optional bias and residual)");
  }
  SECTION("bias that is not rank 1") {
    Builder b = one_tile_matmul();
    b.uop(2).src[2] = T(1, 0, 0);
    b.uop(2).src_addr[2] = 0x1000;
    const Errors errors = validate(b.done());
    REQUIRE(!errors.empty());
    CHECK(errors[0] ==
          "uop 2 EXEC matmul y[0,0]: operand 2 w is not a bias (expected a rank-1 tensor, a [1, N] row or a scalar)");
  }
}

TEST_CASE("validator: elementwise EXECs", "[schedule][validator]") {
  Builder b(4 * kTileBytes, "elementwise");
  const auto x = b.tensor("x", TensorRole::Input, 32, 32);
  const auto bias = b.tensor("b", TensorRole::Param, 1, 32, 1);
  const auto h = b.tensor("h", TensorRole::Intermediate, 32, 32);
  const auto r = b.tensor("r", TensorRole::Intermediate, 32, 32);
  const auto y = b.tensor("y", TensorRole::Output, 32, 32);
  b.load(T(x, 0, 0), 0x0000);
  b.load(T(bias, 0, 0), 0x1000);
  b.elementwise(ExecKind::Add, {T(h, 0, 0), 0x2000}, {{T(x, 0, 0), 0x0000}, {T(bias, 0, 0), 0x1000}}, 1);
  b.elementwise(ExecKind::Relu, {T(r, 0, 0), 0x2000}, {{T(h, 0, 0), 0x2000}});  // in place is fine
  b.elementwise(ExecKind::Add, {T(y, 0, 0), 0x3000}, {{T(r, 0, 0), 0x2000}, {T(x, 0, 0), 0x0000}});
  b.store(T(y, 0, 0), 0x3000, 4);
  CHECK(validate(b.done()).empty());
  b.uop(4).src[1] = T(h, 0, 0);
  CHECK(validate(b.done()) == Errors{"uop 4 EXEC add y[0,0]: operand 1 at 0x0000 holds x[0,0] (expected h[0,0])"});
}

TEST_CASE("validator: wrong totals", "[schedule][validator]") {
  Schedule s = one_tile_matmul().done();
  s.loads = 3;
  s.bytes_stored = 0;
  s.sram_peak_bytes = s.sram_bytes + kTileBytes;
  CHECK(validate(s) == Errors{"schedule totals: loads = 3 (expected 2, counted from the uops)",
                              "schedule totals: bytes_stored = 0 (expected 4096, counted from the uops)",
                              "schedule totals: sram_peak_bytes = 16384 (expected 12288 to 12288: at least the "
                              "slots one uop uses at once, at most all the slots the uops use)"});
  Schedule bias = three_k_ping_pong().done();
  CHECK(bias.bytes_loaded == 6 * kTileBytes + 128);
  CHECK(validate(bias).empty());
}

TEST_CASE("validator: tensor table", "[schedule][validator]") {
  Schedule s = one_tile_matmul().done();
  s.tensors[1].padded_cols = 40;
  s.tensors[2].name = "x";
  CHECK(validate(s) == Errors{"tensor 1 w: padded cols 40 (expected a multiple of 32 that is at least 32, e.g. 32)",
                              "tensor 2 x: name also used by tensor 0 (expected unique names)"});
}
