#include "compiler/schedule/dram_layout.h"

#include <cassert>

namespace tilesim::sched {
namespace {

constexpr std::uint64_t kElement = kernels::kElementBytes;
constexpr std::uint64_t kDim = static_cast<std::uint64_t>(kTileDim);
constexpr std::uint64_t kRowBytes = kDim * kElement;  // 128: one row of a tile
constexpr std::uint64_t kTile = static_cast<std::uint64_t>(kTileBytes);

// The tile of storage a LOAD of `tile` reads: itself, or for a view tile
// (r, c) of matrix b the shown tensor's tile (c, r) of matrix b.
TileRef stored_tile(const Schedule& s, const TileRef& tile) {
  const TensorInfo& v = s.tensors[static_cast<std::size_t>(tile.tensor)];
  if (!v.is_view()) return tile;
  const TensorInfo& x = s.tensors[static_cast<std::size_t>(v.view.of)];
  const std::int64_t mt = v.tile_rows_per_matrix();
  const std::int64_t row = tile.row / mt * x.tile_rows_per_matrix() + tile.col;
  return TileRef{v.view.of, static_cast<std::int32_t>(row), static_cast<std::int32_t>(tile.row % mt)};
}

}  // namespace

std::uint64_t DramSpans::total_bytes() const {
  std::uint64_t bytes = 0;
  for (const DramSpan& span : *this) bytes += span.bytes;
  return bytes;
}

DramSpans tile_spans(const Schedule& s, const TileRef& ref, DramLayout layout) {
  const TileRef tile = stored_tile(s, ref);
  const TensorInfo& t = s.tensors[static_cast<std::size_t>(tile.tensor)];
  assert(t.dram_address.has_value());
  const std::uint64_t base = *t.dram_address;
  const auto row = static_cast<std::uint64_t>(tile.row), col = static_cast<std::uint64_t>(tile.col);
  DramSpans spans;
  if (t.is_scalar()) {
    spans.push(base, static_cast<std::uint32_t>(kElement));
  } else if (t.rank <= 1) {  // a bias row: its tiles are 128 B, side by side
    spans.push(base + col * kRowBytes, static_cast<std::uint32_t>(kRowBytes));
  } else if (layout == DramLayout::TileMajor) {
    const auto tile_cols = static_cast<std::uint64_t>(t.tile_cols());
    spans.push(base + (row * tile_cols + col) * kTile, static_cast<std::uint32_t>(kTile));
  } else {
    const std::uint64_t stride = static_cast<std::uint64_t>(t.padded_cols) * kElement;
    const std::uint64_t first = base + row * kDim * stride + col * kRowBytes;
    for (std::uint64_t r = 0; r < kDim; ++r) spans.push(first + r * stride, static_cast<std::uint32_t>(kRowBytes));
  }
  return spans;
}

void tile_bursts(const Schedule& schedule, const TileRef& tile, std::uint64_t burst_bytes,
                 std::vector<std::uint64_t>* out) {
  out->clear();
  for (const DramSpan& span : tile_spans(schedule, tile)) {
    const std::uint64_t last = (span.address + span.bytes - 1) / burst_bytes;
    for (std::uint64_t b = span.address / burst_bytes; b <= last; ++b) {
      if (out->empty() || out->back() != b * burst_bytes) out->push_back(b * burst_bytes);
    }
  }
}

}  // namespace tilesim::sched
