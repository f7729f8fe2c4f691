#include "compiler/passes/conv_lowering_pass.h"

#include <algorithm>
#include <functional>

namespace tilesim::passes {

namespace {

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

// The reciprocal of each output pixel's window count, when they differ:
// [OH*OW, 1]; otherwise none, and the one reciprocal goes into op.scale.
ir::TensorId average_divisors(ir::Graph& g, ir::Op& pool, const std::vector<std::int64_t>& x,
                              const std::vector<std::int64_t>& y) {
  const ir::Window& w = pool.window;
  std::vector<float> reciprocal;
  for (std::int64_t oh = 0; oh < y[2]; ++oh) {
    for (std::int64_t ow = 0; ow < y[3]; ++ow) {
      const std::int64_t count = w.taps_h(oh, x[2], w.count_include_pad) * w.taps_w(ow, x[3], w.count_include_pad);
      reciprocal.push_back(static_cast<float>(1.0 / static_cast<double>(count)));
    }
  }
  if (std::adjacent_find(reciprocal.begin(), reciprocal.end(), std::not_equal_to<float>()) == reciprocal.end()) {
    pool.scale = reciprocal.front();
    return ir::kNone;
  }
  ir::Tensor d;
  d.name = fresh_name(g, g.tensors[pool.output].name + ".divisors");
  d.shape = ir::Shape::from_dims({y[2] * y[3], 1});
  d.kind = ir::TensorKind::Param;
  d.line = pool.line;
  d.values = std::move(reciprocal);
  return g.add_tensor(std::move(d));
}

// A pooling op reads an Im2col view of its image whose kernel positions each
// fill their own tile columns (channel_stride: C padded to 32), so that step
// k of an output tile reads one tile of the view; max pooling pads with -inf.
void lower_pool(ir::Graph& g, ir::OpId id) {
  ir::Op pool = g.ops[id];
  const std::vector<std::int64_t> x = g.tensors[pool.inputs[0]].shape.dims();
  const std::vector<std::int64_t> y = g.tensors[pool.output].shape.dims();
  const std::int64_t stride = ir::pad_to_tile(x[1]);
  ir::Op im2col;
  im2col.kind = ir::OpKind::Im2col;
  im2col.inputs = {pool.inputs[0]};
  im2col.window = pool.window;
  im2col.window.channel_stride = stride;
  im2col.window.pad_negative_infinity = pool.kind == ir::OpKind::MaxPool;
  im2col.line = pool.line;
  const std::int64_t positions = pool.window.kernel_h * pool.window.kernel_w;
  im2col.output = add_intermediate(g, g.tensors[pool.output].name + ".im2col",
                                   ir::Shape::from_dims({x[0], y[2] * y[3], positions * stride}), pool.line);
  pool.inputs = {im2col.output};
  if (pool.kind == ir::OpKind::AveragePool) {
    const ir::TensorId divisors = average_divisors(g, pool, x, y);
    if (divisors != ir::kNone) pool.inputs.push_back(divisors);
  }
  g.add_op(im2col);
  g.ops[id] = pool;
}

}  // namespace

void ConvLoweringPass::run(ir::Graph& graph) {
  const std::size_t ops = graph.ops.size();
  for (std::size_t i = 0; i < ops; ++i) {
    if (graph.ops[i].dead) continue;
    if (graph.ops[i].kind == ir::OpKind::Conv) lower_conv(graph, static_cast<ir::OpId>(i));
    if (ir::is_pool(graph.ops[i].kind)) lower_pool(graph, static_cast<ir::OpId>(i));
  }
  graph.relink();
}

}  // namespace tilesim::passes
