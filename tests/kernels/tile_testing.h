// Shared helpers for the kernel tests: deterministic random tiles, an
// independent double-precision matmul, and comparisons that report the first
// mismatching element.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/kernel_set.h"
#include "kernels/tile.h"

namespace tilesim::kernels::testing {

constexpr int N = kTileDim;

// A tile (or bias row) with room to be misaligned on purpose: data() is
// 64-byte aligned plus `offset` floats.
class Buffer {
 public:
  explicit Buffer(int floats = kTileElems, int offset = 0) : storage_(floats + 16 + offset), offset_(offset) {
    const auto addr = reinterpret_cast<std::uintptr_t>(storage_.data());
    start_ = static_cast<int>(((64 - addr % 64) % 64) / sizeof(float)) + offset_;
  }
  Buffer(const Buffer&) = delete;  // a copy would lose the alignment
  Buffer& operator=(const Buffer&) = delete;
  float* data() { return storage_.data() + start_; }
  const float* data() const { return storage_.data() + start_; }
  float& operator[](int i) { return data()[i]; }
  float operator[](int i) const { return data()[i]; }

 private:
  std::vector<float> storage_;
  int offset_;
  int start_ = 0;
};

// Uniform floats in [lo, hi) from a fixed-seed mt19937 (whose output is fixed
// by the standard; the conversion is done here so it does not depend on the
// library's distribution code).
inline void fill_random(float* p, int n, std::uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 gen(seed);
  for (int i = 0; i < n; ++i) {
    const double u = static_cast<double>(gen() >> 8) / 4194304.0;  // 24 bits in [0,1)
    p[i] = static_cast<float>(lo + (hi - lo) * u);
  }
}

inline std::uint32_t bits(float x) {
  std::uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

// Independent check of the matmul: C = (zero_init ? 0 : C0) + factor * A·B
// (+ bias) (+ residual) (then relu, leaky_relu, clip), in double, in the test's own loop
// order (i-j-k). The activations are 1-Lipschitz for |leaky_alpha| <= 1, so
// the rounding tolerance below still holds after them.
// `scale` receives, per element, the sum of the magnitudes of every term
// that went into it: the yardstick for the float32 rounding tolerance.
inline void matmul_double(const float* a, const float* b, const float* c0, const MatmulEpilogue& ep, int factor,
                          std::vector<double>& out, std::vector<double>& scale) {
  out.assign(kTileElems, 0.0);
  scale.assign(kTileElems, 0.0);
  for (int i = 0; i < N; ++i) {
    for (int j = 0; j < N; ++j) {
      double sum = ep.zero_init ? 0.0 : c0[i * N + j];
      double mag = std::fabs(sum);
      for (int k = 0; k < N; ++k) {
        const double p = static_cast<double>(a[i * N + k]) * b[k * N + j];
        sum += factor * p;
        mag += factor * std::fabs(p);
      }
      if (ep.bias) {
        sum += ep.bias[j];
        mag += std::fabs(ep.bias[j]);
      }
      if (ep.residual) {
        sum += ep.residual[i * N + j];
        mag += std::fabs(ep.residual[i * N + j]);
      }
      if (ep.relu && !(sum > 0.0) && !std::isnan(sum)) sum = 0.0;
      if (ep.leaky() && sum < 0.0) sum *= ep.leaky_alpha;
      if (ep.clips() && !std::isnan(sum)) sum = std::min(std::max(sum, double{ep.clip_lo}), double{ep.clip_hi});
      out[i * N + j] = sum;
      scale[i * N + j] = mag;
    }
  }
}

// Tolerance between two float32 evaluations of one element
//   c0 + sum_k a_ik*b_kj (+ bias_j) (+ residual_ij),
// both summing k in ascending order (the reference rounds each product and
// each addition; FMA kernels round once per step). Recursive summation of n
// terms is within gamma_n * S of the exact value, S = sum of |terms| and
// gamma_n = n*u/(1 - n*u), u = 2^-24. Here n <= 32 products + C0 + bias +
// residual + one product rounding = 36, so each result is within 36 * 6e-8 * S
// = 2.2e-6 * S of the exact value, and two results within 4.4e-6 * S of each
// other. 1e-5 * S leaves a 2x margin and is still ~1e5 times smaller than what an
// indexing or epilogue bug produces (errors of order S). The tiny absolute
// term covers S = 0. relu is 1-Lipschitz, so it keeps the bound. Two
// accumulating calls double the number of terms and S (S counts both).
constexpr double kRelTol = 1e-5;
constexpr double kAbsTol = 1e-30;

// Empty string when `got` matches `want` within kRelTol * scale; otherwise
// the number of mismatches and the first one. NaN must match NaN and an
// infinity must match exactly.
inline std::string compare_close(const float* got, const std::vector<double>& want, const std::vector<double>& scale) {
  int bad = 0;
  std::ostringstream first;
  for (int i = 0; i < kTileElems; ++i) {
    const double g = got[i];
    const double w = want[i];
    bool ok;
    if (std::isnan(w))
      ok = std::isnan(g);
    else if (std::isinf(w))
      ok = (g == w);
    else
      ok = std::isfinite(g) && std::fabs(g - w) <= kRelTol * scale[i] + kAbsTol;
    if (!ok && bad++ == 0)
      first << "first at [" << i / N << "][" << i % N << "]: got " << g << ", want " << w << " (tolerance "
            << kRelTol * scale[i] + kAbsTol << ")";
  }
  if (bad == 0) return {};
  return std::to_string(bad) + " mismatches; " + first.str();
}

inline std::string compare_close(const float* got, const float* want, const std::vector<double>& scale) {
  return compare_close(got, std::vector<double>(want, want + kTileElems), scale);
}

// Element-wise kernels are exact in IEEE arithmetic: results must be bit
// for bit equal (so signed zeros and infinities match), except that any NaN
// matches any NaN (the payload is not part of the contract).
inline std::string compare_exact(const float* got, const float* want, int n = kTileElems) {
  int bad = 0;
  std::ostringstream first;
  for (int i = 0; i < n; ++i) {
    const bool ok = std::isnan(want[i]) ? std::isnan(got[i]) : bits(got[i]) == bits(want[i]);
    if (!ok && bad++ == 0)
      first << "first at [" << i / N << "][" << i % N << "]: got " << got[i] << " (0x" << std::hex << bits(got[i])
            << "), want " << want[i] << " (0x" << bits(want[i]) << std::dec << ")";
  }
  if (bad == 0) return {};
  return std::to_string(bad) + " mismatches; " + first.str();
}

// The kernel sets under test: every available one except the reference.
inline std::vector<const KernelSet*> vector_kernel_sets() {
  std::vector<const KernelSet*> sets;
  for (const auto& name : available_kernels())
    if (name != "reference") sets.push_back(&select_kernels(name));
  return sets;
}

// Tile positions where the special-value tests plant values: corners, both
// sides of every 8- and 16-lane boundary of a row, and the row blocks'
// edges.
inline const std::vector<int>& special_positions() {
  static const std::vector<int> pos = {0,
                                       1,
                                       7,
                                       8,
                                       15,
                                       16,
                                       17,
                                       31,
                                       32,
                                       5 * N + 23,
                                       6 * N,
                                       12 * N + 31,
                                       17 * N + 9,
                                       24 * N + 16,
                                       27 * N + 1,
                                       31 * N,
                                       kTileElems - 1};
  return pos;
}

}  // namespace tilesim::kernels::testing
