// Constant folding at ONNX import: the shape plumbing PyTorch emits around a
// model's computation - Shape, Gather, Slice, Split, Unsqueeze, Squeeze,
// Concat, Reshape, Expand, Cast, ConstantOfShape, Range, Identity, and the
// Equal/Less/Greater/Where/Add/Sub/Mul/Div of shapes and masks - evaluated
// exactly as ONNX defines them in the model's opset, when every input the node
// reads is a constant: an initializer, a Constant's value or the result of an
// earlier folded node (Shape: any tensor, its dims being static). A folded
// value stays typed (onnx_folded_value.h) and is no tensor of the graph until
// a node that is not folded reads it (give_inputs): a FLOAT value becomes a
// param, any other a constant() such as Reshape's shape reads; a graph output
// that is folded is a copy of its value (FLOAT only).
//
// Of the ops above, Identity, Unsqueeze, Squeeze, Reshape, Concat, Add, Sub
// and Mul of a computed tensor are left to their importers; the others of a
// computed tensor or a graph input are refused, one InputError naming the
// node, the input and the op. Every refusal of a value (an index out of
// range, a step of 0, sizes that do not add up, shapes that do not
// broadcast, a value over the size limits - checked before anything is
// allocated) is one InputError naming the node. docs/onnx.md lists them.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "compiler/frontend/onnx_folded_value.h"
#include "compiler/frontend/onnx_graph_builder.h"
#include "compiler/frontend/onnx_node_rules.h"

namespace tilesim::frontend {

// Constants folded at import may hold at most this many bytes in all,
// counted at 8 bytes an element: as much as an .onnx file may hold.
inline constexpr std::int64_t kMaxFoldedBytes = kMaxOnnxFileBytes;

class ConstantFolder {
 public:
  explicit ConstantFolder(OnnxGraphBuilder& builder) : b_(builder) {}

  // Folds `node` (checked by onnx_node_rules.h) and returns true when it is
  // one of the ops above with constant inputs; refuses those that only fold
  // when their inputs are computed; returns false (doing nothing) otherwise.
  bool fold(const onnx::NodeProto& node, const NodeAttributes& attributes, const std::string& key);

  // Gives the graph every folded value `node` reads: called before a node
  // that is not folded is imported.
  void give_inputs(const onnx::NodeProto& node);

  // Whether `name` is a folded value the graph has not been given yet.
  bool pending(const std::string& name) const;

  // Whether `name` is a folded value or a model constant (read nothing).
  bool is_constant(const std::string& name) const;

  // The value named `name`: folded, or an initializer or Constant's value
  // read (and kept); nullptr when `name` is not a constant.
  const FoldedValue* find(const std::string& name);

  // Refuses, at `key`, a value `name` of `dims` over the size limits,
  // before it is allocated; counts it.
  void reserve(const std::string& name, const Dims& dims, const std::string& key);

 private:
  struct Entry {
    FoldedValue value;
    std::string key;     // the node that folded it (or the constant's name)
    bool given = false;  // the graph has it (or always had: a model constant)
  };

  void store(const std::string& name, FoldedValue value, const std::string& key);
  void give(const std::string& name);

  OnnxGraphBuilder& b_;
  std::unordered_map<std::string, Entry> table_;
  std::int64_t total_bytes_ = 0;
};

}  // namespace tilesim::frontend
