// Loading the shipped models: tensors, shapes, kinds, producers/users and a
// topological order; the Graph API on hand-built graphs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "compiler/frontend/model_loader.h"
#include "compiler/ir/graph.h"
#include "compiler/support/input_error.h"

using tilesim::frontend::load_model;
using tilesim::frontend::parse_model;
using namespace tilesim::ir;

namespace {

const std::string kModels = std::string(TILESIM_SOURCE_DIR) + "/configs/models/";

const Tensor& tensor(const Graph& g, const std::string& name) {
  const TensorId id = g.find(name);
  REQUIRE(id != kNone);
  return g.tensors[id];
}

std::string shape_of(const Graph& g, const std::string& name) { return to_string(tensor(g, name).shape); }

// Every live op comes after the producers of its inputs.
void check_topological(const Graph& g, const std::vector<OpId>& order) {
  CHECK(order.size() == g.live_ops().size());
  std::vector<int> position(g.ops.size(), -1);
  for (std::size_t i = 0; i < order.size(); ++i) position[order[i]] = static_cast<int>(i);
  for (OpId op : order) {
    for (TensorId t : g.ops[op].inputs) {
      const OpId producer = g.tensors[t].producer;
      if (producer != kNone) CHECK(position[producer] < position[op]);
    }
  }
}

std::vector<std::string> output_names(const Graph& g, const std::vector<OpId>& order) {
  std::vector<std::string> names;
  for (OpId op : order) names.push_back(g.tensors[g.ops[op].output].name);
  return names;
}

}  // namespace

TEST_CASE("mlp.yaml: the seed's default MLP", "[frontend]") {
  const Graph g = load_model(kModels + "mlp.yaml");
  CHECK(g.name == "mlp");
  CHECK(g.source == kModels + "mlp.yaml");
  CHECK(g.tensors.size() == 9);
  CHECK(g.ops.size() == 5);
  CHECK(shape_of(g, "x") == "[128, 128]");
  CHECK(shape_of(g, "w1") == "[128, 64]");
  CHECK(shape_of(g, "h1") == "[128, 64]");
  CHECK(shape_of(g, "a2") == "[128, 32]");
  CHECK(shape_of(g, "y") == "[128, 32]");
  CHECK(tensor(g, "x").kind == TensorKind::Input);
  CHECK(tensor(g, "w3").kind == TensorKind::Param);
  CHECK(tensor(g, "h2").kind == TensorKind::Intermediate);
  CHECK(tensor(g, "y").kind == TensorKind::Output);
  CHECK(g.outputs == std::vector<TensorId>{g.find("y")});
  CHECK(tensor(g, "x").line == 6);
  CHECK(tensor(g, "h1").line == 12);
  CHECK(g.ops[0].line == 12);
  CHECK(g.ops[0].kind == OpKind::MatMul);
  CHECK(g.ops[1].kind == OpKind::Relu);
  CHECK(tensor(g, "h1").producer == 0);
  CHECK(tensor(g, "h1").users == std::vector<OpId>{1});
  CHECK(tensor(g, "x").producer == kNone);
  CHECK(!g.is_tiled());
  const auto order = g.topological_order();
  CHECK(order == std::vector<OpId>{0, 1, 2, 3, 4});
  check_topological(g, order);
}

TEST_CASE("mlp-large.yaml: batch 256, three 1024x1024 layers", "[frontend]") {
  const Graph g = load_model(kModels + "mlp-large.yaml");
  CHECK(shape_of(g, "x") == "[256, 1024]");
  for (const char* w : {"w1", "w2", "w3"}) CHECK(shape_of(g, w) == "[1024, 1024]");
  CHECK(shape_of(g, "y") == "[256, 1024]");
  CHECK(g.ops.size() == 5);
  check_topological(g, g.topological_order());
}

TEST_CASE("mlp-bias.yaml: biases, ops listed out of order", "[frontend]") {
  const Graph g = load_model(kModels + "mlp-bias.yaml");
  CHECK(shape_of(g, "b1") == "[96]");
  CHECK(tensor(g, "b1").shape.rank == 1);
  CHECK(tensor(g, "b1").shape.rows == 1);
  CHECK(tensor(g, "b1").shape.cols == 96);
  CHECK(shape_of(g, "h1b") == "[64, 96]");
  CHECK(shape_of(g, "logits") == "[64, 10]");
  CHECK(tensor(g, "logits").kind == TensorKind::Output);
  const auto order = g.topological_order();
  check_topological(g, order);
  CHECK(output_names(g, order) == std::vector<std::string>{"h1", "h1b", "a1", "h2", "logits"});
}

TEST_CASE("odd-shapes.yaml: [c] + [r, c] keeps the file's operand order", "[frontend]") {
  const Graph g = load_model(kModels + "odd-shapes.yaml");
  CHECK(shape_of(g, "h1") == "[100, 77]");
  CHECK(shape_of(g, "h2b") == "[100, 45]");
  CHECK(shape_of(g, "y") == "[100, 3]");
  const Op& add = g.ops[tensor(g, "h2b").producer];
  REQUIRE(add.kind == OpKind::Add);
  CHECK(add.inputs == std::vector<TensorId>{g.find("b2"), g.find("h2")});
  check_topological(g, g.topological_order());
}

TEST_CASE("activations.yaml: every element-wise op, its constants and broadcast shapes", "[frontend]") {
  const Graph g = load_model(kModels + "activations.yaml");
  const auto op = [&](const std::string& name) -> const Op& { return g.ops[tensor(g, name).producer]; };
  CHECK(op("a1").kind == OpKind::Clip);
  CHECK(op("a1").param[0] == 0.0f);
  CHECK(op("a1").param[1] == 6.0f);
  CHECK(op("l2").kind == OpKind::LeakyRelu);
  CHECK(op("l2").param[0] == 0.1f);
  CHECK(op("hg").kind == OpKind::HardSigmoid);
  CHECK(op("hg").param[0] == 0.25f);
  CHECK(op("hg").param[1] == 0.4f);
  CHECK(op("g").kind == OpKind::Sigmoid);
  CHECK(op("t").kind == OpKind::Tanh);
  CHECK(op("hs").kind == OpKind::HardSwish);
  CHECK(op("mx").kind == OpKind::Max);
  CHECK(op("y1").kind == OpKind::Min);
  CHECK(op("d2").kind == OpKind::Sub);
  CHECK(op("d2").inputs == std::vector<TensorId>{g.find("shift"), g.find("h2")});  // [1, 40] - [64, 40]
  CHECK(shape_of(g, "d2") == "[64, 40]");
  CHECK(shape_of(g, "m1") == "[64, 48]");     // [64, 48] * [64, 1]
  CHECK(shape_of(g, "outer") == "[64, 40]");  // [64, 1] * [1, 40]: both grow
  CHECK(shape_of(g, "y") == "[64, 24]");      // [64, 24] max [1]
}

TEST_CASE("constants take ONNX's defaults when left out", "[frontend]") {
  const Graph g = parse_model(
      "name: d\ninputs: {x: [4, 8]}\n"
      "ops:\n"
      "  - {op: clip, inputs: [x], output: a}\n"
      "  - {op: clip, inputs: [a], output: b, max: 6}\n"
      "  - {op: leaky_relu, inputs: [b], output: c}\n"
      "  - {op: hard_sigmoid, inputs: [c], output: y}\n"
      "outputs: [y]\n",
      "d.yaml");
  const auto op = [&](const std::string& name) -> const Op& { return g.ops[tensor(g, name).producer]; };
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(op("a").param[0] == -inf);
  CHECK(op("a").param[1] == inf);
  CHECK(op("b").param[0] == -inf);
  CHECK(op("b").param[1] == 6.0f);
  CHECK(op("c").param[0] == 0.01f);
  CHECK(op("y").param[0] == 0.2f);
  CHECK(op("y").param[1] == 0.5f);
}

TEST_CASE("residual.yaml: two outputs, a tensor with two users", "[frontend]") {
  const Graph g = load_model(kModels + "residual.yaml");
  CHECK(g.outputs == std::vector<TensorId>{g.find("y"), g.find("y_relu")});
  CHECK(tensor(g, "y").kind == TensorKind::Output);
  CHECK(tensor(g, "y").users.size() == 1);
  CHECK(tensor(g, "h1").users.size() == 2);
  CHECK(shape_of(g, "skip") == "[96, 64]");
  CHECK(shape_of(g, "y_relu") == "[96, 16]");
  check_topological(g, g.topological_order());
}

TEST_CASE("ops in reverse order get a topological order", "[frontend]") {
  const Graph g = parse_model(
      "name: rev\ninputs: {x: [4, 8]}\nparams: {w: [8, 8]}\n"
      "ops:\n"
      "  - {op: relu, inputs: [c], output: d}\n"
      "  - {op: relu, inputs: [b], output: c}\n"
      "  - {op: matmul, inputs: [a, w], output: b}\n"
      "  - {op: matmul, inputs: [x, w], output: a}\n"
      "outputs: [d]\n",
      "rev.yaml");
  const auto order = g.topological_order();
  CHECK(output_names(g, order) == std::vector<std::string>{"a", "b", "c", "d"});
}

TEST_CASE("aliases and an unused intermediate are accepted", "[frontend]") {
  const Graph g = parse_model(
      "name: alias\ninputs: {x: &square [64, 64]}\nparams: {w: *square}\n"
      "ops:\n"
      "  - {op: matmul, inputs: [x, w], output: y}\n"
      "  - {op: relu, inputs: [x], output: unused}\n"
      "outputs: [y]\n",
      "alias.yaml");
  CHECK(shape_of(g, "w") == "[64, 64]");
  CHECK(tensor(g, "unused").kind == TensorKind::Intermediate);
  CHECK(tensor(g, "unused").users.empty());
}

TEST_CASE("names may use letters, digits and _ . : / -", "[frontend]") {
  const Graph g = parse_model(
      "name: names\ninputs: {layer.0/in:x-1_a: [3, 5]}\n"
      "ops: [{op: relu, inputs: [layer.0/in:x-1_a], output: out/y}]\noutputs: [out/y]\n",
      "names.yaml");
  CHECK(g.find("layer.0/in:x-1_a") == 0);
  CHECK(shape_of(g, "out/y") == "[3, 5]");
}

TEST_CASE("rank-1 tensors: [c] + [c] stays rank 1, relu keeps the rank", "[frontend]") {
  const Graph g = parse_model(
      "name: r1\ninputs: {a: [40]}\nparams: {b: [40]}\n"
      "ops:\n  - {op: add, inputs: [a, b], output: s}\n  - {op: relu, inputs: [s], output: y}\n"
      "outputs: [y]\n",
      "r1.yaml");
  CHECK(shape_of(g, "y") == "[40]");
  CHECK(tensor(g, "y").shape.rank == 1);
}

TEST_CASE("Graph API: find, add_tensor, add_op, relink, to_string", "[frontend][ir]") {
  Graph g;
  g.source = "hand.yaml";
  Tensor a;
  a.name = "a";
  a.shape = Shape::from_dims({2, 3});
  a.kind = TensorKind::Input;
  const TensorId ta = g.add_tensor(a);
  Tensor b;
  b.name = "b";
  b.shape = Shape::from_dims({2, 3});
  b.line = 4;
  const TensorId tb = g.add_tensor(b);
  CHECK(g.find("a") == ta);
  CHECK(g.find("b") == tb);
  CHECK(g.find("nope") == kNone);

  Op relu;
  relu.kind = OpKind::Relu;
  relu.inputs = {ta};
  relu.output = tb;
  const OpId op = g.add_op(relu);
  CHECK(g.tensors[tb].producer == op);
  CHECK(g.tensors[ta].users == std::vector<OpId>{op});
  CHECK_THROWS_AS(g.add_op(relu), std::logic_error);  // b already has a producer

  g.ops[op].dead = true;
  g.relink();
  CHECK(g.tensors[tb].producer == kNone);
  CHECK(g.tensors[ta].users.empty());
  CHECK(g.topological_order().empty());

  CHECK(to_string(Shape::from_dims({96})) == "[96]");
  CHECK(to_string(Shape::from_dims({128, 784})) == "[128, 784]");
  CHECK(std::string(to_string(TensorKind::Param)) == "param");
  CHECK(std::string(to_string(OpKind::FusedMatMul)) == "fused_matmul");
  CHECK(pad_to_tile(1) == 32);
  CHECK(pad_to_tile(32) == 32);
  CHECK(pad_to_tile(33) == 64);
}

TEST_CASE("a cycle in a hand-built graph names a tensor on it", "[frontend][ir]") {
  Graph g;
  g.source = "hand.yaml";
  for (const char* name : {"p", "q", "r"}) {
    Tensor t;
    t.name = name;
    t.shape = Shape::from_dims({4, 4});
    t.line = 10 + static_cast<int>(g.tensors.size());
    g.add_tensor(t);
  }
  // r = relu(q); q = relu(p); p = relu(q): p and q form the cycle.
  for (auto [in, out] : {std::pair{1, 2}, std::pair{0, 1}, std::pair{1, 0}}) {
    Op op;
    op.kind = OpKind::Relu;
    op.inputs = {in};
    op.output = out;
    g.add_op(op);
  }
  try {
    g.topological_order();
    FAIL("no cycle reported");
  } catch (const tilesim::InputError& e) {
    CHECK(std::string(e.what()) ==
          "hand.yaml:11: ops: cycle through tensor 'q': q -> p -> q (expected an acyclic graph)");
  }
}

TEST_CASE("cnn.yaml: image shapes and layouts as the ONNX import gives them", "[frontend][images]") {
  const Graph g = load_model(kModels + "cnn.yaml");
  CHECK(tensor(g, "x").shape.layout == Layout::Nchw);  // a conv reads it first
  CHECK(tensor(g, "x").shape.cols == 16 * 16);         // N matrices [C, H*W]
  CHECK(tensor(g, "w1").shape.layout == Layout::ConvWeight);
  CHECK(tensor(g, "w1").shape.rows == 3 * 3 * 3);  // [KH*KW*C, OC]
  CHECK(shape_of(g, "c1") == "[1, 8, 16, 16]");
  CHECK(tensor(g, "c1").shape.layout == Layout::Nhwc);
  CHECK(shape_of(g, "a1") == "[1, 8, 16, 16]");
  CHECK(shape_of(g, "p1") == "[1, 8, 8, 8]");
  CHECK(shape_of(g, "c2") == "[1, 16, 7, 7]");
  CHECK(shape_of(g, "p2") == "[1, 16, 4, 4]");  // ceil_mode: 7 -> 4
  CHECK(tensor(g, "f").shape.layout == Layout::Matrix);
  CHECK(shape_of(g, "f") == "[1, 256]");
  CHECK(g.ops[tensor(g, "f").producer].kind == OpKind::Relayout);
  CHECK(shape_of(g, "y") == "[1, 10]");
  const Op& conv = g.ops[tensor(g, "c1").producer];
  CHECK(conv.kind == OpKind::Conv);
  CHECK(conv.inputs.size() == 3);
  CHECK(conv.window.pad_top == 1);
  CHECK(conv.window.pad_right == 1);
  CHECK(conv.line == 17);
  const Op& avg = g.ops[tensor(g, "p2").producer];
  CHECK(avg.kind == OpKind::AveragePool);
  CHECK(avg.window.ceil_mode);
  CHECK_FALSE(avg.window.count_include_pad);
  CHECK(avg.window.stride_h == 2);
}

TEST_CASE("image ops: an image output is copied to nchw; defaults as ONNX", "[frontend][images]") {
  const Graph g = parse_model(R"(name: m
inputs: {x: [2, 4, 9, 9]}
params: {w: [6, 2, 3, 3]}
ops:
  - {op: conv, inputs: [x, w], output: c, group: 2}
  - {op: flatten, inputs: [c], output: f, axis: -2}
  - {op: reshape, inputs: [c], output: r, shape: [0, -1, 7]}
  - {op: global_max_pool, inputs: [c], output: g}
outputs: [c, f, r, g]
)",
                              "m.yaml");
  const Op& conv = g.ops[tensor(g, "c.nhwc").producer];
  CHECK(conv.window.group == 2);
  CHECK(conv.window.stride_h == 1);
  CHECK(conv.window.dilation_w == 1);
  CHECK(conv.window.pad_bottom == 0);
  CHECK(tensor(g, "w").shape.groups == 2);
  // c: the conv's nhwc result, then an nchw view of it, stored by a copy.
  CHECK(tensor(g, "c").kind == TensorKind::Output);
  CHECK(tensor(g, "c").shape.layout == Layout::Nchw);
  CHECK(g.ops[tensor(g, "c").producer].kind == OpKind::Scale);
  CHECK(shape_of(g, "f") == "[12, 49]");  // c [2, 6, 7, 7] at axis -2: [2*6, 7*7]
  CHECK(shape_of(g, "r") == "[2, 42, 7]");
  CHECK(shape_of(g, "g") == "[2, 6, 1, 1]");
  const Op& pool = g.ops[tensor(g, "g.nhwc").producer];
  CHECK(pool.kind == OpKind::MaxPool);
  CHECK(pool.window.kernel_h == 7);
  CHECK(pool.window.kernel_w == 7);
}

TEST_CASE("image ops: a pool of a reshaped tensor reads a copy, never a view", "[frontend][images]") {
  // The im2col the pool lowers to gathers from storage (as ONNX's
  // Unsqueeze -> AveragePool does): the reshape's view is copied first.
  const Graph g = parse_model(R"(name: m
inputs: {x: [2, 3, 16]}
ops:
  - {op: reshape, inputs: [x], output: r, shape: [2, 3, 4, 4]}
  - {op: max_pool, inputs: [r], output: y, kernel: [2, 2]}
outputs: [y]
)",
                              "m.yaml");
  const Op& pool = g.ops[tensor(g, "y.nhwc").producer];
  const Tensor& in = g.tensors[pool.inputs[0]];
  CHECK(in.name == "r.copy");
  CHECK(g.ops[in.producer].kind == OpKind::Scale);
  CHECK(g.ops[tensor(g, "r").producer].kind == OpKind::Relayout);
}
