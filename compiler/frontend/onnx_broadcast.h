// Which operand shapes an imported Add, Sub, Mul or Gemm may combine: those
// where ONNX's rule in the model's opset and what the hardware can do agree.
// NumPy-style (multidirectional) broadcasting from opset 7 on, which the
// element-wise unit does in full (ir::broadcast); before opset 7 the old
// `broadcast`/`axis` attributes, accepted only where they mean the same. Each
// function returns the Refusal for an InputError about the node, or nothing
// when the shapes are fine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "compiler/frontend/onnx_node_rules.h"
#include "compiler/frontend/size_limits.h"
#include "compiler/ir/graph.h"

namespace tilesim::frontend {

// A binary op from opset 7 on, A and B as the node gives them: the shapes
// broadcast (ir::broadcast). `op` names it ("Add").
std::optional<Refusal> broadcast_refusal(const std::string& op, const ir::Shape& a, const ir::Shape& b);

// Add, Sub or Mul (`op`) before opset 7, A and B as the node gives them:
// without broadcast=1 the shapes are equal; with it B is a scalar or A's
// trailing dims (axis, if given, where they start).
std::optional<Refusal> legacy_broadcast_refusal(const std::string& op, const ir::Shape& a, const ir::Shape& b,
                                                const NodeAttributes& attributes, std::int64_t opset);

// Gemm's C against the product op(A) @ op(B): a scalar, a row or the whole
// [M, N]; before opset 7 the whole [M, N] unless broadcast=1.
std::optional<Refusal> gemm_c_refusal(const ir::Shape& c, const ir::Shape& product, const NodeAttributes& attributes,
                                      std::int64_t opset);

}  // namespace tilesim::frontend
