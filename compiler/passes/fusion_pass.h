// Fusion: folds a MatMul and the element-wise epilogue after it into one
// FusedMatMul, so the bias add, a residual add and the activation happen on
// the last K step of the matmul instead of as separate passes over the output
// in DRAM (a real accelerator's output stage: Conv -> BN -> ReLU, and a ResNet
// block's Conv -> Add(shortcut) -> ReLU, in one pass).
//
// Pattern, longest first: MatMul [-> Add(bias)] [-> Add(residual)]
// [-> activation], at least one of the three, each in this order (PyTorch's:
// the bias, then the residual, then the activation). The activation is a
// Relu, a LeakyRelu or a Clip whose bounds hold 0 (ReLU6: min 0, max 6),
// which the matmul's output stage applies; a Clip away from 0 stays its own
// op, since the matmul result's zero padding must stay zero. The bias is one
// row of the product's width ([c] or [1, c]) or a scalar, on either side of
// the Add. The residual R is the other side of an Add (either side) whose R
// has exactly the product's shape and layout (ir::Shape equal: true dims and
// storage, e.g. the nhwc output of a ResNet block's shortcut conv, or a graph
// input or view of that shape), is not the product itself and is not a
// max-pooling window view (whose padding reads -inf: R's padding must be zero
// so the product's stays zero); an Add of two [r, c] tensors where the other
// side is no such tensor is never fused. A link is fused only when the tensor
// between the two ops has that one user and is not a graph output (otherwise
// its value is needed as is). FusedMatMul's inputs: a, b, then the bias
// (has_bias), then R (has_residual). Fused-away ops are marked dead, the
// intermediate tensors between them dead too; every other op stays, so
// nothing is dropped. A MatMul with no epilogue to fuse stays a plain MatMul.
#pragma once

#include "compiler/passes/pass.h"

namespace tilesim::passes {

class FusionPass : public Pass {
 public:
  const char* name() const override { return "fusion"; }
  void run(ir::Graph& graph) override;
};

}  // namespace tilesim::passes
