#include "compiler/passes/pipeline.h"

#include "compiler/passes/conv_lowering_pass.h"
#include "compiler/passes/flatten_rows_pass.h"
#include "compiler/passes/fusion_pass.h"
#include "compiler/passes/gelu_pass.h"
#include "compiler/passes/tiling_pass.h"

namespace tilesim::passes {

void run_default_passes(ir::Graph& graph) {
  ConvLoweringPass conv_lowering;
  conv_lowering.run(graph);
  GeluPass gelu;  // issue 14: before fusion, which may fuse the Gelu into its matmul
  gelu.run(graph);
  FusionPass fusion;
  fusion.run(graph);
  FlattenRowsPass flatten_rows;  // after fusion: the bias, residual and activation go with the matmul
  flatten_rows.run(graph);
  TilingPass tiling;
  tiling.run(graph);
}

}  // namespace tilesim::passes
