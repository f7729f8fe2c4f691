// The independent host reference behind `tilesim run --verify`: the graph's
// ops computed in plain C++ in double precision on the unpadded tensors, in
// topological order. It shares nothing with the tile kernels, the passes or
// the scheduler, so a wrong schedule or kernel cannot also make it wrong.
#pragma once

#include <map>
#include <string>

#include "compiler/ir/graph.h"
#include "sim/io/host_tensor.h"
#include "sim/reference/compare.h"

namespace tilesim {

// Computes every live op of `graph` (meant to be the graph before passes;
// FusedMatMul is handled too: a @ b, then + bias, then relu) from `inputs`,
// which must hold every graph input and param at its true shape (see
// make_inputs). Sums and intermediates are double; each output is rounded
// once to float32 at its true shape. Returns the graph outputs by name.
// ReLU keeps NaN (NaN in, NaN out) and maps -0 to +0, as the kernels do.
// Throws std::invalid_argument when an input is missing or mis-shaped or an
// op's shapes do not fit (a bug: the frontend checks shapes).
std::map<std::string, HostTensor> run_reference(const ir::Graph& unfused_graph,
                                                const std::map<std::string, HostTensor>& inputs);

}  // namespace tilesim
