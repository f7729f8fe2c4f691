#include "sim/reference/select_reference.h"

#include <cstdint>

namespace tilesim {

namespace {

using Dims = std::vector<std::int64_t>;

// For each selected dim: its size, and the stride in x it advances by.
struct Walk {
  Dims sizes, strides;
  std::int64_t base = 0;
};

std::optional<Walk> walk_of(const ir::Op& op) {
  const ir::Selection& s = op.select;
  const std::size_t rank = s.from.size();
  Dims stride(rank, 1);
  for (std::size_t i = rank; i-- > 1;) stride[i - 1] = stride[i] * s.from[i];
  Walk w;
  if (op.kind == ir::OpKind::Permute) {
    if (s.perm.size() != rank) return std::nullopt;
    for (const std::int64_t p : s.perm) {
      if (p < 0 || static_cast<std::size_t>(p) >= rank) return std::nullopt;
      w.sizes.push_back(s.from[static_cast<std::size_t>(p)]);
      w.strides.push_back(stride[static_cast<std::size_t>(p)]);
    }
    return w;
  }
  const auto axis = static_cast<std::size_t>(s.axis);
  const std::int64_t last = s.start + s.step * (s.count - 1);
  if (axis >= rank || s.count < 1 || s.start < 0 || s.start >= s.from[axis] || last < 0 || last >= s.from[axis]) {
    return std::nullopt;
  }
  w.sizes = s.from;
  w.strides = stride;
  w.sizes[axis] = s.count;
  w.strides[axis] = stride[axis] * s.step;
  w.base = s.start * stride[axis];
  return w;
}

}  // namespace

std::optional<std::vector<double>> select_reference(const ir::Op& op, const std::vector<double>& x) {
  std::int64_t elements = 1;
  for (const std::int64_t d : op.select.from) elements *= d;
  if (elements != static_cast<std::int64_t>(x.size())) return std::nullopt;
  const std::optional<Walk> w = walk_of(op);
  if (!w) return std::nullopt;
  std::vector<double> out;
  Dims at(w->sizes.size(), 0);
  std::int64_t offset = w->base;
  for (;;) {  // an odometer over the selected dims, last fastest
    out.push_back(x[static_cast<std::size_t>(offset)]);
    std::size_t d = at.size();
    while (d > 0) {
      --d;
      offset += w->strides[d];
      if (++at[d] < w->sizes[d]) break;
      offset -= w->strides[d] * at[d];
      at[d] = 0;
      if (d == 0) return out;
    }
    if (at.empty()) return out;
  }
}

}  // namespace tilesim
