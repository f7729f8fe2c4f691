// Building small ONNX models in tests with the protobuf classes: graph inputs
// and outputs with shapes, nodes with attributes, float initializers, and
// loading a model through the importer to get its graph or its one error.
#pragma once

#include <onnx/onnx_pb.h>
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "compiler/frontend/onnx_loader.h"
#include "compiler/support/input_error.h"

namespace tilesim::test {

inline void set_shape(onnx::ValueInfoProto* v, const std::string& name, std::vector<std::int64_t> dims,
                      int elem_type = onnx::TensorProto_DataType_FLOAT) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elem_type);
  auto* shape = tt->mutable_shape();
  for (const auto d : dims) shape->add_dim()->set_dim_value(d);
}

// An empty model of IR version 7 importing ai.onnx `opset` (13: as PyTorch exports).
inline onnx::ModelProto new_model(std::int64_t opset = 13) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(opset);
  return m;
}

// A node named OUTPUT_node.
inline onnx::NodeProto* add_node(onnx::GraphProto* g, const std::string& op, std::vector<std::string> inputs,
                                 const std::string& output) {
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(output + "_node");
  for (const auto& i : inputs) n->add_input(i);
  n->add_output(output);
  return n;
}

inline void set_float(onnx::NodeProto* n, const std::string& name, float value) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_f(value);
  a->set_type(onnx::AttributeProto_AttributeType_FLOAT);
}

inline void set_int(onnx::NodeProto* n, const std::string& name, std::int64_t value) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_i(value);
  a->set_type(onnx::AttributeProto_AttributeType_INT);
}

inline void set_ints(onnx::NodeProto* n, const std::string& name, const std::vector<std::int64_t>& values) {
  auto* a = n->add_attribute();
  a->set_name(name);
  for (const auto v : values) a->add_ints(v);
  a->set_type(onnx::AttributeProto_AttributeType_INTS);
}

// A FLOAT initializer of `dims` holding `values`.
inline onnx::TensorProto* add_initializer(onnx::GraphProto* g, const std::string& name, std::vector<std::int64_t> dims,
                                          std::vector<float> values) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto_DataType_FLOAT);
  for (const auto d : dims) t->add_dims(d);
  for (const float v : values) t->add_float_data(v);
  return t;
}

inline void own_directory();

inline void write_model(const onnx::ModelProto& model, const std::string& path) {
  own_directory();
  std::ofstream out(path, std::ios::binary);
  model.SerializeToOstream(&out);
}

// Moves the process into a directory of its own below the current one, once:
// ctest runs the TEST_CASEs of one binary as parallel processes in one
// directory, and the files they write (test_model.onnx, ...) must not collide.
inline void own_directory() {
  static const bool moved = [] {
    char name[] = "onnx-test.XXXXXX";
    return mkdtemp(name) && chdir(name) == 0;
  }();
  (void)moved;
}

// Writes the model (in this process's own directory) and loads it; returns
// the error text or "".
inline std::string error_of(const onnx::ModelProto& model, ir::Graph* graph = nullptr) {
  own_directory();
  const std::string path = "test_model.onnx";
  write_model(model, path);
  try {
    ir::Graph g = frontend::load_onnx(path);
    if (graph) *graph = std::move(g);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// The live op writing tensor `name` (a test failure when there is none).
inline const ir::Op& producer(const ir::Graph& g, const std::string& name) {
  const ir::TensorId t = g.find(name);
  REQUIRE(t != ir::kNone);
  REQUIRE(g.tensors[t].producer != ir::kNone);
  return g.ops[g.tensors[t].producer];
}

}  // namespace tilesim::test
