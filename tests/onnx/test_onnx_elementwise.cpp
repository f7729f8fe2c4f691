// The import of ONNX's element-wise ops, activations, Identity, Dropout and
// Constant (compiler/frontend/onnx_elementwise.h): the graph each becomes,
// with ONNX's defaults per opset, and whole models of them run with --verify.
// Refusals: tests/bad-inputs/onnx.
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <limits>

#include "compiler/passes/pipeline.h"
#include "tests/onnx/onnx_builders.h"
#include "tests/support/run_process.h"

using namespace tilesim;
using namespace tilesim::test;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// One node OP of input x [2, 3] giving y, with `setup` adding attributes or inputs.
template <class Setup>
ir::Graph one_node(const std::string& op, std::int64_t opset, Setup setup) {
  onnx::ModelProto m = new_model(opset);
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", {2, 3});
  setup(g, add_node(g, op, {"x"}, "y"));
  set_shape(g->add_output(), "y", {2, 3});
  ir::Graph graph;
  const std::string error = error_of(m, &graph);
  INFO(error);
  REQUIRE(error.empty());
  return graph;
}

void nothing(onnx::GraphProto*, onnx::NodeProto*) {}

std::string run_verify(const std::string& model, const std::string& kib) {
  const auto r = run_tilesim({"run", "--hw", std::string(TILESIM_SOURCE_DIR) + "/configs/hw/default.yaml", "--model",
                              model, "--set", "sram.size_kib=" + kib, "--verify"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  return r.out;
}

}  // namespace

TEST_CASE("onnx: b[1, N] + x@W is imported as written and fuses like x@W + b", "[onnx][elementwise]") {
  for (const bool bias_first : {true, false}) {
    INFO("bias first: " << bias_first);
    onnx::ModelProto m = new_model();
    auto* g = m.mutable_graph();
    set_shape(g->add_input(), "x", {4, 3});
    add_initializer(g, "w", {3, 5}, std::vector<float>(15, 0.5f));
    add_initializer(g, "b", {1, 5}, {1, 2, 3, 4, 5});
    add_node(g, "MatMul", {"x", "w"}, "h");
    add_node(g, "Add", bias_first ? std::vector<std::string>{"b", "h"} : std::vector<std::string>{"h", "b"}, "y");
    set_shape(g->add_output(), "y", {4, 5});
    ir::Graph graph;
    REQUIRE(error_of(m, &graph).empty());
    const ir::Op& add = producer(graph, "y");
    CHECK(add.kind == ir::OpKind::Add);
    CHECK(graph.tensors[add.inputs[0]].name == (bias_first ? "b" : "h"));  // the node's order, kept
    passes::run_default_passes(graph);
    const ir::Op& fused = producer(graph, "y");
    CHECK(fused.kind == ir::OpKind::FusedMatMul);
    CHECK(fused.has_bias);
    CHECK(graph.tensors[fused.inputs[2]].name == "b");
  }
}

TEST_CASE("onnx: Add, Sub, Mul, Max and Min broadcast both operands as numpy does", "[onnx][elementwise]") {
  onnx::ModelProto m = new_model();
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "col", {2, 4, 1});
  set_shape(g->add_input(), "row", {3, 1, 1, 5});
  for (const char* op : {"Add", "Sub", "Mul", "Max", "Min"}) {
    add_node(g, op, {"col", "row"}, std::string(op) + "_y");
    set_shape(g->add_output(), std::string(op) + "_y", {3, 2, 4, 5});
  }
  ir::Graph graph;
  const std::string error = error_of(m, &graph);
  INFO(error);
  REQUIRE(error.empty());
  const ir::OpKind kinds[] = {ir::OpKind::Add, ir::OpKind::Sub, ir::OpKind::Mul, ir::OpKind::Max, ir::OpKind::Min};
  int i = 0;
  for (const char* op : {"Add", "Sub", "Mul", "Max", "Min"}) {
    const ir::Op& o = producer(graph, std::string(op) + "_y");
    CHECK(o.kind == kinds[i++]);
    CHECK(ir::to_string(graph.tensors[o.output].shape) == "[3, 2, 4, 5]");
  }
}

TEST_CASE("onnx: activations take ONNX's default constants, or the node's", "[onnx][elementwise]") {
  const ir::Graph leaky = one_node("LeakyRelu", 13, nothing);
  CHECK(producer(leaky, "y").kind == ir::OpKind::LeakyRelu);
  CHECK(producer(leaky, "y").param[0] == 0.01f);
  const ir::Graph leaky3 = one_node("LeakyRelu", 13, [](auto*, auto* n) { set_float(n, "alpha", 0.3f); });
  CHECK(producer(leaky3, "y").param[0] == 0.3f);
  const ir::Graph hard = one_node("HardSigmoid", 6, nothing);
  CHECK(producer(hard, "y").kind == ir::OpKind::HardSigmoid);
  CHECK(producer(hard, "y").param[0] == 0.2f);
  CHECK(producer(hard, "y").param[1] == 0.5f);
  const ir::Graph hard2 = one_node("HardSigmoid", 13, [](auto*, auto* n) {
    set_float(n, "alpha", -1.0f);
    set_float(n, "beta", 0.25f);
  });
  CHECK(producer(hard2, "y").param[0] == -1.0f);
  CHECK(producer(hard2, "y").param[1] == 0.25f);
  CHECK(producer(one_node("Sigmoid", 6, nothing), "y").kind == ir::OpKind::Sigmoid);
  CHECK(producer(one_node("Tanh", 13, nothing), "y").kind == ir::OpKind::Tanh);
  CHECK(producer(one_node("HardSwish", 14, nothing), "y").kind == ir::OpKind::HardSwish);
  CHECK(producer(one_node("Relu", 1, nothing), "y").kind == ir::OpKind::Relu);
}

TEST_CASE("onnx: Clip's bounds: attributes before opset 11, constant inputs after, absent ones open",
          "[onnx][elementwise]") {
  const auto bounds = [](const ir::Graph& g) {
    const ir::Op& op = producer(g, "y");
    CHECK(op.kind == ir::OpKind::Clip);
    return std::pair{op.param[0], op.param[1]};
  };
  // Clip-1: absent bounds clip nothing; Clip-6: they default to -FLT_MAX and FLT_MAX.
  CHECK(bounds(one_node("Clip", 1, nothing)) == std::pair{-kInf, kInf});
  CHECK(bounds(one_node("Clip", 6, nothing)) == std::pair{-FLT_MAX, FLT_MAX});
  CHECK(bounds(one_node("Clip", 6, [](auto*, auto* n) { set_float(n, "min", 0.0f); })) == std::pair{0.0f, FLT_MAX});
  CHECK(bounds(one_node("Clip", 10, [](auto*, auto* n) {
          set_float(n, "min", -1.0f);
          set_float(n, "max", kInf);
        })) == std::pair{-1.0f, kInf});
  // Clip-11 on: ReLU6 as PyTorch exports it, bounds from initializers; "" is absent.
  CHECK(bounds(one_node("Clip", 13, [](auto* g, auto* n) {
          add_initializer(g, "lo", {}, {0.0f});
          add_initializer(g, "hi", {1}, {6.0f});
          n->add_input("lo");
          n->add_input("hi");
        })) == std::pair{0.0f, 6.0f});
  CHECK(bounds(one_node("Clip", 11, [](auto* g, auto* n) {
          add_initializer(g, "hi", {}, {6.0f});
          n->add_input("");
          n->add_input("hi");
        })) == std::pair{-kInf, 6.0f});
  CHECK(bounds(one_node("Clip", 12, nothing)) == std::pair{-kInf, kInf});
  // A bound from a Constant node is a constant too.
  CHECK(bounds(one_node("Clip", 13, [](auto* g, auto* n) {
          auto* c = add_node(g, "Constant", {}, "lo");
          set_float(c, "value_float", -2.5f);
          g->mutable_node()->SwapElements(0, 1);  // the Constant before the Clip
          n = g->mutable_node(1);
          n->add_input("lo");
        })) == std::pair{-2.5f, kInf});
}

TEST_CASE("onnx: a Clip bound known only at run time becomes max(x, min) and min(., max)", "[onnx][elementwise]") {
  const ir::Graph g = one_node("Clip", 13, [](auto* g, auto* n) {
    set_shape(g->add_input(), "lo", {});
    add_initializer(g, "hi", {}, {6.0f});
    n->add_input("lo");
    n->add_input("hi");
  });
  const ir::Op& min = producer(g, "y");
  CHECK(min.kind == ir::OpKind::Min);
  CHECK(g.tensors[min.inputs[1]].name == "hi");
  const ir::Op& max = producer(g, g.tensors[min.inputs[0]].name);
  CHECK(max.kind == ir::OpKind::Max);
  CHECK(g.tensors[max.inputs[0]].name == "x");
  CHECK(g.tensors[max.inputs[1]].name == "lo");
}

TEST_CASE("onnx: Max and Min fold any number of inputs, one input passes through", "[onnx][elementwise]") {
  onnx::ModelProto m = new_model();
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "a", {2, 3});
  set_shape(g->add_input(), "b", {3});
  set_shape(g->add_input(), "c", {});
  add_node(g, "Max", {"a", "b", "c"}, "m3");
  add_node(g, "Min", {"a"}, "m1");
  add_node(g, "Relu", {"m1"}, "r");
  set_shape(g->add_output(), "m3", {2, 3});
  set_shape(g->add_output(), "r", {2, 3});
  ir::Graph graph;
  REQUIRE(error_of(m, &graph).empty());
  const ir::Op& last = producer(graph, "m3");
  CHECK(last.kind == ir::OpKind::Max);
  CHECK(graph.tensors[last.inputs[1]].name == "c");
  const ir::Op& first = producer(graph, graph.tensors[last.inputs[0]].name);
  CHECK(first.kind == ir::OpKind::Max);
  CHECK(graph.tensors[first.inputs[0]].name == "a");
  CHECK(graph.tensors[first.inputs[1]].name == "b");
  CHECK(graph.tensors[producer(graph, "r").inputs[0]].name == "a");  // m1 is a second name of a
}

TEST_CASE("onnx: Identity and Dropout are a second name, or a copy when their output is a graph output",
          "[onnx][elementwise]") {
  onnx::ModelProto m = new_model(12);
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", {2, 3});
  add_node(g, "Identity", {"x"}, "i");
  auto* drop = add_node(g, "Dropout", {"i"}, "d");
  set_int(drop, "seed", 7);
  drop->add_output("mask");  // given, never read
  add_node(g, "Relu", {"d"}, "r");
  add_node(g, "Dropout", {"r"}, "y");
  set_shape(g->add_output(), "y", {2, 3});
  ir::Graph graph;
  REQUIRE(error_of(m, &graph).empty());
  CHECK(graph.tensors[producer(graph, "r").inputs[0]].name == "x");
  const ir::Op& copy = producer(graph, "y");
  CHECK(copy.kind == ir::OpKind::Scale);
  CHECK(copy.scale == 1.0f);
  CHECK(graph.tensors[copy.inputs[0]].name == "r");
}

TEST_CASE("onnx: Dropout-12's training_mode may be a constant false", "[onnx][elementwise]") {
  for (const bool raw : {false, true}) {
    onnx::ModelProto m = new_model(13);
    auto* g = m.mutable_graph();
    set_shape(g->add_input(), "x", {2, 3});
    auto* t = g->add_initializer();
    t->set_name("train");
    t->set_data_type(onnx::TensorProto_DataType_BOOL);
    if (raw) t->set_raw_data(std::string(1, '\0'));
    if (!raw) t->add_int32_data(0);
    add_initializer(g, "ratio", {}, {0.5f});
    add_node(g, "Dropout", {"x", "ratio", "train"}, "d");
    add_node(g, "Relu", {"d"}, "y");
    set_shape(g->add_output(), "y", {2, 3});
    ir::Graph graph;
    CHECK(error_of(m, &graph).empty());
    if (raw) t->set_raw_data(std::string(1, '\1'));
    if (!raw) t->set_int32_data(0, 1);
    CHECK(error_of(m) ==
          "test_model.onnx: node 'd_node' (Dropout): training_mode 'train' is true (expected training_mode absent or a "
          "constant false: tilesim runs inference)");
  }
}

TEST_CASE("onnx: Dropout's training_mode from a Constant node", "[onnx][elementwise]") {
  for (const bool training : {false, true}) {
    onnx::ModelProto m = new_model(13);
    auto* g = m.mutable_graph();
    set_shape(g->add_input(), "x", {2, 3});
    auto* c = add_node(g, "Constant", {}, "train");
    auto* value = c->add_attribute();
    value->set_name("value");
    value->set_type(onnx::AttributeProto_AttributeType_TENSOR);
    value->mutable_t()->set_data_type(onnx::TensorProto_DataType_BOOL);
    value->mutable_t()->add_int32_data(training ? 1 : 0);
    add_node(g, "Dropout", {"x", "", "train"}, "y");
    set_shape(g->add_output(), "y", {2, 3});
    CHECK(error_of(m) == (training ? "test_model.onnx: node 'y_node' (Dropout): training_mode 'train' is true "
                                     "(expected training_mode absent or a constant false: tilesim runs inference)"
                                   : ""));
  }
}

TEST_CASE("onnx: Constant values become params, a graph output gets a copy", "[onnx][elementwise]") {
  onnx::ModelProto m = new_model(13);
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", {2, 3});
  set_float(add_node(g, "Constant", {}, "s"), "value_float", 2.5f);
  auto* floats = add_node(g, "Constant", {}, "row");
  auto* list = floats->add_attribute();
  list->set_name("value_floats");
  list->set_type(onnx::AttributeProto_AttributeType_FLOATS);
  for (const float f : {1.0f, 2.0f, 3.0f}) list->add_floats(f);
  auto* tensor = add_node(g, "Constant", {}, "k");
  auto* value = tensor->add_attribute();
  value->set_name("value");
  value->set_type(onnx::AttributeProto_AttributeType_TENSOR);
  value->mutable_t()->set_data_type(onnx::TensorProto_DataType_FLOAT);
  value->mutable_t()->add_dims(2);
  value->mutable_t()->add_dims(1);
  value->mutable_t()->add_float_data(-1.0f);
  value->mutable_t()->add_float_data(4.0f);
  add_node(g, "Mul", {"x", "s"}, "a");
  add_node(g, "Add", {"a", "row"}, "b");
  add_node(g, "Sub", {"b", "k"}, "y");
  set_shape(g->add_output(), "y", {2, 3});
  set_shape(g->add_output(), "k", {2, 1});
  ir::Graph graph;
  const std::string error = error_of(m, &graph);
  INFO(error);
  REQUIRE(error.empty());
  const ir::Tensor& s = graph.tensors[graph.find("s")];
  CHECK(s.kind == ir::TensorKind::Param);
  CHECK(s.shape.rank == 0);
  CHECK(s.values == std::vector<float>{2.5f});
  CHECK(graph.tensors[graph.find("row")].values == std::vector<float>{1, 2, 3});
  // k is a graph output: the value is k.value, copied into k.
  const ir::Op& copy = producer(graph, "k");
  CHECK(copy.kind == ir::OpKind::Scale);
  CHECK(graph.tensors[copy.inputs[0]].name == "k.value");
  CHECK(graph.tensors[copy.inputs[0]].values == std::vector<float>{-1.0f, 4.0f});
  // A node reading the name k reads the graph output k, the copy (equal values).
  CHECK(graph.tensors[producer(graph, "y").inputs[1]].name == "k");
}

TEST_CASE("onnx: element-wise models compute right with --verify at every SRAM size", "[onnx][elementwise]") {
  // Broadcasts in both orders and on both sides, every activation, a runtime
  // Clip bound, and a matmul of two sigmoids whose K (40) is not a multiple
  // of 32: their padding must be zero (sigmoid(0) is 0.5).
  onnx::ModelProto m = new_model(14);
  auto* g = m.mutable_graph();
  g->set_name("eltwise");
  set_shape(g->add_input(), "x", {3, 40, 50});
  set_shape(g->add_input(), "col", {40, 1});
  set_shape(g->add_input(), "row", {50});
  set_shape(g->add_input(), "lo", {});
  set_shape(g->add_input(), "p", {70, 40});
  set_shape(g->add_input(), "q", {40, 33});
  add_initializer(g, "six", {}, {6.0f});
  add_node(g, "Mul", {"col", "x"}, "a");    // [40, 1] * [3, 40, 50]
  add_node(g, "Sub", {"row", "a"}, "b");    // [50] - [3, 40, 50]
  add_node(g, "Mul", {"col", "row"}, "o");  // [40, 1] * [50]: both grow
  add_node(g, "Max", {"b", "o"}, "c");
  set_float(add_node(g, "LeakyRelu", {"c"}, "d"), "alpha", 0.1f);
  add_node(g, "HardSwish", {"d"}, "e");
  add_node(g, "Tanh", {"e"}, "f");
  add_node(g, "HardSigmoid", {"f"}, "h");
  add_node(g, "Clip", {"d", "lo", "six"}, "k");  // a bound at run time
  add_node(g, "Clip", {"x", "", "six"}, "k2");
  add_node(g, "Sigmoid", {"p"}, "sp");
  add_node(g, "Sigmoid", {"q"}, "sq");
  add_node(g, "MatMul", {"sp", "sq"}, "mm");
  add_node(g, "Min", {"k", "k2"}, "y1");
  add_node(g, "Add", {"h", "y1"}, "y2");
  set_shape(g->add_output(), "y2", {3, 40, 50});
  set_shape(g->add_output(), "mm", {70, 33});
  write_model(m, "eltwise.onnx");
  for (const char* kib : {"16", "64", "8192"}) {
    INFO("SRAM " << kib << " KiB");
    const std::string out = run_verify("eltwise.onnx", kib);
    CHECK(out.find("verify y2:") != std::string::npos);
    CHECK(out.find("verify mm:") != std::string::npos);
    CHECK(out.find("BEYOND") == std::string::npos);
    const auto compiled =
        run_tilesim({"compile", "--hw", std::string(TILESIM_SOURCE_DIR) + "/configs/hw/default.yaml", "--model",
                     "eltwise.onnx", "--set", std::string("sram.size_kib=") + kib, "--validate"});
    CHECK(compiled.exit_code == 0);
    CHECK(compiled.err.empty());
  }
}
