// The default pass pipeline that `tilesim compile` runs after loading a model.
#pragma once

#include "compiler/ir/graph.h"

namespace tilesim::passes {

// Fusion, then tiling.
void run_default_passes(ir::Graph& graph);

}  // namespace tilesim::passes
