// The host reference's Permute and Slice (ir::OpKind, issue 14), computed on
// the row-major values of x with strides (never through the DMA's
// gather_tile, so that they check it): x read as dims select.from, the
// permuted or sliced elements in row-major order of the selected dims.
#pragma once

#include <optional>
#include <vector>

#include "compiler/ir/graph.h"

namespace tilesim {

// The values op `op` (Permute or Slice) selects from x; nullopt when x's
// element count is not that of select.from or the selection does not fit it.
std::optional<std::vector<double>> select_reference(const ir::Op& op, const std::vector<double>& x);

}  // namespace tilesim
