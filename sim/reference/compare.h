// Comparing a simulated output with an expected one. Two rules:
//  - compare_outputs (--verify, against the host reference): a tolerance
//    suited to float32 tile kernels that sum in a different order than the
//    double reference, scaled by the tensor's magnitude. docs/formats.md
//    derives the numbers.
//  - compare_elementwise (ONNX conformance, against the backend test data):
//    the ONNX backend tests' rule, per element with fixed rtol and atol.
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
  double max_abs_error = 0;  // max |got - ref|; +inf when a NaN/inf is out of place
  // compare_outputs: max_abs_error / max(max |ref|, 1e-30), relative to the
  // tensor's scale; compare_elementwise: max |got_i - ref_i| / |ref_i| over
  // the elements whose ref_i is not 0 (as numpy's assert_allclose reports it).
  double max_rel_error = 0;
  bool within_tolerance = true;
  // The element furthest beyond (or closest to) its allowance, with its N-d
  // index, e.g. "[1, 3, 17]: got 1.5, expected 1.25 (|d| 0.25 > allowed
  // 0.000125)"; or the shape mismatch, e.g. "shape [2, 3] with 6 values,
  // expected [3, 2] with 6 values"; empty for an empty tensor.
  std::string worst;
};

// Shapes compare by their full dims (HostTensor::shape()): [1, 5] is not [5].
Comparison compare_outputs(const HostTensor& got, const HostTensor& expected, const Tolerance& tolerance = {});

// The ONNX backend-test rule (numpy.testing.assert_allclose): element i
// passes when |got_i - expected_i| <= atol + rtol * |expected_i|; NaN in both
// at the same place and equal infinities count as equal, a NaN or infinity in
// only one fails. The conformance run uses rtol 1e-3, atol 1e-7.
Comparison compare_elementwise(const HostTensor& got, const HostTensor& expected, double rtol, double atol);

}  // namespace tilesim
