// The DRAM bytes a tile transfer touches: what the DMA engine turns into
// bursts for every LOAD and STORE. Plain C++ (no SystemC), allocation-free.
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
// address + 128 c, and a scalar 1 span of 4 B at its address. A view's tile
// (r, c) of matrix b is the tile of the tensor X it shows that its LOAD reads:
// X's tile (c, r) of matrix b, with X's spans. The spans come in address order
// and may be adjacent (a matrix one tile wide, row-major: a stride of 128 B);
// the DMA engine splits each into bursts.
//
// Precondition: a schedule that passed the validator (validator.h), so every
// tensor with storage has an address and every span fits in 64 bits.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "compiler/schedule/schedule.h"

namespace tilesim::sched {

struct DramSpan {
  std::uint64_t address = 0;
  std::uint32_t bytes = 0;
  bool operator==(const DramSpan& o) const { return address == o.address && bytes == o.bytes; }
  bool operator!=(const DramSpan& o) const { return !(*this == o); }
};

// Up to 32 spans held in place (a row-major tile's rows): no allocation.
class DramSpans {
 public:
  static constexpr std::size_t kCapacity = static_cast<std::size_t>(kTileDim);
  const DramSpan* begin() const { return spans_.data(); }
  const DramSpan* end() const { return spans_.data() + size_; }
  std::size_t size() const { return size_; }
  const DramSpan& operator[](std::size_t i) const { return spans_[i]; }
  std::uint64_t total_bytes() const;

 private:
  friend DramSpans tile_spans(const Schedule&, const TileRef&, DramLayout);
  void push(std::uint64_t address, std::uint32_t bytes) { spans_[size_++] = DramSpan{address, bytes}; }
  std::array<DramSpan, kCapacity> spans_{};
  std::size_t size_ = 0;
};

// The DRAM byte ranges a LOAD or STORE of `tile` touches in `layout`, in order.
DramSpans tile_spans(const Schedule& schedule, const TileRef& tile, DramLayout layout);

// The same in the schedule's own layout (schedule.dram_layout).
inline DramSpans tile_spans(const Schedule& schedule, const TileRef& tile) {
  return tile_spans(schedule, tile, schedule.dram_layout);
}

// The burst addresses a transfer of `tile` touches on a DRAM whose bursts are
// `burst_bytes` (a power of two): for each span in order, the bursts holding
// its first to its last byte, a burst equal to the one just before it not
// repeated (docs/cycle-model.md, "Bursts of a transfer"). Replaces *out.
void tile_bursts(const Schedule& schedule, const TileRef& tile, std::uint64_t burst_bytes,
                 std::vector<std::uint64_t>* out);

}  // namespace tilesim::sched
