// The import of ONNX Reshape, Squeeze and Unsqueeze
// (compiler/frontend/onnx_shape_ops.h): the dims each gives, the relayout view
// it becomes (one view of the stored tensor, however many reshapes), and the
// exact refusal of every value out of range. Files: tests/bad-inputs/onnx.
#include <catch2/catch.hpp>

#include "tests/onnx/onnx_builders.h"

using namespace tilesim;
using namespace tilesim::test;

namespace {

void add_ints(onnx::GraphProto* g, const std::string& name, const std::vector<std::int64_t>& values) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto_DataType_INT64);
  t->add_dims(static_cast<std::int64_t>(values.size()));
  for (const std::int64_t v : values) t->add_int64_data(v);
}

// x of `dims` through one OP node reading the INT64 initializer "s" of
// `values` (when given), output y; returns the error or "" with *graph set.
std::string one_node(const std::string& op, const std::vector<std::int64_t>& dims,
                     const std::optional<std::vector<std::int64_t>>& values, ir::Graph* graph = nullptr,
                     std::int64_t opset = 13) {
  onnx::ModelProto m = new_model(opset);
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", dims);
  std::vector<std::string> inputs{"x"};
  if (values) {
    add_ints(g, "s", *values);
    inputs.push_back("s");
  }
  add_node(g, op, inputs, "y");
  auto* out = g->add_output();
  out->set_name("y");
  out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto_DataType_FLOAT);
  return error_of(m, graph);
}

std::string dims_of(const std::string& op, const std::vector<std::int64_t>& dims,
                    const std::optional<std::vector<std::int64_t>>& values) {
  ir::Graph graph;
  const std::string error = one_node(op, dims, values, &graph);
  INFO(error);
  REQUIRE(error.empty());
  // y is a graph output: a copy of the relayout view.
  const ir::Tensor& y = graph.tensors[graph.find("y")];
  const ir::Op& copy = graph.ops[y.producer];
  CHECK(copy.kind == ir::OpKind::Scale);
  const ir::Op& view = graph.ops[graph.tensors[copy.inputs[0]].producer];
  CHECK(view.kind == ir::OpKind::Relayout);
  CHECK(graph.tensors[view.inputs[0]].name == "x");
  return ir::to_string(y.shape);
}

std::string error(const std::string& op, const std::vector<std::int64_t>& dims,
                  const std::optional<std::vector<std::int64_t>>& values) {
  return one_node(op, dims, values);
}

}  // namespace

TEST_CASE("onnx: Reshape copies 0s, infers a -1 and keeps the elements' row-major order", "[onnx][shape]") {
  CHECK(dims_of("Reshape", {2, 3, 4}, std::vector<std::int64_t>{0, -1}) == "[2, 12]");
  CHECK(dims_of("Reshape", {2, 3, 4}, std::vector<std::int64_t>{-1, 0, 2}) == "[4, 3, 2]");
  CHECK(dims_of("Reshape", {2, 3, 4}, std::vector<std::int64_t>{4, 6}) == "[4, 6]");
  CHECK(dims_of("Reshape", {2, 3, 4}, std::vector<std::int64_t>{1, 1, 1, 24}) == "[1, 1, 1, 24]");
  CHECK(dims_of("Squeeze", {1, 3, 1, 4}, std::nullopt) == "[3, 4]");
  CHECK(dims_of("Squeeze", {1, 3, 1, 4}, std::vector<std::int64_t>{-2}) == "[1, 3, 4]");
  CHECK(dims_of("Unsqueeze", {3, 4}, std::vector<std::int64_t>{-1, 0}) == "[1, 3, 4, 1]");
  CHECK(dims_of("Unsqueeze", {3, 4}, std::vector<std::int64_t>{2, 0}) == "[1, 3, 1, 4]");
}

TEST_CASE("onnx: reshapes of reshapes are one view of the stored tensor; an unchanged shape is the tensor itself",
          "[onnx][shape]") {
  onnx::ModelProto m = new_model(11);
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", {2, 1, 6});
  add_ints(g, "s", {3, 4});
  set_ints(add_node(g, "Squeeze", {"x"}, "a"), "axes", {1});    // [2, 6]
  add_node(g, "Reshape", {"a", "s"}, "b");                      // [3, 4]
  set_ints(add_node(g, "Unsqueeze", {"b"}, "c"), "axes", {0});  // [1, 3, 4]
  add_node(g, "Reshape", {"c", "s"}, "d");                      // [3, 4] again: a view of x
  add_ints(g, "same", {2, 1, 6});
  add_node(g, "Reshape", {"x", "same"}, "e");  // x itself
  add_node(g, "Relu", {"e"}, "y2");
  set_shape(g->add_output(), "y2", {2, 1, 6});
  add_node(g, "Relu", {"d"}, "y");
  set_shape(g->add_output(), "y", {3, 4});
  ir::Graph graph;
  REQUIRE(error_of(m, &graph).empty());
  const ir::Op& relu = graph.ops[graph.tensors[graph.find("y")].producer];
  const ir::Tensor& d = graph.tensors[relu.inputs[0]];
  CHECK(ir::to_string(d.shape) == "[3, 4]");
  const ir::Op& view = graph.ops[d.producer];
  CHECK(view.kind == ir::OpKind::Relayout);
  CHECK(graph.tensors[view.inputs[0]].name == "x");
  CHECK(graph.find("d") == relu.inputs[0]);
  CHECK(graph.ops[graph.tensors[graph.find("y2")].producer].inputs[0] == graph.find("x"));
}

TEST_CASE("onnx: Reshape, Squeeze and Unsqueeze refuse every value out of range with one line", "[onnx][shape]") {
  const std::string at = "test_model.onnx: node 'y_node' ";
  CHECK(error("Reshape", {2, 3}, std::vector<std::int64_t>{-1, -1}) ==
        at + "(Reshape): shape [-1, -1] has two -1s (expected at most one -1 (the dim inferred from the others))");
  CHECK(error("Reshape", {2, 3}, std::vector<std::int64_t>{4, 2}) ==
        at + "(Reshape): shape [4, 2] does not hold the 6 elements of the input [2, 3] (expected a shape whose dims "
             "multiply to the input's element count)");
  CHECK(error("Reshape", {2, 3}, std::vector<std::int64_t>{4, -1}) ==
        at + "(Reshape): shape [4, -1] does not hold the 6 elements of the input [2, 3] (expected a shape whose dims "
             "multiply to the input's element count)");
  CHECK(error("Reshape", {6}, std::vector<std::int64_t>{3, 0}) ==
        at + "(Reshape): shape [3, 0] has 0 at index 1, but the input [6] has 1 dims (expected 0 only at an index "
             "where the input has a dim to copy)");
  CHECK(error("Reshape", {6}, std::vector<std::int64_t>{-2, -3}) ==
        at + "(Reshape): shape [-2, -3] has -2 at index 0 (expected dims >= -1: -1 is inferred, 0 copies the "
             "input's dim)");
  CHECK(error("Reshape", {6}, std::vector<std::int64_t>{std::int64_t{1} << 62, 4}) ==
        at + "(Reshape): shape [4611686018427387904, 4] does not hold the 6 elements of the input [6] (expected a "
             "shape whose dims multiply to the input's element count)");
  CHECK(error("Squeeze", {1, 3}, std::vector<std::int64_t>{1}) ==
        at + "(Squeeze): axes [1] squeezes dim 1 of the input [1, 3], which is 3 (expected axes of dims equal to 1)");
  CHECK(error("Squeeze", {1, 3}, std::vector<std::int64_t>{2}) ==
        at + "(Squeeze): axes [2] has 2 for the input [1, 3] (expected axes in [-2, 1])");
  CHECK(error("Squeeze", {1, 3}, std::vector<std::int64_t>{0, -2}) ==
        at + "(Squeeze): axes [0, -2] names axis 0 twice (expected each axis once)");
  CHECK(error("Unsqueeze", {3}, std::vector<std::int64_t>{2}) ==
        at + "(Unsqueeze): axes [2] has 2 for an output of rank 2 (expected axes in [-2, 1])");
  CHECK(error("Unsqueeze", {3}, std::vector<std::int64_t>{1, 1}) ==
        at + "(Unsqueeze): axes [1, 1] names axis 1 twice (expected each axis once)");
  CHECK(error("Unsqueeze", {3}, std::nullopt) == at + "(Unsqueeze): has 1 input (expected 2 inputs: data and axes)");
  CHECK(error("Reshape", {3}, std::nullopt) == at + "(Reshape): has 1 input (expected 2 inputs: data and shape)");
  {
    ir::Graph graph;
    CHECK(one_node("Unsqueeze", {3}, std::nullopt, &graph, 11) ==
          at + "(Unsqueeze): has no attribute 'axes' (expected the axes attribute before opset 13)");
    onnx::ModelProto m = new_model(10);
    auto* g = m.mutable_graph();
    set_shape(g->add_input(), "x", {1, 3});
    set_ints(add_node(g, "Squeeze", {"x"}, "y"), "axes", {-2});
    set_shape(g->add_output(), "y", {3});
    CHECK(error_of(m) == at + "(Squeeze): axes [-2] has -2 for the input [1, 3] (expected axes in [0, 1] (negative "
                              "axes from opset 11))");
  }
}

TEST_CASE("onnx: a shape or axes that is not a constant INT64 list is refused naming the input", "[onnx][shape]") {
  const std::string at = "test_model.onnx: node 'y_node' (Reshape): ";
  onnx::ModelProto m = new_model(14);
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", {2, 3});
  set_shape(g->add_input(), "s", {2}, onnx::TensorProto_DataType_INT64);
  add_node(g, "Reshape", {"x", "s"}, "y");
  set_shape(g->add_output(), "y", {3, 2});
  CHECK(error_of(m) == at + "shape 's' is not a constant (expected a constant shape (initializer or Constant))");
  g->mutable_input()->DeleteSubrange(1, 1);
  add_initializer(g, "s", {2}, {3, 2});
  CHECK(error_of(m) == at + "shape 's' has data type FLOAT (expected INT64)");
  g->mutable_initializer(0)->set_data_type(onnx::TensorProto_DataType_INT64);
  g->mutable_initializer(0)->clear_float_data();
  g->mutable_initializer(0)->add_int64_data(3);
  CHECK(error_of(m) == at + "shape 's' does not hold its 2 values in one place (expected exactly as many INT64 values "
                            "as its dims give, in raw_data or int64_data)");
  g->mutable_initializer(0)->add_int64_data(2);
  CHECK(error_of(m).empty());
  set_int(g->mutable_node(0), "allowzero", 1);
  g->mutable_initializer(0)->set_int64_data(1, 0);
  CHECK(error_of(m) == at + "shape [3, 0] has 0 at index 1 with allowzero=1 (expected no dim of 0 (tilesim has no "
                            "empty tensors))");
}
