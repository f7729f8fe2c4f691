// What a LOAD of a gather view's tile reads. A gather view is an im2col,
// relayout, place, permute or slice view (tensor_view.h); a transpose view is not: its tile is one
// tile of X read transposed. The LOAD reads the distinct storage elements of
// the shown tensor X that gather_tile names as Source (an element named twice,
// as overlapping im2col windows do, is read once); padding elements (0, -inf)
// are written into SRAM by the DMA engine without reading DRAM.
// The totals, the validator and TransferBytes ask here for the tiles of X a
// gather touches and the bytes it reads; dram_layout.h turns the same elements
// into DRAM spans. viewed_tiles() answers for any view, transpose too: the
// SRAM allocator asks it which held-back STOREs a view's LOAD must follow.
//
// Contract: gatherable() is the precondition of every other function: the
// view and X pass the validator's table checks (so gather_tile's arithmetic
// stays in range) — and the tile lies in the view's tile grid. A scratch the
// caller keeps makes repeated gathers allocation-free.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/schedule/schedule.h"

namespace tilesim::sched {

// An im2col, relayout, place, permute or slice view.
bool is_gather(const TensorInfo& tensor);

// `tensor` is in range, a gather view, and it and the tensor it shows pass
// the validator's table checks (validator_structure.h, tensor_problems).
// Safe on any schedule.
bool gatherable(const Schedule& schedule, std::int32_t tensor);

// Reused between gathers (about 40 KB: keep one, not one per call).
struct GatherScratch {
  GatheredTile tile;
  std::vector<std::int64_t> keys;
  std::vector<PixelChannels> pixels;
};

// The bytes the LOAD reads from DRAM: 4 per distinct Source element, counted
// without gathering where the view says how many: an im2col tile from its
// windows (im2col_distinct_elements); a relayout, permute or slice tile (one
// element of X per element of its own) from its positions inside the view.
std::int64_t gathered_bytes(const std::vector<TensorInfo>& tensors, const TileRef& tile, GatherScratch* scratch);

// The tiles of X (in X's tile grid) that hold those elements, in order,
// distinct; replaces *out.
void gathered_tiles(const std::vector<TensorInfo>& tensors, const TileRef& tile, GatherScratch* scratch,
                    std::vector<TileRef>* out);

// The tile of X a LOAD of transpose view tile `tile` reads transposed: tile
// (r, c) of matrix b is X's tile (c, r) of matrix b. Precondition: the view
// and X pass the validator's table checks; the tile lies in the view's grid.
TileRef transposed_tile(const std::vector<TensorInfo>& tensors, const TileRef& tile);

// The tiles of X a LOAD of view tile `tile` reads, of any view kind: a
// transpose's one tile, a gather's gathered_tiles; replaces *out. Same
// precondition as transposed_tile.
void viewed_tiles(const std::vector<TensorInfo>& tensors, const TileRef& tile, GatherScratch* scratch,
                  std::vector<TileRef>* out);

}  // namespace tilesim::sched
