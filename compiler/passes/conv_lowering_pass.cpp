#include "compiler/passes/conv_lowering_pass.h"

namespace tilesim::passes {

namespace {

std::string fresh_name(const ir::Graph& g, const std::string& base) {
  for (int i = 0;; ++i) {
    const std::string name = base + (i ? "." + std::to_string(i) : "");
    if (g.find(name) == ir::kNone) return name;
  }
}

ir::TensorId add_intermediate(ir::Graph& g, const std::string& base, const ir::Shape& shape, int line) {
  ir::Tensor t;
  t.name = fresh_name(g, base);
  t.shape = shape;
  t.kind = ir::TensorKind::Intermediate;
  t.line = line;
  return g.add_tensor(std::move(t));
}

void lower_conv(ir::Graph& g, ir::OpId id) {
  const ir::Op conv = g.ops[id];  // a copy: add_op grows g.ops
  const std::vector<std::int64_t> x = g.tensors[conv.inputs[0]].shape.dims();
  const ir::Tensor& y = g.tensors[conv.output];
  const std::vector<std::int64_t> yd = y.shape.dims();
  const std::int64_t k = conv.window.kernel_h * conv.window.kernel_w * x[1];
  const std::string base = y.name;
  const int line = conv.line;

  ir::Op im2col;
  im2col.kind = ir::OpKind::Im2col;
  im2col.inputs = {conv.inputs[0]};
  im2col.window = conv.window;
  im2col.window.channel_stride = x[1];
  im2col.line = line;
  im2col.output = add_intermediate(g, base + ".im2col", ir::Shape::from_dims({x[0], yd[2] * yd[3], k}), line);

  ir::Op matmul;
  matmul.kind = ir::OpKind::MatMul;
  matmul.inputs = {im2col.output, conv.inputs[1]};
  matmul.line = line;
  matmul.output = conv.output;
  g.ops[id].dead = true;
  g.tensors[conv.output].producer = ir::kNone;
  g.add_op(im2col);
  if (conv.inputs.size() > 2) {
    matmul.output = add_intermediate(g, base + ".gemm", g.tensors[conv.output].shape, line);
    ir::Op add;
    add.kind = ir::OpKind::Add;
    add.inputs = {matmul.output, conv.inputs[2]};
    add.output = conv.output;
    add.line = line;
    g.add_op(matmul);
    g.add_op(add);
  } else {
    g.add_op(matmul);
  }
}

}  // namespace

void ConvLoweringPass::run(ir::Graph& graph) {
  const std::size_t ops = graph.ops.size();
  for (std::size_t i = 0; i < ops; ++i) {
    if (!graph.ops[i].dead && graph.ops[i].kind == ir::OpKind::Conv) lower_conv(graph, static_cast<ir::OpId>(i));
  }
  graph.relink();
}

}  // namespace tilesim::passes
