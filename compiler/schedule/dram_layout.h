// The DRAM bytes a tile transfer touches: what the DMA engine turns into
// bursts for every LOAD and STORE. Plain C++ (no SystemC); allocation-free
// once the caller's DramSpans buffer has grown.
//
// A tensor with storage starts at its dram_address (dram_placement.h); tile
// (r, c) of a tensor with P = padded_cols and Tc = P / 32 tile columns touches
//   row_major   32 spans of 128 B, the first at address + (32 r P + 32 c) * 4,
//               one every P * 4 bytes (the tile's rows in the padded matrix;
//               a stack's matrices lie one after another, so tile row r of the
//               stack is simply the r-th band of 32 rows);
//   tile_major  1 span of 4096 B at address + (r Tc + c) * 4096 (tiles in
//               row-major order of the tile grid, a stack's matrices in turn);
// and in both layouts a bias row's tile (rank 1) is 1 span of 128 B at
// address + 128 c, and a scalar 1 span of 4 B at its address. A transpose
// view's tile (r, c) of matrix b is the tile of the tensor X it shows that its
// LOAD reads: X's tile (c, r) of matrix b, with X's spans. A gather view's
// tile (im2col, relayout: view_gather.h) touches the addresses of its
// distinct Source elements in X (element_address), merged into maximal runs
// of consecutive bytes: between 1 and 1024 spans. The spans come in address
// order, never overlap, and may be adjacent (a matrix one tile wide,
// row-major: a stride of 128 B); the DMA engine splits each into bursts.
//
// Precondition: a schedule that passed the validator (validator.h), so every
// tensor with storage has an address and every span fits in 64 bits.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "compiler/schedule/schedule.h"

namespace tilesim::sched {

struct DramSpan {
  std::uint64_t address = 0;
  std::uint32_t bytes = 0;
  bool operator==(const DramSpan& o) const { return address == o.address && bytes == o.bytes; }
  bool operator!=(const DramSpan& o) const { return !(*this == o); }
};

// The spans of one tile, in a buffer the caller keeps and reuses: filling it
// allocates nothing once it has grown (32 spans at construction; a gather's
// working memory, about 60 KB, at the first gather view tile).
class DramSpans {
 public:
  DramSpans();
  DramSpans(DramSpans&&) noexcept;
  DramSpans& operator=(DramSpans&&) noexcept;
  ~DramSpans();

  const DramSpan* begin() const { return spans_.data(); }
  const DramSpan* end() const { return spans_.data() + spans_.size(); }
  std::size_t size() const { return spans_.size(); }
  const DramSpan& operator[](std::size_t i) const { return spans_[i]; }
  std::uint64_t total_bytes() const;

  // After tile_spans() of a gather view tile, for element i (row-major in
  // the 32 x 32 tile): where its value is in the spans' bytes taken in order
  // (a byte offset), or kZero / kNegativeInfinity for a padding element.
  static constexpr std::int64_t kZero = -1, kNegativeInfinity = -2;
  std::int64_t gathered_offset(std::size_t i) const;

 private:
  friend void tile_spans(const Schedule&, const TileRef&, DramLayout, DramSpans*);
  struct Gather;
  void gather(const Schedule& schedule, const TileRef& tile, DramLayout layout);

  std::vector<DramSpan> spans_;
  std::unique_ptr<Gather> gather_;
};

// The DRAM byte address of the element at storage position `at` of tensor
// `t` (one with storage) in `layout`.
std::uint64_t element_address(const TensorInfo& t, const StorageCoord& at, DramLayout layout);
// How many of the `count` elements from `at` along its storage row lie at
// consecutive addresses in `layout`: all of them in a row-major DRAM, up to
// the end of the tile's row in a tile-major one.
std::int64_t contiguous_in_row(const StorageCoord& at, std::int64_t count, DramLayout layout);

// The DRAM byte ranges a LOAD or STORE of `tile` touches in `layout`, in
// address order; replaces *out.
void tile_spans(const Schedule& schedule, const TileRef& tile, DramLayout layout, DramSpans* out);

// The same in the schedule's own layout (schedule.dram_layout).
inline void tile_spans(const Schedule& schedule, const TileRef& tile, DramSpans* out) {
  tile_spans(schedule, tile, schedule.dram_layout, out);
}

// The burst addresses a transfer of `tile` touches on a DRAM whose bursts are
// `burst_bytes` (a power of two): for each span in order, the bursts holding
// its first to its last byte, a burst equal to the one just before it not
// repeated (docs/cycle-model.md, "Bursts of a transfer"). Replaces *out;
// *spans is the working buffer (it holds the tile's spans afterwards).
void tile_bursts(const Schedule& schedule, const TileRef& tile, std::uint64_t burst_bytes, DramSpans* spans,
                 std::vector<std::uint64_t>* out);

}  // namespace tilesim::sched
