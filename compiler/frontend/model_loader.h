// The YAML model frontend: a model file (docs/model-format.md) becomes a
// checked ir::Graph with every shape inferred, ready for the passes. The size
// limits it applies are those of compiler/frontend/size_limits.h.
#pragma once

#include <string>

#include "compiler/frontend/size_limits.h"
#include "compiler/ir/graph.h"

namespace tilesim::frontend {

// Reads and checks the model at `path`. Every problem is one InputError
// "FILE:LINE: KEY: what is wrong (expected ...)".
ir::Graph load_model(const std::string& path);

// The same for model text that claims to come from `name` (tests, tools).
ir::Graph parse_model(const std::string& text, const std::string& name);

}  // namespace tilesim::frontend
