// The host reference of the row ops (ir::is_row_op) in double precision:
// each of `rows` rows of `cols` consecutive elements of x (row-major in the
// true dims; an nchw image's rows are its channels) reduced or normalized
// exactly, in two passes (max, then the sum of exp(x - max); mean, then the
// squared deviations), never the hardware's streaming order.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/ir/graph.h"

namespace tilesim::reference {

struct RowInputs {
  const std::vector<double>* x = nullptr;
  const std::vector<double>* stats = nullptr;  // rows x 2 (Softmax, LayerNorm)
  const std::vector<double>* gamma = nullptr;  // cols (LayerNorm)
  const std::vector<double>* beta = nullptr;   // cols (LayerNorm; may be absent)
};

// The op's values: rows (ReduceSum, ReduceMax), rows x 2 (the statistics)
// or rows x cols (Softmax, LayerNorm).
std::vector<double> row_op(const ir::Op& op, std::int64_t rows, std::int64_t cols, const RowInputs& in);

}  // namespace tilesim::reference
