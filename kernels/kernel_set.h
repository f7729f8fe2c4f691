// One implementation of every tile kernel the compute unit can run, and the
// run-time choice between implementations (reference, AVX2, AVX-512).
//
// All pointers address 32x32 row-major float32 tiles (bias: a 32-float row).
// No alignment is required. Outputs may alias inputs exactly (out == x; for
// matmul also c == a or c == b, which then reads the old tile), never
// partially. Exact semantics (NaN, signed zeros, rounding): docs/kernels.md.
#pragma once

#include <limits>

#include <stdexcept>
#include <string>
#include <vector>
#include "kernels/tile.h"

namespace tilesim::kernels {

inline constexpr float kInfinity = std::numeric_limits<float>::infinity();

// What the matmul does around the product. A K loop over tiles uses
// zero_init on its first step and bias/residual/activation on its last, so
// one call per step. The activations are those a real matmul unit's output
// stage has: relu, leaky_relu and clip (ReLU6 is clip 0..6), in that order.
struct MatmulEpilogue {
  bool zero_init = false;           // C = A·B instead of C += A·B
  const float* bias = nullptr;      // then C[r][c] += bias[c]
  const float* residual = nullptr;  // then C[r][c] += residual[r][c] (a whole tile; never C itself)
  bool relu = false;                // then C = relu(C)
  float leaky_alpha = 1.0f;         // then C = C < 0 ? leaky_alpha * C : C (1: nothing)
  float clip_lo = -kInfinity;       // then C = min(max(C, clip_lo), clip_hi), as UnaryOp::Clip
  float clip_hi = kInfinity;        //   (-inf and inf: nothing)
  bool leaky() const { return leaky_alpha != 1.0f; }
  bool clips() const { return clip_lo != -kInfinity || clip_hi != kInfinity; }
};

// How a binary kernel reads one operand tile at element (r, c): the whole
// tile, or one row / one column / one element repeated (numpy broadcasting
// of a [1, N], [M, 1] or [1, 1] operand over the result).
enum class Operand : unsigned char {
  Tile,    // x[r][c]
  Row,     // x[0][c]
  Col,     // x[r][0]
  Scalar,  // x[0][0]
};

enum class BinaryOp : unsigned char {
  Add,  // x + y
  Sub,  // x - y
  Mul,  // x * y
  Max,  // x > y ? x : y, NaN if either is NaN
  Min,  // x < y ? x : y, NaN if either is NaN
  Div,  // x / y (issue 14)
};

// out = f(x) with up to two constants a, b (docs/kernels.md gives every f
// exactly: NaN in gives NaN out, and the table says what -0 and +-inf give).
enum class UnaryOp : unsigned char {
  Relu,         // x <= 0 ? +0 : x
  Scale,        // x * a
  Clip,         // min(max(x, a), b): a the lower bound, b the upper
  LeakyRelu,    // x < 0 ? a * x : x
  Sigmoid,      // 1 / (1 + exp(-x))
  Tanh,         // tanh(x)
  HardSigmoid,  // min(max(a * x + b, 0), 1)
  HardSwish,    // x * min(max(x / 6 + 1/2, 0), 1)
  // ---- issue 14 ----
  Sqrt,        // sqrt(x), correctly rounded
  Reciprocal,  // 1 / x
  Exp,         // exp(x) (transcendental.h; results below 2^-126 are +0)
  Neg,         // -0 - x: the sign flipped, -0 for +0
  Erf,         // erf(x) (transcendental.h)
  Pow,         // pow(x, a): the C library's powf, the same call in every set
  Gelu,        // x * Phi(x): a = 0 exact (erf), a = 1 the tanh approximation
};

// ---- Row reductions (issue 14) ----
// A row of a tensor spans several tiles; the reducing ops are steps over
// them, each folding one tile into an accumulator tile `out` whose columns 0
// (and 1) hold one value per row; the apply ops read those statistics.
// schedule.h ("Row reductions") states each exactly.
enum class RowOp : unsigned char {
  Sum,             // out[r][0] (+)= sum of row r; on the last step *= param
  Max,             // out[r][0] = max(out[r][0], max of row r), NaN if any is
  SoftmaxStats,    // out[r][0..1] = online (max, sum of exp(x - max))
  Softmax,         // out = exp(x - stats[r][0]) / stats[r][1]
  LayerNormStats,  // out[r][0..1] = (mean, M2) merged; on the last step M2 -> 1/sqrt(M2/n + param)
  LayerNorm,       // out = ((x - stats[r][0]) * stats[r][1]) * gamma[c] (+ beta[c])
};
// Where a reducing step is in its row.
struct RowStep {
  int cols = kTileDim;  // the tile's true columns (1..32); the rest are ignored
  int before = 0;       // the row's columns in the steps before this one
  bool first = true;    // zero_init: out holds nothing yet
  bool last = true;     // the row's last tile
  float param = 1.0f;   // Sum: the last step's scale; LayerNormStats: epsilon
};
// What an apply op reads besides x (rows of 32 floats; beta may be null).
struct RowArgs {
  const float* stats = nullptr;
  const float* gamma = nullptr;
  const float* beta = nullptr;
};

struct KernelSet {
  const char* name;
  // C = epilogue(C + A·B); see MatmulEpilogue for the order of operations.
  void (*matmul)(const float* a, const float* b, float* c, const MatmulEpilogue& epilogue);
  // out[r][c] = x(r, c) op y(r, c), each operand read as its Operand says.
  // out may alias an operand read as a whole Tile, not one read otherwise.
  void (*binary)(BinaryOp op, const float* x, Operand x_form, const float* y, Operand y_form, float* out);
  // out = f(x; a, b) element by element. Every f but Sigmoid, Tanh, Exp,
  // Erf, Pow and Gelu is exact (the same bits in every set); those are one
  // algorithm (transcendental.h; Pow one libm call), so also the same bits
  // everywhere, within the error docs/kernels.md measures.
  void (*unary)(UnaryOp op, const float* x, float a, float b, float* out);
  // One row-reduction step or apply (RowOp). The exp is the sets' one
  // algorithm and the sums go in column order: the same bits in every set.
  void (*row)(RowOp op, const float* x, const RowArgs& args, const RowStep& step, float* out);
};

// The conveniences the issue names, spelled out over KernelSet::matmul.
inline void matmul_acc(const KernelSet& k, const float* a, const float* b, float* c) {
  k.matmul(a, b, c, MatmulEpilogue{});
}
inline void matmul_init(const KernelSet& k, const float* a, const float* b, float* c) {
  k.matmul(a, b, c, MatmulEpilogue{true, nullptr, nullptr, false});
}
inline void matmul_acc_relu(const KernelSet& k, const float* a, const float* b, float* c) {
  k.matmul(a, b, c, MatmulEpilogue{false, nullptr, nullptr, true});
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
