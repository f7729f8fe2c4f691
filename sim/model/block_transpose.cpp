#include "sim/model/block_transpose.h"

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace tilesim::sim {

namespace {

// Elements [first, n) of each run.
void copy_plain(const float* const src[kTransposeBlock], std::size_t src_step, float* dst, std::size_t dst_stride,
                std::size_t first, std::size_t n) {
  for (std::size_t k = first; k < n; ++k) {
    for (int q = 0; q < kTransposeBlock; ++q) {
      std::memcpy(dst + k * dst_stride + q, src[q] + k * src_step, sizeof(float));
    }
  }
}

#if defined(__x86_64__)
// Floats p[0], p[2], ..., p[14] in order, reading p[0] to p[14] only: the
// even floats of p[0..7] and the odd ones of p[7..14], interleaved by lane
// (a0 a2 b1 b3 | a4 a6 b5 b7), then the 64-bit pairs put in order.
__attribute__((target("avx2"))) __m256 load_every_other(const float* p) {
  const __m256 a = _mm256_loadu_ps(p), b = _mm256_loadu_ps(p + 7);
  const __m256 mixed = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 2, 0));
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(mixed), _MM_SHUFFLE(3, 1, 2, 0)));
}

// The 8 x 8 transpose of eight rows of eight floats: unpacks pair the rows'
// floats, shuffles make groups of four, lane permutes swap the 128-bit halves.
__attribute__((target("avx2"))) void copy_avx2(const float* const src[kTransposeBlock], std::size_t src_step,
                                               float* dst, std::size_t dst_stride, std::size_t n) {
  std::size_t k = 0;
  for (; k + kTransposeBlock <= n; k += kTransposeBlock) {
    __m256 v[kTransposeBlock];
    for (int q = 0; q < kTransposeBlock; ++q) {
      v[q] = src_step == 1 ? _mm256_loadu_ps(src[q] + k) : load_every_other(src[q] + 2 * k);
    }
    const __m256 t0 = _mm256_unpacklo_ps(v[0], v[1]), t1 = _mm256_unpackhi_ps(v[0], v[1]);
    const __m256 t2 = _mm256_unpacklo_ps(v[2], v[3]), t3 = _mm256_unpackhi_ps(v[2], v[3]);
    const __m256 t4 = _mm256_unpacklo_ps(v[4], v[5]), t5 = _mm256_unpackhi_ps(v[4], v[5]);
    const __m256 t6 = _mm256_unpacklo_ps(v[6], v[7]), t7 = _mm256_unpackhi_ps(v[6], v[7]);
    const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    float* row = dst + k * dst_stride;
    _mm256_storeu_ps(row + 0 * dst_stride, _mm256_permute2f128_ps(s0, s4, 0x20));
    _mm256_storeu_ps(row + 1 * dst_stride, _mm256_permute2f128_ps(s1, s5, 0x20));
    _mm256_storeu_ps(row + 2 * dst_stride, _mm256_permute2f128_ps(s2, s6, 0x20));
    _mm256_storeu_ps(row + 3 * dst_stride, _mm256_permute2f128_ps(s3, s7, 0x20));
    _mm256_storeu_ps(row + 4 * dst_stride, _mm256_permute2f128_ps(s0, s4, 0x31));
    _mm256_storeu_ps(row + 5 * dst_stride, _mm256_permute2f128_ps(s1, s5, 0x31));
    _mm256_storeu_ps(row + 6 * dst_stride, _mm256_permute2f128_ps(s2, s6, 0x31));
    _mm256_storeu_ps(row + 7 * dst_stride, _mm256_permute2f128_ps(s3, s7, 0x31));
  }
  copy_plain(src, src_step, dst, dst_stride, k, n);
}

bool has_avx2() {
  static const bool has = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
  return has;
}
#endif

}  // namespace

void copy_transposed(const float* const src[kTransposeBlock], std::size_t src_step, float* dst, std::size_t dst_stride,
                     std::size_t n) {
#if defined(__x86_64__)
  if (has_avx2() && (src_step == 1 || src_step == 2)) return copy_avx2(src, src_step, dst, dst_stride, n);
#endif
  copy_transposed_plain(src, src_step, dst, dst_stride, n);
}

void copy_transposed_plain(const float* const src[kTransposeBlock], std::size_t src_step, float* dst,
                           std::size_t dst_stride, std::size_t n) {
  copy_plain(src, src_step, dst, dst_stride, 0, n);
}

}  // namespace tilesim::sim
