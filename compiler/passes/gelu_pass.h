// GELU recognition (issue 14): PyTorch (before opset 20) exports nn.GELU as
// element-wise ops; this pass turns each complete pattern into one Gelu op
// (param[0] 0: exact, 1: the tanh approximation), which fusion_pass.h can
// then fuse into the matmul before it as the output stage's activation (the
// MatMul->GELU epilogue). Patterns, with either operand order of every Mul
// and Add, constants scalars within 1e-6 (relative) of the value shown:
//   exact: (x * ((Erf(x / 1.4142135 | x * 0.70710677) + 1)) * 0.5
//          or (x * 0.5) * (Erf(...) + 1)
//   tanh:  (x * (1 + Tanh(0.7978846 * (x + 0.044715 * x^3)))) * 0.5
//          or (x * 0.5) * (1 + Tanh(...)), x^3 as x * (x * x), (x * x) * x
//          or Pow(x, 3)
// A pattern matches only when every tensor inside it has that one user and
// is no graph output (its value is otherwise needed as is); anything else
// stays as the ops it is, run one by one. The matched ops but the last are
// marked dead with their outputs; the last becomes the Gelu of x.
#pragma once

#include "compiler/passes/pass.h"

namespace tilesim::passes {

class GeluPass : public Pass {
 public:
  const char* name() const override { return "gelu"; }
  void run(ir::Graph& graph) override;
};

}  // namespace tilesim::passes
