// Geometry of the accelerator's unit of work: a 32x32 row-major float32 tile.
#pragma once

#include <cstddef>

namespace tilesim::kernels {

inline constexpr int kTileDim = 32;
inline constexpr int kTileElems = kTileDim * kTileDim;
inline constexpr std::size_t kTileBytes = kTileElems * sizeof(float);  // 4096

}  // namespace tilesim::kernels
