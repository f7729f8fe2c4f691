// A graph pass: rewrites a Graph in place. Passes run in a fixed order
// (pipeline.h) but each works on any valid graph, so tests can run one alone.
#pragma once

#include "compiler/ir/graph.h"

namespace tilesim::passes {

class Pass {
 public:
  virtual ~Pass();
  virtual const char* name() const = 0;
  virtual void run(ir::Graph& graph) = 0;
};

}  // namespace tilesim::passes
