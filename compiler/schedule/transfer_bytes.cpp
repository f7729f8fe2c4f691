#include "compiler/schedule/transfer_bytes.h"

#include <memory>

#include "compiler/schedule/view_gather.h"

namespace tilesim::sched {
namespace {

bool in_grid(const TensorInfo& t, const TileRef& tile) {
  return tile.row >= 0 && tile.col >= 0 && tile.row < t.tile_rows() && tile.col < t.tile_cols();
}

// Each distinct gather-view tile a LOAD names, gathered once.
std::shared_ptr<const GatheredTileBytes> gather(const Schedule& s) {
  auto table = std::make_shared<GatheredTileBytes>();
  table->tensors = s.tensors;
  table->first.assign(s.tensors.size(), GatheredTileBytes::kNotGathered);
  for (std::size_t i = 0; i < s.tensors.size(); ++i) {
    if (!gatherable(s, static_cast<std::int32_t>(i))) continue;
    table->first[i] = static_cast<std::int64_t>(table->bytes.size());
    table->bytes.resize(table->bytes.size() + static_cast<std::size_t>(s.tensors[i].tile_rows() * s.tensors[i].tile_cols()),
                        -1);
  }
  if (table->bytes.empty()) return table;
  const auto scratch = std::make_unique<GatherScratch>();
  for (const Uop& u : s.uops) {
    if (u.kind != UopKind::Load || u.tile.tensor < 0 || static_cast<std::size_t>(u.tile.tensor) >= table->first.size()) {
      continue;
    }
    const std::int64_t first = table->first[static_cast<std::size_t>(u.tile.tensor)];
    const TensorInfo& t = s.tensors[static_cast<std::size_t>(u.tile.tensor)];
    if (first == GatheredTileBytes::kNotGathered || !in_grid(t, u.tile)) continue;
    std::int32_t& bytes = table->bytes[static_cast<std::size_t>(first + u.tile.row * t.tile_cols() + u.tile.col)];
    if (bytes < 0) bytes = static_cast<std::int32_t>(gathered_bytes(s.tensors, u.tile, scratch.get()));
  }
  return table;
}

}  // namespace

TransferBytes::TransferBytes(const Schedule& s)
    : tensors_(s.tensors),
      gathered_(s.gathered_bytes && s.gathered_bytes->tensors == s.tensors ? s.gathered_bytes : gather(s)) {}

std::int64_t TransferBytes::operator()(const TileRef& tile) const {
  if (tile.tensor < 0 || static_cast<std::size_t>(tile.tensor) >= tensors_.size()) return 0;
  const TensorInfo& t = tensors_[static_cast<std::size_t>(tile.tensor)];
  const std::int64_t first = gathered_->first[static_cast<std::size_t>(tile.tensor)];
  if (first == GatheredTileBytes::kNotGathered || !in_grid(t, tile)) return t.tile_transfer_bytes();
  const std::int32_t bytes = gathered_->bytes[static_cast<std::size_t>(first + tile.row * t.tile_cols() + tile.col)];
  if (bytes >= 0) return bytes;
  const auto scratch = std::make_unique<GatherScratch>();
  return gathered_bytes(tensors_, tile, scratch.get());
}

}  // namespace tilesim::sched
