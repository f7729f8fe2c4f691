// What an importer of ONNX ops outside onnx_loader.cpp (onnx_elementwise.cpp,
// onnx_image.cpp, onnx_shape_ops.cpp) may do with the graph the ONNX importer
// is building: read a node's input tensors, add ops, params and tensors, give
// a tensor a second or a new name, store a tensor in another layout, fold
// constants into an earlier op (new values, new inputs), and look at the
// model's constants and at who reads a name. onnx_loader.cpp's importer
// implements it; every check of names and sizes stays there, so an op
// importer cannot bypass them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/support/input_error.h"

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

class OnnxGraphBuilder {
 public:
  virtual ~OnnxGraphBuilder() = default;

  virtual std::int64_t opset() const = 0;
  virtual const std::string& path() const = 0;  // the model file
  // An InputError "FILE: KEY: problem (expected ...)".
  [[noreturn]] void fail(const std::string& key, const std::string& problem, const std::string& expected) const {
    throw InputError(path(), key, problem, expected);
  }

  // The tensor input `index` of `node` names; an InputError when nothing
  // defines it or it is a constant of a type tilesim does not compute with.
  virtual ir::TensorId input_of(const onnx::NodeProto& node, int index) const = 0;
  virtual const ir::Tensor& tensor(ir::TensorId id) const = 0;
  // A constant (an initializer or a Constant node's value) of any data type
  // named `name`, as the model stores it; nullptr when `name` is not one.
  // Lets an op read a BOOL or INT64 constant input (Dropout's training_mode)
  // that is no tensor of the graph.
  virtual const onnx::TensorProto* constant(const std::string& name) const = 0;
  // Whether anything defines `name` so far: a tensor, an alias, a constant
  // of any type or a graph input of any element type.
  virtual bool defined(const std::string& name) const = 0;

  // Adds `op` (its kind, inputs and constants set) writing a new tensor
  // `out_name` of `out_shape`; returns the tensor.
  virtual ir::TensorId emit(ir::Op op, const std::string& out_name, const ir::Shape& out_shape,
                            const std::string& key) = 0;
  // A name no tensor has yet, from `base` (for the intermediates an import adds).
  virtual std::string fresh(const std::string& base) const = 0;
  // Makes `name` a second name of tensor `id`: later nodes reading `name` read
  // `id`. Not for a graph output (it must be a tensor of its own).
  virtual void alias(const std::string& name, ir::TensorId id, const std::string& key) = 0;
  // A Constant node's value, added as an initializer named value.name();
  // returns its tensor, or kNone for a value of a type that is no tensor
  // (constant() has it).
  virtual ir::TensorId add_constant(const onnx::TensorProto& value, const std::string& key) = 0;

  // Holds `pad` back under the name `name` (the Pad's output), which no
  // tensor then has; pending_pad() gives it to the node that reads it.
  virtual void defer_pad(const std::string& name, const PendingPad& pad, const std::string& key) = 0;
  virtual const PendingPad* pending_pad(const std::string& name) const = 0;

  // Whether `name` is a graph output, or an input of any node or graph output.
  virtual bool is_graph_output(const std::string& name) const = 0;
  virtual bool is_read(const std::string& name) const = 0;
  // How many times tensor `id` is read by name in the whole model: node
  // inputs (earlier and later nodes alike) and graph outputs naming it under
  // any name it has so far (a later alias is made by a node that reads one of
  // them). What a fold checks - an op's result or weights read by one node
  // only - since a tensor's users list only knows the nodes imported so far.
  // A tensor the import introduced is read by no name (0).
  virtual int readers(ir::TensorId id) const = 0;

  // A graph input image ([N, C, H, W], matrix layout) that nothing has read
  // yet is stored as nchw: N matrices [C, H*W], no padding per channel.
  virtual void store_as_image(ir::TensorId x) = 0;
  // Gives tensor `id` the storage of `shape`: the same true dims in another
  // layout (a Conv's weights as conv_weight). Precondition: shape.dims() is
  // the tensor's dims and no op has read the tensor yet.
  virtual void set_layout(ir::TensorId id, const ir::Shape& shape) = 0;
  // A new param `name` of `shape` holding `values` (row-major in the true
  // dims), within the size limits.
  virtual ir::TensorId add_param(const std::string& name, const ir::Shape& shape, std::vector<float> values,
                                 const std::string& key) = 0;
  // Replaces a param's values (as many as it has): a fold rewrites weights.
  virtual void set_values(ir::TensorId id, std::vector<float> values) = 0;
  virtual const ir::Op& op(ir::OpId id) const = 0;
  // Replaces the inputs of op `id` (a fold gives a Conv a new bias).
  virtual void set_inputs(ir::OpId id, std::vector<ir::TensorId> inputs) = 0;
  // Tensor `id` is called `name` from now on, its old name no longer defined:
  // an op a fold absorbed hands its output name to the op it folded into.
  virtual void rename(ir::TensorId id, const std::string& name, const std::string& key) = 0;
};

}  // namespace tilesim::frontend
