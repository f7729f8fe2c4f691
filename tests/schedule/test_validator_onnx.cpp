// The validator on the ONNX extensions of the contract: stacks of matrices
// (batched matmul, Add repeating over a stack), scalars, transposed views and
// Scale; valid schedules and each defect with its exact message.
#include <catch2/catch.hpp>

#include <limits>
#include <string>
#include <vector>

#include "compiler/schedule/validator.h"
#include "tests/schedule/sample_onnx_schedules.h"
#include "tests/schedule/sample_schedules.h"

using namespace tilesim::sched;
using namespace tilesim::sched::testing;
using Errors = std::vector<std::string>;

namespace {

// The first uOp of `kind` (and exec kind) writing or moving `tile`.
std::uint32_t find(const Schedule& s, UopKind kind, const TileRef& tile, bool zero_init = true) {
  for (std::uint32_t id = 0; id < s.uops.size(); ++id) {
    const Uop& x = s.uops[id];
    if (x.kind == kind && x.tile == tile &&
        (kind != UopKind::Exec || x.exec != ExecKind::MatMul || x.zero_init == zero_init)) {
      return id;
    }
  }
  FAIL("no such uop");
  return kNoUop;
}

}  // namespace

TEST_CASE("validator accepts the ONNX-extension schedules", "[schedule][validator][onnx]") {
  CHECK(validate(batched_matmul(true).done()).empty());
  CHECK(validate(batched_matmul(false).done()).empty());
  CHECK(validate(add_over_stack().done()).empty());
  CHECK(validate(scalar_bias().done()).empty());
  CHECK(validate(view_matmul().done()).empty());
  CHECK(validate(scale_tile().done()).empty());
  CHECK(validate(scale_tile(-1e30f).done()).empty());
}

TEST_CASE("validator: transfer bytes of scalars, bias rows and views", "[schedule][validator][onnx]") {
  const Schedule s = scalar_bias().done();
  CHECK(s.bytes_loaded == 3 * kTileBytes + 4);
  CHECK(validate(s).empty());
  Schedule wrong = s;
  wrong.bytes_loaded = 4 * kTileBytes;
  CHECK(validate(wrong) == Errors{"schedule totals: bytes_loaded = 16384 (expected 12292, counted from the uops)"});
  CHECK(view_matmul().done().bytes_loaded == 4 * kTileBytes);
}

TEST_CASE("validator: batched matmul operands", "[schedule][validator][onnx]") {
  SECTION("A from the wrong batch row") {
    Builder b = batched_matmul(false);
    const std::uint32_t id = find(b.schedule(), UopKind::Exec, T(2, 2, 0));  // c[2,0], matrix 1, K step 0
    b.uop(id).src[0].row = 0;
    const Errors errors = validate(b.done());
    REQUIRE(!errors.empty());
    CHECK(errors[0] ==
          "uop " + std::to_string(id) + " EXEC matmul c[2,0]: operand 0 is a[0,0] (expected a[2,0]: matrix 1 of a)");
  }
  SECTION("B from the wrong matrix") {
    Builder b = batched_matmul(false);
    const std::uint32_t id = find(b.schedule(), UopKind::Exec, T(2, 3, 0), false);  // c[3,0], K step 1
    REQUIRE(b.uop(id).src[1] == T(1, 3, 0));
    b.uop(id).src[1].row = 1;  // matrix 0's K row 1
    const Errors errors = validate(b.done());
    REQUIRE(!errors.empty());
    CHECK(errors[0] ==
          "uop " + std::to_string(id) + " EXEC matmul c[3,0]: operand 1 is w[1,0] (expected w[3,0]: matrix 1 of w)");
  }
  SECTION("shared B read beyond its one matrix") {
    Builder b = batched_matmul(true);
    const std::uint32_t id = find(b.schedule(), UopKind::Exec, T(2, 2, 0));
    b.uop(id).src[1].row = 2;
    const Errors errors = validate(b.done());
    REQUIRE(!errors.empty());
    CHECK(errors[0] == "uop " + std::to_string(id) +
                           " EXEC matmul c[2,0]: operand 1 w[2,0] is outside the tile grid of w (expected row < 2, "
                           "col < 1)");
  }
  SECTION("A a stack of another size") {
    Builder b = batched_matmul(true);
    const auto a3 = b.stack("a3", TensorRole::Input, {3}, 64, 64);
    b.uop(find(b.schedule(), UopKind::Exec, T(2, 0, 0))).src[0].tensor = a3;
    const Errors errors = validate(b.done());
    REQUIRE(!errors.empty());
    CHECK(errors[0] == "uop 2 EXEC matmul c[0,0]: operand 0 a3 is a stack of 3 matrices (expected 2 to match c)");
  }
  SECTION("B a stack of another size") {
    Builder b = batched_matmul(true);
    const auto w3 = b.stack("w3", TensorRole::Param, {3}, 64, 32);
    b.uop(find(b.schedule(), UopKind::Exec, T(2, 0, 0))).src[1].tensor = w3;
    const Errors errors = validate(b.done());
    REQUIRE(!errors.empty());
    CHECK(errors[0] == "uop 2 EXEC matmul c[0,0]: operand 1 w3 is a stack of 3 matrices (expected 1, or 2 to match c)");
  }
}

TEST_CASE("validator: Add repeating over a stack", "[schedule][validator][onnx]") {
  SECTION("broadcast row mismatch") {
    Builder b = add_over_stack();
    const std::uint32_t id = find(b.schedule(), UopKind::Exec, T(2, 3, 0));
    b.uop(id).src[1].row = 0;  // y's row 3 needs z's row 1
    const Errors errors = validate(b.done());
    REQUIRE(!errors.empty());
    CHECK(errors[0] == "uop " + std::to_string(id) +
                           " EXEC add y[3,0]: operand 1 is z[0,0] (expected z[1,0]: numpy broadcasting pairs it "
                           "with y[3,0])");
  }
  SECTION("a second operand that does not tile the stack") {
    Builder b = add_over_stack();
    const auto z3 = b.tensor("z3", TensorRole::Param, 96, 32);
    b.uop(find(b.schedule(), UopKind::Exec, T(2, 0, 0))).src[1].tensor = z3;
    const Errors errors = validate(b.done());
    REQUIRE(!errors.empty());
    CHECK(errors[0] ==
          "uop 2 EXEC add y[0,0]: operand 1 z3 [96,32] does not broadcast to y [2,64,32] (expected each of its dims "
          "equal to the result's or 1, aligned at the last dim)");
  }
  SECTION("a bias row is read as a row") {
    Builder b = add_over_stack();
    const auto row = b.tensor("r", TensorRole::Param, 1, 32, 1);
    b.uop(find(b.schedule(), UopKind::Exec, T(2, 0, 0))).src[1] = T(row, 0, 0);
    const Errors errors = validate(b.done());
    REQUIRE(!errors.empty());
    CHECK(errors[0] == "uop 2 EXEC add y[0,0]: operand 1 r read as tile (expected row for [32] against y [2,64,32])");
  }
}

TEST_CASE("validator: scalars", "[schedule][validator][onnx]") {
  SECTION("scalar bias at (0,1)") {
    Builder b = scalar_bias();
    b.uop(5).src[2].col = 1;
    const Errors errors = validate(b.done());
    REQUIRE(!errors.empty());
    CHECK(errors[0] ==
          "uop 5 EXEC matmul y[0,1]: operand 2 s[0,1] is outside the tile grid of s (expected s[0,0]: "
          "a scalar has one tile)");
  }
  SECTION("a rank-1 scalar [1] serves as well") {
    Builder b = scalar_bias();
    b.schedule().tensors[2].rank = 1;
    CHECK(validate(b.done()).empty());
  }
  SECTION("an add of a bias row of the wrong width") {
    Builder b = scalar_bias();
    const auto wide = b.tensor("b2", TensorRole::Param, 1, 64, 1);
    b.uop(8).src[1] = T(wide, 0, 0);
    const Errors errors = validate(b.done());
    REQUIRE(!errors.empty());
    CHECK(errors[0] ==
          "uop 8 EXEC add h[0,0]: operand 1 b2 [64] does not broadcast to h [32,32] (expected each of its dims equal "
          "to the result's or 1, aligned at the last dim)");
  }
  SECTION("a scalar padded like a matrix") {
    Schedule s = scalar_bias().done();
    s.tensors[2].padded_cols = 64;
    CHECK(validate(s) == Errors{"tensor 2 s: shape [1,1] padded [1,64] (expected [1,1] padded [1,32] for a scalar)"});
  }
}

TEST_CASE("validator: views", "[schedule][validator][onnx]") {
  SECTION("STORE to a view") {
    Builder b = view_matmul();
    b.store(T(2, 0, 0), 0x1000);
    CHECK(validate(b.done()) == Errors{"uop 7 STORE wt[0,0]: stores into view wt of w (expected an intermediate or "
                                       "output tensor: a view has no storage and is never stored)"});
  }
  SECTION("EXEC writing a view") {
    Builder b = view_matmul();
    b.elementwise(ExecKind::Relu, {T(2, 1, 0), 0x1000}, {{T(2, 1, 0), 0x3000}});
    CHECK(validate(b.done()) == Errors{"uop 7 EXEC relu wt[1,0]: writes view wt of w (expected an intermediate or "
                                       "output tensor: a view is only loaded)"});
  }
  SECTION("view of a view") {
    Builder b = view_matmul();
    b.view("wtt", 2);
    CHECK(validate(b.done()) == Errors{"tensor 4 wtt: view of wt, which is itself a view (expected a view of a "
                                       "tensor with storage)"});
  }
  SECTION("view whose shape is not the transpose") {
    Schedule s = view_matmul().done();
    s.tensors[2].cols = 20;
    CHECK(validate(s) == Errors{"tensor 2 wt: shape [64,20] padded [64,32] (expected [64,32] padded [64,32], w "
                                "transposed)"});
  }
  SECTION("view index out of range, and of itself") {
    Schedule s = view_matmul().done();
    s.tensors[2].view = tilesim::sched::TensorView{tilesim::sched::ViewKind::Transpose, 7, {}, {}, {}};
    CHECK(validate(s) == Errors{"tensor 2 wt: view of tensor index 7 out of range (expected 0..3)"});
    s.tensors[2].view = tilesim::sched::TensorView{tilesim::sched::ViewKind::Transpose, 2, {}, {}, {}};
    CHECK(validate(s) == Errors{"tensor 2 wt: view of itself (expected a view of another tensor)"});
  }
  SECTION("view of a produced tensor: X's tile must be complete in DRAM") {
    // p[2,32,64] = relu(x); pt = transpose(p) [2,64,32]. pt's tile row 3 is row 1
    // of matrix 1, so pt[3,0] reads p[1,1] (row 1 * 1 + col 0 of the stack, col 1).
    Builder b(2 * kTileBytes, "view_produced");
    const auto x = b.stack("x", TensorRole::Input, {2}, 32, 64);
    const auto p = b.stack("p", TensorRole::Intermediate, {2}, 32, 64);
    const auto pt = b.view("pt", p);
    for (std::int32_t r = 0; r < 2; ++r) {
      for (std::int32_t c = 0; c < 2; ++c) {
        b.load(T(x, r, c), 0x0000);
        b.elementwise(ExecKind::Relu, {T(p, r, c), 0x1000}, {{T(x, r, c), 0x0000}});
        if (r != 1 || c != 1) b.store(T(p, r, c), 0x1000);
      }
    }
    b.load(T(pt, 2, 0), 0x0000);  // p[1,0]: stored
    b.load(T(pt, 3, 0), 0x1000);  // p[1,1]: never stored
    resolve_deps(b.schedule());
    const Errors errors = validate(b.done());
    CHECK(errors == Errors{"uop 12 LOAD pt[3,0]: pt[3,0] reads p[1,1] transposed, which was never stored to DRAM "
                           "(expected p an input, a param or stored earlier)"});
  }
  SECTION("view graph output") {
    Schedule s = view_matmul().done();
    s.tensors[2].is_graph_output = true;
    CHECK(validate(s) == Errors{"tensor 2 wt: a view is a graph output (expected views only to be loaded, never "
                                "stored)"});
  }
}

TEST_CASE("validator: Scale", "[schedule][validator][onnx]") {
  SECTION("NaN scale") {
    Builder b = scale_tile(std::numeric_limits<float>::quiet_NaN());
    CHECK(validate(b.done()) == Errors{"uop 1 EXEC scale y[0,0]: scale=nan is not finite (expected a finite factor)"});
  }
  SECTION("infinite scale") {
    Builder b = scale_tile(-std::numeric_limits<float>::infinity());
    CHECK(validate(b.done()) == Errors{"uop 1 EXEC scale y[0,0]: scale=-inf is not finite (expected a finite factor)"});
  }
  SECTION("a scale on another kind") {
    Builder b = one_tile_matmul();
    ExecParams params;
    params.param[0] = 0.25f;
    b.set_params(2, params);
    CHECK(validate(b.done()) ==
          Errors{"uop 2 EXEC matmul y[0,0]: constant 0 is 0.25 on a matmul (expected 0: matmul takes no constants)"});
  }
  SECTION("a second operand") {
    Builder b = scale_tile();
    b.uop(1).src[1] = T(0, 0, 0);
    CHECK(validate(b.done()) == Errors{"uop 1 EXEC scale y[0,0]: unexpected operand 1 x[0,0] (scale takes 1 "
                                       "operand)"});
  }
}

TEST_CASE("validator: tensor table of stacks, scalars and dims", "[schedule][validator][onnx]") {
  Schedule s = batched_matmul(false).done();
  const Schedule good = s;
  s.tensors[0].batch = 3;  // dims [2,64,64] say 2
  s.tensors[1].rank = 2;   // a rank-2 stack
  s.tensors[2].dims = {2, 64, 30};
  CHECK(validate(s) == Errors{"tensor 0 a: dims [2,64,64] make a stack of 2 matrices (expected batch 3)",
                              "tensor 1 w: batch 2 for a rank-2 tensor (expected 1: only rank 3 and 4 tensors are "
                              "stacks)",
                              "tensor 1 w: dims [2,64,32] (expected 2 dims for a rank-2 tensor)",
                              "tensor 2 c: dims [2,64,30] end in [64,30] (expected the shape [64,32])"});
  s = good;
  s.tensors[0].rank = 5;
  s.tensors[1].batch = 0;
  s.tensors[1].dims.clear();
  s.tensors[2].dims = {2, 0, 64, 32};
  s.tensors[2].rank = 4;
  CHECK(validate(s) == Errors{"tensor 0 a: rank 5 (expected 0 to 4)", "tensor 1 w: batch 0 (expected at least 1)",
                              "tensor 2 c: dims [2,0,64,32] (expected positive dims)"});
  s = good;
  s.tensors[0].dims.clear();  // dims are optional
  CHECK(validate(s).empty());
}
