// The reference kernels: plain scalar C++, the semantics every other kernel
// set is tested against. Written for clarity, not speed; compiled without
// -ffast-math (the compiler may vectorise the loops, which keeps IEEE
// semantics: the summation order over k is the source order).
#include <cstring>

#include "kernels/kernel_set.h"
#include "kernels/tile.h"

namespace tilesim::kernels {
namespace {

constexpr int N = kTileDim;

float relu_scalar(float x) {
  // x <= 0 covers -0 (-> +0); NaN compares false, so NaN passes through.
  return (x <= 0.0f) ? 0.0f : x;
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
  if (ep.relu) {
    for (int i = 0; i < kTileElems; ++i) c[i] = relu_scalar(c[i]);
  }
}

void add(const float* x, const float* y, float* out) {
  for (int i = 0; i < kTileElems; ++i) out[i] = x[i] + y[i];
}

void bias_add(const float* x, const float* bias, float* out) {
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) out[i * N + j] = x[i * N + j] + bias[j];
}

void relu(const float* x, float* out) {
  for (int i = 0; i < kTileElems; ++i) out[i] = relu_scalar(x[i]);
}

void scale(const float* x, float factor, float* out) {
  for (int i = 0; i < kTileElems; ++i) out[i] = x[i] * factor;
}

constexpr KernelSet kReference{"reference", matmul, add, bias_add, relu, scale};

}  // namespace

const KernelSet& reference_kernels() { return kReference; }

}  // namespace tilesim::kernels
