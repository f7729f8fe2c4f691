#include "compiler/passes/flatten_rows_pass.h"

#include <algorithm>

namespace tilesim::passes {

namespace {

using ir::Graph;
using ir::kNone;
using ir::OpId;
using ir::OpKind;
using ir::TensorId;

std::int64_t tile_rows(std::int64_t rows) { return ir::pad_to_tile(rows) / ir::kTileDim; }

bool is_stack(const ir::Shape& s) { return s.layout == ir::Layout::Matrix && s.rank >= 3 && s.batch() > 1; }

// Whether `t`'s elements, in row-major order, can be read in another shape by
// one view: t has storage, or is a relayout, permute or slice view (whose
// output may take any shape of as many elements: the same gather).
bool reshapeable(const Graph& g, TensorId t) {
  const OpId producer = g.tensors[t].producer;
  if (producer == kNone || !ir::is_view_op(g.ops[producer].kind)) return true;
  const OpKind kind = g.ops[producer].kind;
  return kind == OpKind::Relayout || ir::is_select(kind);
}

// A matmul by one shared matrix, or an op on each element alone (a copy is a Scale).
bool row_independent(const Graph& g, const ir::Op& op) {
  if (op.kind == OpKind::MatMul || op.kind == OpKind::FusedMatMul) {
    const ir::Shape& b = g.tensors[op.inputs[1]].shape;
    return b.batch() == 1 && b.layout == ir::Layout::Matrix;
  }
  return (ir::is_activation(op.kind) || op.kind == OpKind::Scale) && op.inputs.size() == 1;
}

bool worth_flattening(const Graph& g, const ir::Op& op) {
  if (!row_independent(g, op)) return false;
  const ir::Shape& a = g.tensors[op.inputs[0]].shape;
  const ir::Shape& c = g.tensors[op.output].shape;
  if (!is_stack(a) || !is_stack(c)) return false;
  if (a.batch() != c.batch() || tile_rows(c.batch() * c.rows) >= c.batch() * tile_rows(c.rows)) return false;
  if (std::find(g.outputs.begin(), g.outputs.end(), op.output) != g.outputs.end()) return false;
  if (!reshapeable(g, op.inputs[0]) || (op.has_residual && !reshapeable(g, op.inputs.back()))) return false;
  for (const OpId user : g.tensors[op.output].users) {
    const OpKind kind = g.ops[user].kind;
    if (ir::is_view_op(kind) && kind != OpKind::Relayout && !ir::is_select(kind)) return false;
  }
  return true;
}

// A view of `t`'s elements as [rows, cols], named after t: a relayout of t
// when t has storage, else t's own view with that output shape.
TensorId tall_view(Graph& g, TensorId t, std::int64_t rows, int line) {
  const OpId producer = g.tensors[t].producer;
  ir::Op view;
  if (producer != kNone && ir::is_view_op(g.ops[producer].kind)) {
    view = g.ops[producer];
  } else {
    view.kind = OpKind::Relayout;
    view.inputs = {t};
  }
  view.line = line;
  const std::int64_t cols = g.tensors[t].shape.cols;
  view.output = add_intermediate(g, g.tensors[t].name + ".rows", ir::Shape::from_dims({rows, cols}), line);
  g.add_op(view);
  return view.output;
}

void flatten(Graph& g, OpId id) {
  ir::Op op = g.ops[id];  // a copy: add_op grows g.ops
  const TensorId product = op.output;
  const ir::Shape shape = g.tensors[product].shape;
  const std::int64_t rows = shape.batch() * shape.rows;
  op.inputs[0] = tall_view(g, op.inputs[0], rows, op.line);
  if (op.has_residual) op.inputs.back() = tall_view(g, op.inputs.back(), rows, op.line);
  op.output = add_intermediate(g, g.tensors[product].name + ".rows", ir::Shape::from_dims({rows, shape.cols}), op.line);
  // Views of the product read the tall product, whose elements come in the same order.
  bool read_by_execs = false;
  for (ir::Op& user : g.ops) {
    if (user.dead || std::find(user.inputs.begin(), user.inputs.end(), product) == user.inputs.end()) continue;
    if (ir::is_view_op(user.kind)) {
      user.inputs[0] = op.output;
    } else {
      read_by_execs = true;
    }
  }
  g.ops[id] = op;
  g.tensors[product].producer = kNone;
  if (read_by_execs) {
    ir::Op back;
    back.kind = OpKind::Relayout;
    back.inputs = {op.output};
    back.output = product;
    back.line = op.line;
    g.add_op(back);
  } else {
    g.tensors[product].dead = true;
  }
  g.relink();
}

}  // namespace

void FlattenRowsPass::run(Graph& g) {
  g.relink();
  const std::size_t count = g.ops.size();  // the ops flatten() adds are views
  for (std::size_t id = 0; id < count; ++id) {
    if (!g.ops[id].dead && worth_flattening(g, g.ops[id])) flatten(g, static_cast<OpId>(id));
  }
}

}  // namespace tilesim::passes
