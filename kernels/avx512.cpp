// The AVX-512F kernel set. This file alone is compiled with -mavx512f -mfma
// (kernels/CMakeLists.txt, option TILESIM_ENABLE_AVX512); dispatch.cpp only
// hands it out after checking the CPU. Design notes: docs/kernels.md.
#include <immintrin.h>

#include <cstdint>

#include "kernels/aliasing.h"
#include "kernels/backends.h"
#include "kernels/row_kernels.h"
#include "kernels/simd_elementwise.h"
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
inline __attribute__((always_inline)) void block(const float* a, const float* b, float* c, const MatmulEpilogue& ep,
                                                 const float* c0) {
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
  if (ep.residual) {  // the block's own rows of the residual tile
    const float* res = ep.residual + (c - c0);
    for (int r = 0; r < MR; ++r) {
      acc[r][0] = _mm512_add_ps(acc[r][0], _mm512_loadu_ps(res + r * N));
      acc[r][1] = _mm512_add_ps(acc[r][1], _mm512_loadu_ps(res + r * N + kLanes));
    }
  }
  if (ep.relu) {
    for (int r = 0; r < MR; ++r) {
      acc[r][0] = relu16(acc[r][0]);
      acc[r][1] = relu16(acc[r][1]);
    }
  }
  if (ep.leaky()) {
    const __m512 alpha = _mm512_set1_ps(ep.leaky_alpha), zero = _mm512_setzero_ps();
    for (int r = 0; r < MR; ++r)
      for (int v = 0; v < 2; ++v)
        acc[r][v] = _mm512_mask_mul_ps(acc[r][v], _mm512_cmp_ps_mask(acc[r][v], zero, _CMP_LT_OQ), alpha, acc[r][v]);
  }
  if (ep.clips()) {
    // As UnaryOp::Clip: max(lo, x) then min(hi, .), which keep a NaN x.
    const __m512 lo = _mm512_set1_ps(ep.clip_lo), hi = _mm512_set1_ps(ep.clip_hi);
    for (int r = 0; r < MR; ++r)
      for (int v = 0; v < 2; ++v)
        acc[r][v] = _mm512_maskz_min_ps(0xFFFF, hi, _mm512_maskz_max_ps(0xFFFF, lo, acc[r][v]));
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
  for (int row0 = 0; row0 < N; row0 += 8) block<8>(a + row0 * N, b, c + row0 * N, ep, c);
}

// The vector type of simd_elementwise.h: 16 floats in a zmm register.
struct Zmm {
  using Reg = __m512;
  using Mask = __mmask16;
  static constexpr int kLanes = 16;
  static Reg load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, Reg v) { _mm512_storeu_ps(p, v); }
  static Reg set1(float f) { return _mm512_set1_ps(f); }
  static Reg add(Reg a, Reg b) { return _mm512_add_ps(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm512_sub_ps(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm512_mul_ps(a, b); }
  static Reg div(Reg a, Reg b) { return _mm512_div_ps(a, b); }
  static Reg sqrt(Reg a) { return _mm512_maskz_sqrt_ps(0xFFFF, a); }
  // The zero-masked forms with every lane selected: GCC 12 warns about the
  // undefined source operand the plain max, min, cvttps and slli forms pass on.
  static Reg max(Reg a, Reg b) { return _mm512_maskz_max_ps(0xFFFF, a, b); }
  static Reg min(Reg a, Reg b) { return _mm512_maskz_min_ps(0xFFFF, a, b); }
  static Mask less(Reg a, Reg b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static Mask is_nan(Reg a) { return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q); }
  static Reg select(Mask m, Reg if_true, Reg if_false) { return _mm512_mask_mov_ps(if_false, m, if_true); }
  // AVX-512F has no float and/or (that is AVX-512DQ): the integer forms.
  static Reg abs(Reg a) {
    return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(a), _mm512_set1_epi32(0x7FFFFFFF)));
  }
  static Reg or_sign(Reg t, Reg x) {
    const __m512i sign = _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(INT32_MIN));
    return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(t), sign));
  }
  static Reg pow2(Reg n) {
    const __m512i e = _mm512_add_epi32(_mm512_maskz_cvttps_epi32(0xFFFF, n), _mm512_set1_epi32(127));
    return _mm512_castsi512_ps(_mm512_maskz_slli_epi32(0xFFFF, e, 23));
  }
  static Reg relu(Reg x) { return relu16(x); }
};

using Simd = Elementwise<Zmm>;

// The vector exp of simd_elementwise.h over one 32-float row.
struct VectorExp {
  static void row(const float* in, float* out) {
    for (int c = 0; c < kTileDim; c += Zmm::kLanes) Zmm::store(out + c, Simd::exp_bounded(Zmm::load(in + c)));
  }
};

constexpr KernelSet kAvx512{"avx512", detail::matmul_allowing_aliases<matmul_tiles>, Simd::binary, Simd::unary,
                            RowKernels<VectorExp>::row};

}  // namespace

const KernelSet& avx512_kernels() { return kAvx512; }

}  // namespace tilesim::kernels::detail
