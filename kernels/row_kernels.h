// Internal to kernels/: the row-reduction kernels (KernelSet::row) written
// once over an Exp policy that takes the exp of one 32-float row
// (Exp::row(in, out)): reference.cpp passes its scalar exp_bounded,
// avx2.cpp and avx512.cpp the vector exp of simd_elementwise.h, which
// follows the scalar one operation for operation. Everything else is the
// same scalar code in every set (sums in column order), so every set gives
// the same bits. Semantics: kernel_set.h (RowOp) and schedule.h.
#pragma once

#include <cmath>

#include "kernels/kernel_set.h"
#include "kernels/tile.h"

namespace tilesim::kernels::detail {

template <class Exp>
struct RowKernels {
  static constexpr int N = kTileDim;

  // NaN if either is NaN, else the larger.
  static float max_of(float a, float b) { return std::isnan(a) || a > b ? a : b; }

  static float row_max(const float* x, int cols) {
    float m = x[0];
    for (int c = 1; c < cols; ++c) m = max_of(m, x[c]);
    return m;
  }

  static float row_sum(const float* x, int cols) {
    float s = 0.0f;
    for (int c = 0; c < cols; ++c) s += x[c];
    return s;
  }

  static void reduce(RowOp op, const float* x, const RowStep& st, float* out) {
    for (int r = 0; r < N; ++r) {
      float& acc = out[r * N];
      if (op == RowOp::Max) {
        const float m = row_max(x + r * N, st.cols);
        acc = st.first ? m : max_of(acc, m);
      } else {
        acc = (st.first ? 0.0f : acc) + row_sum(x + r * N, st.cols);
        if (st.last) acc = acc * st.param;
      }
    }
  }

  // Online softmax: m' = max(m, rowmax), s' = s * exp(m - m') + sum exp(x - m').
  static void softmax_stats(const float* x, const RowStep& st, float* out) {
    alignas(64) float t[N];
    for (int r = 0; r < N; ++r) {
      const float* row = x + r * N;
      const float m = st.first ? -kInfinity : out[r * N];
      const float s = st.first ? 0.0f : out[r * N + 1];
      const float m2 = max_of(m, row_max(row, st.cols));
      out[r * N] = m2;
      if (m2 == -kInfinity) {  // every element so far is -inf: nothing to sum yet
        out[r * N + 1] = 0.0f;
        continue;
      }
      for (int c = 0; c < N; ++c) t[c] = c < st.cols ? row[c] - m2 : -kInfinity;
      Exp::row(t, t);
      float sum = row_sum(t, st.cols);
      if (m != -kInfinity) {
        alignas(64) float d[N] = {m - m2};  // the old sum's rescale in lane 0; the other lanes unused
        Exp::row(d, d);
        sum = s * d[0] + sum;
      }
      out[r * N + 1] = sum;
    }
  }

  static void softmax(const float* x, const float* stats, float* out) {
    alignas(64) float t[N];
    for (int r = 0; r < N; ++r) {
      const float m = stats[r * N], s = stats[r * N + 1];
      for (int c = 0; c < N; ++c) t[c] = x[r * N + c] - m;
      Exp::row(t, t);
      for (int c = 0; c < N; ++c) out[r * N + c] = t[c] / s;
    }
  }

  // Chan et al.'s merge of (n_a, mean_a, M2_a) and this tile's (n_b, mean_b, M2_b).
  static void layer_norm_stats(const float* x, const RowStep& st, float* out) {
    const auto nb = static_cast<float>(st.cols), na = static_cast<float>(st.before);
    for (int r = 0; r < N; ++r) {
      const float* row = x + r * N;
      const float mean_b = row_sum(row, st.cols) / nb;
      float m2_b = 0.0f;
      for (int c = 0; c < st.cols; ++c) m2_b += (row[c] - mean_b) * (row[c] - mean_b);
      float mean = mean_b, m2 = m2_b;
      if (!st.first) {
        const float mean_a = out[r * N], m2_a = out[r * N + 1], n = na + nb;
        const float delta = mean_b - mean_a;
        mean = mean_a + delta * (nb / n);
        m2 = (m2_a + m2_b) + delta * delta * (na * nb / n);
      }
      out[r * N] = mean;
      out[r * N + 1] = st.last ? 1.0f / std::sqrt(m2 / (na + nb) + st.param) : m2;
    }
  }

  static void layer_norm(const float* x, const float* stats, const float* gamma, const float* beta, float* out) {
    for (int r = 0; r < N; ++r) {
      const float mean = stats[r * N], rstd = stats[r * N + 1];
      for (int c = 0; c < N; ++c) {
        const float y = ((x[r * N + c] - mean) * rstd) * gamma[c];
        out[r * N + c] = beta ? y + beta[c] : y;
      }
    }
  }

  static void row(RowOp op, const float* x, const RowArgs& a, const RowStep& st, float* out) {
    switch (op) {
      case RowOp::Sum:
      case RowOp::Max:
        return reduce(op, x, st, out);
      case RowOp::SoftmaxStats:
        return softmax_stats(x, st, out);
      case RowOp::Softmax:
        return softmax(x, a.stats, out);
      case RowOp::LayerNormStats:
        return layer_norm_stats(x, st, out);
      case RowOp::LayerNorm:
        break;
    }
    layer_norm(x, a.stats, a.gamma, a.beta, out);
  }
};

}  // namespace tilesim::kernels::detail
