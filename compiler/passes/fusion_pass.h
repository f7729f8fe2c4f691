// Fusion: folds a MatMul and the element-wise epilogue after it into one
// FusedMatMul, so the bias add and ReLU happen on the last K step of the
// matmul instead of as separate passes over the output in DRAM.
//
// Patterns (longest first): MatMul -> Add(bias [c]) -> activation,
// MatMul -> Add(bias), MatMul -> activation, the activation a Relu, a
// LeakyRelu or a Clip whose bounds hold 0 (ReLU6: min 0, max 6), which the
// matmul's output stage applies; a Clip away from 0 stays its own op, since
// the matmul result's zero padding must stay zero. A link is fused only when the tensor between the two ops
// has that one user and is not a graph output (otherwise its value is needed
// as is). The bias is one row of the product's width ([c] or [1, c]) or a
// scalar, on either side of the Add; an Add of two [r, c] tensors is never
// fused. Fused-away ops are marked dead, the intermediate tensors
// between them dead too; every other op stays, so nothing is dropped. A
// MatMul with no epilogue to fuse stays a plain MatMul.
#pragma once

#include "compiler/passes/pass.h"

namespace tilesim::passes {

class FusionPass : public Pass {
 public:
  const char* name() const override { return "fusion"; }
  void run(ir::Graph& graph) override;
};

}  // namespace tilesim::passes
