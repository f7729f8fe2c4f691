// The header dict of a .npy file, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (10, 10), }
// parsed as the small subset of Python literals NumPy writes (strings, ints,
// True/False/None, tuples, lists, dicts) and checked against what tilesim
// accepts: little-endian float32/float64, C order, rank 0 to 4.
// Used by npy.cpp; separate so the parser can be tested on its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/frontend/size_limits.h"

namespace tilesim::npy {

// At most this many elements per array: the frontends' per-tensor limit, so
// every model tensor fits and no hostile shape can ask for more.
inline constexpr std::int64_t kMaxElements = frontend::kMaxTensorElements;

struct Header {
  int item_bytes = 4;               // 4: '<f4', 8: '<f8'
  std::vector<std::int64_t> shape;  // rank 0 to 4, every dimension >= 0
  std::string shape_text;           // as NumPy prints it: "(10, 10)", "(7,)", "()"
  std::int64_t elements = 0;        // product of shape, <= kMaxElements
};

// Parses and checks `text`, the header bytes after the length field. Throws
// InputError "FILE: what is wrong (expected ...)" naming `file`.
Header parse_header(const std::string& text, const std::string& file);

}  // namespace tilesim::npy
