// One node being folded (onnx_constant_folding.h): its constant inputs, read
// through the folder, and the refusals every folded op shares. The ops'
// evaluation is in onnx_fold_shape.cpp (Shape, Gather, Slice, Split, Expand,
// Identity, Reshape, Squeeze, Unsqueeze, Concat) and onnx_fold_math.cpp
// (Cast, ConstantOfShape, Range, Where, Equal, Less, Greater, Add, Sub, Mul,
// Div). Included only by those, onnx_constant_folding.cpp and
// onnx_select.cpp (Gather, Slice, Split of computed tensors, issue 14).
#pragma once

#include <string>
#include <vector>

#include "compiler/frontend/onnx_constant_folding.h"
#include "compiler/frontend/onnx_node_importer.h"

namespace tilesim::frontend {

class FoldNode : public NodeImporter {
 public:
  FoldNode(OnnxGraphBuilder& b, ConstantFolder& folder, const onnx::NodeProto& node, const NodeAttributes& attributes,
           const std::string& key)
      : NodeImporter(b, node, attributes, key), folder_(folder) {}

  using NodeImporter::fail;
  OnnxGraphBuilder& builder() const { return b_; }
  const onnx::NodeProto& node() const { return node_; }
  const NodeAttributes& attributes() const { return attributes_; }
  const std::string& key() const { return key_; }
  std::int64_t opset() const { return b_.opset(); }
  const std::string& op() const { return node_.op_type(); }
  bool given(int i) const { return has_input(node_, i); }
  const std::string& name(int i) const { return node_.input(i); }
  // "starts 's'": input `i` as messages name it.
  std::string shown(int i, const std::string& role) const { return role + " " + quoted(name(i)); }

  // The constant value of input `i`, or nullptr.
  const FoldedValue* find(int i) const { return folder_.find(name(i)); }
  // The constant value of input `i` (ONNX's name for it: `role`); refuses a
  // computed one. `data`: the tensor the op works on (else a setting).
  const FoldedValue& value(int i, const std::string& role, bool data = false) const;
  // Input `i` as integers: an INT64 or INT32 tensor of rank 1 (`scalar`: of rank 0).
  Dims ints(int i, const std::string& role, bool scalar = false) const;
  // Refuses a value of `dims` over the size limits before it is allocated.
  void reserve(const Dims& dims) const { folder_.reserve(out_, dims, key_); }
  // An axis of a rank-`rank` tensor in [-rank, rank - 1], made non-negative.
  std::int64_t axis(std::int64_t axis, std::int64_t rank, const std::string& what) const;

 private:
  ConstantFolder& folder_;
};

// One sliced axis: `count` elements from `start`, `step` apart.
struct SliceAxis {
  std::int64_t start, count, step;
};
// ONNX's clamping of one axis of dim `dim`: starts and ends negative from the
// end, then into [0, dim] (step > 0) or [-1, dim - 1] (step < 0).
SliceAxis slice_axis(std::int64_t start, std::int64_t end, std::int64_t step, std::int64_t dim);

// Slice's settings: inputs from opset 10, attributes before (no steps); axes
// made non-negative for a data of rank `rank`, each once; steps not 0.
struct SliceSettings {
  Dims starts, ends, axes, steps;
};
SliceSettings slice_settings(FoldNode& n, std::int64_t rank);

// Split's sizes along an axis of `dim` elements: `split` (attribute before
// 13, input from 13), else num_outputs (18) in pieces of ceil(dim / n), else
// equal parts. Not yet checked against dim (split_checked() does).
Dims split_sizes(FoldNode& n, std::int64_t dim);
// split_sizes, each >= 0, one per output, adding up to dim; `data` the input's dims.
Dims split_checked(FoldNode& n, const Dims& data, std::int64_t axis);

// The values of Shape, Gather, Slice, Split (one per output), Expand,
// Identity, Reshape, Squeeze, Unsqueeze or Concat `n`.
std::vector<FoldedValue> fold_shape_op(FoldNode& n);

// The value of Cast, ConstantOfShape, Range, Where, Equal, Less, Greater,
// Add, Sub, Mul or Div `n`.
FoldedValue fold_math_op(FoldNode& n);

}  // namespace tilesim::frontend
