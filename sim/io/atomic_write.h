// Writing a file whole or not at all: the bytes go to a temporary file in the
// same folder (PATH.tmp-XXXXXX), renamed over `path` when complete, so `path`
// never holds half a file. Used by the .npy and TensorProto writers.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace tilesim {

struct ByteSpan {
  const char* data;
  std::size_t size;
};

// Writes the concatenation of `parts` to `path`, mode 0644. Throws InputError
// "PATH: cannot create: REASON (expected a path in a writable folder)" when
// the temporary file cannot be created, std::runtime_error when writing or
// the rename fails midway (the temporary file is removed).
void write_atomically(const std::string& path, const std::vector<ByteSpan>& parts);

}  // namespace tilesim
