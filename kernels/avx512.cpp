// The AVX-512F kernel set. This file alone is compiled with -mavx512f -mfma
// (kernels/CMakeLists.txt, option TILESIM_ENABLE_AVX512); dispatch.cpp only
// hands it out after checking the CPU. Design notes: docs/kernels.md.
#include <immintrin.h>

#include "kernels/aliasing.h"
#include "kernels/backends.h"
#include "kernels/tile.h"

namespace tilesim::kernels::detail {
namespace {

constexpr int N = kTileDim;
constexpr int kLanes = 16;  // floats per zmm register

// relu(x) = x > 0 ? x : +0, NaN kept: lanes where x is "not less-or-equal,
// unordered" to 0 (x > 0 or NaN) are kept bit for bit, the rest become +0.
inline __m512 relu16(__m512 x) {
  return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_NLE_UQ), x);
}

// One register block of C: MR full rows (2 zmm each) in 2*MR accumulators
// for the whole K = 32 loop. Per k: 2 loads of the B row, MR FMAs with A[r][k]
// broadcast from memory ({1to16} embedded broadcast), 2*MR FMAs in all.
// zero_init is a masked load with an empty mask (no branch, no fault).
template <int MR>
inline __attribute__((always_inline)) void block(const float* a, const float* b, float* c, const MatmulEpilogue& ep) {
  const __mmask16 load_mask = ep.zero_init ? 0 : 0xFFFF;
  __m512 acc[MR][2];
  for (int r = 0; r < MR; ++r) {
    acc[r][0] = _mm512_maskz_loadu_ps(load_mask, c + r * N);
    acc[r][1] = _mm512_maskz_loadu_ps(load_mask, c + r * N + kLanes);
  }
#pragma GCC unroll 8
  for (int k = 0; k < N; ++k) {
    const __m512 b0 = _mm512_loadu_ps(b + k * N);
    const __m512 b1 = _mm512_loadu_ps(b + k * N + kLanes);
    for (int r = 0; r < MR; ++r) {
      const __m512 av = _mm512_set1_ps(a[r * N + k]);
      acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
    }
  }
  if (ep.bias) {
    const __m512 bb0 = _mm512_loadu_ps(ep.bias);
    const __m512 bb1 = _mm512_loadu_ps(ep.bias + kLanes);
    for (int r = 0; r < MR; ++r) {
      acc[r][0] = _mm512_add_ps(acc[r][0], bb0);
      acc[r][1] = _mm512_add_ps(acc[r][1], bb1);
    }
  }
  if (ep.relu) {
    for (int r = 0; r < MR; ++r) {
      acc[r][0] = relu16(acc[r][0]);
      acc[r][1] = relu16(acc[r][1]);
    }
  }
  for (int r = 0; r < MR; ++r) {
    _mm512_storeu_ps(c + r * N, acc[r][0]);
    _mm512_storeu_ps(c + r * N + kLanes, acc[r][1]);
  }
}

// 32x32 = four 8-row x 32-column blocks: 16 accumulators + 2 B registers of
// 32 zmm, 16 independent FMA chains (8 are enough to cover latency 4 x 2
// ports). Larger blocks (10-14 rows) measured no faster and make GCC keep
// the accumulator array on the stack around the epilogue branches.
void matmul_tiles(const float* a, const float* b, float* c, const MatmulEpilogue& ep) {
  for (int row0 = 0; row0 < N; row0 += 8) block<8>(a + row0 * N, b, c + row0 * N, ep);
}

void add(const float* x, const float* y, float* out) {
#pragma GCC unroll 4
  for (int i = 0; i < kTileElems; i += kLanes)
    _mm512_storeu_ps(out + i, _mm512_add_ps(_mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i)));
}

void bias_add(const float* x, const float* bias, float* out) {
  const __m512 b0 = _mm512_loadu_ps(bias);
  const __m512 b1 = _mm512_loadu_ps(bias + kLanes);
#pragma GCC unroll 4
  for (int r = 0; r < N; ++r) {
    const __m512 x0 = _mm512_loadu_ps(x + r * N);
    const __m512 x1 = _mm512_loadu_ps(x + r * N + kLanes);
    _mm512_storeu_ps(out + r * N, _mm512_add_ps(x0, b0));
    _mm512_storeu_ps(out + r * N + kLanes, _mm512_add_ps(x1, b1));
  }
}

void relu(const float* x, float* out) {
#pragma GCC unroll 4
  for (int i = 0; i < kTileElems; i += kLanes) _mm512_storeu_ps(out + i, relu16(_mm512_loadu_ps(x + i)));
}

void scale(const float* x, float factor, float* out) {
  const __m512 f = _mm512_set1_ps(factor);
#pragma GCC unroll 4
  for (int i = 0; i < kTileElems; i += kLanes) _mm512_storeu_ps(out + i, _mm512_mul_ps(_mm512_loadu_ps(x + i), f));
}

constexpr KernelSet kAvx512{"avx512", detail::matmul_allowing_aliases<matmul_tiles>, add, bias_add, relu, scale};

}  // namespace

const KernelSet& avx512_kernels() { return kAvx512; }

}  // namespace tilesim::kernels::detail
