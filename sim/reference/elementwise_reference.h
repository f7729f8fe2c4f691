// Internal to the host reference (host_reference.cpp): the element-wise ops
// in double precision on true-shape tensors, written from ONNX's definitions,
// not from the kernels.
//  - binary ops (Add, Sub, Mul, Max, Min) broadcast both operands as numpy does:
//    dims aligned at the last, each equal to the result's or 1;
//  - Max and Min give NaN when either operand is NaN (ONNX Max and Min);
//  - the activations of ir::OpKind with their constants from the op; NaN in
//    gives NaN out.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "compiler/ir/graph.h"

namespace tilesim::reference {

// numpy's broadcast of two shapes; nullopt when they do not broadcast.
std::optional<std::vector<std::int64_t>> broadcast_dims(const std::vector<std::int64_t>& a,
                                                        const std::vector<std::int64_t>& b);

// a op b over broadcast_dims(a, b) (which must exist), row-major; `constant`
// is Where's else value (b != 0 ? a : constant).
std::vector<double> broadcast_binary(ir::OpKind kind, const std::vector<std::int64_t>& a_dims,
                                     const std::vector<double>& a, const std::vector<std::int64_t>& b_dims,
                                     const std::vector<double>& b, double constant = 0.0);

// Applies `op` (an activation other than Relu) to every value.
void activation_in_place(const ir::Op& op, std::vector<double>& values);

}  // namespace tilesim::reference
