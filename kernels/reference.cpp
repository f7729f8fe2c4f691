// The reference kernels: plain scalar C++, the semantics every other kernel
// set is tested against. Written for clarity, not speed; compiled without
// -ffast-math (the compiler may vectorise the loops, which keeps IEEE
// semantics: the summation order over k is the source order).
#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/kernel_set.h"
#include "kernels/row_kernels.h"
#include "kernels/tile.h"
#include "kernels/transcendental.h"

namespace tilesim::kernels {
namespace {

constexpr int N = kTileDim;

float relu_scalar(float x) {
  // x <= 0 covers -0 (-> +0); NaN compares false, so NaN passes through.
  return (x <= 0.0f) ? 0.0f : x;
}

// min(max(x, lo), hi) as the vector max/min instructions compute it
// (a > b ? a : b, a < b ? a : b): a NaN x is kept.
float clamp(float x, float lo, float hi) {
  const float t = lo > x ? lo : x;
  return hi < t ? hi : t;
}

void matmul(const float* a, const float* b, float* c, const MatmulEpilogue& ep) {
  // C may alias A or B exactly; the product must then see the old values.
  float a_copy[kTileElems];
  float b_copy[kTileElems];
  if (a == c) {
    std::memcpy(a_copy, a, kTileBytes);
    a = a_copy;
  }
  if (b == c) {
    std::memcpy(b_copy, b, kTileBytes);
    b = b_copy;
  }
  if (ep.zero_init) {
    for (int i = 0; i < kTileElems; ++i) c[i] = 0.0f;
  }
  // i-k-j: C row i accumulates A[i][k] * B row k, k ascending.
  for (int i = 0; i < N; ++i) {
    float* ci = c + i * N;
    for (int k = 0; k < N; ++k) {
      const float aik = a[i * N + k];
      const float* bk = b + k * N;
      for (int j = 0; j < N; ++j) ci[j] += aik * bk[j];
    }
  }
  if (ep.bias) {
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < N; ++j) c[i * N + j] += ep.bias[j];
  }
  if (ep.residual) {
    for (int i = 0; i < kTileElems; ++i) c[i] += ep.residual[i];
  }
  if (ep.relu) {
    for (int i = 0; i < kTileElems; ++i) c[i] = relu_scalar(c[i]);
  }
  if (ep.leaky()) {
    for (int i = 0; i < kTileElems; ++i) c[i] = c[i] < 0.0f ? ep.leaky_alpha * c[i] : c[i];
  }
  if (ep.clips()) {
    for (int i = 0; i < kTileElems; ++i) c[i] = clamp(c[i], ep.clip_lo, ep.clip_hi);
  }
}

// How far apart an operand's elements for (r, c) are: a Row operand reads
// p[c] in every row, a Col operand p[r * N] in every column, a Scalar p[0].
struct Strides {
  int row, col;
};
Strides strides(Operand form) {
  switch (form) {
    case Operand::Tile:
      return {N, 1};
    case Operand::Row:
      return {0, 1};
    case Operand::Col:
      return {N, 0};
    case Operand::Scalar:
      break;
  }
  return {0, 0};
}

// Row by row, each element read before it is written: out may be x or y.
template <class F>
void binary_loop(const float* x, Operand x_form, const float* y, Operand y_form, float* out, F f) {
  if (x_form == Operand::Tile && y_form == Operand::Tile) {  // the common case, as one loop the compiler vectorises
    for (int i = 0; i < kTileElems; ++i) out[i] = f(x[i], y[i]);
    return;
  }
  const Strides sx = strides(x_form), sy = strides(y_form);
  for (int r = 0; r < N; ++r) {
    for (int c = 0; c < N; ++c) out[r * N + c] = f(x[r * sx.row + c * sx.col], y[r * sy.row + c * sy.col]);
  }
}

void binary(BinaryOp op, const float* x, Operand x_form, const float* y, Operand y_form, float* out) {
  switch (op) {
    case BinaryOp::Add:
      return binary_loop(x, x_form, y, y_form, out, [](float a, float b) { return a + b; });
    case BinaryOp::Sub:
      return binary_loop(x, x_form, y, y_form, out, [](float a, float b) { return a - b; });
    case BinaryOp::Mul:
      return binary_loop(x, x_form, y, y_form, out, [](float a, float b) { return a * b; });
    case BinaryOp::Div:
      return binary_loop(x, x_form, y, y_form, out, [](float a, float b) { return a / b; });
    case BinaryOp::Max:
      // NaN in either gives NaN: a > NaN is false, so a NaN b is returned.
      return binary_loop(x, x_form, y, y_form, out,
                         [](float a, float b) { return std::isnan(a) ? a : (a > b ? a : b); });
    case BinaryOp::Min:
      break;
  }
  binary_loop(x, x_form, y, y_form, out, [](float a, float b) { return std::isnan(a) ? a : (a < b ? a : b); });
}

// transcendental.h states the algorithm; this is its definition in scalar form.
float exp_bounded(float x) {
  if (std::isnan(x)) return x;
  if (x < detail::kExpMin) return 0.0f;
  const float n = (x * detail::kLog2e + detail::kRoundMagic) - detail::kRoundMagic;
  const float r = (x - n * detail::kLn2Hi) - n * detail::kLn2Lo;
  float p = detail::kExpPoly[0];
  for (int i = 1; i < 6; ++i) p = p * r + detail::kExpPoly[i];
  const float poly = (p * (r * r) + r) + 1.0f;
  const auto bits = static_cast<std::uint32_t>(static_cast<int>(n) + 127) << 23;
  float two_n;
  std::memcpy(&two_n, &bits, sizeof two_n);
  return poly * two_n;
}

float sigmoid(float x) {
  const float e = exp_bounded(0.0f - std::fabs(x));
  const float d = 1.0f + e;
  return x < 0.0f ? e / d : 1.0f / d;
}

float tanh_of(float x) {
  if (std::isnan(x)) return x;
  const float a = std::fabs(x);
  if (a < detail::kTanhSmall) {
    const float z = x * x;
    float p = detail::kTanhPoly[0];
    for (int i = 1; i < 5; ++i) p = p * z + detail::kTanhPoly[i];
    return (p * z) * x + x;
  }
  const float e = exp_bounded(2.0f * (detail::kTanhClamp < a ? detail::kTanhClamp : a));
  return std::copysign(1.0f - 2.0f / (e + 1.0f), x);
}

// ---- issue 14: exp over the whole range, erf, gelu (transcendental.h) ----
float exp_full(float x) {
  if (std::isnan(x)) return x;
  if (x < detail::kExpMin) return 0.0f;
  if (x > detail::kExpHuge) return kInfinity;
  const float n = (x * detail::kLog2e + detail::kRoundMagic) - detail::kRoundMagic;
  const float r = (x - n * detail::kLn2Hi) - n * detail::kLn2Lo;
  float p = detail::kExpPoly[0];
  for (int i = 1; i < 6; ++i) p = p * r + detail::kExpPoly[i];
  const float poly = (p * (r * r) + r) + 1.0f;
  const float n1 = n < 127.0f ? n : 127.0f;
  return (poly * std::ldexp(1.0f, static_cast<int>(n1))) * std::ldexp(1.0f, static_cast<int>(n - n1));
}

float erf_of(float x) {
  if (std::isnan(x)) return x;
  const float a = std::fabs(x);
  if (a < 1.0f) {
    const float z = x * x;
    float p = detail::kErfSmall[0];
    for (int i = 1; i < 7; ++i) p = p * z + detail::kErfSmall[i];
    return x * p;
  }
  if (!(a < detail::kErfOne)) return std::copysign(1.0f, x);
  float q = detail::kErfLarge[0];
  for (int i = 1; i < 9; ++i) q = q * a + detail::kErfLarge[i];
  return std::copysign(1.0f - exp_full(q - a * a), x);
}

float gelu_of(float x, bool tanh_form) {
  if (!tanh_form) return (x * 0.5f) * (1.0f + erf_of(x * detail::kSqrtHalf));
  const float inner = detail::kGeluBeta * (x + detail::kGeluKappa * ((x * x) * x));
  return (x * 0.5f) * (1.0f + tanh_of(inner));
}

template <class F>
void unary_loop(const float* x, float* out, F f) {
  for (int i = 0; i < kTileElems; ++i) out[i] = f(x[i]);
}

void unary(UnaryOp op, const float* x, float a, float b, float* out) {
  switch (op) {
    case UnaryOp::Relu:
      return unary_loop(x, out, relu_scalar);
    case UnaryOp::Scale:
      return unary_loop(x, out, [a](float v) { return v * a; });
    case UnaryOp::Clip:
      return unary_loop(x, out, [a, b](float v) { return clamp(v, a, b); });
    case UnaryOp::LeakyRelu:
      return unary_loop(x, out, [a](float v) { return v < 0.0f ? a * v : v; });
    case UnaryOp::Sigmoid:
      return unary_loop(x, out, sigmoid);
    case UnaryOp::Tanh:
      return unary_loop(x, out, tanh_of);
    case UnaryOp::HardSigmoid:
      return unary_loop(x, out, [a, b](float v) { return clamp(a * v + b, 0.0f, 1.0f); });
    case UnaryOp::Sqrt:
      return unary_loop(x, out, [](float v) { return std::sqrt(v); });
    case UnaryOp::Reciprocal:
      return unary_loop(x, out, [](float v) { return 1.0f / v; });
    case UnaryOp::Exp:
      return unary_loop(x, out, exp_full);
    case UnaryOp::Neg:
      return unary_loop(x, out, [](float v) { return -0.0f - v; });
    case UnaryOp::Erf:
      return unary_loop(x, out, erf_of);
    case UnaryOp::Pow:
      return unary_loop(x, out, [a](float v) { return std::pow(v, a); });
    case UnaryOp::Gelu:
      return unary_loop(x, out, [a](float v) { return gelu_of(v, a != 0.0f); });
    case UnaryOp::HardSwish:
      break;
  }
  unary_loop(x, out,
             [](float v) { return v * clamp(detail::kHardSwishAlpha * v + detail::kHardSwishBeta, 0.0f, 1.0f); });
}

struct ScalarExp {
  static void row(const float* in, float* out) {
    for (int c = 0; c < kTileDim; ++c) out[c] = exp_bounded(in[c]);
  }
};

constexpr KernelSet kReference{"reference", matmul, binary, unary, detail::RowKernels<ScalarExp>::row};

}  // namespace

const KernelSet& reference_kernels() { return kReference; }

}  // namespace tilesim::kernels
