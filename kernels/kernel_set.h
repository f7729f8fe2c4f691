// One implementation of every tile kernel the compute unit can run, and the
// run-time choice between implementations (reference, AVX2, AVX-512).
//
// All pointers address 32x32 row-major float32 tiles (bias: a 32-float row).
// No alignment is required. Outputs may alias inputs exactly (out == x; for
// matmul also c == a or c == b, which then reads the old tile), never
// partially. Exact semantics (NaN, signed zeros, rounding): docs/kernels.md.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace tilesim::kernels {

// What the matmul does around the product. A K loop over tiles uses
// zero_init on its first step and bias/relu on its last, so one call per step.
struct MatmulEpilogue {
  bool zero_init = false;       // C = A·B instead of C += A·B
  const float* bias = nullptr;  // then C[r][c] += bias[c]
  bool relu = false;            // then C = relu(C)
};

struct KernelSet {
  const char* name;
  // C = epilogue(C + A·B); see MatmulEpilogue for the order of operations.
  void (*matmul)(const float* a, const float* b, float* c, const MatmulEpilogue& epilogue);
  // out = x + y
  void (*add)(const float* x, const float* y, float* out);
  // out[r][c] = x[r][c] + bias[c]
  void (*bias_add)(const float* x, const float* bias, float* out);
  // out = x > 0 ? x : +0, NaN propagates (NaN in, NaN out)
  void (*relu)(const float* x, float* out);
  // out = x * factor (one IEEE multiply per element, as x * factor in C++)
  void (*scale)(const float* x, float factor, float* out);
};

// The conveniences the issue names, spelled out over KernelSet::matmul.
inline void matmul_acc(const KernelSet& k, const float* a, const float* b, float* c) {
  k.matmul(a, b, c, MatmulEpilogue{});
}
inline void matmul_init(const KernelSet& k, const float* a, const float* b, float* c) {
  k.matmul(a, b, c, MatmulEpilogue{true, nullptr, false});
}
inline void matmul_acc_relu(const KernelSet& k, const float* a, const float* b, float* c) {
  k.matmul(a, b, c, MatmulEpilogue{false, nullptr, true});
}

const KernelSet& reference_kernels();

// Names accepted by select_kernels(): "auto", "reference", "avx2", "avx512".
// Throws KernelUnavailable with a one-line reason when the name is unknown or
// the CPU (or the build) lacks the instruction set. The environment variable
// TILESIM_CPU_MAX=reference|avx2|avx512 caps what the CPU is taken to have
// (re-read on every call; see docs/kernels.md).
struct KernelUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};
const KernelSet& select_kernels(const std::string& name);

// Kernel sets this build contains and this CPU can run, best first.
std::vector<std::string> available_kernels();
// What "auto" picks on this CPU.
std::string auto_kernel_name();

}  // namespace tilesim::kernels
