#include "compiler/frontend/onnx_broadcast.h"

#include <algorithm>
#include <string>

namespace tilesim::frontend {

using ir::Shape;

namespace {

// "adds [2, 3] and [3]": what the node does, for messages.
std::string operation(const std::string& op, const Shape& a, const Shape& b) {
  const std::string verb = op == "Add" ? "adds " : op == "Sub" ? "subtracts " : "multiplies ";
  if (op == "Sub") return verb + ir::to_string(b) + " from " + ir::to_string(a);
  if (op == "Div") return "divides " + ir::to_string(a) + " by " + ir::to_string(b);
  return verb + ir::to_string(a) + " and " + ir::to_string(b);
}

}  // namespace

std::optional<Refusal> broadcast_refusal(const std::string& op, const Shape& a, const Shape& b) {
  if (ir::broadcast(a, b)) return std::nullopt;
  return Refusal{op + " of " + ir::to_string(a) + " and " + ir::to_string(b) + ": the shapes do not broadcast",
                 "shapes whose dims, aligned at the last, are equal or 1 (numpy broadcasting)"};
}

std::optional<Refusal> legacy_broadcast_refusal(const std::string& op, const Shape& a, const Shape& b,
                                                const NodeAttributes& attributes, std::int64_t opset) {
  if (a == b) return std::nullopt;
  const std::string where = " in opset " + std::to_string(opset);
  if (!attributes.broadcast) {
    return Refusal{operation(op, a, b) + " without broadcast=1" + where, "equal shapes, or broadcast=1"};
  }
  const auto ad = a.dims(), bd = b.dims();
  const bool scalar = bd.empty() || (bd.size() == 1 && bd[0] == 1);
  const auto offset = static_cast<std::int64_t>(ad.size()) - static_cast<std::int64_t>(bd.size());
  const bool suffix = offset >= 0 && std::equal(bd.begin(), bd.end(), ad.begin() + offset);
  if (scalar || (suffix && (!attributes.axis || *attributes.axis == offset))) return std::nullopt;
  return Refusal{"broadcasts " + ir::to_string(b) + " over " + ir::to_string(a) +
                     (attributes.axis ? " at axis " + std::to_string(*attributes.axis) : std::string()) + where,
                 "B a scalar or the trailing dims of A (axis omitted, or the rank of A minus the rank of B)"};
}

std::optional<Refusal> gemm_c_refusal(const Shape& c, const Shape& product, const NodeAttributes& attributes,
                                      std::int64_t opset) {
  const std::string shapes = "has C of shape " + ir::to_string(c) + " for a product of shape " + ir::to_string(product);
  const bool ok = c.is_scalar() || (c.rank == 1 && c.cols == product.cols) ||
                  (c.rank == 2 && c.rows == 1 && c.cols == product.cols) || (c.rank == 2 && c == product);
  if (!ok) return Refusal{shapes, "C of shape [], [1], [N], [1, N] or [M, N]"};
  if (opset < 7 && !attributes.broadcast && c != product) {
    return Refusal{shapes + " without broadcast=1 in opset " + std::to_string(opset),
                   "C of the product's shape, or broadcast=1"};
  }
  return std::nullopt;
}

}  // namespace tilesim::frontend
