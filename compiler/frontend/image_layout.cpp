#include "compiler/frontend/image_layout.h"

#include "compiler/frontend/onnx_broadcast.h"
#include "compiler/frontend/size_limits.h"
#include "compiler/frontend/window_ops.h"

namespace tilesim::frontend {

namespace {

using ir::Layout;
using ir::OpKind;
using ir::Shape;
using ir::TensorId;

const Shape& shape_of(const GraphBuilder& b, TensorId id) { return b.tensor(id).shape; }

bool is_image(const Shape& s) { return s.layout == Layout::Nhwc || s.layout == Layout::Nchw; }

TensorId emit(GraphBuilder& b, OpKind kind, std::vector<TensorId> inputs, const std::string& name, const Shape& out,
              const std::string& key) {
  ir::Op op;
  op.kind = kind;
  op.inputs = std::move(inputs);
  return b.emit(std::move(op), name, out, key);
}

// A copy of x named `name` (x * 1 is x, bit for bit) with storage of its own.
TensorId copy(GraphBuilder& b, TensorId x, const std::string& name, const std::string& key) {
  const Shape s = shape_of(b, x);
  return emit(b, OpKind::Scale, {x}, name, s, key);
}

// dims aligned at the last to rank 4, leading dims 1.
std::vector<std::int64_t> as_rank4(std::vector<std::int64_t> dims) {
  dims.insert(dims.begin(), 4 - dims.size(), 1);
  return dims;
}

// Whether an operand of dims `d` broadcasts to the image dims `o` the way
// its storage in an image layout does (see the header).
bool fits_image_storage(const std::vector<std::int64_t>& d, const std::vector<std::int64_t>& o) {
  if (d.size() > 4) return false;
  const std::vector<std::int64_t> a = as_rank4(d);
  const bool spatial = (a[2] == 1 && a[3] == 1) || (a[2] == o[2] && a[3] == o[3]);
  return (a[0] == 1 || a[0] == o[0]) && (a[1] == 1 || a[1] == o[1]) && spatial;
}

// y in `layout` with its dims as rank 4: y itself when it is (or a scalar,
// read as one anywhere), a copy of a constant's values, else a relayout view.
TensorId in_layout(GraphBuilder& b, TensorId y, Layout layout, const std::string& key) {
  const ir::Tensor& t = b.tensor(y);
  if (t.shape.layout == layout || t.shape.is_scalar()) return y;
  const Shape to = Shape::with_layout(as_rank4(t.shape.dims()), layout);
  const std::string name = b.fresh(t.name + (layout == Layout::Nhwc ? ".nhwc" : ".nchw"));
  if (t.kind == ir::TensorKind::Param && !t.values.empty()) return b.add_param(name, to, t.values, key);
  return relayout(b, y, to, name, key);
}

// The tensor a relayout of x reads: the stored tensor behind a relayout view,
// a copy of any other view, x itself otherwise.
TensorId relayout_source(GraphBuilder& b, TensorId x, const std::string& key) {
  if (!is_view(b, x)) return x;
  const ir::Op& producer = b.op(b.tensor(x).producer);
  if (producer.kind == OpKind::Relayout) return producer.inputs[0];
  return copy(b, x, b.fresh(b.tensor(x).name + ".copy"), key);
}

}  // namespace

bool is_view(const GraphBuilder& builder, TensorId x) {
  const ir::OpId producer = builder.tensor(x).producer;
  return producer != ir::kNone && ir::is_view_op(builder.op(producer).kind);
}

TensorId combine(GraphBuilder& b, OpKind kind, TensorId x, TensorId y, const std::string& name,
                 const std::string& op_type, const std::string& key) {
  const Shape xs = shape_of(b, x), ys = shape_of(b, y);  // copies: emit() grows the tensor table
  const auto out = ir::broadcast(xs, ys);
  if (!out) {
    const Refusal refusal = *broadcast_refusal(op_type, xs, ys);
    b.fail(key, refusal.problem, refusal.expected);
  }
  if (!is_image(xs) && !is_image(ys)) return emit(b, kind, {x, y}, name, *out, key);
  const std::vector<std::int64_t> dims = out->dims();
  const Layout layout = xs.layout == Layout::Nhwc || ys.layout == Layout::Nhwc ? Layout::Nhwc : Layout::Nchw;
  if (dims.size() == 4 && fits_image_storage(xs.dims(), dims) && fits_image_storage(ys.dims(), dims)) {
    const TensorId a = in_layout(b, x, layout, key), c = in_layout(b, y, layout, key);
    return emit(b, kind, {a, c}, name, Shape::with_layout(dims, layout), key);
  }
  const TensorId a = matrix_form(b, x, key), c = matrix_form(b, y, key);
  return emit(b, kind, {a, c}, name, *out, key);
}

namespace {

// A Permute or Slice view `name` of `source` (a tensor with storage).
TensorId emit_select(GraphBuilder& b, OpKind kind, TensorId source, const ir::Selection& select, const Shape& to,
                     const std::string& name, const std::string& key) {
  ir::Op op;
  op.kind = kind;
  op.inputs = {source};
  op.select = select;
  return b.emit(std::move(op), name, to, key);
}

}  // namespace

TensorId relayout(GraphBuilder& b, TensorId x, const Shape& to, const std::string& name, const std::string& key) {
  if (is_view(b, x) && ir::is_select(b.op(b.tensor(x).producer).kind)) {  // issue 14: one gather
    const ir::Op producer = b.op(b.tensor(x).producer);                   // a copy: emit() grows the op table
    return emit_select(b, producer.kind, producer.inputs[0], producer.select, to, name, key);
  }
  const TensorId source = relayout_source(b, x, key);
  if (shape_of(b, source) == to && !b.is_graph_output(name)) {
    b.alias(name, source, key);
    return source;
  }
  return emit(b, OpKind::Relayout, {source}, name, to, key);
}

TensorId select_view(GraphBuilder& b, OpKind kind, TensorId x, const ir::Selection& select, const Shape& to,
                     const std::string& name, const std::string& key) {
  const std::vector<std::int64_t> dims = to.dims();
  if (dims.size() > static_cast<std::size_t>(kMaxRank)) {  // a Reshape after it cannot be folded in yet
    b.fail(key, "gives a rank-" + std::to_string(dims.size()) + " tensor " + list_text(dims),
           "tensors of rank " + std::to_string(kMaxRank) + " or less");
  }
  return emit_select(b, kind, relayout_source(b, x, key), select, to, name, key);
}

TensorId matrix_form(GraphBuilder& b, TensorId x, const std::string& key) {
  const ir::Tensor& t = b.tensor(x);
  if (t.shape.layout == Layout::Matrix) return x;
  const std::string name = b.fresh(t.name + ".matrix");
  return relayout(b, x, Shape::from_dims(t.shape.dims()), name, key);
}

TensorId with_storage(GraphBuilder& b, TensorId x, const std::string& key) {
  return is_view(b, x) ? copy(b, x, b.fresh(b.tensor(x).name + ".copy"), key) : x;
}

bool needs_output_copy(const GraphBuilder& b, TensorId x) {
  const ir::Tensor& t = b.tensor(x);
  const OpKind kind = b.op(t.producer).kind;
  return t.shape.layout == Layout::Nhwc || kind == OpKind::Relayout || ir::is_select(kind);
}

TensorId output_copy(GraphBuilder& b, TensorId x, const std::string& name, const std::string& key) {
  TensorId source = x;
  const Shape s = shape_of(b, x);
  if (s.layout == Layout::Nhwc) {
    source = emit(b, OpKind::Relayout, {x}, b.fresh(name + ".view"), Shape::with_layout(s.dims(), Layout::Nchw), key);
  }
  return copy(b, source, name, key);
}

}  // namespace tilesim::frontend
