// Constant folding at ONNX import (compiler/frontend/onnx_constant_folding.h):
// each folded op's exact values, per opset, as the param a computed op then
// reads; a PyTorch-style shape chain that imports as one reshape view of the
// computed tensor; and the exact refusal of every value out of range and of
// every op that only folds reading a computed tensor. Files:
// tests/bad-inputs/onnx (fold-*).
#include <catch2/catch.hpp>

#include <cmath>

#include "tests/onnx/onnx_builders.h"

using namespace tilesim;
using namespace tilesim::test;

namespace {

using Ints = std::vector<std::int64_t>;

// A model of opset `opset` with graph input x [1] (float) that adds the
// folded value under test to x: what it holds is then the param the Add reads.
struct Folding {
  explicit Folding(std::int64_t opset = 13) : m(new_model(opset)), g(m.mutable_graph()) {
    set_shape(g->add_input(), "x", {1});
  }

  void ints(const std::string& name, const Ints& dims, const Ints& values, int type = onnx::TensorProto::INT64) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    for (const auto d : dims) t->add_dims(d);
    for (const auto v : values) type == onnx::TensorProto::INT64 ? t->add_int64_data(v) : t->add_int32_data(v);
  }
  void floats(const std::string& name, const Ints& dims, const std::vector<float>& values) {
    add_initializer(g, name, dims, values);
  }
  onnx::NodeProto* node(const std::string& op, const std::vector<std::string>& inputs, const std::string& output) {
    return add_node(g, op, inputs, output);
  }

  // The dims and values of folded value `name` (cast to FLOAT when `cast`),
  // as the param that x + value reads.
  std::pair<Ints, std::vector<float>> value(const std::string& name, bool cast = true) {
    std::string read = name;
    if (cast) {
      set_int(node("Cast", {name}, name + ".f"), "to", onnx::TensorProto::FLOAT);
      read = name + ".f";
    }
    node("Add", {"x", read}, "y");
    auto* out = g->add_output();
    out->set_name("y");
    out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    ir::Graph graph;
    const std::string e = error_of(m, &graph);
    INFO(e);
    REQUIRE(e.empty());
    const ir::Tensor& t = graph.tensors[graph.find(read)];
    CHECK(t.kind == ir::TensorKind::Param);
    return {t.shape.dims(), t.values};
  }

  std::string error(const std::string& name) {
    node("Add", {"x", name}, "y");
    auto* out = g->add_output();
    out->set_name("y");
    out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    return error_of(m);
  }

  onnx::ModelProto m;
  onnx::GraphProto* g;
};

using Value = std::pair<Ints, std::vector<float>>;

const std::string kFile = "test_model.onnx: ";

}  // namespace

TEST_CASE("folding: Shape gives the dims, with start and end from opset 15", "[onnx][folding]") {
  Folding a;
  a.floats("w", {2, 3, 4}, std::vector<float>(24, 1.0f));
  a.node("Shape", {"w"}, "s");
  CHECK(a.value("s") == Value{{3}, {2, 3, 4}});
  for (const auto& [start, end, expected] :
       {std::tuple{1, 100, std::vector<float>{3, 4}}, std::tuple{-1, 3, std::vector<float>{4}},
        std::tuple{-10, -1, std::vector<float>{2, 3}}, std::tuple{0, 1, std::vector<float>{2}}}) {
    Folding b(15);
    b.floats("w", {2, 3, 4}, std::vector<float>(24, 1.0f));
    auto* n = b.node("Shape", {"w"}, "s");
    set_int(n, "start", start);
    set_int(n, "end", end);
    CHECK(b.value("s") == Value{{static_cast<std::int64_t>(expected.size())}, expected});
  }
  Folding c(13);
  set_int(c.node("Shape", {"x"}, "s"), "start", 1);
  CHECK(c.error("s") ==
        kFile + "node 's_node' (Shape): unknown attribute 'start' (expected no attributes for Shape in opset 13)");
}

TEST_CASE("folding: Shape of a computed tensor is its static dims", "[onnx][folding]") {
  Folding a;
  a.node("Relu", {"x"}, "r");
  a.node("Shape", {"r"}, "s");
  CHECK(a.value("s") == Value{{1}, {1}});
}

TEST_CASE("folding: Gather on any axis, with negative and 2-D indices", "[onnx][folding]") {
  Folding a;
  a.floats("d", {2, 3}, {0, 1, 2, 10, 11, 12});
  a.ints("i", {2, 2}, {-1, 0, 1, 2});
  set_int(a.node("Gather", {"d", "i"}, "y1"), "axis", 1);
  CHECK(a.value("y1", false) == Value{{2, 2, 2}, {2, 0, 1, 2, 12, 10, 11, 12}});
  Folding b;
  b.ints("d", {3}, {5, 6, 7});
  b.ints("i", {}, {-3});
  b.node("Gather", {"d", "i"}, "y1");
  CHECK(b.value("y1") == Value{{}, {5}});
  Folding c;
  c.ints("d", {3}, {5, 6, 7});
  c.ints("i", {2}, {1, 3});
  c.node("Gather", {"d", "i"}, "g");
  CHECK(c.error("g") == kFile +
                            "node 'g_node' (Gather): indices 'i' has 3 at position 1 for axis 0 of data [3] (expected "
                            "indices in [-3, 2])");
}

TEST_CASE("folding: Slice with negative starts, steps and axes, clamped, per opset", "[onnx][folding]") {
  Folding a;
  a.floats("d", {2, 5}, {0, 1, 2, 3, 4, 10, 11, 12, 13, 14});
  a.ints("st", {1}, {-1});
  a.ints("en", {1}, {std::numeric_limits<std::int64_t>::min()});
  a.ints("ax", {1}, {-1});
  a.ints("sp", {1}, {-2});
  a.node("Slice", {"d", "st", "en", "ax", "sp"}, "y1");
  CHECK(a.value("y1", false) == Value{{2, 3}, {4, 2, 0, 14, 12, 10}});
  Folding b;
  b.floats("d", {2, 5}, {0, 1, 2, 3, 4, 10, 11, 12, 13, 14});
  b.ints("st", {2}, {1, 1});
  b.ints("en", {2}, {1000, 3});
  b.node("Slice", {"d", "st", "en"}, "y1");
  CHECK(b.value("y1", false) == Value{{1, 2}, {11, 12}});
  Folding c(9);
  c.floats("d", {2, 5}, {0, 1, 2, 3, 4, 10, 11, 12, 13, 14});
  auto* n = c.node("Slice", {"d"}, "y1");
  set_ints(n, "starts", {-3});
  set_ints(n, "ends", {-1});
  set_ints(n, "axes", {1});
  CHECK(c.value("y1", false) == Value{{2, 2}, {2, 3, 12, 13}});
  Folding d;
  d.floats("d", {5}, {0, 1, 2, 3, 4});
  d.ints("st", {1}, {0});
  d.ints("en", {1}, {5});
  d.ints("ax", {1}, {0});
  d.ints("sp", {1}, {0});
  d.node("Slice", {"d", "st", "en", "ax", "sp"}, "s");
  CHECK(d.error("s") == kFile + "node 's_node' (Slice): steps [0] has a step of 0 (expected steps other than 0)");
}

TEST_CASE("folding: Split by sizes (attribute, then input), equal parts and num_outputs", "[onnx][folding]") {
  Folding a(11);
  a.floats("d", {5}, {0, 1, 2, 3, 4});
  auto* n = a.node("Split", {"d"}, "p0");
  n->add_output("p1");
  set_ints(n, "split", {2, 3});
  CHECK(a.value("p1", false) == Value{{3}, {2, 3, 4}});
  Folding b;
  b.floats("d", {2, 2}, {0, 1, 2, 3});
  auto* m = b.node("Split", {"d"}, "p0");
  m->add_output("p1");
  set_int(m, "axis", -1);
  CHECK(b.value("p1", false) == Value{{2, 1}, {1, 3}});
  Folding c(18);
  c.floats("d", {5}, {0, 1, 2, 3, 4});
  auto* k = c.node("Split", {"d"}, "p0");
  k->add_output("p1");
  set_int(k, "num_outputs", 2);
  CHECK(c.value("p1", false) == Value{{2}, {3, 4}});
  Folding d;
  d.floats("d", {5}, {0, 1, 2, 3, 4});
  d.ints("sz", {2}, {2, 2});
  d.node("Split", {"d", "sz"}, "p0")->add_output("p1");
  CHECK(d.error("p1") == kFile +
                             "node 'p0_node' (Split): split [2, 2] for 2 outputs and axis 0 of [5] (expected one size "
                             "per output, adding up to 5)");
}

TEST_CASE("folding: Expand broadcasts both ways, Cast truncates and refuses what does not fit", "[onnx][folding]") {
  Folding a;
  a.floats("d", {3, 1}, {1, 2, 3});
  a.ints("s", {3}, {2, 1, 2});
  a.node("Expand", {"d", "s"}, "e");
  CHECK(a.value("e", false) == Value{{2, 3, 2}, {1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}});
  Folding b;
  b.floats("d", {4}, {-2.7f, 2.7f, 0.0f, 1e9f});
  set_int(b.node("Cast", {"d"}, "c"), "to", onnx::TensorProto::INT64);
  CHECK(b.value("c") == Value{{4}, {-2, 2, 0, 1e9f}});
  Folding c;
  c.floats("d", {2}, {1.0f, NAN});
  set_int(c.node("Cast", {"d"}, "c"), "to", onnx::TensorProto::INT32);
  CHECK(c.error("c") ==
        kFile + "node 'c_node' (Cast): input 'd' holds nan at position 1 (expected values INT32 can hold)");
  Folding d;
  d.floats("d", {2}, {1, 2});
  d.ints("s", {1}, {3});
  d.node("Expand", {"d", "s"}, "e");
  CHECK(d.error("e") ==
        kFile +
            "node 'e_node' (Expand): shape [3] does not broadcast with input [2] (expected a shape that "
            "broadcasts with the input (NumPy's rule))");
}

TEST_CASE("folding: ConstantOfShape and Range, and their refusals before any allocation", "[onnx][folding]") {
  Folding a;
  a.ints("s", {2}, {2, 3});
  onnx::TensorProto seven;
  seven.set_data_type(onnx::TensorProto::INT64);
  seven.add_dims(1);
  seven.add_int64_data(7);
  auto* n = a.node("ConstantOfShape", {"s"}, "c");
  auto* attr = n->add_attribute();
  attr->set_name("value");
  attr->set_type(onnx::AttributeProto::TENSOR);
  *attr->mutable_t() = seven;
  CHECK(a.value("c") == Value{{2, 3}, std::vector<float>(6, 7.0f)});
  Folding b;
  b.ints("s", {3}, {1 << 20, 1 << 20, 1 << 20});
  b.node("ConstantOfShape", {"s"}, "c");
  CHECK(b.error("c") == kFile +
                            "node 'c_node' (ConstantOfShape): tensor 'c' of shape [1048576, 1048576, 1048576] pads to "
                            "[1048576, 1048576, 1048576] = 1152921504606846976 elements (expected at most 2147483648 "
                            "(2^31) elements per padded tensor)");
  Folding c;
  c.ints("a", {}, {10});
  c.ints("l", {}, {3});
  c.ints("d", {}, {-3});
  c.node("Range", {"a", "l", "d"}, "r");
  CHECK(c.value("r") == Value{{3}, {10, 7, 4}});
  Folding d;
  d.floats("a", {}, {1.0f});
  d.floats("l", {}, {2.0f});
  d.floats("d", {}, {0.25f});
  d.node("Range", {"a", "l", "d"}, "r");
  CHECK(d.value("r", false) == Value{{4}, {1.0f, 1.25f, 1.5f, 1.75f}});
  Folding e;
  e.ints("a", {}, {0});
  e.ints("l", {}, {5});
  e.ints("d", {}, {0});
  e.node("Range", {"a", "l", "d"}, "r");
  CHECK(e.error("r") == kFile + "node 'r_node' (Range): delta 'd' is 0 (expected a delta other than 0)");
  Folding f;
  f.ints("a", {}, {0});
  f.ints("l", {}, {std::numeric_limits<std::int64_t>::max()});
  f.ints("d", {}, {1});
  f.node("Range", {"a", "l", "d"}, "r");
  CHECK(f.error("r") == kFile +
                            "node 'r_node' (Range): tensor 'r' of shape [9223372036854775807] pads to [1, "
                            "9223372036854775808] = 9223372036854775808 elements (expected at most 2147483648 (2^31) "
                            "elements per padded tensor)");
}

TEST_CASE("folding: a causal mask from Range, Less and Where, and integer Div truncates", "[onnx][folding]") {
  Folding a;
  a.ints("zero", {}, {0});
  a.ints("n", {}, {3});
  a.ints("one", {}, {1});
  a.ints("ax0", {1}, {0});
  a.ints("ax1", {1}, {1});
  a.floats("keep", {}, {0.0f});
  a.floats("drop", {}, {-1e9f});
  a.node("Range", {"zero", "n", "one"}, "i");
  a.node("Unsqueeze", {"i", "ax0"}, "row");
  a.node("Unsqueeze", {"i", "ax1"}, "col");
  a.node("Less", {"col", "row"}, "future");
  a.node("Where", {"future", "drop", "keep"}, "mask");
  CHECK(a.value("mask", false) == Value{{3, 3}, {0, -1e9f, -1e9f, 0, 0, -1e9f, 0, 0, 0}});
  Folding b;
  b.ints("a", {4}, {7, -7, 6, 64});
  b.ints("b", {4}, {2, 2, -4, 4});
  b.node("Div", {"a", "b"}, "q");
  CHECK(b.value("q") == Value{{4}, {3, -3, -1, 16}});
  Folding c;
  c.ints("a", {2}, {7, 8});
  c.ints("b", {}, {0});
  c.node("Div", {"a", "b"}, "q");
  CHECK(c.error("q") == kFile +
                            "node 'q_node' (Div): 7 Div 0 divides by 0 (expected integer arithmetic with an exact "
                            "INT64 result)");
  Folding d;
  d.ints("a", {3}, {1, 2, 3});
  d.ints("b", {}, {2}, onnx::TensorProto::INT32);
  d.node("Equal", {"a", "b"}, "e");
  CHECK(d.error("e") == kFile +
                            "node 'e_node' (Equal): A has data type INT64 and B INT32 (expected A and B of one type: "
                            "FLOAT, INT64 or INT32 or BOOL)");
}

TEST_CASE("folding: PyTorch's Shape, Gather, Unsqueeze, Concat, Reshape chain is one view of the computed tensor",
          "[onnx][folding]") {
  onnx::ModelProto m = new_model(13);
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", {4, 2, 8});
  add_node(g, "Relu", {"x"}, "h");
  add_node(g, "Shape", {"h"}, "s");
  auto* zero = g->add_initializer();
  zero->set_name("zero");
  zero->set_data_type(onnx::TensorProto::INT64);
  zero->add_int64_data(0);
  auto* axes = g->add_initializer();
  axes->set_name("axes");
  axes->set_data_type(onnx::TensorProto::INT64);
  axes->add_dims(1);
  axes->add_int64_data(0);
  auto* rest = g->add_initializer();
  rest->set_name("rest");
  rest->set_data_type(onnx::TensorProto::INT64);
  rest->add_dims(1);
  rest->add_int64_data(-1);
  set_int(add_node(g, "Gather", {"s", "zero"}, "b"), "axis", 0);
  add_node(g, "Unsqueeze", {"b", "axes"}, "bu");
  set_int(add_node(g, "Concat", {"bu", "rest"}, "target"), "axis", 0);
  add_node(g, "Reshape", {"h", "target"}, "r");
  add_node(g, "Relu", {"r"}, "y");
  set_shape(g->add_output(), "y", {4, 16});
  ir::Graph graph;
  REQUIRE(error_of(m, &graph).empty());
  REQUIRE(graph.ops.size() == 3);  // Relu, the reshape's view, Relu
  const ir::Op& view = producer(graph, "r");
  CHECK(view.kind == ir::OpKind::Relayout);
  CHECK(graph.tensors[view.inputs[0]].name == "h");
  CHECK(graph.tensors[graph.find("r")].shape.dims() == Ints{4, 16});
  CHECK(graph.find("s") == ir::kNone);  // shape values are no tensors
}

TEST_CASE("folding: an op that only folds refuses a computed tensor or graph input, naming it", "[onnx][folding]") {
  Folding a;
  a.node("Relu", {"x"}, "r");
  a.ints("sh", {2}, {2, 3});
  a.node("Expand", {"r", "sh"}, "s");  // (Slice of a computed tensor is a view: test_onnx_select.cpp)
  CHECK(a.error("s") == kFile +
                            "node 's_node' (Expand): input 'r' is computed by the graph (expected a constant: Expand "
                            "of a computed tensor is not supported yet)");
  Folding b;
  set_int(b.node("Cast", {"x"}, "c"), "to", onnx::TensorProto::FLOAT);
  CHECK(b.error("c") == kFile +
                            "node 'c_node' (Cast): input 'x' is a graph input (expected a constant: Cast of a graph "
                            "input is not supported yet)");
  Folding c;
  c.floats("d", {3}, {1, 2, 3});
  c.node("Relu", {"x"}, "r");
  c.node("Expand", {"d", "r"}, "e");
  CHECK(c.error("e") == kFile +
                            "node 'e_node' (Expand): shape 'r' is computed by the graph (expected a constant shape (an "
                            "initializer, a Constant or folded from them))");
}

TEST_CASE("folding: a folded graph output is a copy of its FLOAT value, of another type it is refused",
          "[onnx][folding]") {
  onnx::ModelProto m = new_model(13);
  auto* g = m.mutable_graph();
  add_initializer(g, "d", {4}, {1, 2, 3, 4});
  auto* st = g->add_initializer();
  st->set_name("st");
  st->set_data_type(onnx::TensorProto::INT64);
  st->add_dims(1);
  st->add_int64_data(2);
  auto* en = g->add_initializer();
  *en = *st;
  en->set_name("en");
  en->set_int64_data(0, 4);
  add_node(g, "Slice", {"d", "st", "en"}, "y");
  set_shape(g->add_output(), "y", {2});
  ir::Graph graph;
  REQUIRE(error_of(m, &graph).empty());
  const ir::Op& copy = producer(graph, "y");
  CHECK(copy.kind == ir::OpKind::Scale);
  CHECK(graph.tensors[copy.inputs[0]].values == std::vector<float>{3, 4});
  onnx::ModelProto n = new_model(13);
  set_shape(n.mutable_graph()->add_input(), "x", {2, 3});
  add_node(n.mutable_graph(), "Shape", {"x"}, "y");
  set_shape(n.mutable_graph()->add_output(), "y", {2});
  CHECK(error_of(n) ==
        kFile + "node 'y_node' (Shape): its value, a graph output, has data type INT64 (expected FLOAT)");
}

TEST_CASE("folding: Reshape, Squeeze, Unsqueeze and Concat of constants keep the values, Cast-1 names its type",
          "[onnx][folding]") {
  Folding a;
  a.ints("d", {1, 2, 3}, {1, 2, 3, 4, 5, 6});
  a.ints("s", {3}, {3, 0, -1});
  a.node("Reshape", {"d", "s"}, "r");
  CHECK(a.value("r") == Value{{3, 2, 1}, {1, 2, 3, 4, 5, 6}});
  Folding b;
  b.ints("d", {2, 1}, {7, 8});
  b.ints("e", {2, 2}, {1, 2, 3, 4});
  b.ints("ax", {1}, {-1});
  set_int(b.node("Concat", {"d", "e"}, "c"), "axis", 1);
  b.node("Squeeze", {"d", "ax"}, "q");
  b.node("Unsqueeze", {"q", "ax"}, "u");
  set_int(b.node("Concat", {"c", "u"}, "cc"), "axis", -1);
  CHECK(b.value("cc") == Value{{2, 4}, {7, 1, 2, 7, 8, 3, 4, 8}});
  Folding c(1);
  c.ints("d", {1}, {-3});
  auto* n = c.node("Cast", {"d"}, "f");
  auto* to = n->add_attribute();
  to->set_name("to");
  to->set_type(onnx::AttributeProto::STRING);
  to->set_s("FLOAT");
  CHECK(c.value("f", false) == Value{{1}, {-3}});
}

TEST_CASE("folding: Equal, Greater and Where broadcast; BOOL casts to 0 and 1", "[onnx][folding]") {
  Folding a;
  a.ints("a", {2, 1}, {1, 5});
  a.ints("b", {3}, {1, 2, 5});
  a.node("Equal", {"a", "b"}, "eq");
  a.node("Greater", {"a", "b"}, "gt");
  a.floats("one", {}, {1.0f});
  a.floats("minus", {3}, {-1, -2, -3});
  a.node("Where", {"gt", "one", "minus"}, "w");
  a.node("Equal", {"eq", "gt"}, "both");  // BOOLs compare too
  set_int(a.node("Cast", {"both"}, "bf"), "to", onnx::TensorProto::FLOAT);
  a.node("Add", {"w", "bf"}, "sum");
  CHECK(a.value("sum", false) == Value{{2, 3}, {-1, -2 + 1, -3 + 1, 1, 1, -3}});
}
