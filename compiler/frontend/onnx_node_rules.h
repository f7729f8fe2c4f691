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
class NodeProto;
}

namespace tilesim::frontend {

// The ai.onnx opsets whose definitions of the supported ops are known here:
// the last versions before 23 that changed their float32 meaning are Add-7,
// Relu-6, MatMul-1, Gemm-11 and Transpose-1 (later versions only added data
// types). A newer opset might change one of them, so it is refused.
inline constexpr std::int64_t kMaxKnownOpset = 23;

// "MatMul, Gemm, Relu, Add or Transpose".
extern const char* const kSupportedOps;
bool is_supported_op(const std::string& op_type);

// A node's attributes with ONNX's defaults filled in.
struct NodeAttributes {
  float alpha = 1.0f;  // Gemm
  float beta = 1.0f;   // Gemm
  bool trans_a = false;
  bool trans_b = false;
  bool broadcast = false;                         // Add and Gemm before opset 7
  std::optional<std::int64_t> axis;               // Add before opset 7
  std::optional<std::vector<std::int64_t>> perm;  // Transpose; absent means "reverse the dims"
  // Conv and pooling (absent: ONNX's default, which depends on the input)
  std::string auto_pad = "NOTSET";
  std::optional<std::vector<std::int64_t>> dilations, kernel_shape, pads, strides;
  std::int64_t group = 1;
  float epsilon = 1e-5f;  // BatchNormalization
};

// Checks `node` (of a supported op type) as described above and returns its
// attributes. Errors are InputError(file, key, ...), key naming the node.
NodeAttributes check_node(const onnx::NodeProto& node, std::int64_t opset, const std::string& file,
                          const std::string& key);

// Whether input `index` of a checked node is given (not absent or empty).
bool has_input(const onnx::NodeProto& node, int index);

}  // namespace tilesim::frontend
