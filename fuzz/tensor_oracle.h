// The round-trip oracle of the tensor-file targets (fuzz_npy,
// fuzz_tensor_proto): the same shape and the same bits in every value, NaN
// payloads included.
#pragma once

#include <cstring>

#include "sim/io/host_tensor.h"

namespace tilesim::fuzz {

inline bool same_bits(const HostTensor& a, const HostTensor& b) {
  return a.shape() == b.shape() && a.data.size() == b.data.size() &&
         (a.data.empty() || std::memcmp(a.data.data(), b.data.data(), a.data.size() * sizeof(float)) == 0);
}

}  // namespace tilesim::fuzz
