// What an ONNX node of a supported op may hold, checked against the op's
// definition in the model's ai.onnx opset before the importer reads it: how
// many inputs (and which may be the empty name, ONNX's "absent optional
// input"), exactly one named output, and every attribute - a name the op has
// in that opset, given once, of the op's type, with its value in the one
// field of that type, and a value the op allows. Anything else is an
// InputError naming the node, never skipped or guessed:
//   m.onnx: node 'add1' (Add): has 3 inputs (expected 2 inputs: A and B)
//   m.onnx: node 'r' (Relu): unknown attribute 'alpha' (expected no attributes for Relu in opset 13)
//   m.onnx: node 'g' (Gemm): attribute 'alpha' has type INT (expected FLOAT)
// Ops and attributes before opset 7 (Add's and Gemm's `broadcast` and
// `axis`, `consumed_inputs`) are accepted only in the opsets that had them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace onnx {
class AttributeProto;
class NodeProto;
}  // namespace onnx

namespace tilesim::frontend {

// The ai.onnx opsets whose definitions of the supported ops are known here:
// the last versions before 23 that changed their float32 meaning are Add-7,
// Sub-7, Mul-7, Max-8, Min-8, Relu-6, MatMul-1, Gemm-11, Transpose-1,
// Clip-11, LeakyRelu-6, Sigmoid-6, Tanh-6, HardSigmoid-6, HardSwish-14,
// Identity-1, Dropout-12, Constant-12, BatchNormalization-15, Reshape-14,
// Squeeze-13, Unsqueeze-13, Concat-11, and of the folded ops Shape-15,
// Slice-10, Split-18 and Cast-19 (later versions only added data
// types). A newer opset might change one of them, so it is refused.
inline constexpr std::int64_t kMaxKnownOpset = 23;

// "Add, Clip, ... or Transpose": every op type with a rule, in alphabetical order.
const std::string& supported_ops();
bool is_supported_op(const std::string& op_type);

// A node's attributes with ONNX's defaults filled in (Gemm's for alpha and
// beta: LeakyRelu and HardSigmoid look at alpha_given and beta_given).
struct NodeAttributes {
  float alpha = 1.0f;  // Gemm, LeakyRelu, HardSigmoid
  float beta = 1.0f;   // Gemm, HardSigmoid
  bool alpha_given = false;
  bool beta_given = false;
  bool trans_a = false;
  bool trans_b = false;
  bool broadcast = false;                         // Add and Gemm before opset 7
  std::optional<std::int64_t> axis;               // Add before opset 7
  std::optional<std::vector<std::int64_t>> perm;  // Transpose; absent means "reverse the dims"
  // Conv and pooling (absent: ONNX's default, which depends on the input)
  std::string auto_pad = "NOTSET";
  std::optional<std::vector<std::int64_t>> dilations, kernel_shape, pads, strides;
  std::int64_t group = 1;
  bool ceil_mode = false;             // pooling (opset 10 on)
  bool count_include_pad = false;     // AveragePool (opset 7 on)
  std::string pad_mode = "constant";  // Pad
  float pad_value = 0.0f;             // Pad before opset 11
  float epsilon = 1e-5f;              // BatchNormalization
  // Reshape before opset 5 (shape), Squeeze and Unsqueeze before 13 (axes);
  // later they are inputs. allowzero: Reshape from opset 14.
  std::optional<std::vector<std::int64_t>> axes, shape;
  bool allowzero = false;
  std::optional<float> clip_min, clip_max;  // Clip before opset 11: not NaN
  bool is_test = false;                     // Dropout before opset 7
  // Shape (opset 15): the dims [start, end) (negative from the end; absent: all).
  std::optional<std::int64_t> start, end;
  // Slice before opset 10 (later they are inputs; axes shared with Squeeze).
  std::optional<std::vector<std::int64_t>> starts, ends;
  std::optional<std::vector<std::int64_t>> split;  // Split before opset 13
  std::optional<std::int64_t> num_outputs;         // Split from opset 18
  std::optional<int> to;                           // Cast: a TensorProto data type
  bool keepdims = true;                            // ReduceSum, ReduceMean, ReduceMax
  bool noop_with_empty_axes = false;               // the same, with axes as an input
  std::string approximation = "none";              // Gelu (opset 20): none or tanh
  // Constant: its one value attribute (value, value_float, ...), in the node;
  // ConstantOfShape: its value.
  const onnx::AttributeProto* constant_value = nullptr;
};

// Checks `node` (of a supported op type) as described above and returns its
// attributes. Errors are InputError(file, key, ...), key naming the node.
NodeAttributes check_node(const onnx::NodeProto& node, std::int64_t opset, const std::string& file,
                          const std::string& key);

// "[2, 3, 4]": a list of integers (dims, pads, axes) as messages show it.
inline std::string list_text(const std::vector<std::int64_t>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + std::to_string(values[i]);
  return text + "]";
}

// Whether input `index` of a checked node is given (not absent or empty).
bool has_input(const onnx::NodeProto& node, int index);

}  // namespace tilesim::frontend
