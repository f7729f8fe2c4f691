// The row-flattening pass alone (compiler/passes/flatten_rows_pass.h): which
// stacks of short matrices become one tall matrix, and how the views around
// them are rewired.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "compiler/passes/flatten_rows_pass.h"

using tilesim::passes::FlattenRowsPass;
using namespace tilesim::ir;

namespace {

TensorId tensor(Graph& g, const std::string& name, const std::vector<std::int64_t>& dims, TensorKind kind) {
  Tensor t;
  t.name = name;
  t.shape = Shape::from_dims(dims);
  t.kind = kind;
  return g.add_tensor(std::move(t));
}

OpId op(Graph& g, OpKind kind, const std::vector<TensorId>& inputs, TensorId output) {
  Op o;
  o.kind = kind;
  o.inputs = inputs;
  o.output = output;
  return g.add_op(std::move(o));
}

// x [S, 2, 128] @ w [128, 96] -> h, then h's consumers as given.
struct SeqFirst {
  Graph g;
  TensorId x, w, h;
  explicit SeqFirst(std::int64_t seq) {
    x = tensor(g, "x", {seq, 2, 128}, TensorKind::Input);
    w = tensor(g, "w", {128, 96}, TensorKind::Param);
    h = tensor(g, "h", {seq, 2, 96}, TensorKind::Intermediate);
    op(g, OpKind::MatMul, {x, w}, h);
  }
  const Op& producer(TensorId t) const { return g.ops[g.tensors[t].producer]; }
};

}  // namespace

TEST_CASE("flatten rows: 64 two-row matrices by one weight become one 128-row matmul", "[passes][flatten]") {
  // 64 matrices of 2 rows pad to 64 tile rows; 128 rows are 4.
  SeqFirst m(64);
  const TensorId y = tensor(m.g, "y", {64, 2, 96}, TensorKind::Output);
  op(m.g, OpKind::Relu, {m.h}, y);
  m.g.outputs = {y};
  FlattenRowsPass().run(m.g);

  const Op& matmul = m.producer(m.g.find("h.rows"));
  CHECK(matmul.kind == OpKind::MatMul);
  CHECK(m.g.tensors[matmul.output].shape.dims() == std::vector<std::int64_t>{128, 96});
  const Op& a = m.producer(matmul.inputs[0]);
  CHECK(a.kind == OpKind::Relayout);
  CHECK(a.inputs == std::vector<TensorId>{m.x});
  CHECK(m.g.tensors[matmul.inputs[0]].shape.dims() == std::vector<std::int64_t>{128, 128});
  // The ReLU (an EXEC, and a graph output) reads h, now a view of the tall product.
  const Op& back = m.producer(m.h);
  CHECK(back.kind == OpKind::Relayout);
  CHECK(back.inputs == std::vector<TensorId>{matmul.output});
  CHECK(m.producer(y).inputs == std::vector<TensorId>{m.h});
}

TEST_CASE("flatten rows: views of the product read the tall product, and a copy flattens too", "[passes][flatten]") {
  // h -> slice (a view) -> scale (a copy): the slice reads h.rows with the
  // same from= and selection; the copy of the slice is itself a stack of 64
  // two-row matrices, so it runs tall over the slice read as [128, 32].
  SeqFirst m(64);
  const TensorId q = tensor(m.g, "q", {64, 2, 32}, TensorKind::Intermediate);
  Op slice;
  slice.kind = OpKind::Slice;
  slice.inputs = {m.h};
  slice.output = q;
  slice.select.from = {64, 2, 96};
  slice.select.axis = 2;
  slice.select.count = 32;
  m.g.add_op(slice);
  const TensorId copy = tensor(m.g, "q.copy", {64, 2, 32}, TensorKind::Intermediate);
  op(m.g, OpKind::Scale, {q}, copy);
  const TensorId y = tensor(m.g, "y", {64, 2, 32}, TensorKind::Output);
  op(m.g, OpKind::Relu, {copy}, y);
  m.g.outputs = {y};
  FlattenRowsPass().run(m.g);

  CHECK(m.g.tensors[m.h].dead);  // only a view read it: no view of the tall product is left behind
  const Op& q_view = m.producer(q);
  CHECK(q_view.kind == OpKind::Slice);
  CHECK(q_view.inputs == std::vector<TensorId>{m.g.find("h.rows")});
  CHECK(q_view.select.from == std::vector<std::int64_t>{64, 2, 96});
  const Op& scale = m.producer(m.g.find("q.copy.rows"));
  CHECK(scale.kind == OpKind::Scale);
  const Op& tall_q = m.producer(scale.inputs[0]);
  CHECK(tall_q.kind == OpKind::Slice);
  CHECK(tall_q.inputs == std::vector<TensorId>{m.g.find("h.rows")});
  CHECK(m.g.tensors[scale.inputs[0]].shape.dims() == std::vector<std::int64_t>{128, 32});
}

TEST_CASE("flatten rows: stacks that would save no tile row, and graph outputs, stay", "[passes][flatten]") {
  // [2, 64, 128]: 2 matrices of 64 rows are 4 tile rows either way.
  Graph g;
  const TensorId x = tensor(g, "x", {2, 64, 128}, TensorKind::Input);
  const TensorId w = tensor(g, "w", {128, 96}, TensorKind::Param);
  const TensorId h = tensor(g, "h", {2, 64, 96}, TensorKind::Output);
  op(g, OpKind::MatMul, {x, w}, h);
  g.outputs = {h};
  const std::size_t ops = g.ops.size();
  FlattenRowsPass().run(g);
  CHECK(g.ops.size() == ops);

  // A product that is a graph output keeps its shape (its file is [64, 2, 96]).
  SeqFirst m(64);
  m.g.tensors[m.h].kind = TensorKind::Output;
  m.g.outputs = {m.h};
  FlattenRowsPass().run(m.g);
  CHECK(m.g.ops.size() == 1);
  CHECK(m.producer(m.h).inputs == std::vector<TensorId>{m.x, m.w});
}
