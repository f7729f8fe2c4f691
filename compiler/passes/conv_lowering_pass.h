// Conv as a GEMM whose left operand the DMA gathers (implicit GEMM): each
// Conv x * w (+ b) becomes an Im2col view of x ([N, OH*OW, KH*KW*C], its
// columns in (kh, kw, c) order) times w in conv_weight layout ([KH*KW*C, OC],
// block-diagonal over groups) (+ b as a bias row), whose result [N, OH*OW,
// OC] is the Conv's output in nhwc. Runs before fusion, so the bias and a
// following ReLU join the matmul's epilogue.
// Pooling the same way: a MaxPool or AveragePool reads an Im2col view of its
// image with each kernel position in its own tile columns (channel_stride =
// C padded to 32; -inf padding for max), which the compute unit reduces one
// position per step; an AveragePool whose window counts differ (pads without
// count_include_pad, ceil_mode) also reads its reciprocal counts [OH*OW, 1].
#pragma once

#include "compiler/ir/graph.h"
#include "compiler/passes/pass.h"

namespace tilesim::passes {

class ConvLoweringPass : public Pass {
 public:
  const char* name() const override { return "conv-lowering"; }
  void run(ir::Graph& graph) override;
};

}  // namespace tilesim::passes
