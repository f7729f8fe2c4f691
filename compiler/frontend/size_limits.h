// The size limits every model frontend applies - the YAML model loader and the
// ONNX importer alike - so that what the compiler and the simulator must hold
// is known to fit before anything is allocated for it.
//
// A tensor is counted as the tiling pass will pad it (ir::padded_rows/cols:
// each matrix of the stack rounded up to 32 x 32 tiles). One tensor may have
// at most kMaxTensorElements padded elements; all tensors of the graph the
// frontend builds (inputs, params, every op output, before fusion) at most
// kMaxModelBytes of padded float32. The sums saturate, so no dims, however
// large, overflow. docs/model-format.md and docs/onnx.md state the same
// numbers; the tensor-file readers (sim/io) use kMaxTensorElements too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace tilesim::frontend {

inline constexpr std::int64_t kMaxTensorElements = std::int64_t{1} << 31;  // padded, per tensor
inline constexpr std::int64_t kMaxModelBytes = std::int64_t{64} << 30;     // padded float32, all tensors
inline constexpr int kMaxRank = 4;                                         // a stack of stacks of matrices
// The largest ONNX file read, and so the most initializer data read (protobuf
// itself stops at 2 GiB; a model near that is of no use here).
inline constexpr std::int64_t kMaxOnnxFileBytes = std::int64_t{1} << 30;

// What is wrong and what was expected, in the words of an InputError; the
// caller adds where.
struct Refusal {
  std::string problem;
  std::string expected;
};

// The padded size of the tensors a frontend declares, one at a time.
class SizeBudget {
 public:
  // Counts tensor `name` of `shape` (every dimension >= 1, rank <= kMaxRank).
  // Returns the problem, and counts nothing, when the tensor alone or the
  // model with it is over a limit.
  std::optional<Refusal> add(const std::string& name, const ir::Shape& shape);

  std::int64_t total_bytes() const { return total_bytes_; }

 private:
  std::int64_t total_bytes_ = 0;
};

// The element limit of one tensor for a constant the ONNX importer folds
// (onnx_constant_folding.h), whose dims may be 0: rank at most kMaxRank and
// at most kMaxTensorElements padded elements, in SizeBudget::add's words.
std::optional<Refusal> elements_refusal(const std::string& name, const std::vector<std::int64_t>& dims);

// Rank and dimension checks for dims as a file states them (ONNX dims are
// any int64): nullopt when the rank is 0 to kMaxRank and every dim >= 1.
std::optional<Refusal> dims_refusal(const std::vector<std::int64_t>& dims);

}  // namespace tilesim::frontend
