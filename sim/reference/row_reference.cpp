#include "sim/reference/row_reference.h"

#include <cmath>
#include <limits>

namespace tilesim::reference {

namespace {

double max_of(const double* x, std::int64_t n) {
  double m = -std::numeric_limits<double>::infinity();
  for (std::int64_t c = 0; c < n; ++c) m = std::isnan(x[c]) || x[c] > m ? x[c] : m;
  return m;
}

// (max, sum of exp(x - max)); a row of -inf sums nothing.
void softmax_stats(const double* x, std::int64_t n, double* out) {
  const double m = max_of(x, n);
  double s = 0.0;
  for (std::int64_t c = 0; c < n && m != -std::numeric_limits<double>::infinity(); ++c) s += std::exp(x[c] - m);
  out[0] = m;
  out[1] = s;
}

// (mean, 1 / sqrt(variance + epsilon)), the variance over n (ONNX's).
void layer_norm_stats(const double* x, std::int64_t n, double epsilon, double* out) {
  double mean = 0.0, m2 = 0.0;
  for (std::int64_t c = 0; c < n; ++c) mean += x[c];
  mean /= static_cast<double>(n);
  for (std::int64_t c = 0; c < n; ++c) m2 += (x[c] - mean) * (x[c] - mean);
  out[0] = mean;
  out[1] = 1.0 / std::sqrt(m2 / static_cast<double>(n) + epsilon);
}

}  // namespace

std::vector<double> row_op(const ir::Op& op, std::int64_t rows, std::int64_t cols, const RowInputs& in) {
  const bool stats = op.kind == ir::OpKind::SoftmaxStats || op.kind == ir::OpKind::LayerNormStats;
  const std::int64_t width = stats                                                                  ? 2
                             : op.kind == ir::OpKind::ReduceSum || op.kind == ir::OpKind::ReduceMax ? 1
                                                                                                    : cols;
  std::vector<double> out(static_cast<std::size_t>(rows * width));
  for (std::int64_t r = 0; r < rows; ++r) {
    const double* x = in.x->data() + r * cols;
    double* y = out.data() + r * width;
    const double* s = in.stats ? in.stats->data() + 2 * r : nullptr;
    switch (op.kind) {
      case ir::OpKind::ReduceSum: {
        double sum = 0.0;
        for (std::int64_t c = 0; c < cols; ++c) sum += x[c];
        y[0] = sum * static_cast<double>(op.scale);
        break;
      }
      case ir::OpKind::ReduceMax:
        y[0] = max_of(x, cols);
        break;
      case ir::OpKind::SoftmaxStats:
        softmax_stats(x, cols, y);
        break;
      case ir::OpKind::LayerNormStats:
        layer_norm_stats(x, cols, static_cast<double>(op.param[0]), y);
        break;
      case ir::OpKind::Softmax:
        for (std::int64_t c = 0; c < cols; ++c) y[c] = std::exp(x[c] - s[0]) / s[1];
        break;
      default:  // LayerNorm
        for (std::int64_t c = 0; c < cols; ++c) {
          const auto k = static_cast<std::size_t>(c);
          y[c] = (x[c] - s[0]) * s[1] * (*in.gamma)[k] + (in.beta ? (*in.beta)[k] : 0.0);
        }
    }
  }
  return out;
}

}  // namespace tilesim::reference
