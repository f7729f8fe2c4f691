// Issue 14: the permute and slice views (tensor_view.h) through the
// schedule's consumers without the simulator: where gather_tile takes each
// element from (checked against the definitions computed here directly), the
// text form and its round trip, the validator's table checks with their
// exact messages, and the cost of a permuted LOAD on the ideal machine.
#include <catch2/catch.hpp>

#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "compiler/hw/cost_model.h"
#include "compiler/schedule/schedule_text.h"
#include "compiler/schedule/transfer_bytes.h"
#include "compiler/schedule/validator.h"
#include "compiler/schedule/view_gather.h"
#include "tests/schedule/compiled_yaml.h"
#include "tests/schedule/view_schedules.h"

using namespace tilesim::sched;
using namespace tilesim::sched::testing;
using Dims = std::vector<std::int64_t>;
using Errors = std::vector<std::string>;

namespace {

Selection permutation(const Dims& from, const std::vector<std::int32_t>& perm) {
  Selection s;
  s.from = from;
  s.perm = perm;
  return s;
}

Selection slice(const Dims& from, std::int32_t axis, std::int64_t start, std::int64_t step, std::int64_t count) {
  Selection s;
  s.from = from;
  s.axis = axis;
  s.start = start, s.step = step, s.count = count;
  return s;
}

// x (an input of dims `x_dims`, matrix layout) and view v of it.
struct Case {
  Schedule s;
  std::int32_t v = 1;
};

Case select_case(const Dims& x_dims, ViewKind kind, const Dims& v_dims, const Selection& sel) {
  Builder b(3 * kTileBytes, "select");
  const auto x = b.laid_out("x", TensorRole::Input, x_dims, TensorLayout::Matrix);
  const auto v = b.select("v", x, kind, v_dims, sel);
  return Case{shown(b, v), v};
}

// Row-major flat position of `index` in `dims`.
std::int64_t flat(const Dims& dims, const Dims& index) {
  std::int64_t f = 0;
  for (std::size_t i = 0; i < dims.size(); ++i) f = f * dims[i] + index[i];
  return f;
}

// Checks every element of every tile of view c.v, from gather_tile and from
// gather_runs (which the simulator's LOAD reads by): view element at true
// index i (flat f) must read x's element at flat `want(f)`.
template <typename Want>
void check_gather(const Case& c, const Want& want) {
  REQUIRE(validate(c.s) == Errors{});
  const TensorInfo& v = c.s.tensors[static_cast<std::size_t>(c.v)];
  const TensorInfo& x = c.s.tensors[static_cast<std::size_t>(v.view.of)];
  const auto scratch = std::make_unique<GatherScratch>();
  std::vector<GatherRun> runs;
  int sources = 0;
  for (std::int32_t tr = 0; tr < v.tile_rows(); ++tr) {
    for (std::int32_t tc = 0; tc < v.tile_cols(); ++tc) {
      gather_tile(c.s.tensors, T(c.v, tr, tc), &scratch->tile);
      REQUIRE(gather_runs(c.s.tensors, T(c.v, tr, tc), &runs));  // x and v in matrix layout: by rows
      const auto from_runs = std::make_unique<GatheredTile>(expand_runs(runs));
      for (std::int64_t e = 0; e < kTileDim * kTileDim; ++e) {
        const StorageCoord at{tr / v.tile_rows_per_matrix(), tr % v.tile_rows_per_matrix() * kTileDim + e / kTileDim,
                              tc * kTileDim + e % kTileDim};
        const auto index = true_index(v, at);
        for (const GatheredTile* tile : {&scratch->tile, from_runs.get()}) {
          const GatheredElement& got = (*tile)[static_cast<std::size_t>(e)];
          INFO("tile (" << tr << ", " << tc << ") element " << e << (tile == &scratch->tile ? " gathered" : " run"));
          if (!index) {
            CHECK(got.kind == GatheredElement::Zero);
            continue;
          }
          REQUIRE(got.kind == GatheredElement::Source);
          const auto xi = true_index(x, got.at);
          REQUIRE(xi);
          CHECK(flat(x.dims, *xi) == want(flat(v.dims, *index)));
          sources += tile == &scratch->tile;
        }
      }
    }
  }
  CHECK(sources == std::accumulate(v.dims.begin(), v.dims.end(), std::int64_t{1}, std::multiplies<>()));
}

// The flat position in dims A of the element a permute by `perm` puts at
// flat f of the permuted dims: the definition, by index arithmetic.
std::int64_t permuted_source(const Dims& a, const std::vector<std::int32_t>& perm, std::int64_t f) {
  Dims b(a.size()), bi(a.size()), ai(a.size());
  for (std::size_t k = 0; k < a.size(); ++k) b[k] = a[static_cast<std::size_t>(perm[k])];
  for (std::size_t k = b.size(); k-- > 0;) bi[k] = f % b[k], f /= b[k];
  for (std::size_t k = 0; k < a.size(); ++k) ai[static_cast<std::size_t>(perm[k])] = bi[k];
  return flat(a, ai);
}

}  // namespace

TEST_CASE("select views: a permute view reads each element where the permutation says", "[schedule][views][select]") {
  const std::vector<std::pair<Dims, std::vector<std::int32_t>>> cases = {
      {{2, 5, 3, 4}, {0, 2, 1, 3}}, {{2, 5, 3, 4}, {0, 2, 3, 1}},  {{3, 5, 40}, {1, 0, 2}},
      {{3, 5, 40}, {1, 2, 0}},      {{2, 3, 33, 4}, {0, 1, 3, 2}}, {{40, 3}, {1, 0}}};
  for (const auto& [a, perm] : cases) {
    Dims b;
    for (const std::int32_t p : perm) b.push_back(a[static_cast<std::size_t>(p)]);
    INFO("from " << a.size() << " dims, perm starting " << perm[0] << perm[1]);
    check_gather(select_case(a, ViewKind::Permute, b, permutation(a, perm)),
                 [&](std::int64_t f) { return permuted_source(a, perm, f); });
  }
}

TEST_CASE("select views: a permute reads X through from= dims (a Reshape before it)", "[schedule][views][select]") {
  // x [2,16,64] read as [2,16,4,16], heads to the front: [2,4,16,16] (transpose_heads).
  const Dims a = {2, 16, 4, 16};
  const std::vector<std::int32_t> perm = {0, 2, 1, 3};
  check_gather(select_case({2, 16, 64}, ViewKind::Permute, {2, 4, 16, 16}, permutation(a, perm)),
               [&](std::int64_t f) { return permuted_source(a, perm, f); });
  // ...and laid out as [8,256] (a Reshape after it).
  check_gather(select_case({2, 16, 64}, ViewKind::Permute, {8, 256}, permutation(a, perm)),
               [&](std::int64_t f) { return permuted_source(a, perm, f); });
}

TEST_CASE("select views: a slice view reads start + step * i along its axis", "[schedule][views][select]") {
  // x [3,10,6]: axis 1 from 1, step 3, 3 elements: rows 1, 4, 7.
  check_gather(select_case({3, 10, 6}, ViewKind::Slice, {3, 3, 6}, slice({3, 10, 6}, 1, 1, 3, 3)),
               [](std::int64_t f) { return (f / 18) * 60 + (1 + 3 * (f / 6 % 3)) * 6 + f % 6; });
  // The last axis backwards from 5, step -2: columns 5, 3, 1.
  check_gather(select_case({3, 10, 6}, ViewKind::Slice, {3, 10, 3}, slice({3, 10, 6}, 2, 5, -2, 3)),
               [](std::int64_t f) { return f / 3 * 6 + 5 - 2 * (f % 3); });
  // Gather of index 0 on axis 1 with the rank drop: [2,16,64] -> [2,64] (first_token_pooler).
  check_gather(select_case({2, 16, 64}, ViewKind::Slice, {2, 64}, slice({2, 16, 64}, 1, 0, 1, 1)),
               [](std::int64_t f) { return f / 64 * 1024 + f % 64; });
  // Split [96,96,96] on axis 2 of [2,8,288]: the second part.
  check_gather(select_case({2, 8, 288}, ViewKind::Slice, {2, 8, 96}, slice({2, 8, 288}, 2, 96, 1, 96)),
               [](std::int64_t f) { return f / 96 * 288 + 96 + f % 96; });
}

// The runs follow X's storage: a view that keeps X's last dim reads a tile
// row in one run along X's row; a permute that makes X's first dim the
// view's last steps a whole matrix of X per element, so its rows are runs
// too; where X's row ends inside a view row the run ends with it.
TEST_CASE("select views: a tile's runs last as long as X's storage steps evenly", "[schedule][views][select]") {
  std::vector<GatherRun> runs;
  // x [64,8,32] -> [8,32,64] (the encoder's keys, heads first, transposed):
  // view row (h, d) holds x[0..63][h][d], one X matrix (8 x 32) apart.
  const Case heads = select_case({64, 8, 32}, ViewKind::Permute, {8, 32, 64}, permutation({64, 8, 32}, {1, 2, 0}));
  REQUIRE(gather_runs(heads.s.tensors, T(heads.v, 0, 1), &runs));
  REQUIRE(runs.size() == 32);
  for (std::size_t r = 0; r < runs.size(); ++r) {
    INFO("row " << r);
    CHECK(runs[r].at == static_cast<std::int32_t>(r * 32));
    CHECK(runs[r].count == 32);
    CHECK(runs[r].first == StorageCoord{32, 0, static_cast<std::int64_t>(r)});  // x[32][0][r]
    CHECK(runs[r].step == StorageCoord{1, 0, 0});
  }
  // x [3,10,6], rows 1, 4 and 7 of each matrix: a view row is 6 columns of one X row.
  const Case rows = select_case({3, 10, 6}, ViewKind::Slice, {3, 3, 6}, slice({3, 10, 6}, 1, 1, 3, 3));
  REQUIRE(gather_runs(rows.s.tensors, T(rows.v, 1, 0), &runs));  // matrix 1
  REQUIRE(runs.size() == 3);
  CHECK(runs[2].at == 64);
  CHECK(runs[2].count == 6);
  CHECK(runs[2].first == StorageCoord{1, 7, 0});
  CHECK(runs[2].step == StorageCoord{0, 0, 1});
  // x [2,16,64] as [2,16,4,16], heads first: [2,4,16,16] laid out as [8,256].
  // A view row of 32 is two 16-element stretches of X's rows (one head's
  // slice of tokens t and t + 1): the run ends where B's last digit carries.
  const Case split = select_case({2, 16, 64}, ViewKind::Permute, {8, 256}, permutation({2, 16, 4, 16}, {0, 2, 1, 3}));
  REQUIRE(gather_runs(split.s.tensors, T(split.v, 0, 0), &runs));
  REQUIRE(runs.size() == 16);  // 8 rows of the view, 2 runs each
  CHECK(runs[1].at == 16);
  CHECK(runs[1].count == 16);
  CHECK(runs[1].first == StorageCoord{0, 1, 0});  // token 1, head 0
  // x [2,16,64] as [2,1024], elements 16..143 of each row: view columns
  // 32..63 are A's 48..79, and X's row 0 ends after A's 63.
  const Case across = select_case({2, 16, 64}, ViewKind::Slice, {2, 128}, slice({2, 1024}, 1, 16, 1, 128));
  REQUIRE(gather_runs(across.s.tensors, T(across.v, 0, 1), &runs));
  REQUIRE(runs.size() == 4);  // rows 0 and 1 of the view, 2 runs each
  CHECK(runs[0].at == 0);
  CHECK(runs[0].count == 16);
  CHECK(runs[0].first == StorageCoord{0, 0, 48});
  CHECK(runs[1].at == 16);
  CHECK(runs[1].count == 16);
  CHECK(runs[1].first == StorageCoord{0, 1, 0});
  CHECK(runs[1].step == StorageCoord{0, 0, 1});
  check_gather(across, [](std::int64_t f) { return f / 128 * 1024 + 16 + f % 128; });
}

// x [2,3,4]: matrix 0 is rows 0..2 of 4 columns, padded to one 32x32 tile per
// matrix, at DRAM 0 (rows 128 B apart, matrices 4096 B). perm [1,0,2]: view
// [3,2,4], matrix m = x's row m of both matrices: 2 rows of 4 elements, 8
// distinct elements, 32 B, in two 16-B runs (x (0,m,:) and (1,m,:)). On the
// ideal machine a LOAD costs setup 64 + ceil(bytes / 32 B per cycle) = 64 + 1
// = 65 cycles; the transposing LOAD's extra transpose_cycles do not apply
// (the view is a gather, not a transpose view).
TEST_CASE("select views: a permuted LOAD costs its gathered bytes, exactly", "[schedule][views][select][cost]") {
  const Case c = select_case({2, 3, 4}, ViewKind::Permute, {3, 2, 4}, permutation({2, 3, 4}, {1, 0, 2}));
  REQUIRE(validate(c.s) == Errors{});
  const TransferBytes bytes(c.s);
  CHECK(bytes(T(c.v, 0, 0)) == 32);
  CHECK(bytes(T(c.v, 2, 0)) == 32);
  const tilesim::CostModel costs{tilesim::HwConfig{}};
  REQUIRE(c.s.uops[0].kind == UopKind::Load);
  REQUIRE(c.s.uops[0].tile == T(c.v, 0, 0));
  CHECK(costs.uop_cycles(c.s.uops[0], bytes) == 65);
}

// --- the text form ---

TEST_CASE("select views: the text form round-trips", "[schedule][views][select][text]") {
  const Case p = select_case({2, 16, 64}, ViewKind::Permute, {2, 4, 16, 16}, permutation({2, 16, 4, 16}, {0, 2, 1, 3}));
  const Case s = select_case({3, 10, 6}, ViewKind::Slice, {3, 10, 3}, slice({3, 10, 6}, 2, 5, -2, 3));
  const std::string pt = text_of(p.s), st = text_of(s.s);
  CHECK(pt.find("\ntensor 1 v intermediate shape=[16,16] padded=[32,32] batch=8 dims=[2,4,16,16] view=permute(x) "
                "from=[2,16,4,16] perm=[0,2,1,3]\n") != std::string::npos);
  CHECK(st.find("\ntensor 1 v intermediate shape=[10,3] padded=[32,32] batch=3 dims=[3,10,3] view=slice(x) "
                "from=[3,10,6] slice=2:5:-2:3\n") != std::string::npos);
  for (const std::string& text : {pt, st}) {
    std::istringstream in(text);
    const Schedule back = read_schedule_text(in, "t.sched");
    CHECK(back.tensors[1].view.kind == (text == pt ? ViewKind::Permute : ViewKind::Slice));
    CHECK(back.tensors[1].view.select == (text == pt ? p : s).s.tensors[1].view.select);
    CHECK(text_of(back) == text);
  }
}

TEST_CASE("select views: parse errors of the permute and slice fields", "[schedule][views][select][text]") {
  const std::string z =
      "tilesim-schedule 1\nmodel m\nsram_bytes 12288\n"
      "tensor 0 x input shape=[32,32] padded=[32,32]\n"
      "tensor 1 z intermediate shape=[32,32] padded=[32,32] ";
  CHECK(error_of(z + "view=permute(x) from=[32,32]\n") ==
        "t.sched:5: tensor 1: view=permute without perm= (expected from= and perm= with view=permute(NAME))");
  CHECK(error_of(z + "view=slice(x) slice=0:0:1:32\n") ==
        "t.sched:5: tensor 1: view=slice without from= (expected from= and slice= with view=slice(NAME))");
  CHECK(error_of(z + "view=slice(x) from=[32,32] slice=0:0:1:32 perm=[1,0]\n") ==
        "t.sched:5: tensor 1: perm= with view=slice(NAME) (expected perm= only with view=permute(NAME))");
  CHECK(error_of(z + "from=[32,32]\n") ==
        "t.sched:5: tensor 1: from= with no view (expected from= only with view=permute(NAME) or "
        "view=slice(NAME))");
  CHECK(error_of(z + "view=relayout(x) slice=0:0:1:1\n") ==
        "t.sched:5: tensor 1: slice= with view=relayout(NAME) (expected slice= only with view=slice(NAME))");
  CHECK(error_of(z + "view=permute(x) from=[32,32] perm=[1,-1]\n") ==
        "t.sched:5: tensor 1: bad field 'perm=[1,-1]' (expected perm=[N,...] with each N an integer from 0 to "
        "2147483647)");
  CHECK(error_of(z + "view=permute(x) from=[32,] perm=[0]\n") ==
        "t.sched:5: tensor 1: bad field 'from=[32,]' (expected from=[N,...] with each N an integer from 0 to "
        "2147483647)");
  const std::string slice_form =
      " (expected slice=AXIS:START:STEP:COUNT with AXIS, START and COUNT integers from 0 to 2147483647 and STEP "
      "from -2147483648 to 2147483647)";
  CHECK(error_of(z + "view=slice(x) from=[32,32] slice=0:0:1\n") ==
        "t.sched:5: tensor 1: bad field 'slice=0:0:1'" + slice_form);
  CHECK(error_of(z + "view=slice(x) from=[32,32] slice=0:-1:1:1\n") ==
        "t.sched:5: tensor 1: bad field 'slice=0:-1:1:1'" + slice_form);
  CHECK(error_of(z + "view=slice(x) from=[32,32] slice=0:0:1:1:2\n") ==
        "t.sched:5: tensor 1: bad field 'slice=0:0:1:1:2'" + slice_form);
}

// --- the validator ---

TEST_CASE("select views: the validator's table checks of permute and slice views",
          "[schedule][views][select][validator]") {
  const Case good = select_case({2, 3, 4}, ViewKind::Permute, {3, 2, 4}, permutation({2, 3, 4}, {1, 0, 2}));
  Schedule s = good.s;
  s.tensors[1].view.select.from = {2, 3, 5};
  CHECK(validate(s) == Errors{"tensor 1 v: permute from=[2,3,5] holds 30 elements (expected 24, the elements of x)"});
  s.tensors[1].view.select.from = {2, 0, 12};
  CHECK(validate(s) == Errors{"tensor 1 v: permute from=[2,0,12] (expected dims of at least 1)"});
  s.tensors[1].view.select.from = {};
  CHECK(validate(s) == Errors{"tensor 1 v: permute from=[] (expected 1 to 8 dims)"});
  s = good.s;
  s.tensors[1].view.select.perm = {1, 1, 2};
  CHECK(validate(s) == Errors{"tensor 1 v: permute perm=[1,1,2] (expected each of 0 to 2 once: a permutation of the "
                              "3 dims of from=)"});
  s.tensors[1].view.select.perm = {1, 0};
  CHECK(validate(s) == Errors{"tensor 1 v: permute perm=[1,0] (expected each of 0 to 2 once: a permutation of the "
                              "3 dims of from=)"});
  s = good.s;  // the view's dims hold the selected [2,4,3] in row-major order: any shape of 24 elements
  s.tensors[1].view.select.perm = {0, 2, 1};
  CHECK(validate(s) == Errors{});
  const Case cut = select_case({3, 10, 6}, ViewKind::Slice, {3, 10, 3}, slice({3, 10, 6}, 2, 5, -2, 3));
  s = cut.s;
  s.tensors[1].view.select.axis = 3;
  CHECK(validate(s) == Errors{"tensor 1 v: slice axis 3 (expected an axis from 0 to 2)"});
  s = cut.s;
  s.tensors[1].view.select.step = 0;
  CHECK(validate(s) == Errors{"tensor 1 v: slice step 0 (expected a step other than 0)"});
  s = cut.s;
  s.tensors[1].view.select.count = 0;
  CHECK(validate(s) == Errors{"tensor 1 v: slice count 0 (expected at least 1)"});
  s = cut.s;
  s.tensors[1].view.select.start = 3;
  CHECK(validate(s) == Errors{"tensor 1 v: slice start 3 step -2 count 3 reads index -1 on axis 2 of from=[3,10,6] "
                              "(expected indices from 0 to 5)"});
  s = cut.s;
  s.tensors[1].view.select = slice({3, 10, 6}, 2, -1, 1, 3);
  CHECK(validate(s) == Errors{"tensor 1 v: slice start -1 step 1 count 3 reads index -1 on axis 2 of from=[3,10,6] "
                              "(expected indices from 0 to 5)"});
  s.tensors[1].view.select = slice({3, 10, 6}, 2, 1, std::int64_t{1} << 62, 3);
  CHECK(validate(s) == Errors{"tensor 1 v: slice start 1 step 4611686018427387904 count 3 reads indices past int64 on "
                              "axis 2 of from=[3,10,6] (expected indices from 0 to 5)"});
  s = cut.s;
  s.tensors[1].view.select.start = 6;
  CHECK(validate(s) == Errors{"tensor 1 v: slice start 6 step -2 count 3 reads index 6 on axis 2 of from=[3,10,6] "
                              "(expected indices from 0 to 5)"});
  s = cut.s;
  s.tensors[1].view.select.count = 2;
  s.tensors[1].view.select.start = 3;
  CHECK(validate(s) ==
        Errors{"tensor 1 v: slice view has 90 elements (expected 60, the elements of [3,10,2] it selects)"});
}
