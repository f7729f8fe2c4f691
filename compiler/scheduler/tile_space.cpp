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
  refs_.reserve(static_cast<std::size_t>(total));
  for (std::size_t t = 0; t < tensors.size(); ++t) {
    const auto tensor = static_cast<std::int32_t>(t);
    const auto rows = static_cast<std::int32_t>(tensors[t].tile_rows());
    const auto cols = static_cast<std::int32_t>(cols_[t]);
    for (std::int32_t row = 0; row < rows; ++row)
      for (std::int32_t col = 0; col < cols; ++col) refs_.push_back(TileRef{tensor, row, col});
  }
}

}  // namespace tilesim::sched
