// The DRAM bytes each LOAD and STORE of a schedule moves: what a transfer
// costs (CostModel), what the totals count (bytes_loaded, bytes_stored) and
// what the simulator's units report.
//
//   a tile of a tensor with storage, or of a transpose view:
//       tile_transfer_bytes() — 4096; 128 for a bias row; 4 for a scalar
//   a tile of a gather view (im2col, relayout, place):
//       4 bytes per distinct Source element of gather_tile (view_gather.h):
//       the sum of the tile's DRAM spans; padding is written into SRAM by
//       the DMA engine without reading DRAM
//
// Contract: built once per schedule, gathering each distinct gather-view tile
// that a LOAD names once — or taking what the scheduler gathered
// (Schedule::gathered_bytes) when the schedule's tensors are still the ones
// it was gathered from; then const, and a lookup is O(1) (a tile no LOAD
// named when it was gathered is gathered at each lookup). Keeps a reference to
// the schedule's tensor table, which must outlive it; the uOps may be
// reordered afterwards. Safe on any schedule: a view that is not gatherable()
// or a tile outside its grid counts its tile_transfer_bytes(), a tensor index
// out of range 0.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "compiler/schedule/schedule.h"

namespace tilesim::sched {

struct GatheredTileBytes {
  static constexpr std::int64_t kNotGathered = -1;
  std::vector<TensorInfo> tensors;  // the tensor table it was gathered from
  std::vector<std::int64_t> first;  // per tensor: its tile (0,0) in `bytes`, or kNotGathered
  std::vector<std::int32_t> bytes;  // per tile of a gatherable view: its bytes, -1 where no LOAD named it
};

class TransferBytes {
 public:
  explicit TransferBytes(const Schedule& schedule);

  // The bytes a LOAD or STORE of `tile` moves.
  std::int64_t operator()(const TileRef& tile) const;
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  // What it gathered (or took), for Schedule::gathered_bytes.
  const std::shared_ptr<const GatheredTileBytes>& gathered() const { return gathered_; }

 private:
  const std::vector<TensorInfo>& tensors_;
  std::shared_ptr<const GatheredTileBytes> gathered_;  // never null
};

}  // namespace tilesim::sched
