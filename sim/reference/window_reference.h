// The host reference's sliding-window ops, computed directly on NCHW tensors
// in double precision (never through im2col, so that they check the
// lowering): 2-D convolution with groups, as ONNX Conv defines it, and max
// and average pooling, as ONNX MaxPool and AveragePool define them.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/ir/graph.h"

namespace tilesim {

// y [N, OC, OH, OW] = conv(x [N, C, H, W], w [OC, C/group, KH, KW]) + bias
// (bias: OC values, or nullptr). Each output sums its products in the order
// (c, kh, kw); padding contributes nothing.
std::vector<double> conv2d_reference(const std::vector<std::int64_t>& x_dims, const std::vector<double>& x,
                                     const std::vector<std::int64_t>& w_dims, const std::vector<double>& w,
                                     const double* bias, const ir::Window& window);

// y [N, C, OH, OW] = the maximum (max) or the average of each window of x
// [N, C, H, W]. Padding never wins a maximum (a window of padding only gives
// -inf); an average divides by the window's input pixels, or with
// count_include_pad by its taps within the padded input (a ceil_mode window
// reaching past the padding does not count those taps).
std::vector<double> pool2d_reference(const std::vector<std::int64_t>& x_dims, const std::vector<double>& x,
                                     const ir::Window& window, bool max);

}  // namespace tilesim
