// AVX-512 FMA peak loop; compiled alone with -mavx512f (bench/kernels/CMakeLists.txt).
#include <immintrin.h>

#include "bench/kernels/fma_peak.h"

namespace tilesim::bench {

float fma_peak_avx512(long iterations) {
  // acc = acc * 0.999 + 1e-4 converges to 0.1: no overflow, no denormals.
  const __m512 mul = _mm512_set1_ps(0.999f);
  const __m512 add = _mm512_set1_ps(1e-4f);
  __m512 acc[kAvx512PeakChains];
#pragma GCC unroll 32
  for (int j = 0; j < kAvx512PeakChains; ++j) acc[j] = _mm512_set1_ps(0.01f * j);
  for (long i = 0; i < iterations; ++i) {
#pragma GCC unroll 32
    for (int j = 0; j < kAvx512PeakChains; ++j) acc[j] = _mm512_fmadd_ps(acc[j], mul, add);
  }
  __m512 sum = acc[0];
#pragma GCC unroll 32
  for (int j = 1; j < kAvx512PeakChains; ++j) sum = _mm512_add_ps(sum, acc[j]);
  return _mm512_cvtss_f32(sum);
}

}  // namespace tilesim::bench
