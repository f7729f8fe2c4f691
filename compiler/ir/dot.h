// Graphviz DOT text of a graph, for `tilesim compile --emit graph`.
#pragma once

#include <string>

#include "compiler/ir/graph.h"

namespace tilesim::ir {

// Tensors are boxes labelled with name, true shape, padded shape (once tiled)
// and kind; ops are ellipses labelled with the op, or the ops a fused op
// replaced. Dead ops and fused-away tensors are left out.
std::string to_dot(const Graph& graph);

}  // namespace tilesim::ir
