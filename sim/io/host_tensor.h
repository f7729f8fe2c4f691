// A tensor's values on the host, at its true (unpadded) shape, row-major.
// What --input files hold, what the host reference computes on, and what the
// simulator writes back out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tilesim {

struct HostTensor {
  int rank = 2;            // 1: a vector [cols] (rows == 1)
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::vector<float> data;  // rows * cols values, row-major

  float at(std::int64_t r, std::int64_t c) const { return data[static_cast<std::size_t>(r * cols + c)]; }
  // "[128, 784]" or "[256]", as model files and error messages write shapes.
  std::string shape_text() const;
};

}  // namespace tilesim
