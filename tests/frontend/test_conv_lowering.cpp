// The conv lowering pass alone and with fusion: a Conv becomes an im2col view
// times the conv_weight matrix, its bias and ReLU join the matmul's epilogue.
#include <catch2/catch.hpp>

#include "compiler/ir/graph.h"
#include "compiler/passes/conv_lowering_pass.h"
#include "compiler/passes/fusion_pass.h"

using namespace tilesim::ir;

namespace {

TensorId tensor(Graph& g, const std::string& name, const Shape& shape, TensorKind kind) {
  Tensor t;
  t.name = name;
  t.shape = shape;
  t.kind = kind;
  return g.add_tensor(t);
}

// x [2, 3, 7, 5] -> conv 3x3, stride 2, pad 1, 8 channels (+ bias) -> relu -> y
Graph conv_relu() {
  Graph g;
  const TensorId x = tensor(g, "x", Shape::with_layout({2, 3, 7, 5}, Layout::Nchw), TensorKind::Input);
  const TensorId w = tensor(g, "w", Shape::with_layout({8, 3, 3, 3}, Layout::ConvWeight), TensorKind::Param);
  const TensorId b = tensor(g, "b", Shape::from_dims({8}), TensorKind::Param);
  // out: floor((7 + 2 - 3) / 2) + 1 = 4 rows, floor((5 + 2 - 3) / 2) + 1 = 3 cols
  const TensorId c = tensor(g, "c", Shape::with_layout({2, 8, 4, 3}, Layout::Nhwc), TensorKind::Intermediate);
  const TensorId y = tensor(g, "y", Shape::with_layout({2, 8, 4, 3}, Layout::Nhwc), TensorKind::Output);
  Op conv;
  conv.kind = OpKind::Conv;
  conv.inputs = {x, w, b};
  conv.output = c;
  conv.window.kernel_h = conv.window.kernel_w = 3;
  conv.window.stride_h = conv.window.stride_w = 2;
  conv.window.pad_top = conv.window.pad_left = conv.window.pad_bottom = conv.window.pad_right = 1;
  g.add_op(conv);
  Op relu;
  relu.kind = OpKind::Relu;
  relu.inputs = {c};
  relu.output = y;
  g.add_op(relu);
  g.outputs = {y};
  return g;
}

}  // namespace

TEST_CASE("conv lowering: Conv becomes im2col, matmul and the bias add", "[passes]") {
  Graph g = conv_relu();
  tilesim::passes::ConvLoweringPass().run(g);
  const auto order = g.topological_order();
  REQUIRE(order.size() == 4);
  const Op& im2col = g.ops[order[0]];
  CHECK(im2col.kind == OpKind::Im2col);
  CHECK(im2col.window.channel_stride == 3);  // C: the columns of one kernel position
  // [N, OH*OW, KH*KW*C] = [2, 12, 27]
  CHECK(g.tensors[im2col.output].shape.dims() == std::vector<std::int64_t>{2, 12, 27});
  CHECK(g.tensors[im2col.output].name == "c.im2col");
  const Op& mm = g.ops[order[1]];
  CHECK(mm.kind == OpKind::MatMul);
  CHECK(mm.inputs == std::vector<TensorId>{im2col.output, g.find("w")});
  CHECK(g.ops[order[2]].kind == OpKind::Add);
  CHECK(g.ops[order[2]].output == g.find("c"));
  CHECK(g.ops[order[3]].kind == OpKind::Relu);
  // The GEMM's storage is the Conv's nhwc result: 2 matrices [OH*OW, OC] = [12, 8].
  const Shape& gemm = g.tensors[mm.output].shape;
  CHECK((gemm.rows == 12 && gemm.cols == 8 && gemm.batch() == 2 && gemm.layout == Layout::Nhwc));
  CHECK(g.tensors[g.find("w")].shape.rows == 27);  // KH*KW*C
}

TEST_CASE("conv lowering: with fusion the bias and relu are the matmul's epilogue", "[passes]") {
  Graph g = conv_relu();
  tilesim::passes::ConvLoweringPass().run(g);
  tilesim::passes::FusionPass().run(g);
  const auto order = g.topological_order();
  REQUIRE(order.size() == 2);
  const Op& fused = g.ops[order[1]];
  CHECK(fused.kind == OpKind::FusedMatMul);
  CHECK((fused.has_bias && fused.has_relu));
  CHECK(fused.output == g.find("y"));
}
