#include <algorithm>
#include <stdexcept>

#include "compiler/scheduler/tile_program.h"

namespace tilesim::sched {

TileSpace::TileSpace(const std::vector<TensorInfo>& tensors) {
  std::int64_t total = 0;
  for (const TensorInfo& t : tensors) {
    base_.push_back(total);
    cols_.push_back(t.tile_cols());
    total += t.tile_rows() * t.tile_cols();
  }
  if (total >= static_cast<std::int64_t>(kNoTile)) {
    throw std::length_error("the model has more than 4 billion tiles");
  }
  total_ = static_cast<std::size_t>(total);
}

TileRef TileSpace::ref(TileId id) const {
  const auto it = std::upper_bound(base_.begin(), base_.end(), static_cast<std::int64_t>(id));
  const auto tensor = static_cast<std::int32_t>((it - base_.begin()) - 1);
  const std::int64_t offset = id - base_[tensor];
  return TileRef{tensor, static_cast<std::int32_t>(offset / cols_[tensor]),
                 static_cast<std::int32_t>(offset % cols_[tensor])};
}

}  // namespace tilesim::sched
