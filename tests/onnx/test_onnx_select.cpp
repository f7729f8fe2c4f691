// Issue 14: the import of Transpose, Gather, Slice and Split of computed
// tensors (compiler/frontend/onnx_select.h): the Permute or Slice view each
// becomes, which stored tensor it reads (one gather through a Reshape before
// or after it), its selection, and the exact refusals. Files:
// tests/bad-inputs/onnx (gather-computed-*, slice-computed-*, split-computed-*).
#include <catch2/catch.hpp>

#include "tests/onnx/onnx_builders.h"

using namespace tilesim;
using namespace tilesim::test;
using Ints = std::vector<std::int64_t>;

namespace {

void add_ints(onnx::GraphProto* g, const std::string& name, const Ints& dims, const Ints& values) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto_DataType_INT64);
  for (const std::int64_t d : dims) t->add_dims(d);
  for (const std::int64_t v : values) t->add_int64_data(v);
}

// x of `dims` -> Relu -> h (a computed tensor); the caller adds nodes from h
// and the graph outputs.
struct Model {
  onnx::ModelProto m = new_model(13);
  onnx::GraphProto* g = m.mutable_graph();
  explicit Model(const Ints& dims) {
    set_shape(g->add_input(), "x", dims);
    add_node(g, "Relu", {"x"}, "h");
  }
  void output(const std::string& name) {
    auto* out = g->add_output();
    out->set_name(name);
    out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto_DataType_FLOAT);
  }
  // Loads the model: the graph, or a test failure naming the error.
  ir::Graph graph() {
    ir::Graph out;
    const std::string e = error_of(m, &out);
    INFO(e);
    REQUIRE(e.empty());
    return out;
  }
};

// The view behind graph output `name` (a copy of it: a view is stored through one).
const ir::Op& view_of(const ir::Graph& g, const std::string& name) {
  const ir::Op& copy = producer(g, name);
  REQUIRE(copy.kind == ir::OpKind::Scale);
  return g.ops[g.tensors[copy.inputs[0]].producer];
}

Ints dims_of(const ir::Graph& g, const std::string& name) { return g.tensors[g.find(name)].shape.dims(); }

}  // namespace

TEST_CASE("onnx select: Transpose of a computed tensor is a Permute view of any permutation", "[onnx][select]") {
  const std::vector<std::pair<Ints, Ints>> cases = {{{0, 2, 1, 3}, {2, 4, 3, 5}},
                                                    {{0, 2, 3, 1}, {2, 4, 5, 3}},
                                                    {{0, 1, 3, 2}, {2, 3, 5, 4}},
                                                    {{3, 2, 1, 0}, {5, 4, 3, 2}}};
  for (const auto& [perm, out] : cases) {
    Model model({2, 3, 4, 5});
    set_ints(add_node(model.g, "Transpose", {"h"}, "y"), "perm", perm);
    model.output("y");
    const ir::Graph g = model.graph();
    const ir::Op& view = view_of(g, "y");
    CHECK(view.kind == ir::OpKind::Permute);
    CHECK(g.tensors[view.inputs[0]].name == "h");
    CHECK(view.select.from == Ints{2, 3, 4, 5});
    CHECK(view.select.perm == perm);
    CHECK(dims_of(g, "y") == out);
  }
  for (const Ints& perm : {Ints{1, 0, 2}, Ints{1, 2, 0}}) {
    Model model({3, 4, 5});
    set_ints(add_node(model.g, "Transpose", {"h"}, "y"), "perm", perm);
    model.output("y");
    const ir::Graph g = model.graph();
    CHECK(view_of(g, "y").select.perm == perm);
    CHECK(dims_of(g, "y") == (perm[1] == 0 ? Ints{4, 3, 5} : Ints{4, 5, 3}));
  }
}

TEST_CASE("onnx select: Reshape -> Transpose -> Reshape of a computed tensor is one gather", "[onnx][select]") {
  Model model({2, 16, 64});  // the attention head split and its inverse
  add_ints(model.g, "heads", {4}, {2, 16, 4, 16});
  add_ints(model.g, "merged", {3}, {2, 16, 64});
  add_node(model.g, "Reshape", {"h", "heads"}, "r");
  set_ints(add_node(model.g, "Transpose", {"r"}, "t"), "perm", {0, 2, 1, 3});
  add_node(model.g, "Relu", {"t"}, "u");
  add_node(model.g, "Reshape", {"t", "merged"}, "y");
  model.output("u");
  model.output("y");
  const ir::Graph g = model.graph();
  const ir::Op& t = producer(g, "t");
  CHECK(t.kind == ir::OpKind::Permute);
  CHECK(g.tensors[t.inputs[0]].name == "h");  // not the relayout r
  CHECK(t.select.from == Ints{2, 16, 4, 16});
  CHECK(dims_of(g, "t") == Ints{2, 4, 16, 16});
  const ir::Op& y = view_of(g, "y");
  CHECK(y.kind == ir::OpKind::Permute);
  CHECK(g.tensors[y.inputs[0]].name == "h");  // not the permute t
  CHECK(y.select.perm == Ints{0, 2, 1, 3});
}

TEST_CASE("onnx select: the transposing LOAD of a stored operand stays", "[onnx][select]") {
  onnx::ModelProto m = new_model(13);
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", {4, 3});
  set_shape(g->add_input(), "w", {5, 3});
  add_node(g, "Transpose", {"w"}, "wt");
  add_node(g, "MatMul", {"x", "wt"}, "y");
  set_shape(g->add_output(), "y", {4, 5});
  ir::Graph graph;
  REQUIRE(error_of(m, &graph).empty());
  CHECK(producer(graph, "wt").kind == ir::OpKind::Transpose);
}

TEST_CASE("onnx select: Gather of a computed tensor is a Slice view", "[onnx][select]") {
  Model model({2, 16, 64});
  add_ints(model.g, "first", {}, {0});
  add_ints(model.g, "last", {1}, {-1});
  add_ints(model.g, "odd", {2, 2}, {1, 3, 5, 7});
  set_int(add_node(model.g, "Gather", {"h", "first"}, "a"), "axis", 1);
  set_int(add_node(model.g, "Gather", {"h", "last"}, "b"), "axis", -2);
  set_int(add_node(model.g, "Gather", {"h", "odd"}, "c"), "axis", 2);
  for (const char* y : {"a", "b", "c"}) model.output(y);
  const ir::Graph g = model.graph();
  const ir::Op& a = view_of(g, "a");
  CHECK(a.kind == ir::OpKind::Slice);
  CHECK(g.tensors[a.inputs[0]].name == "h");
  CHECK((a.select.axis == 1 && a.select.start == 0 && a.select.step == 1 && a.select.count == 1));
  CHECK(dims_of(g, "a") == Ints{2, 64});  // a scalar index drops the axis
  const ir::Op& b = view_of(g, "b");
  CHECK((b.select.axis == 1 && b.select.start == 15 && b.select.count == 1));
  CHECK(dims_of(g, "b") == Ints{2, 1, 64});
  const ir::Op& c = view_of(g, "c");
  CHECK((c.select.axis == 2 && c.select.start == 1 && c.select.step == 2 && c.select.count == 4));
  CHECK(dims_of(g, "c") == Ints{2, 16, 2, 2});
}

TEST_CASE("onnx select: Slice and Split of a computed tensor are Slice views", "[onnx][select]") {
  Model model({2, 8, 288});
  add_ints(model.g, "s", {1}, {96});
  add_ints(model.g, "e", {1}, {192});
  add_ints(model.g, "ax", {1}, {-1});
  add_ints(model.g, "back_s", {2}, {-1, 7});
  add_ints(model.g, "back_e", {2}, {-9, -300});
  add_ints(model.g, "back_ax", {2}, {1, 2});
  add_ints(model.g, "back_st", {2}, {-3, -2});
  add_ints(model.g, "parts", {3}, {96, 96, 96});
  add_node(model.g, "Slice", {"h", "s", "e", "ax"}, "a");
  add_node(model.g, "Slice", {"h", "back_s", "back_e", "back_ax", "back_st"}, "b");
  set_int(add_node(model.g, "Split", {"h", "parts"}, "q"), "axis", 2);
  model.g->mutable_node(3)->add_output("k");
  model.g->mutable_node(3)->add_output("v");
  for (const char* y : {"a", "b", "q", "k", "v"}) model.output(y);
  const ir::Graph g = model.graph();
  const ir::Op& a = view_of(g, "a");
  CHECK((a.kind == ir::OpKind::Slice && a.select.axis == 2 && a.select.start == 96 && a.select.count == 96));
  CHECK(dims_of(g, "a") == Ints{2, 8, 96});
  // Two sliced axes: rows 7, 4, 1 (from -1 back to -9, exclusive), then columns 7, 5, 3, 1.
  const ir::Op& b = view_of(g, "b");
  CHECK((b.select.axis == 2 && b.select.start == 7 && b.select.step == -2 && b.select.count == 4));
  CHECK(dims_of(g, "b") == Ints{2, 3, 4});
  const ir::Op& rows = producer(g, g.tensors[b.inputs[0]].name);  // the first cut, copied
  CHECK(rows.kind == ir::OpKind::Scale);
  const ir::Op& first = g.ops[g.tensors[rows.inputs[0]].producer];
  CHECK((first.select.axis == 1 && first.select.start == 7 && first.select.step == -3 && first.select.count == 3));
  std::int64_t start = 0;
  for (const char* y : {"q", "k", "v"}) {
    const ir::Op& part = view_of(g, y);
    CHECK((part.kind == ir::OpKind::Slice && part.select.axis == 2 && part.select.start == start));
    CHECK(dims_of(g, y) == Ints{2, 8, 96});
    start += 96;
  }
}

TEST_CASE("onnx select: settings that are not constants are refused, naming them", "[onnx][select]") {
  Model model({2, 8});
  add_ints(model.g, "e", {1}, {1});
  add_node(model.g, "Slice", {"h", "h", "e"}, "y");
  model.output("y");
  CHECK(error_of(model.m) ==
        "test_model.onnx: node 'y_node' (Slice): starts 'h' is computed by the graph (expected a constant starts (an "
        "initializer, a Constant or folded from them))");
}
