// Internal to kernels/: exact aliasing (C == A or C == B) is allowed by the
// contract, and the product must then see the old tile. A vector matmul that
// reads A and B while it stores C would not, so it works from copies. Out of
// line: the common case pays one compare. Included by each instruction-set
// file, so it compiles with that file's flags.
#pragma once

#include <cstring>

#include "kernels/kernel_set.h"
#include "kernels/tile.h"

namespace tilesim::kernels::detail {

using MatmulTiles = void (*)(const float*, const float*, float*, const MatmulEpilogue&);

template <MatmulTiles Tiles>
__attribute__((noinline)) void matmul_from_copies(const float* a, const float* b, float* c, const MatmulEpilogue& ep) {
  alignas(64) float a_copy[kTileElems];
  alignas(64) float b_copy[kTileElems];
  std::memcpy(a_copy, a, kTileBytes);
  std::memcpy(b_copy, b, kTileBytes);
  Tiles(a_copy, b_copy, c, ep);
}

template <MatmulTiles Tiles>
void matmul_allowing_aliases(const float* a, const float* b, float* c, const MatmulEpilogue& ep) {
  if (a == c || b == c) return matmul_from_copies<Tiles>(a, b, c, ep);
  Tiles(a, b, c, ep);
}

}  // namespace tilesim::kernels::detail
