// Tiling: records for every live tensor its shape padded with zeros to whole
// 32 x 32 tiles. A rank-1 tensor (a bias [c]) is one row broadcast over the
// rows of the matrix it is added to, so it pads to 1 x (c rounded up to 32).
// Zero padding cannot change results: padded K columns multiply zeros, and
// padded output rows/cols are cropped away.
#pragma once

#include "compiler/passes/pass.h"

namespace tilesim::passes {

class TilingPass : public Pass {
 public:
  const char* name() const override { return "tiling"; }
  void run(ir::Graph& graph) override;
};

}  // namespace tilesim::passes
