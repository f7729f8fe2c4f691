// Which operand shapes an imported Add or Gemm may combine: those where ONNX's
// rule in the model's opset and what the hardware can do agree. NumPy-style
// broadcasting from opset 7 on, restricted to what the element-wise unit
// repeats (equal shapes, a scalar, a row, the trailing dims of the other
// operand); before opset 7 the old `broadcast`/`axis` attributes, accepted
// only where they mean the same. Each function returns the Refusal for an
// InputError about the node, or nothing when the shapes are fine.
#pragma once

#include <cstdint>
#include <optional>

#include "compiler/frontend/onnx_node_rules.h"
#include "compiler/frontend/size_limits.h"
#include "compiler/ir/graph.h"

namespace tilesim::frontend {

// Add of `a` and `b`, `a` being the larger operand (the importer swaps them).
std::optional<Refusal> add_refusal(const ir::Shape& a, const ir::Shape& b);

// Add before opset 7, A and B as the node gives them: without broadcast=1
// the shapes are equal; with it B is a scalar or A's trailing dims (axis, if
// given, where they start).
std::optional<Refusal> legacy_add_refusal(const ir::Shape& a, const ir::Shape& b, const NodeAttributes& attributes,
                                          std::int64_t opset);

// Gemm's C against the product op(A) @ op(B): a scalar, a row or the whole
// [M, N]; before opset 7 the whole [M, N] unless broadcast=1.
std::optional<Refusal> gemm_c_refusal(const ir::Shape& c, const ir::Shape& product, const NodeAttributes& attributes,
                                      std::int64_t opset);

}  // namespace tilesim::frontend
