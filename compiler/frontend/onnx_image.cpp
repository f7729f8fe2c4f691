#include "compiler/frontend/onnx_image.h"

#include "compiler/frontend/onnx_node_importer.h"

#include <onnx/onnx_pb.h>

#include "compiler/frontend/onnx_batch_norm.h"
#include "compiler/frontend/onnx_broadcast.h"
#include "compiler/frontend/onnx_window.h"
#include "compiler/support/input_error.h"

namespace tilesim::frontend {

namespace {

using ir::Layout;
using ir::OpKind;
using ir::Shape;
using ir::TensorId;

const Shape& shape_of(const OnnxGraphBuilder& b, TensorId id) { return b.tensor(id).shape; }

bool is_image(const Shape& s) { return s.layout == Layout::Nhwc || s.layout == Layout::Nchw; }

TensorId emit(OnnxGraphBuilder& b, OpKind kind, std::vector<TensorId> inputs, const std::string& name, const Shape& out,
              const std::string& key, float scale = 1.0f) {
  ir::Op op;
  op.kind = kind;
  op.inputs = std::move(inputs);
  op.scale = scale;
  return b.emit(std::move(op), name, out, key);
}

// A copy of x (x * 1 is x, bit for bit) with storage of its own.
TensorId copy(OnnxGraphBuilder& b, TensorId x, const std::string& key) {
  const Shape s = shape_of(b, x);
  return emit(b, OpKind::Scale, {x}, b.fresh(b.tensor(x).name + ".copy"), s, key);
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
TensorId in_layout(OnnxGraphBuilder& b, TensorId y, Layout layout, const std::string& key) {
  const ir::Tensor& t = b.tensor(y);
  if (t.shape.layout == layout || t.shape.is_scalar()) return y;
  const Shape to = Shape::with_layout(as_rank4(t.shape.dims()), layout);
  const std::string name = b.fresh(t.name + (layout == Layout::Nhwc ? ".nhwc" : ".nchw"));
  if (t.kind == ir::TensorKind::Param && !t.values.empty()) return b.add_param(name, to, t.values, key);
  return relayout(b, y, to, name, key);
}

// The tensor a relayout of x reads: the stored tensor behind a relayout view,
// a copy of any other view, x itself otherwise.
TensorId relayout_source(OnnxGraphBuilder& b, TensorId x, const std::string& key) {
  if (!is_view(b, x)) return x;
  const ir::Op& producer = b.op(b.tensor(x).producer);
  if (producer.kind == OpKind::Relayout) return producer.inputs[0];
  return copy(b, x, key);
}

class ImageImporter : NodeImporter {
 public:
  using NodeImporter::NodeImporter;

  bool run() {
    const std::string& op = node_.op_type();
    if (op == "Conv") {
      conv();
    } else if (op == "BatchNormalization") {
      import_batch_norm(b_, node_, attributes_, key_);
    } else if (op == "Flatten") {
      flatten();
    } else {
      return false;
    }
    return true;
  }

 private:
  const Shape& shape(TensorId id) const { return shape_of(b_, id); }
  const std::string& name(TensorId id) const { return b_.tensor(id).name; }

  // The weights: an initializer that only this Conv reads (they are stored
  // as the GEMM operand, a layout no other op reads).
  TensorId weights() const {
    const TensorId w = b_.input_of(node_, 1);
    const ir::Tensor& t = b_.tensor(w);
    if (t.kind != ir::TensorKind::Param || t.values.empty()) {
      fail("weights " + quoted(node_.input(1)) + " is computed by the graph or a graph input",
           "an initializer (constant weights)");
    }
    if (shape(w).rank != 4 || shape(w).layout != Layout::Matrix) {
      fail("weights " + quoted(t.name) + " are " + ir::to_string(shape(w)),
           "rank-4 weights [OC, C/group, KH, KW] used by this Conv only (2-D convolution)");
    }
    if (b_.readers(w) > 1) {
      fail("weights " + quoted(t.name) + " are shared with another node", "weights for one Conv");
    }
    return w;
  }

  void check_group(const std::vector<std::int64_t>& xd, const std::vector<std::int64_t>& wd, TensorId x,
                   TensorId w) const {
    const std::int64_t group = attributes_.group;
    if (group < 1 || xd[1] % group != 0 || wd[0] % group != 0 || wd[1] * group != xd[1]) {
      fail("attribute group is " + std::to_string(group) + " for input " + ir::to_string(shape(x)) + " and weights " +
               ir::to_string(shape(w)),
           "a group count dividing the input channels (C) and the output channels (OC), with weights [OC, C/group, "
           "KH, KW]");
    }
  }

  void conv() {
    TensorId x = b_.input_of(node_, 0);
    b_.store_as_image(x);
    const TensorId w = weights();
    const std::vector<std::int64_t> xd = shape(x).dims(), wd = shape(w).dims();
    ir::Op op;
    op.kind = OpKind::Conv;
    op.window = onnx_window(attributes_, xd, {wd[2], wd[3]}, b_.path(), key_);
    check_group(xd, wd, x, w);
    op.window.group = attributes_.group;
    x = with_storage(b_, x, key_);
    op.inputs = {x, w};
    if (has_input(node_, 2)) {
      const TensorId bias = b_.input_of(node_, 2);
      if (shape(bias).dims() != std::vector<std::int64_t>{wd[0]}) {
        fail("bias " + quoted(name(bias)) + " is " + ir::to_string(shape(bias)),
             "[" + std::to_string(wd[0]) + "], one value per output channel");
      }
      op.inputs.push_back(bias);
    }
    b_.set_layout(w, Shape::with_layout(wd, Layout::ConvWeight, attributes_.group));
    const Shape y = Shape::with_layout({xd[0], wd[0], op.window.out_h(xd[2]), op.window.out_w(xd[3])}, Layout::Nhwc);
    b_.emit(std::move(op), out_, y, key_);
  }

  void flatten() {
    const TensorId x = b_.input_of(node_, 0);
    const std::vector<std::int64_t> xd = shape(x).dims();
    const auto rank = static_cast<std::int64_t>(xd.size());
    std::int64_t axis = attributes_.axis.value_or(1);
    if (axis < -rank || axis > rank) {
      fail("attribute axis is " + std::to_string(axis) + " for a rank-" + std::to_string(rank) + " input",
           "an axis in [" + std::to_string(-rank) + ", " + std::to_string(rank) + "]");
    }
    if (axis < 0) axis += rank;
    std::int64_t outer = 1, inner = 1;
    for (std::int64_t i = 0; i < rank; ++i) (i < axis ? outer : inner) *= xd[static_cast<std::size_t>(i)];
    relayout(b_, x, Shape::from_dims({outer, inner}), out_, key_);
  }
};

}  // namespace

bool is_view(const OnnxGraphBuilder& builder, TensorId x) {
  const ir::OpId producer = builder.tensor(x).producer;
  return producer != ir::kNone && ir::is_view_op(builder.op(producer).kind);
}

bool import_image(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                  const std::string& key) {
  return ImageImporter(builder, node, attributes, key).run();
}

TensorId combine(OnnxGraphBuilder& b, OpKind kind, TensorId x, TensorId y, const std::string& name,
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

TensorId relayout(OnnxGraphBuilder& b, TensorId x, const Shape& to, const std::string& name, const std::string& key) {
  const TensorId source = relayout_source(b, x, key);
  if (shape_of(b, source) == to && !b.is_graph_output(name)) {
    b.alias(name, source, key);
    return source;
  }
  return emit(b, OpKind::Relayout, {source}, name, to, key);
}

TensorId matrix_form(OnnxGraphBuilder& b, TensorId x, const std::string& key) {
  const ir::Tensor& t = b.tensor(x);
  if (t.shape.layout == Layout::Matrix) return x;
  const std::string name = b.fresh(t.name + ".matrix");
  return relayout(b, x, Shape::from_dims(t.shape.dims()), name, key);
}

TensorId with_storage(OnnxGraphBuilder& b, TensorId x, const std::string& key) {
  return is_view(b, x) ? copy(b, x, key) : x;
}

}  // namespace tilesim::frontend
