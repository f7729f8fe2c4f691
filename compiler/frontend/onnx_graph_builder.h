// What an importer of ONNX ops outside onnx_loader.cpp (onnx_elementwise.cpp,
// onnx_image.cpp, onnx_shape_ops.cpp) may do with the graph the ONNX importer
// is building: all a GraphBuilder (graph_builder.h) may, and also read a
// node's input tensors, give a tensor a new name, fold constants into an
// earlier op (new values, new inputs), and look at the model's constants and
// at who reads a name. onnx_loader.cpp's importer
// implements it; every check of names and sizes stays there, so an op
// importer cannot bypass them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/frontend/graph_builder.h"
#include "compiler/ir/graph.h"

namespace onnx {
class NodeProto;
class TensorProto;
}  // namespace onnx

namespace tilesim::frontend {

// A constant zero Pad of an image's H and W (PyTorch's AvgPool2d with
// count_include_pad emits one), held back until a node reads it: an
// AveragePool folds it into its own pads; any other reader is refused.
struct PendingPad {
  ir::TensorId x = ir::kNone;  // the image padded
  std::int64_t top = 0, left = 0, bottom = 0, right = 0;
  std::string node;  // the Pad node's key, for messages
};

class OnnxGraphBuilder : public GraphBuilder {
 public:
  virtual std::int64_t opset() const = 0;

  // The tensor input `index` of `node` names; an InputError when nothing
  // defines it or it is a constant of a type tilesim does not compute with.
  virtual ir::TensorId input_of(const onnx::NodeProto& node, int index) const = 0;
  // A constant (an initializer or a Constant node's value) of any data type
  // named `name`, as the model stores it; nullptr when `name` is not one.
  // Lets an op read a BOOL or INT64 constant input (Dropout's training_mode)
  // that is no tensor of the graph.
  virtual const onnx::TensorProto* constant(const std::string& name) const = 0;
  // Whether anything defines `name` so far: a tensor, an alias, a constant
  // of any type or a graph input of any element type.
  virtual bool defined(const std::string& name) const = 0;
  // A Constant node's value, added as an initializer named value.name();
  // returns its tensor, or kNone for a value of a type that is no tensor
  // (constant() has it).
  virtual ir::TensorId add_constant(const onnx::TensorProto& value, const std::string& key) = 0;

  // Holds `pad` back under the name `name` (the Pad's output), which no
  // tensor then has; pending_pad() gives it to the node that reads it.
  virtual void defer_pad(const std::string& name, const PendingPad& pad, const std::string& key) = 0;
  virtual const PendingPad* pending_pad(const std::string& name) const = 0;

  // Whether `name` is an input of any node or a graph output.
  virtual bool is_read(const std::string& name) const = 0;
  // Replaces a param's values (as many as it has): a fold rewrites weights.
  virtual void set_values(ir::TensorId id, std::vector<float> values) = 0;
  // Replaces the inputs of op `id` (a fold gives a Conv a new bias).
  virtual void set_inputs(ir::OpId id, std::vector<ir::TensorId> inputs) = 0;
  // Tensor `id` is called `name` from now on, its old name no longer defined:
  // an op a fold absorbed hands its output name to the op it folded into.
  virtual void rename(ir::TensorId id, const std::string& name, const std::string& key) = 0;
};

}  // namespace tilesim::frontend
