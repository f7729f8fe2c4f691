// Geometry of the accelerator's unit of work: a 32x32 row-major float32 tile.
// The one definition: the compiler's tiling and schedules (compiler/ir/graph.h,
// compiler/schedule/schedule.h) take theirs from here.
#pragma once

#include <cstddef>

namespace tilesim::kernels {

inline constexpr int kTileDim = 32;
inline constexpr int kTileElems = kTileDim * kTileDim;
inline constexpr std::size_t kElementBytes = sizeof(float);
inline constexpr std::size_t kTileBytes = kTileElems * kElementBytes;  // 4096

}  // namespace tilesim::kernels
