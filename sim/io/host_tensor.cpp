#include "sim/io/host_tensor.h"

namespace tilesim {

std::string HostTensor::shape_text() const {
  if (rank == 1) return "[" + std::to_string(cols) + "]";
  return "[" + std::to_string(rows) + ", " + std::to_string(cols) + "]";
}

}  // namespace tilesim
