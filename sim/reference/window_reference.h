// The host reference's sliding-window ops, computed directly on NCHW tensors
// in double precision (never through im2col, so that they check the
// lowering): 2-D convolution with groups, as ONNX Conv defines it.
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

}  // namespace tilesim
