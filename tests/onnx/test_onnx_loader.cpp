// The ONNX importer on models built here with the protobuf classes: what it
// accepts becomes the right graph, what it cannot run is one exact error.
#include <catch2/catch.hpp>

#include <onnx/onnx_pb.h>

#include <cstdio>
#include <fstream>

#include "compiler/frontend/onnx_loader.h"
#include "compiler/frontend/onnx_node_rules.h"
#include "compiler/support/input_error.h"
#include "tests/onnx/onnx_builders.h"
#include "tests/support/run_process.h"

using namespace tilesim;
using test::add_node;
using test::error_of;
using test::new_model;
using test::set_shape;

namespace {

// x [4, 3] @ w [3, 5] (initializer) -> relu -> y
onnx::ModelProto linear_relu() {
  onnx::ModelProto m = new_model();
  auto* g = m.mutable_graph();
  g->set_name("linear_relu");
  set_shape(g->add_input(), "x", {4, 3});
  auto* w = g->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto_DataType_FLOAT);
  w->add_dims(3);
  w->add_dims(5);
  for (int i = 0; i < 15; ++i) w->add_float_data(0.5f * static_cast<float>(i));
  add_node(g, "MatMul", {"x", "w"}, "h");
  add_node(g, "Relu", {"h"}, "y");
  set_shape(g->add_output(), "y", {4, 5});
  return m;
}

}  // namespace

TEST_CASE("onnx: a MatMul and Relu with an initializer become the graph", "[onnx]") {
  ir::Graph g;
  REQUIRE(error_of(linear_relu(), &g).empty());
  CHECK(g.name == "linear_relu");
  const auto w = g.find("w");
  REQUIRE(w != ir::kNone);
  CHECK(g.tensors[w].kind == ir::TensorKind::Param);
  CHECK(g.tensors[w].values.size() == 15);
  CHECK(g.tensors[w].values[14] == 7.0f);
  const auto y = g.find("y");
  CHECK(g.tensors[y].kind == ir::TensorKind::Output);
  CHECK(ir::to_string(g.tensors[y].shape) == "[4, 5]");
  CHECK(g.topological_order().size() == 2);
}

TEST_CASE("onnx: Gemm with transB, alpha and a bias becomes transpose, matmul, scale, add", "[onnx]") {
  onnx::ModelProto m = new_model();
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "a", {2, 3});
  set_shape(g->add_input(), "b", {4, 3});
  set_shape(g->add_input(), "c", {4});
  auto* gemm = add_node(g, "Gemm", {"a", "b", "c"}, "y");
  auto* alpha = gemm->add_attribute();
  alpha->set_name("alpha");
  alpha->set_f(0.5f);
  alpha->set_type(onnx::AttributeProto_AttributeType_FLOAT);
  auto* trans = gemm->add_attribute();
  trans->set_name("transB");
  trans->set_i(1);
  trans->set_type(onnx::AttributeProto_AttributeType_INT);
  set_shape(g->add_output(), "y", {2, 4});
  ir::Graph graph;
  REQUIRE(error_of(m, &graph).empty());
  std::vector<std::string> kinds;
  for (const auto op : graph.topological_order()) kinds.push_back(ir::to_string(graph.ops[op].kind));
  CHECK(kinds == std::vector<std::string>{"transpose", "matmul", "scale", "add"});
  CHECK(ir::to_string(graph.tensors[graph.find("b.T")].shape) == "[3, 4]");
}

TEST_CASE("onnx: what the hardware cannot run is one exact error", "[onnx]") {
  {
    auto m = linear_relu();
    m.mutable_graph()->mutable_node(1)->set_op_type("LRN");
    CHECK(error_of(m) == "test_model.onnx: node 'y_node' (LRN): unsupported op (expected one of " +
                             tilesim::frontend::supported_ops() + ")");
  }
  {
    auto m = linear_relu();
    m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(
        onnx::TensorProto_DataType_INT64);
    CHECK(error_of(m) == "test_model.onnx: input 'x': has element type INT64 (expected FLOAT (float32) tensors only)");
  }
  {
    auto m = linear_relu();
    auto* dim =
        m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0);
    dim->set_dim_param("batch");
    CHECK(error_of(m) ==
          "test_model.onnx: input 'x': has a dynamic dimension 'batch' "
          "(expected static dimensions (export with fixed shapes))");
  }
  {
    auto m = linear_relu();
    m.mutable_graph()->mutable_initializer(0)->set_data_type(onnx::TensorProto_DataType_INT32);
    CHECK(error_of(m) ==
          "test_model.onnx: initializer 'w': data type INT32 is not supported (expected FLOAT or DOUBLE)");
  }
  {
    auto m = linear_relu();
    m.mutable_graph()->mutable_node(0)->set_input(1, "nowhere");
    CHECK(error_of(m) ==
          "test_model.onnx: node 'h_node' (MatMul): reads tensor 'nowhere', which nothing defines "
          "before it (expected graph inputs, initializers or outputs of earlier nodes)");
  }
  {
    onnx::ModelProto m = new_model();
    auto* g = m.mutable_graph();
    set_shape(g->add_input(), "x", {4, 3});
    add_node(g, "Relu", {"x"}, "h");
    auto* t = add_node(g, "Transpose", {"h"}, "ht");
    (void)t;
    add_node(g, "Relu", {"ht"}, "y");
    set_shape(g->add_output(), "y", {3, 4});
    CHECK(error_of(m).empty());  // a Permute view of h (issue 14; tests/onnx/test_onnx_select.cpp)
  }
  {
    onnx::ModelProto m = new_model();
    auto* g = m.mutable_graph();
    set_shape(g->add_input(), "x", {2, 3, 4});
    set_shape(g->add_input(), "z", {2, 1});
    add_node(g, "Add", {"x", "z"}, "y");
    set_shape(g->add_output(), "y", {2, 3, 4});
    CHECK(error_of(m) ==
          "test_model.onnx: node 'y_node' (Add): Add of [2, 3, 4] and [2, 1]: the shapes do not broadcast (expected "
          "shapes whose dims, aligned at the last, are equal or 1 (numpy broadcasting))");
  }
  {
    onnx::ModelProto m = new_model();
    auto* g = m.mutable_graph();
    set_shape(g->add_input(), "a", {2, 3, 4});
    set_shape(g->add_input(), "b", {5, 4, 2});
    add_node(g, "MatMul", {"a", "b"}, "y");
    set_shape(g->add_output(), "y", {2, 3, 2});
    CHECK(error_of(m) ==
          "test_model.onnx: node 'y_node' (MatMul): batch dims of [2, 3, 4] and [5, 4, 2] differ "
          "(expected equal batch dims, or a 2-D right operand)");
  }
  {
    auto m = linear_relu();
    m.mutable_graph()->mutable_output(0)->set_name("x");
    CHECK(error_of(m) ==
          "test_model.onnx: output 'x': is a graph input or initializer, not computed "
          "(expected an output of some node)");
  }
}

TEST_CASE("onnx: a file that is not an ONNX model is rejected", "[onnx]") {
  {
    std::ofstream out("garbage.onnx", std::ios::binary);
    out << "\xff\xff\xff\xff this is not protobuf";
  }
  try {
    frontend::load_onnx("garbage.onnx");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "garbage.onnx: not an ONNX model (protobuf parsing failed) (expected an ONNX ModelProto file)");
  }
  try {
    frontend::load_onnx("/nonexistent/model.onnx");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "/nonexistent/model.onnx: cannot open: No such file or directory (expected a readable ONNX file)");
  }
}

TEST_CASE("onnx: stacks, transposes, scales and broadcasts compute right at every SRAM size", "[onnx]") {
  // x [3, 70, 50] @ w [50, 40] (shared by the stack) + b [40], relu, then
  // Gemm(a [90, 60] transposed, c [60, 33] transposed) with alpha 0.5 and
  // beta 2 on a [1, 33] bias, and an Add of a [70, 40] over the stack.
  onnx::ModelProto m = new_model();
  auto* g = m.mutable_graph();
  g->set_name("mixed");
  set_shape(g->add_input(), "x", {3, 70, 50});
  set_shape(g->add_input(), "w", {50, 40});
  set_shape(g->add_input(), "b", {40});
  set_shape(g->add_input(), "r", {70, 40});
  set_shape(g->add_input(), "a", {90, 60});
  set_shape(g->add_input(), "c", {33, 90});
  set_shape(g->add_input(), "bias", {1, 33});
  add_node(g, "MatMul", {"x", "w"}, "h");
  add_node(g, "Add", {"h", "b"}, "hb");
  add_node(g, "Relu", {"hb"}, "hr");
  add_node(g, "Add", {"hr", "r"}, "y1");
  auto* gemm = add_node(g, "Gemm", {"a", "c", "bias"}, "y2");
  for (const auto& [name, value] : {std::pair<const char*, float>{"alpha", 0.5f}, {"beta", 2.0f}}) {
    auto* attr = gemm->add_attribute();
    attr->set_name(name);
    attr->set_f(value);
    attr->set_type(onnx::AttributeProto_AttributeType_FLOAT);
  }
  for (const char* name : {"transA", "transB"}) {
    auto* attr = gemm->add_attribute();
    attr->set_name(name);
    attr->set_i(1);
    attr->set_type(onnx::AttributeProto_AttributeType_INT);
  }
  set_shape(g->add_output(), "y1", {3, 70, 40});
  set_shape(g->add_output(), "y2", {60, 33});
  {
    std::ofstream out("mixed.onnx", std::ios::binary);
    m.SerializeToOstream(&out);
  }
  for (const char* kib : {"16", "64", "256", "8192"}) {
    INFO("SRAM " << kib << " KiB");
    const auto r =
        test::run_tilesim({"run", "--hw", std::string(TILESIM_SOURCE_DIR) + "/configs/hw/default.yaml", "--model",
                           "mixed.onnx", "--set", std::string("sram.size_kib=") + kib, "--verify"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("verify y1:") != std::string::npos);
    CHECK(r.out.find("verify y2:") != std::string::npos);
    CHECK(r.out.find("BEYOND") == std::string::npos);
    const auto compiled =
        test::run_tilesim({"compile", "--hw", std::string(TILESIM_SOURCE_DIR) + "/configs/hw/default.yaml", "--model",
                           "mixed.onnx", "--set", std::string("sram.size_kib=") + kib, "--validate"});
    CHECK(compiled.exit_code == 0);
    CHECK(compiled.err.empty());
  }
}

TEST_CASE("onnx: fields the importer's onnx.proto does not define are refused, annotations aside", "[onnx]") {
  {
    auto m = linear_relu();
    m.mutable_graph()->mutable_node(0)->mutable_unknown_fields()->AddLengthDelimited(8, "overload");
    CHECK(error_of(m) ==
          "test_model.onnx: graph.node[0]: field number 8 is not defined in ONNX IR version 8 "
          "(expected the fields of ONNX IR version 8, the onnx.proto tilesim reads)");
  }
  {
    auto m = linear_relu();
    m.mutable_graph()->mutable_initializer(0)->mutable_unknown_fields()->AddVarint(14, 5);
    CHECK(error_of(m) ==
          "test_model.onnx: graph.initializer[0]: data_location has a value that ONNX IR version 8 does not define "
          "(expected the fields of ONNX IR version 8, the onnx.proto tilesim reads)");
  }
  {
    // metadata_props of IR version 10: NodeProto 9, GraphProto 16, TensorProto 16, ValueInfoProto 4.
    auto m = linear_relu();
    auto* g = m.mutable_graph();
    g->mutable_node(0)->mutable_unknown_fields()->AddLengthDelimited(9, "\x0a\x01k\x12\x01v");
    g->mutable_unknown_fields()->AddLengthDelimited(16, "\x0a\x01k\x12\x01v");
    g->mutable_initializer(0)->mutable_unknown_fields()->AddLengthDelimited(16, "\x0a\x01k\x12\x01v");
    g->mutable_input(0)->mutable_unknown_fields()->AddLengthDelimited(4, "\x0a\x01k\x12\x01v");
    CHECK(error_of(m).empty());
  }
}

TEST_CASE("onnx: opset 6 broadcast and consumed_inputs mean what they meant then", "[onnx]") {
  auto int_attribute = [](onnx::NodeProto* node, const char* name, std::int64_t value) {
    auto* a = node->add_attribute();
    a->set_name(name);
    a->set_i(value);
    a->set_type(onnx::AttributeProto_AttributeType_INT);
  };
  onnx::ModelProto m = new_model(5);
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "a", {4, 5});
  set_shape(g->add_input(), "b", {5, 3});
  set_shape(g->add_input(), "c", {3});
  auto* gemm = add_node(g, "Gemm", {"a", "b", "c"}, "p");
  int_attribute(gemm, "broadcast", 1);
  auto* add = add_node(g, "Add", {"p", "c"}, "s");
  int_attribute(add, "broadcast", 1);
  int_attribute(add, "axis", 1);
  auto* relu = add_node(g, "Relu", {"s"}, "y");
  auto* consumed = relu->add_attribute();
  consumed->set_name("consumed_inputs");
  consumed->add_ints(0);
  consumed->set_type(onnx::AttributeProto_AttributeType_INTS);
  set_shape(g->add_output(), "y", {4, 3});
  ir::Graph graph;
  REQUIRE(error_of(m, &graph).empty());
  std::vector<std::string> kinds;
  for (const auto op : graph.topological_order()) kinds.push_back(ir::to_string(graph.ops[op].kind));
  CHECK(kinds == std::vector<std::string>{"matmul", "add", "add", "relu"});
  // consumed_inputs is gone in opset 6, broadcast and axis in opset 7.
  m.mutable_opset_import(0)->set_version(6);
  CHECK(error_of(m) ==
        "test_model.onnx: node 'y_node' (Relu): unknown attribute 'consumed_inputs' "
        "(expected no attributes for Relu in opset 6)");
  m.mutable_graph()->mutable_node(2)->clear_attribute();
  m.mutable_opset_import(0)->set_version(7);
  CHECK(error_of(m) ==
        "test_model.onnx: node 'p_node' (Gemm): unknown attribute 'broadcast' "
        "(expected alpha, beta, transA or transB for Gemm in opset 7)");
}

TEST_CASE("onnx: what agrees with the model is accepted", "[onnx]") {
  auto m = linear_relu();
  auto* g = m.mutable_graph();
  // A declared input for the initializer, a value_info with a named dim, no shape on the output.
  set_shape(g->add_input(), "w", {3, 5});
  auto* info = g->add_value_info();
  set_shape(info, "h", {4, 5});
  info->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_dim_param("batch");
  g->mutable_output(0)->mutable_type()->mutable_tensor_type()->clear_shape();
  // DOUBLE values, rounded to float32.
  auto* w = g->mutable_initializer(0);
  w->clear_float_data();
  w->set_data_type(onnx::TensorProto_DataType_DOUBLE);
  for (int i = 0; i < 15; ++i) w->add_double_data(0.1 * i);
  ir::Graph graph;
  REQUIRE(error_of(m, &graph).empty());
  CHECK(graph.tensors[graph.find("w")].values[3] == static_cast<float>(0.3));
  // Gemm with C given as the empty name: no C.
  onnx::ModelProto gm = new_model(13);
  auto* gg = gm.mutable_graph();
  set_shape(gg->add_input(), "a", {2, 3});
  set_shape(gg->add_input(), "b", {3, 4});
  add_node(gg, "Gemm", {"a", "b", ""}, "y");
  set_shape(gg->add_output(), "y", {2, 4});
  REQUIRE(error_of(gm, &graph).empty());
  CHECK(graph.topological_order().size() == 1);
}

TEST_CASE("onnx: a node name of a megabyte with control characters is one short line", "[onnx]") {
  auto m = linear_relu();
  m.mutable_graph()->mutable_node(1)->set_op_type("LRN");
  m.mutable_graph()->mutable_node(1)->set_name("\x1b]0;title\x07" + std::string(1 << 20, 'n') + "\n");
  {
    std::ofstream out("long_name.onnx", std::ios::binary);
    m.SerializeToOstream(&out);
  }
  const auto r = test::run_tilesim(
      {"run", "--hw", std::string(TILESIM_SOURCE_DIR) + "/configs/hw/default.yaml", "--model", "long_name.onnx"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "tilesim: error: long_name.onnx: node '\\x1b]0;title\\x07" + std::string(48, 'n') +
                     "\xe2\x80\xa6' (1048587 bytes, 1048529 not shown) (LRN): unsupported op (expected one of " +
                     tilesim::frontend::supported_ops() + ")\n");
}
