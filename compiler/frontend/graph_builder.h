// What a frontend's op importers may do with the graph being built, whatever
// the model format (YAML model files, ONNX): read tensors and ops, add ops and
// params, give a tensor a second name, store a tensor in another layout, and
// ask who reads a tensor. The shared image rules (image_layout.h,
// window_ops.h, reshape_rules.h) are written against this interface only, so
// both frontends build the same graph for the same network; each frontend's
// builder keeps its own checks of names and sizes, which no importer can
// bypass. OnnxGraphBuilder (onnx_graph_builder.h) adds what only ONNX has.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/support/input_error.h"

namespace tilesim::frontend {

class GraphBuilder {
 public:
  virtual ~GraphBuilder() = default;

  virtual const std::string& path() const = 0;  // the model file
  // Throws the InputError about `key` of the model (a node, or a key of the
  // op being imported) that error() makes.
  [[noreturn]] void fail(const std::string& key, const std::string& problem, const std::string& expected) const {
    throw error(key, problem, expected);
  }
  // "FILE: KEY: problem (expected ...)"; the YAML format's builder says
  // "FILE:LINE: ops[i].KEY: ..." instead.
  virtual InputError error(const std::string& key, const std::string& problem, const std::string& expected) const {
    return InputError(path(), key, problem, expected);
  }

  virtual const ir::Tensor& tensor(ir::TensorId id) const = 0;
  virtual const ir::Op& op(ir::OpId id) const = 0;

  // Adds `op` (its kind, inputs and constants set) writing a new tensor
  // `out_name` of `out_shape`; returns the tensor.
  virtual ir::TensorId emit(ir::Op op, const std::string& out_name, const ir::Shape& out_shape,
                            const std::string& key) = 0;
  // A name no tensor has yet, from `base` (for the intermediates an import adds).
  virtual std::string fresh(const std::string& base) const = 0;
  // Makes `name` a second name of tensor `id`: later ops reading `name` read
  // `id`. Not for a graph output (it must be a tensor of its own).
  virtual void alias(const std::string& name, ir::TensorId id, const std::string& key) = 0;
  // A new param `name` of `shape` holding `values` (row-major in the true
  // dims), within the size limits.
  virtual ir::TensorId add_param(const std::string& name, const ir::Shape& shape, std::vector<float> values,
                                 const std::string& key) = 0;

  // Whether `name` is a graph output.
  virtual bool is_graph_output(const std::string& name) const = 0;
  // How many times tensor `id` is read by name in the whole model (op
  // inputs, earlier and later ops alike, and graph outputs), under any name
  // it has so far: what a rule checks that needs a tensor read by one op
  // only. A tensor the import introduced is read by no name (0).
  virtual int readers(ir::TensorId id) const = 0;

  // A graph input image ([N, C, H, W], matrix layout) that nothing has read
  // yet is stored as nchw: N matrices [C, H*W], no padding per channel.
  virtual void store_as_image(ir::TensorId x) = 0;
  // Gives tensor `id` the storage of `shape`: the same true dims in another
  // layout (a Conv's weights as conv_weight). Precondition: shape.dims() is
  // the tensor's dims and no op has read the tensor yet.
  virtual void set_layout(ir::TensorId id, const ir::Shape& shape) = 0;
};

// GraphBuilder::readers() for a builder that counts reads by name
// (`read_counts`) and knows every name of every tensor (`by_name`, aliases too).
inline int count_readers(ir::TensorId id, const std::unordered_map<std::string, ir::TensorId>& by_name,
                         const std::unordered_map<std::string, int>& read_counts) {
  int count = 0;
  for (const auto& [name, tensor_id] : by_name) {
    const auto it = read_counts.find(name);
    if (tensor_id == id && it != read_counts.end()) count += it->second;
  }
  return count;
}

// GraphBuilder::store_as_image() on the tensor itself.
inline void store_input_as_image(ir::Tensor& t) {
  if (t.kind == ir::TensorKind::Input && t.users.empty() && t.shape.layout == ir::Layout::Matrix && t.shape.rank == 4) {
    t.shape = ir::Shape::with_layout(t.shape.dims(), ir::Layout::Nchw);
  }
}

}  // namespace tilesim::frontend
