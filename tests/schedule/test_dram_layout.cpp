// tile_spans (dram_layout.h): the DRAM byte ranges a LOAD or STORE of a tile
// touches, for every kind of tensor in both layouts, with exact addresses; and
// over whole tensors, that the tiles' spans cover each tensor's bytes exactly
// once (a scalar: its first 4 bytes).
#include <catch2/catch.hpp>

#include <map>
#include <type_traits>

#include "compiler/schedule/dram_layout.h"
#include "compiler/schedule/dram_placement.h"
#include "tests/schedule/schedule_builder.h"

using namespace tilesim::sched;
using namespace tilesim::sched::testing;

namespace {

// A buffer the caller reuses: movable, not copied by accident.
static_assert(std::is_nothrow_move_constructible_v<DramSpans>);
static_assert(!std::is_copy_constructible_v<DramSpans>);

// One tensor of each kind, placed in table order at 4 KiB:
//   0 x  [40,70] padded [64,96]   24576 B at 0x0000 (P = 96, 2 x 3 tiles)
//   1 b  [70] bias row, padded 96   384 B at 0x6000
//   2 s  scalar, rank 0             128 B at 0x7000
//   3 xt view of x                  (none)
//   4 a  [3,32,64] stack           24576 B at 0x8000 (P = 64, 3 x 2 tiles)
//   5 at view of a, [3,64,32]       (none)
//   6 y  [33,33] padded [64,64]    16384 B at 0xe000
//   7 u  scalar, rank 1 [1]          128 B at 0x12000
Schedule table() {
  Builder b(4 * kTileBytes, "kinds");
  b.tensor("x", TensorRole::Input, 40, 70);
  b.tensor("b", TensorRole::Param, 1, 70, 1);
  b.scalar("s", TensorRole::Param);
  b.view("xt", 0);
  b.stack("a", TensorRole::Input, {3}, 32, 64);
  b.view("at", 4);
  b.tensor("y", TensorRole::Output, 33, 33);
  b.scalar("u", TensorRole::Param, 1);
  return b.done();
}

std::vector<DramSpan> spans_of(const Schedule& s, TileRef tile, DramLayout layout) {
  DramSpans spans;
  tile_spans(s, tile, layout, &spans);
  return std::vector<DramSpan>(spans.begin(), spans.end());
}

// 32 rows of 128 B from `first`, `stride` apart.
std::vector<DramSpan> rows(std::uint64_t first, std::uint64_t stride) {
  std::vector<DramSpan> out;
  for (std::uint64_t r = 0; r < 32; ++r) out.push_back(DramSpan{first + r * stride, 128});
  return out;
}

std::vector<DramSpan> one(std::uint64_t address, std::uint32_t bytes) { return {DramSpan{address, bytes}}; }

}  // namespace

TEST_CASE("tile spans: the placement of the table the span tests use", "[schedule][dram]") {
  const Schedule s = table();
  const std::vector<std::optional<std::uint64_t>> want = {0x0000, 0x6000,       0x7000, std::nullopt,
                                                          0x8000, std::nullopt, 0xe000, 0x12000};
  REQUIRE(s.tensors.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO(s.tensors[i].name);
    CHECK(s.tensors[i].dram_address == want[i]);
  }
  CHECK(dram_extent(s) == 0x12080);
}

TEST_CASE("tile spans: a matrix tile is 32 strided rows row-major, 4 KiB tile-major", "[schedule][dram]") {
  const Schedule s = table();
  // x tile (1,2): row-major from (32*96 + 64) * 4 = 0x3100, every 96 * 4 = 384 bytes,
  // the last row ending at 0x6000, x's end; tile-major: tile 1*3 + 2 = 5 at 0x5000.
  const auto row_major = spans_of(s, T(0, 1, 2), DramLayout::RowMajor);
  CHECK(row_major == rows(0x3100, 384));
  CHECK(row_major[1] == DramSpan{0x3280, 128});
  CHECK(row_major[31] == DramSpan{0x5f80, 128});
  CHECK(spans_of(s, T(0, 1, 2), DramLayout::TileMajor) == one(0x5000, 4096));
  CHECK(spans_of(s, T(0, 0, 0), DramLayout::RowMajor) == rows(0x0000, 384));
  CHECK(spans_of(s, T(0, 0, 0), DramLayout::TileMajor) == one(0x0000, 4096));
  // y [33,33] padded [64,64] at 0xe000, tile (1,1): 0xe000 + (32*64 + 32) * 4 = 0x10080
  // every 256 bytes; tile-major: tile 1*2 + 1 = 3 at 0xe000 + 0x3000 = 0x11000.
  CHECK(spans_of(s, T(6, 1, 1), DramLayout::RowMajor) == rows(0x10080, 256));
  CHECK(spans_of(s, T(6, 1, 1), DramLayout::TileMajor) == one(0x11000, 4096));
}

TEST_CASE("tile spans: a stack's matrices follow one another in both layouts", "[schedule][dram]") {
  const Schedule s = table();
  // a [3,32,64] at 0x8000, tile (2,1) = matrix 2, column tile 1: row-major
  // 0x8000 + (32*2*64 + 32) * 4 = 0xc080 every 256 bytes; tile-major tile
  // 2*2 + 1 = 5 at 0x8000 + 0x5000 = 0xd000.
  CHECK(spans_of(s, T(4, 2, 1), DramLayout::RowMajor) == rows(0xc080, 256));
  CHECK(spans_of(s, T(4, 2, 1), DramLayout::TileMajor) == one(0xd000, 4096));
  CHECK(spans_of(s, T(4, 1, 0), DramLayout::RowMajor) == rows(0xa000, 256));
  CHECK(spans_of(s, T(4, 1, 0), DramLayout::TileMajor) == one(0xa000, 4096));
}

TEST_CASE("tile spans: a bias row tile is 128 B and a scalar 4 B in both layouts", "[schedule][dram]") {
  const Schedule s = table();
  DramSpans spans;
  for (const DramLayout layout : {DramLayout::RowMajor, DramLayout::TileMajor}) {
    INFO(to_string(layout));
    CHECK(spans_of(s, T(1, 0, 0), layout) == one(0x6000, 128));
    CHECK(spans_of(s, T(1, 0, 2), layout) == one(0x6100, 128));
    CHECK(spans_of(s, T(2, 0, 0), layout) == one(0x7000, 4));
    CHECK(spans_of(s, T(7, 0, 0), layout) == one(0x12000, 4));
  }
}

TEST_CASE("tile spans: a view's tile has the spans of the tile its LOAD reads", "[schedule][dram]") {
  const Schedule s = table();
  // xt [70,40] padded [96,64]: its tile (2,1) shows x's tile (1,2).
  CHECK(spans_of(s, T(3, 2, 1), DramLayout::RowMajor) == rows(0x3100, 384));
  CHECK(spans_of(s, T(3, 2, 1), DramLayout::TileMajor) == one(0x5000, 4096));
  // at [3,64,32]: 2 tile rows per matrix; its tile (5,0) is matrix 2, row 1,
  // column 0, showing a's tile (2*1 + 0, 1) = (2,1) of matrix 2.
  CHECK(spans_of(s, T(5, 5, 0), DramLayout::RowMajor) == rows(0xc080, 256));
  CHECK(spans_of(s, T(5, 5, 0), DramLayout::TileMajor) == one(0xd000, 4096));
  CHECK(spans_of(s, T(5, 0, 0), DramLayout::TileMajor) == one(0x8000, 4096));
}

TEST_CASE("tile spans: without a layout, the schedule's own", "[schedule][dram]") {
  Schedule s = table();
  DramSpans spans;
  tile_spans(s, T(0, 1, 2), &spans);
  CHECK(spans.size() == 32);
  s.dram_layout = DramLayout::TileMajor;
  tile_spans(s, T(0, 1, 2), &spans);
  REQUIRE(spans.size() == 1);
  CHECK(spans[0] == DramSpan{0x5000, 4096});
  CHECK(spans.total_bytes() == 4096);
}

TEST_CASE("tile spans: every tensor's tiles cover its DRAM bytes exactly once, in both layouts", "[schedule][dram]") {
  const Schedule s = table();
  DramSpans spans;
  for (const DramLayout layout : {DramLayout::RowMajor, DramLayout::TileMajor}) {
    for (std::size_t i = 0; i < s.tensors.size(); ++i) {
      const TensorInfo& t = s.tensors[i];
      INFO(to_string(layout) << " " << t.name);
      std::map<std::uint64_t, std::uint32_t> covered;  // start -> bytes
      for (std::int32_t r = 0; r < t.tile_rows(); ++r) {
        for (std::int32_t c = 0; c < t.tile_cols(); ++c) {
          tile_spans(s, T(static_cast<std::int32_t>(i), r, c), layout, &spans);
          CHECK(spans.total_bytes() == static_cast<std::uint64_t>(t.tile_transfer_bytes()));
          for (const DramSpan& span : spans) {
            CHECK(span.address % span.bytes == 0);  // aligned to its own size
            CHECK(covered.emplace(span.address, span.bytes).second);
          }
        }
      }
      if (t.is_view()) continue;  // a view's spans are its tensor's, checked there
      // Sorted, the spans of a tensor must tile [address, address + bytes) without gaps
      // (a scalar touches its first 4 bytes only).
      std::uint64_t next = *t.dram_address;
      for (const auto& [start, bytes] : covered) {
        CHECK(start == next);
        next = start + bytes;
      }
      const std::uint64_t used = t.is_scalar() ? 4 : static_cast<std::uint64_t>(t.dram_bytes());
      CHECK(next == *t.dram_address + used);
    }
  }
}
