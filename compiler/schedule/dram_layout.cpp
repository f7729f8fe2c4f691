#include "compiler/schedule/dram_layout.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "compiler/schedule/view_gather.h"

namespace tilesim::sched {
namespace {

constexpr std::uint64_t kElement = kernels::kElementBytes;
constexpr std::uint64_t kDim = static_cast<std::uint64_t>(kTileDim);
constexpr std::uint64_t kRowBytes = kDim * kElement;  // 128: one row of a tile
constexpr std::uint64_t kTile = static_cast<std::uint64_t>(kTileBytes);

// The tile of storage a LOAD of `tile` reads: itself, or for a transpose view
// the shown tensor's tile it reads transposed.
TileRef stored_tile(const Schedule& s, const TileRef& tile) {
  return s.tensors[static_cast<std::size_t>(tile.tensor)].is_view() ? transposed_tile(s.tensors, tile) : tile;
}

}  // namespace

// A gather's working memory: the gathered tile, each Source element's address
// with its place in the tile (sorted by address for the spans), and where each
// element's value lies in the spans' bytes.
struct DramSpans::Gather {
  GatherScratch scratch;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> by_address;
  std::array<std::int64_t, kTileDim * kTileDim> offset{};
};

DramSpans::DramSpans() { spans_.reserve(kDim); }
DramSpans::DramSpans(DramSpans&&) noexcept = default;
DramSpans& DramSpans::operator=(DramSpans&&) noexcept = default;
DramSpans::~DramSpans() = default;

std::uint64_t DramSpans::total_bytes() const {
  std::uint64_t bytes = 0;
  for (const DramSpan& span : *this) bytes += span.bytes;
  return bytes;
}

std::int64_t DramSpans::gathered_offset(std::size_t i) const { return gather_->offset[i]; }

void DramSpans::gather(const Schedule& s, const TileRef& tile, DramLayout layout) {
  if (!gather_) {
    gather_ = std::make_unique<Gather>();
    gather_->by_address.reserve(kDim * kDim);
    spans_.reserve(kDim * kDim);
  }
  Gather& g = *gather_;
  gather_tile(s.tensors, tile, &g.scratch.tile);
  const TensorInfo& x = s.tensors[static_cast<std::size_t>(s.tensors[static_cast<std::size_t>(tile.tensor)].view.of)];
  g.by_address.clear();
  for (std::uint32_t i = 0; i < g.offset.size(); ++i) {
    const GatheredElement& e = g.scratch.tile[i];
    if (e.kind == GatheredElement::Source) {
      g.by_address.emplace_back(element_address(x, e.at, layout), i);
    } else {
      g.offset[i] = e.kind == GatheredElement::Zero ? kZero : kNegativeInfinity;
    }
  }
  if (!std::is_sorted(g.by_address.begin(), g.by_address.end())) std::sort(g.by_address.begin(), g.by_address.end());
  // Each distinct address is one element of the spans, in order; an address
  // named twice (overlapping windows) is read once and placed twice.
  std::int64_t read = 0;
  for (const auto& [address, i] : g.by_address) {
    if (spans_.empty() || spans_.back().address + spans_.back().bytes <= address) {
      ++read;
      if (!spans_.empty() && spans_.back().address + spans_.back().bytes == address) {
        spans_.back().bytes += static_cast<std::uint32_t>(kElement);
      } else {
        spans_.push_back(DramSpan{address, static_cast<std::uint32_t>(kElement)});
      }
    }
    g.offset[i] = (read - 1) * static_cast<std::int64_t>(kElement);
  }
}

std::uint64_t element_address(const TensorInfo& t, const StorageCoord& at, DramLayout layout) {
  assert(t.dram_address.has_value());
  const std::uint64_t base = *t.dram_address;
  const auto matrix = static_cast<std::uint64_t>(at.matrix), row = static_cast<std::uint64_t>(at.row),
             col = static_cast<std::uint64_t>(at.col);
  if (t.rank <= 1) return base + col * kElement;  // one row: the same in both layouts
  const auto padded_rows = static_cast<std::uint64_t>(t.padded_rows);
  const auto padded_cols = static_cast<std::uint64_t>(t.padded_cols);
  if (layout == DramLayout::RowMajor) return base + ((matrix * padded_rows + row) * padded_cols + col) * kElement;
  const std::uint64_t tile_row = matrix * (padded_rows / kDim) + row / kDim;
  const std::uint64_t tile = tile_row * (padded_cols / kDim) + col / kDim;
  return base + tile * kTile + (row % kDim * kDim + col % kDim) * kElement;
}

std::int64_t contiguous_in_row(const StorageCoord& at, std::int64_t count, DramLayout layout) {
  if (layout == DramLayout::RowMajor) return count;
  return std::min(count, kTileDim - at.col % kTileDim);
}

void tile_spans(const Schedule& s, const TileRef& ref, DramLayout layout, DramSpans* out) {
  if (is_gather(s.tensors[static_cast<std::size_t>(ref.tensor)])) {
    out->spans_.clear();
    out->gather(s, ref, layout);
    return;
  }
  const TileRef tile = stored_tile(s, ref);
  const TensorInfo& t = s.tensors[static_cast<std::size_t>(tile.tensor)];
  assert(t.dram_address.has_value());
  const std::uint64_t base = *t.dram_address;
  const auto row = static_cast<std::uint64_t>(tile.row), col = static_cast<std::uint64_t>(tile.col);
  std::vector<DramSpan>& spans = out->spans_;
  // A row-major tile's 32 spans are all rewritten below: resized, not cleared
  // first (a resize from 0 value-initialized them all at every LOAD and STORE).
  if (t.rank <= 1 || layout == DramLayout::TileMajor) spans.clear();
  if (t.is_scalar()) {
    spans.push_back(DramSpan{base, static_cast<std::uint32_t>(kElement)});
  } else if (t.rank <= 1) {  // a bias row: its tiles are 128 B, side by side
    spans.push_back(DramSpan{base + col * kRowBytes, static_cast<std::uint32_t>(kRowBytes)});
  } else if (layout == DramLayout::TileMajor) {
    const auto tile_cols = static_cast<std::uint64_t>(t.tile_cols());
    spans.push_back(DramSpan{base + (row * tile_cols + col) * kTile, static_cast<std::uint32_t>(kTile)});
  } else {
    const std::uint64_t stride = static_cast<std::uint64_t>(t.padded_cols) * kElement;
    const std::uint64_t first = base + row * kDim * stride + col * kRowBytes;
    // Field by field: a DramSpan built whole on the stack and copied in was
    // read back before its two stores retired (a store-forwarding stall per
    // row, most of the time of a DMA tile copy's bookkeeping).
    spans.resize(kDim);
    for (std::uint64_t r = 0; r < kDim; ++r) {
      spans[r].address = first + r * stride;
      spans[r].bytes = static_cast<std::uint32_t>(kRowBytes);
    }
  }
}

void tile_bursts(const Schedule& schedule, const TileRef& tile, std::uint64_t burst_bytes, DramSpans* spans,
                 std::vector<std::uint64_t>* out) {
  out->clear();
  tile_spans(schedule, tile, spans);
  for (const DramSpan& span : *spans) {
    const std::uint64_t last = (span.address + span.bytes - 1) / burst_bytes;
    for (std::uint64_t b = span.address / burst_bytes; b <= last; ++b) {
      if (out->empty() || out->back() != b * burst_bytes) out->push_back(b * burst_bytes);
    }
  }
}

}  // namespace tilesim::sched
