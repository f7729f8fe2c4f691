// The graph IR: named 2-D float32 tensors and the ops between them.
//
// A model file becomes a Graph (frontend/), passes rewrite it in place
// (passes/: fusion, tiling), and the scheduler turns it into tile uOps.
// Tensors and ops are referred to by index; indices stay valid across passes
// (a pass that removes an op marks it dead rather than erasing it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernels/tile.h"

namespace tilesim::ir {

using TensorId = int;
using OpId = int;
inline constexpr int kNone = -1;

// Tiles are 32 x 32 float32; the tiling pass pads every dimension to a multiple.
inline constexpr std::int64_t kTileDim = kernels::kTileDim;
inline constexpr std::int64_t pad_to_tile(std::int64_t n) { return (n + kTileDim - 1) / kTileDim * kTileDim; }

enum class TensorKind { Input, Param, Intermediate, Output };

// How a tensor's true dims lie in the 2-D storage the hardware sees
// (sched::TensorLayout states each exactly): Matrix keeps row-major order;
// Nchw too, an image [N, C, H, W] as N matrices [C, H*W]; Nhwc holds an image [N, C, H, W] as N matrices [H*W, C];
// ConvWeight holds a convolution's weights [OC, Cg, KH, KW] as the GEMM operand [KH*KW*C, OC].
enum class Layout { Matrix, Nchw, Nhwc, ConvWeight };
const char* to_string(TensorKind kind);

// Every tensor is 2-D for the hardware. A rank-1 tensor [c] (a bias) is held
// as 1 x c and remembers that it was rank 1.
struct Shape {
  std::int64_t rows = 0;                 // the second-to-last dim (1 for rank 0 and 1)
  std::int64_t cols = 0;                 // the last dim (1 for rank 0)
  int rank = 2;                          // 0 (a scalar) to 4
  std::vector<std::int64_t> batch_dims;  // the dims before the last two (rank 3 and 4)

  // The hardware sees a stack of batch() matrices of rows x cols, each padded
  // to tiles on its own.
  std::int64_t batch() const {
    std::int64_t n = 1;
    for (const std::int64_t d : batch_dims) n *= d;
    return n;
  }
  std::vector<std::int64_t> dims() const;
  static Shape from_dims(const std::vector<std::int64_t>& dims);
  // An image or a convolution's weights in their own layout: rows, cols and
  // batch_dims ({N} or {}) are then the storage's, dims() the true dims.
  // Precondition: rank-4 dims (ConvWeight: OC divisible by groups).
  static Shape with_layout(const std::vector<std::int64_t>& dims, Layout layout, std::int64_t groups = 1);
  Layout layout = Layout::Matrix;
  std::int64_t groups = 1;                // ConvWeight only
  std::vector<std::int64_t> layout_dims;  // the true dims when layout is not Matrix
  bool is_scalar() const { return rank == 0 || (rank == 1 && cols == 1); }
  bool operator==(const Shape& o) const {
    return rows == o.rows && cols == o.cols && rank == o.rank && batch_dims == o.batch_dims && layout == o.layout &&
           groups == o.groups && layout_dims == o.layout_dims;
  }
  bool operator!=(const Shape& o) const { return !(*this == o); }
};
// "[128, 784]" or "[256]" as the model file wrote it.
std::string to_string(const Shape& shape);
// numpy's (ONNX's multidirectional) broadcast of two shapes: dims aligned at
// the last, each pair equal or one of them 1; nullopt when they do not
// broadcast. The shape every binary op (Add, Sub, Mul, Max, Min) produces.
std::optional<Shape> broadcast(const Shape& a, const Shape& b);
// The shape the tiling pass gives each matrix of a tensor: rows and cols
// rounded up to multiples of 32, except that a rank-0/1 tensor keeps its
// single row.
inline std::int64_t padded_rows(const Shape& s) { return s.rank <= 1 ? 1 : pad_to_tile(s.rows); }
inline std::int64_t padded_cols(const Shape& s) { return pad_to_tile(s.cols); }

struct Tensor {
  std::string name;
  Shape shape;  // true shape
  TensorKind kind = TensorKind::Intermediate;
  // Set by the tiling pass: shape rounded up to multiples of 32 (rank-1 tensors
  // pad to 1 x 32k: their one row is broadcast, never padded to 32 rows).
  std::int64_t padded_rows = 0;
  std::int64_t padded_cols = 0;
  OpId producer = kNone;    // the live op writing it; kNone for inputs and params
  std::vector<OpId> users;  // live ops reading it
  int line = 0;             // 1-based line in the model file that declared or produced it
  bool dead = false;        // an intermediate fused away: no live op reads or writes it
  // A param's stored values (ONNX initializers), true shape, row-major;
  // empty when the values come at run time (--input or the seed).
  std::vector<float> values;
  bool is_tiled() const { return padded_rows > 0 && padded_cols > 0; }
  // Tile rows of the whole stack of matrices (a rank-0/1 tensor has one).
  std::int64_t tile_rows() const { return shape.rank <= 1 ? 1 : shape.batch() * padded_rows / kTileDim; }
  std::int64_t tile_cols() const { return padded_cols / kTileDim; }
};

enum class OpKind {
  // out = a @ b: a [..., M, K], b [..., K, N] or [K, N]; batch dims equal.
  MatMul,
  // out = a + b with numpy (ONNX multidirectional) broadcasting: out's dims
  // are the larger of a's and b's, aligned at the last dim, each dim of a and
  // b equal to out's or 1. Sub, Mul and Max below broadcast the same way.
  Add,
  Relu,  // out = max(a, 0), any rank              inputs: a
  // out = a with its last two dims swapped. `a` must be a graph input or a
  // param: the hardware reads it transposed from DRAM (a transposing LOAD),
  // so the op itself runs no EXEC.
  Transpose,
  Scale,  // out = a * scale (Gemm's alpha and beta)  inputs: a
  // out = epilogue(a @ b): fusion's product. inputs: a, b, the bias [N]
  // when has_bias, then the residual R (of out's shape) when has_residual;
  // the product + bias + R, then relu when has_relu, or the activation (Clip
  // or LeakyRelu) with its constants in param.
  FusedMatMul,
  Sub,  // out = a - b, broadcasting as Add          inputs: a, b
  Mul,  // out = a * b, broadcasting as Add          inputs: a, b
  Max,  // out = max(a, b), NaN if either is NaN; broadcasting as Add
  Min,  // out = min(a, b), NaN if either is NaN; broadcasting as Add
  // Unary activations, out of a's shape; the constants are in Op::param.
  Clip,         // min(max(a, param[0]), param[1]) (bounds may be -inf, inf)
  LeakyRelu,    // a < 0 ? param[0] * a : a
  Sigmoid,      // 1 / (1 + exp(-a))
  Tanh,         // tanh(a)
  HardSigmoid,  // min(max(param[0] * a + param[1], 0), 1)
  HardSwish,    // a * min(max(a / 6 + 1/2, 0), 1)
  // out = conv2d(x, w) (+ b): x [N, C, H, W] (any layout), w [OC, C/group,
  // KH, KW], b [OC]; out [N, OC, OH, OW] in Nhwc. ONNX Conv's meaning; the
  // window (kernel, strides, dilations, pads, group) is in Op::window. The
  // conv lowering pass turns it into an Im2col view and a MatMul.
  Conv,
  // out = the im2col matrix of image x for Op::window: a view (no EXEC) the
  // DMA gathers from x in DRAM (sched::ViewKind::Im2col); out [N, OH*OW, K].
  Im2col,
  // out = x's elements in another shape or layout, in row-major order of the
  // true dims (Reshape, Flatten, Squeeze, Unsqueeze): a view the DMA gathers.
  Relayout,
  // out = x placed at Op::place.offset along axis Op::place.axis of out's
  // dims, zero elsewhere: x has out's rank and dims but on that axis, where
  // offset + x's dim <= out's. A view the DMA gathers (no EXEC); Concat is
  // the sum of one such view per input (docs/onnx.md).
  Place,
  // out [N, C, OH, OW] (Nhwc) = the maximum, or the average, of each window
  // (Op::window) of image x [N, C, H, W] (any layout); ONNX MaxPool and
  // AveragePool (count_include_pad, ceil_mode in the window; padding never
  // wins a maximum). The conv lowering pass makes inputs[0] an Im2col view of
  // x with one tile column block per kernel position, and gives AveragePool
  // a second input when its divisors differ: the reciprocal window counts
  // [OH*OW, 1], one per output pixel.
  MaxPool,
  AveragePool,
  // ---- Row reductions (issue 14) ----
  // x's rows are its storage rows: [.., R, C] in matrix layout, or an nchw
  // image [N, C, H, W] (rows its channels, H*W columns). Statistics tensors
  // S are [.., R, 2] (out of the same rows).
  ReduceSum,       // out [.., R, 1] = each row's sum times Op::scale (1; 1/C: a mean)
  ReduceMax,       // out [.., R, 1] = each row's maximum (NaN if any is)
  SoftmaxStats,    // out S = (max, sum of exp(x - max)) per row
  Softmax,         // inputs x, S: out = exp(x - S0) / S1, x's shape
  LayerNormStats,  // out S = (mean, 1 / sqrt(variance + Op::param[0])) per row
  LayerNorm,       // inputs x, S, gamma [C] (, beta [C]): ((x - S0) * S1) * gamma + beta
  // Issue 14: views of any tensor (computed ones too) the DMA gathers, no
  // EXEC. x's elements read in row-major order as dims Op::select.from, then
  // Permute: those dims permuted by select.perm (Transpose);
  // Slice: select.count indices start + step * i along select.axis (Slice,
  // Split, Gather of one index); out's dims hold the result in row-major
  // order (sched::ViewKind::Permute and Slice state it exactly).
  Permute,
  Slice,
  // ---- issue 14, element-wise transcendental and arithmetic ops ----
  Div,         // out = a / b, broadcasting as Add              inputs: a, b
  Sqrt,        // sqrt(a) (IEEE, correctly rounded)
  Reciprocal,  // 1 / a
  Exp,         // exp(a)
  Neg,         // -a (the sign bit flipped: -0 for +0)
  Erf,         // erf(a)
  Pow,         // pow(a, param[0]): a constant exponent (not 2 nor 0.5: Mul, Sqrt)
  Gelu,        // a * Phi(a); param[0] 0: exact (erf), 1: the tanh approximation
  // out = b != 0 ? a : param[0]: ONNX Where with a constant condition, b its
  // mask (1 where the value is taken), broadcasting as Add.   inputs: a, b
  Where,
};

// A sliding window over an image [N, C, H, W] (Conv and pooling), in ONNX's
// terms. Output size per axis: floor((in + pads - dilation*(k-1) - 1) /
// stride) + 1 (ceil with ceil_mode).
struct Window {
  std::int64_t kernel_h = 1, kernel_w = 1;
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t dilation_h = 1, dilation_w = 1;
  std::int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  std::int64_t group = 1;              // Conv
  bool ceil_mode = false;              // pooling
  bool count_include_pad = false;      // AveragePool
  std::int64_t channel_stride = 0;     // Im2col: the columns per kernel position (0: C)
  bool pad_negative_infinity = false;  // Im2col: padding reads -inf (max pooling)
  std::int64_t out_h(std::int64_t in_h) const;
  std::int64_t out_w(std::int64_t in_w) const;
  // The taps of output row `oh` (col `ow`) that fall on an input pixel, or
  // with `with_pads` on the padded input (never past its pads, which a
  // ceil_mode window may reach): AveragePool's divisor is
  // taps_h * taps_w, with_pads = count_include_pad.
  std::int64_t taps_h(std::int64_t oh, std::int64_t in_h, bool with_pads) const;
  std::int64_t taps_w(std::int64_t ow, std::int64_t in_w, bool with_pads) const;
};
bool is_binary(OpKind kind);      // Add, Sub, Mul, Max, Min, Div, Where
bool is_activation(OpKind kind);  // Relu, Clip, LeakyRelu, Sigmoid, Tanh, HardSigmoid, HardSwish
// and the issue-14 unaries: Sqrt, Reciprocal, Exp, Neg, Erf, Pow, Gelu
const char* to_string(OpKind kind);
inline bool is_pool(OpKind kind) { return kind == OpKind::MaxPool || kind == OpKind::AveragePool; }
// ReduceSum, ReduceMax, SoftmaxStats, Softmax, LayerNormStats, LayerNorm.
inline bool is_row_op(OpKind kind) { return kind >= OpKind::ReduceSum && kind <= OpKind::LayerNorm; }
// Ops whose output is a view the DMA reads (no EXEC): Transpose, Im2col, Relayout, Place, Permute, Slice.
inline bool is_view_op(OpKind kind) {
  return kind == OpKind::Transpose || kind == OpKind::Im2col || kind == OpKind::Relayout || kind == OpKind::Place ||
         kind == OpKind::Permute || kind == OpKind::Slice;
}
inline bool is_select(OpKind kind) { return kind == OpKind::Permute || kind == OpKind::Slice; }

// What a Permute or Slice op selects (see OpKind::Permute).
struct Selection {
  std::vector<std::int64_t> from;  // the dims x's elements are read as
  std::vector<std::int64_t> perm;  // Permute
  int axis = 0;                    // Slice, and the three below
  std::int64_t start = 0, step = 1, count = 1;
};

// Where a Place op puts its input in its output (see OpKind::Place).
struct Placement {
  int axis = 0;
  std::int64_t offset = 0;
};

struct Op {
  OpKind kind = OpKind::MatMul;
  std::vector<TensorId> inputs;
  TensorId output = kNone;
  bool has_bias = false;                // FusedMatMul only: inputs[2] is the bias
  bool has_residual = false;            // FusedMatMul only: the last input is the residual (after the bias)
  bool has_relu = false;                // FusedMatMul only
  OpKind activation = OpKind::MatMul;   // FusedMatMul: a fused Clip or LeakyRelu; MatMul: none
  float scale = 1.0f;                   // Scale only
  float param[2] = {0.0f, 0.0f};        // an activation's constants (see OpKind)
  Window window;                        // Conv, Im2col, MaxPool, AveragePool
  Placement place;                      // Place
  Selection select;                     // Permute, Slice
  bool dead = false;                    // removed by a pass; ignored everywhere
  int line = 0;                         // 1-based line of the (first) op in the model file
  std::vector<std::string> fused_from;  // names of the source ops, e.g. {"matmul", "add", "relu"}
};

class Graph {
 public:
  std::string name;
  std::string source;  // the model file, for messages
  std::vector<Tensor> tensors;
  std::vector<Op> ops;
  std::vector<TensorId> outputs;  // in the order the model lists them

  TensorId find(const std::string& tensor_name) const;  // kNone when absent
  TensorId add_tensor(Tensor tensor);
  OpId add_op(Op op);  // links producer and users

  // Recomputes producer/users from the live ops (after a pass rewired them).
  void relink();
  // Live ops in a topological order (Boost.Graph); throws InputError naming a
  // tensor on the cycle when there is one.
  std::vector<OpId> topological_order() const;
  bool is_tiled() const;  // every live tensor has padded shapes

  // Live ops only, in index order (no topological guarantee).
  std::vector<OpId> live_ops() const;
};

// "matmul", "fused_matmul(matmul+add+relu)": an op as the summary and DOT show it.
std::string describe(const Op& op);

}  // namespace tilesim::ir
