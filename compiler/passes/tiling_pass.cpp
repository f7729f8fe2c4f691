#include "compiler/passes/tiling_pass.h"

namespace tilesim::passes {

void TilingPass::run(ir::Graph& graph) {
  for (ir::Tensor& t : graph.tensors) {
    if (t.dead) continue;
    t.padded_rows = ir::padded_rows(t.shape);
    t.padded_cols = ir::padded_cols(t.shape);
  }
}

}  // namespace tilesim::passes
