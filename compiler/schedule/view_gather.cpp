#include "compiler/schedule/view_gather.h"

#include <algorithm>

#include "compiler/schedule/validator_structure.h"

namespace tilesim::sched {
namespace {

// Sorts and drops repeats (keys that come sorted are not sorted again).
void sort_unique(std::vector<std::int64_t>* keys) {
  if (!std::is_sorted(keys->begin(), keys->end())) std::sort(keys->begin(), keys->end());
  keys->erase(std::unique(keys->begin(), keys->end()), keys->end());
}

}  // namespace

bool is_gather(const TensorInfo& t) {
  return t.view.kind == ViewKind::Im2col || t.view.kind == ViewKind::Relayout || t.view.kind == ViewKind::Place ||
         t.view.kind == ViewKind::Permute || t.view.kind == ViewKind::Slice;
}

bool gatherable(const Schedule& s, std::int32_t tensor) {
  if (tensor < 0 || static_cast<std::size_t>(tensor) >= s.tensors.size()) return false;
  const TensorInfo& v = s.tensors[static_cast<std::size_t>(tensor)];
  // The view's own checks include that X is in range and not a view.
  return is_gather(v) && structure::tensor_problems(s, static_cast<std::size_t>(tensor)).empty() &&
         structure::tensor_problems(s, static_cast<std::size_t>(v.view.of)).empty();
}

std::int64_t gathered_bytes(const std::vector<TensorInfo>& tensors, const TileRef& tile, GatherScratch* scratch) {
  // Only im2col's windows overlap. Every other gather view maps its elements
  // to X's one to one (a relayout, a shift along an axis, a permutation, a
  // slice whose step the validator holds to be other than 0), so no element
  // is named twice and the Source elements need no sorting to be counted.
  const TensorInfo& v = tensors[static_cast<std::size_t>(tile.tensor)];
  if (v.view.kind == ViewKind::Im2col) {
    return im2col_distinct_elements(tensors, tile, &scratch->pixels) * kernels::kElementBytes;
  }
  // A relayout, permute or slice reads an element of X for each element of
  // its own; in a matrix, nchw or nhwc layout those are the tile's positions
  // inside the view's rows and columns (a place reads 0 outside X).
  if (v.view.kind != ViewKind::Place && v.layout != TensorLayout::ConvWeight) {
    const std::int64_t row0 = tile.row % v.tile_rows_per_matrix() * kTileDim;
    const std::int64_t col0 = static_cast<std::int64_t>(tile.col) * kTileDim;
    return std::clamp<std::int64_t>(v.rows - row0, 0, kTileDim) * std::clamp<std::int64_t>(v.cols - col0, 0, kTileDim) *
           kernels::kElementBytes;
  }
  gather_tile(tensors, tile, &scratch->tile);
  const auto sources = std::count_if(scratch->tile.begin(), scratch->tile.end(),
                                     [](const GatheredElement& e) { return e.kind == GatheredElement::Source; });
  return static_cast<std::int64_t>(sources) * kernels::kElementBytes;
}

void gathered_tiles(const std::vector<TensorInfo>& tensors, const TileRef& tile, GatherScratch* scratch,
                    std::vector<TileRef>* out) {
  gather_tile(tensors, tile, &scratch->tile);
  const std::int32_t of = tensors[static_cast<std::size_t>(tile.tensor)].view.of;
  const TensorInfo& x = tensors[static_cast<std::size_t>(of)];
  const std::int64_t per_matrix = x.tile_rows_per_matrix(), cols = x.tile_cols();
  scratch->keys.clear();
  for (const GatheredElement& e : scratch->tile) {
    if (e.kind != GatheredElement::Source) continue;
    const std::int64_t row = e.at.matrix * per_matrix + e.at.row / kTileDim;
    scratch->keys.push_back(row * cols + e.at.col / kTileDim);
  }
  sort_unique(&scratch->keys);
  out->clear();
  for (const std::int64_t key : scratch->keys) {
    out->push_back(TileRef{of, static_cast<std::int32_t>(key / cols), static_cast<std::int32_t>(key % cols)});
  }
}

TileRef transposed_tile(const std::vector<TensorInfo>& tensors, const TileRef& tile) {
  const TensorInfo& v = tensors[static_cast<std::size_t>(tile.tensor)];
  const TensorInfo& x = tensors[static_cast<std::size_t>(v.view.of)];
  const std::int64_t mt = v.tile_rows_per_matrix();
  const std::int64_t row = tile.row / mt * x.tile_rows_per_matrix() + tile.col;
  return TileRef{v.view.of, static_cast<std::int32_t>(row), static_cast<std::int32_t>(tile.row % mt)};
}

void viewed_tiles(const std::vector<TensorInfo>& tensors, const TileRef& tile, GatherScratch* scratch,
                  std::vector<TileRef>* out) {
  if (is_gather(tensors[static_cast<std::size_t>(tile.tensor)])) {
    gathered_tiles(tensors, tile, scratch, out);
  } else {
    out->assign(1, transposed_tile(tensors, tile));
  }
}

}  // namespace tilesim::sched
