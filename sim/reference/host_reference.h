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
// FusedMatMul is handled too: a @ b, then + bias, then + the residual, then
// relu or its fused Clip or LeakyRelu) from `inputs`,
// which must hold every graph input and param at its true shape (see
// make_inputs), rank 0 to 4. Sums and intermediates are double; each output
// is rounded once to float32 and returned with its dims (from_dims).
//  - MatMul: a [..., M, K] @ b [..., K, N] with equal batch dims, or b [K, N]
//    shared by every matrix of a;
//  - Add, Sub, Mul, Max, Min: numpy broadcasting of both operands (either
//    may grow: [M, 1] * [1, N] is [M, N]); Max and Min are NaN where either is;
//  - Clip, LeakyRelu, Sigmoid, Tanh, HardSigmoid, HardSwish from their ONNX
//    definitions with the op's constants (elementwise_reference.h);
//  - Relu: NaN stays NaN and -0 becomes +0, as the kernels do;
//  - Scale: a * op.scale; Transpose: the last two dims swapped;
//  - FusedMatMul's bias: any Add broadcast over the product ([N], [1, N], [], [1], ...);
//    its residual (has_residual): the product's dims, added element by element.
// Throws std::invalid_argument when an input is missing or mis-shaped or an
// op's shapes do not fit (a bug: the frontend checks shapes).
std::map<std::string, HostTensor> run_reference(const ir::Graph& unfused_graph,
                                                const std::map<std::string, HostTensor>& inputs);

}  // namespace tilesim
