#include "compiler/frontend/reshape_rules.h"

#include <optional>

#include "compiler/frontend/window_ops.h"

namespace tilesim::frontend {

std::vector<std::int64_t> reshape_dims(const GraphBuilder& b, const std::vector<std::int64_t>& dims,
                                       std::vector<std::int64_t> shape, bool allowzero, const std::string& key) {
  const auto rank = static_cast<std::int64_t>(dims.size());
  const std::string input_text = "the input " + list_text(dims);
  std::int64_t total = 1, known = 1;
  for (const std::int64_t d : dims) total *= d;
  std::optional<std::size_t> inferred;
  const std::string shown = "shape " + list_text(shape);
  for (std::size_t i = 0; i < shape.size(); ++i) {
    std::int64_t& d = shape[i];
    const std::string at = " at index " + std::to_string(i);
    if (d < -1)
      b.fail(key, shown + " has " + std::to_string(d) + at, "dims >= -1: -1 is inferred, 0 copies the input's dim");
    if (d == -1 && inferred) b.fail(key, shown + " has two -1s", "at most one -1 (the dim inferred from the others)");
    if (d == -1) inferred = i;
    if (d == 0 && allowzero) {
      b.fail(key, shown + " has 0" + at + " with allowzero=1", "no dim of 0 (tilesim has no empty tensors)");
    }
    if (d == 0 && static_cast<std::int64_t>(i) >= rank) {
      b.fail(key, shown + " has 0" + at + ", but " + input_text + " has " + std::to_string(rank) + " dims",
             "0 only at an index where the input has a dim to copy");
    }
    if (d == 0) d = dims[i];
    // Saturates above total: every d >= 1, so the product only grows.
    if (d > 0) known = d > total || known > total / d ? total + 1 : known * d;
  }
  if (inferred && total % known == 0) shape[*inferred] = total / known;
  if (inferred ? total % known != 0 : known != total) {
    b.fail(key, shown + " does not hold the " + std::to_string(total) + " elements of " + input_text,
           "a shape whose dims multiply to the input's element count");
  }
  return shape;
}

std::vector<std::int64_t> flatten_dims(const GraphBuilder& b, const std::vector<std::int64_t>& dims, std::int64_t axis,
                                       const std::string& key, const std::string& subject) {
  const auto rank = static_cast<std::int64_t>(dims.size());
  if (axis < -rank || axis > rank) {
    b.fail(key,
           (subject.empty() ? "" : subject + " ") + "is " + std::to_string(axis) + " for a rank-" +
               std::to_string(rank) + " input",
           "an axis in [" + std::to_string(-rank) + ", " + std::to_string(rank) + "]");
  }
  if (axis < 0) axis += rank;
  std::int64_t outer = 1, inner = 1;
  for (std::int64_t i = 0; i < rank; ++i) (i < axis ? outer : inner) *= dims[static_cast<std::size_t>(i)];
  return {outer, inner};
}

}  // namespace tilesim::frontend
