// AVX2 FMA peak loop; compiled alone with -mavx2 -mfma (bench/kernels/CMakeLists.txt).
#include <immintrin.h>

#include "bench/kernels/fma_peak.h"

namespace tilesim::bench {

float fma_peak_avx2(long iterations) {
  // acc = acc * 0.999 + 1e-4 converges to 0.1: no overflow, no denormals.
  const __m256 mul = _mm256_set1_ps(0.999f);
  const __m256 add = _mm256_set1_ps(1e-4f);
  __m256 acc[kAvx2PeakChains];
#pragma GCC unroll 16
  for (int j = 0; j < kAvx2PeakChains; ++j) acc[j] = _mm256_set1_ps(0.01f * j);
  for (long i = 0; i < iterations; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < kAvx2PeakChains; ++j) acc[j] = _mm256_fmadd_ps(acc[j], mul, add);
  }
  __m256 sum = acc[0];
#pragma GCC unroll 16
  for (int j = 1; j < kAvx2PeakChains; ++j) sum = _mm256_add_ps(sum, acc[j]);
  return _mm256_cvtss_f32(sum);
}

}  // namespace tilesim::bench
