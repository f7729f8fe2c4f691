// The AVX2 + FMA kernel set. This file alone is compiled with -mavx2 -mfma
// (kernels/CMakeLists.txt); dispatch.cpp only hands it out after checking the
// CPU. Design notes and measurements: docs/kernels.md.
#include <immintrin.h>

#include "kernels/aliasing.h"
#include "kernels/backends.h"
#include "kernels/row_kernels.h"
#include "kernels/simd_elementwise.h"
#include "kernels/tile.h"

namespace tilesim::kernels::detail {
namespace {

constexpr int N = kTileDim;
constexpr int kLanes = 8;  // floats per ymm register

// relu(x) = x > 0 ? x : +0, NaN kept: the compare is "not less-or-equal,
// unordered" (true for x > 0 and for NaN), and AND-ing with its all-ones /
// all-zeros mask keeps x bit for bit or gives +0 (so -0 -> +0).
inline __m256 relu8(__m256 x) { return _mm256_and_ps(x, _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_NLE_UQ)); }

// One register block of C: MR rows x NV*8 columns held in MR*NV ymm
// accumulators for the whole K = 32 loop. Per k: NV loads of a B row
// segment, MR broadcasts of A[r][k], MR*NV FMAs. The epilogue (bias,
// residual, activation) runs on the registers before the single store. `a`
// points at A[row0][0], `b` at B[0][col0], `c` at C[row0][col0], `c0` at
// C[0][0] (the residual's element for c is at the same offset); all rows are
// 32 floats apart.
template <int MR, int NV>
inline __attribute__((always_inline)) void block(const float* a, const float* b, float* c, const MatmulEpilogue& ep,
                                                 const float* bias, const float* c0) {
  __m256 acc[MR][NV];
  if (ep.zero_init) {
    for (int r = 0; r < MR; ++r)
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_setzero_ps();
  } else {
    for (int r = 0; r < MR; ++r)
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_loadu_ps(c + r * N + v * kLanes);
  }
#pragma GCC unroll 8
  for (int k = 0; k < N; ++k) {
    __m256 bv[NV];
    for (int v = 0; v < NV; ++v) bv[v] = _mm256_loadu_ps(b + k * N + v * kLanes);
    for (int r = 0; r < MR; ++r) {
      const __m256 av = _mm256_broadcast_ss(a + r * N + k);
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
  if (bias) {
    for (int v = 0; v < NV; ++v) {
      const __m256 bb = _mm256_loadu_ps(bias + v * kLanes);
      for (int r = 0; r < MR; ++r) acc[r][v] = _mm256_add_ps(acc[r][v], bb);
    }
  }
  if (ep.residual) {
    // The block's own rows and columns of the residual tile (rows 32 floats apart).
    const float* res = ep.residual + (c - c0);
    for (int r = 0; r < MR; ++r)
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_add_ps(acc[r][v], _mm256_loadu_ps(res + r * N + v * kLanes));
  }
  if (ep.relu) {
    for (int r = 0; r < MR; ++r)
      for (int v = 0; v < NV; ++v) acc[r][v] = relu8(acc[r][v]);
  }
  if (ep.leaky()) {
    const __m256 alpha = _mm256_set1_ps(ep.leaky_alpha), zero = _mm256_setzero_ps();
    for (int r = 0; r < MR; ++r)
      for (int v = 0; v < NV; ++v)
        acc[r][v] =
            _mm256_blendv_ps(acc[r][v], _mm256_mul_ps(alpha, acc[r][v]), _mm256_cmp_ps(acc[r][v], zero, _CMP_LT_OQ));
  }
  if (ep.clips()) {
    // As UnaryOp::Clip: max(lo, x) then min(hi, .), which keep a NaN x.
    const __m256 lo = _mm256_set1_ps(ep.clip_lo), hi = _mm256_set1_ps(ep.clip_hi);
    for (int r = 0; r < MR; ++r)
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_min_ps(hi, _mm256_max_ps(lo, acc[r][v]));
  }
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) _mm256_storeu_ps(c + r * N + v * kLanes, acc[r][v]);
}

// 32x32 = two 16-column halves, each cut into row blocks 6,6,5,5,5,5.
// 6x16 uses 12 accumulators + 2 B registers + 1 broadcast = 15 of 16 ymm;
// 5x16 keeps 10 chains in flight, above the 8 (= 4-cycle FMA latency x 2
// ports) needed to saturate the FMA units. See docs/kernels.md for the
// alternatives that were measured.
void matmul_tiles(const float* a, const float* b, float* c, const MatmulEpilogue& ep) {
  for (int col0 = 0; col0 < N; col0 += 16) {
    const float* bias = ep.bias ? ep.bias + col0 : nullptr;
    for (int row0 = 0; row0 < 12; row0 += 6) block<6, 2>(a + row0 * N, b + col0, c + row0 * N + col0, ep, bias, c);
    for (int row0 = 12; row0 < N; row0 += 5) block<5, 2>(a + row0 * N, b + col0, c + row0 * N + col0, ep, bias, c);
  }
}

// The vector type of simd_elementwise.h: 8 floats in a ymm register.
struct Ymm {
  using Reg = __m256;
  using Mask = __m256;
  static constexpr int kLanes = 8;
  static Reg load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, Reg v) { _mm256_storeu_ps(p, v); }
  static Reg set1(float f) { return _mm256_set1_ps(f); }
  static Reg add(Reg a, Reg b) { return _mm256_add_ps(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm256_sub_ps(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm256_mul_ps(a, b); }
  static Reg div(Reg a, Reg b) { return _mm256_div_ps(a, b); }
  static Reg sqrt(Reg a) { return _mm256_sqrt_ps(a); }
  static Reg max(Reg a, Reg b) { return _mm256_max_ps(a, b); }
  static Reg min(Reg a, Reg b) { return _mm256_min_ps(a, b); }
  static Mask less(Reg a, Reg b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static Mask is_nan(Reg a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
  static Reg select(Mask m, Reg if_true, Reg if_false) { return _mm256_blendv_ps(if_false, if_true, m); }
  static Reg abs(Reg a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
  static Reg or_sign(Reg t, Reg x) { return _mm256_or_ps(t, _mm256_and_ps(_mm256_set1_ps(-0.0f), x)); }
  static Reg pow2(Reg n) {
    const __m256i e = _mm256_add_epi32(_mm256_cvttps_epi32(n), _mm256_set1_epi32(127));
    return _mm256_castsi256_ps(_mm256_slli_epi32(e, 23));
  }
  static Reg relu(Reg x) { return relu8(x); }
};

using Simd = Elementwise<Ymm>;

// The vector exp of simd_elementwise.h over one 32-float row.
struct VectorExp {
  static void row(const float* in, float* out) {
    for (int c = 0; c < kTileDim; c += Ymm::kLanes) Ymm::store(out + c, Simd::exp_bounded(Ymm::load(in + c)));
  }
};

constexpr KernelSet kAvx2{"avx2", detail::matmul_allowing_aliases<matmul_tiles>, Simd::binary, Simd::unary,
                          RowKernels<VectorExp>::row};

}  // namespace

const KernelSet& avx2_kernels() { return kAvx2; }

}  // namespace tilesim::kernels::detail
