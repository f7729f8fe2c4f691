// What every ONNX op importer (onnx_elementwise.cpp, onnx_image.cpp,
// onnx_matmul.cpp, ...) starts from: the node being imported, its checked
// attributes, the builder it adds to, the node's key for messages, and the
// few ways they all use them. Included only by onnx_*.cpp files, which see
// the protobuf classes anyway.
#pragma once

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/frontend/onnx_graph_builder.h"
#include "compiler/frontend/onnx_node_rules.h"
#include "compiler/frontend/size_limits.h"

namespace tilesim::frontend {

class NodeImporter {
 public:
  NodeImporter(OnnxGraphBuilder& b, const onnx::NodeProto& node, const NodeAttributes& attributes,
               const std::string& key)
      : b_(b), node_(node), attributes_(attributes), key_(key), out_(node.output(0)) {}

 protected:
  // An InputError naming the node.
  [[noreturn]] void fail(const std::string& problem, const std::string& expected) const {
    b_.fail(key_, problem, expected);
  }
  void refuse_if(const std::optional<Refusal>& refusal) const {
    if (refusal) fail(refusal->problem, refusal->expected);
  }
  const ir::Shape& shape(ir::TensorId id) const { return b_.tensor(id).shape; }

  // Op `kind` of `inputs` (a Scale's factor `scale`) writing a new tensor `name` of shape `out`.
  ir::TensorId emit(ir::OpKind kind, std::vector<ir::TensorId> inputs, const std::string& name, const ir::Shape& out,
                    float scale = 1.0f) {
    ir::Op op;
    op.kind = kind;
    op.inputs = std::move(inputs);
    op.scale = scale;
    return b_.emit(std::move(op), name, out, key_);
  }

  OnnxGraphBuilder& b_;
  const onnx::NodeProto& node_;
  const NodeAttributes& attributes_;
  const std::string& key_;
  const std::string out_;  // the node's (first) output
};

}  // namespace tilesim::frontend
