#include "sim/io/host_tensor.h"

#include <stdexcept>

namespace tilesim {

HostTensor HostTensor::from_dims(std::vector<std::int64_t> dims, std::vector<float> data) {
  HostTensor t;
  t.rank = static_cast<int>(dims.size());
  t.rows = dims.size() >= 2 ? dims[dims.size() - 2] : 1;
  t.cols = dims.empty() ? 1 : dims.back();
  t.batch = 1;
  for (std::size_t i = 0; i + 2 < dims.size(); ++i) t.batch *= dims[i];
  t.dims = std::move(dims);
  t.data = std::move(data);
  return t;
}

std::vector<std::int64_t> HostTensor::shape() const {
  const auto bad = [this](const std::string& what) {
    throw std::invalid_argument("HostTensor: " + what + " (rank " + std::to_string(rank) + ", rows " +
                                std::to_string(rows) + ", cols " + std::to_string(cols) + ", batch " +
                                std::to_string(batch) + ", dims " + dims_text(dims) + ")");
  };
  if (rank < 0 || rank > kMaxHostRank) bad("rank outside 0..4");
  std::vector<std::int64_t> result;
  if (rank == 0 && dims.empty()) {
    // a scalar: rows and cols are not looked at
  } else if (dims.empty() && rank == 1) {
    if (rows != 1 || batch != 1) bad("a rank-1 tensor has one row");
    result = {cols};
  } else if (dims.empty() && rank == 2) {
    if (batch != 1) bad("a rank-2 tensor has batch 1");
    result = {rows, cols};
  } else {
    if (dims.size() != static_cast<std::size_t>(rank)) bad("dims do not have the rank's length");
    const HostTensor view = from_dims(dims, {});
    if (rows != view.rows || cols != view.cols || batch != view.batch) bad("rows, cols or batch do not match dims");
    result = dims;
  }
  for (const std::int64_t d : result) {
    if (d < 0) bad("a negative dimension");
  }
  return result;
}

std::int64_t HostTensor::element_count() const {
  std::int64_t n = 1;
  for (const std::int64_t d : shape()) n *= d;
  return n;
}

std::string dims_text(const std::vector<std::int64_t>& dims) {
  std::string text = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

std::string HostTensor::shape_text() const {
  // Never throws: an inconsistent tensor still prints something useful.
  if (!dims.empty() || rank == 0) return dims_text(dims);
  if (rank == 1) return "[" + std::to_string(cols) + "]";
  return "[" + std::to_string(rows) + ", " + std::to_string(cols) + "]";
}

}  // namespace tilesim
