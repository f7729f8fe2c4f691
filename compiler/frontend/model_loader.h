// The YAML model frontend: a model file (docs/model-format.md) becomes a
// checked ir::Graph with every shape inferred, ready for the passes.
#pragma once

#include <string>

#include "compiler/ir/graph.h"

namespace tilesim::frontend {

// Reads and checks the model at `path`. Every problem is one InputError
// "FILE:LINE: KEY: what is wrong (expected ...)".
ir::Graph load_model(const std::string& path);

// The same for model text that claims to come from `name` (tests, tools).
ir::Graph parse_model(const std::string& text, const std::string& name);

// Limits the frontend enforces, in elements and bytes of float32 after padding.
inline constexpr std::int64_t kMaxTensorElements = std::int64_t{1} << 31;
inline constexpr std::int64_t kMaxModelBytes = std::int64_t{64} << 30;

}  // namespace tilesim::frontend
