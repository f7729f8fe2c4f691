// A graph pass: rewrites a Graph in place. Passes run in a fixed order
// (pipeline.h) but each works on any valid graph, so tests can run one alone.
#pragma once

#include <string>

#include "compiler/ir/graph.h"

namespace tilesim::passes {

class Pass {
 public:
  virtual ~Pass();
  virtual const char* name() const = 0;
  virtual void run(ir::Graph& graph) = 0;
};

// `base`, or `base.1`, `base.2`, ...: the first name no tensor of `g` has.
std::string fresh_name(const ir::Graph& g, const std::string& base);
// A new intermediate tensor named after `base` (fresh_name), of `shape`,
// declared at model line `line`.
ir::TensorId add_intermediate(ir::Graph& g, const std::string& base, const ir::Shape& shape, int line);

}  // namespace tilesim::passes
