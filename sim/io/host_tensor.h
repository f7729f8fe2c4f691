// A tensor's values on the host, at its true (unpadded) shape, row-major.
// What --input files hold, what the host reference computes on, and what the
// simulator writes back out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tilesim {

// The largest rank tilesim handles anywhere (files, graph, reference).
inline constexpr int kMaxHostRank = 4;

struct HostTensor {
  // The matrix view: the last two dims (rows = dims[-2] or 1, cols = dims[-1]
  // or 1). With `batch` (the product of the dims before the last two) the data
  // is also a [batch * rows, cols] row-major matrix: a stack of batch matrices.
  int rank = 2;  // 0 (a scalar) to 4; 1: a vector [cols] (rows == 1)
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::vector<float> data;  // product(dims) values, row-major over all dims
  // The true shape, authoritative: rank entries. Left empty by code that only
  // sets the matrix view (rank 1 or 2): shape() then derives it from rows/cols.
  std::vector<std::int64_t> dims;
  std::int64_t batch = 1;

  // A consistent tensor of shape `dims` (rank 0..4; not checked against data).
  static HostTensor from_dims(std::vector<std::int64_t> dims, std::vector<float> data);

  // The true shape: `dims` when set (or rank 0), else [cols] for rank 1 and
  // [rows, cols] for rank 2. Throws std::invalid_argument when the fields
  // disagree (dims of another rank, rows/cols/batch not matching dims, rank
  // 3-4 without dims, rank outside 0..4).
  std::vector<std::int64_t> shape() const;
  // Product of shape(): how many values data must hold.
  std::int64_t element_count() const;

  float at(std::int64_t r, std::int64_t c) const { return data[static_cast<std::size_t>(r * cols + c)]; }
  // "[2, 3, 4]", "[128, 784]", "[256]" or "[]" (a scalar), as model files and
  // error messages write shapes.
  std::string shape_text() const;
};

// "[2, 3, 4]" for any list of dims; "[]" for none.
std::string dims_text(const std::vector<std::int64_t>& dims);

}  // namespace tilesim
