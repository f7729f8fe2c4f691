// Comparing a simulated output with the host reference, with a tolerance
// suited to float32 tile kernels that sum in a different order than the
// double reference. docs/formats.md derives the numbers.
#pragma once

#include <string>

#include "sim/io/host_tensor.h"

namespace tilesim {

// Element i passes when |got_i - ref_i| <= atol + rtol * |ref_i|, with
// atol = atol_scale * (1 + max_j |ref_j|) over the finite values of the
// tensor. NaN in both at the same place, and equal infinities, count as equal.
struct Tolerance {
  double rtol = 1e-4;
  double atol_scale = 1e-5;
};

struct Comparison {
  double max_abs_error = 0;   // max |got - ref|; +inf when a NaN/inf is out of place
  double max_rel_error = 0;   // max_abs_error / max(max |ref|, 1e-30): relative to the tensor's scale
  bool within_tolerance = true;
  // The element furthest beyond (or closest to) its allowance, e.g.
  // "[3, 17]: got 1.5, expected 1.25 (|d| 0.25 > allowed 0.000125)"; or the
  // shape mismatch; empty for an empty tensor.
  std::string worst;
};

Comparison compare_outputs(const HostTensor& got, const HostTensor& expected, const Tolerance& tolerance = {});

}  // namespace tilesim
