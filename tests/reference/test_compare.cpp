// compare_outputs: the tolerance |d| <= atol + rtol*|ref| with
// atol = 1e-5 * (1 + max|ref|), rtol = 1e-4, at its edges.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "sim/reference/compare.h"

using tilesim::compare_outputs;
using tilesim::HostTensor;

namespace {

HostTensor t2(std::int64_t rows, std::int64_t cols, std::vector<float> data) {
  return HostTensor::from_dims({rows, cols}, std::move(data));
}

}  // namespace

TEST_CASE("compare: equal tensors", "[reference][compare]") {
  const auto c = compare_outputs(t2(1, 2, {1, -2}), t2(1, 2, {1, -2}));
  CHECK(c.within_tolerance);
  CHECK(c.max_abs_error == 0);
  CHECK(c.max_rel_error == 0);
  CHECK(c.worst == "[0, 0]: got 1, expected 1 (|d| 0 <= allowed 0.00013)");
  CHECK(compare_outputs(t2(0, 3, {}), t2(0, 3, {})).within_tolerance);
}

TEST_CASE("compare: the relative part, rtol = 1e-4", "[reference][compare]") {
  // max|ref| = 1: atol = 2e-5, so an element of 1 may be off by 1.2e-4.
  const HostTensor ref = t2(1, 2, {1, 1});
  CHECK(compare_outputs(t2(1, 2, {1 + 1.1e-4f, 1}), ref).within_tolerance);
  CHECK(compare_outputs(t2(1, 2, {1, 1 - 1.1e-4f}), ref).within_tolerance);
  const auto c = compare_outputs(t2(1, 2, {1, 1 + 1.3e-4f}), ref);
  CHECK_FALSE(c.within_tolerance);
  CHECK(c.max_abs_error == Approx(1.3e-4).epsilon(1e-3));
  CHECK(c.max_rel_error == Approx(1.3e-4).epsilon(1e-3));
  CHECK(c.worst == "[0, 1]: got 1.00013006, expected 1 (|d| 0.00013 > allowed 0.00012)");
}

TEST_CASE("compare: the absolute part scales with the tensor's largest value", "[reference][compare]") {
  // max|ref| = 100: atol = 1e-5 * 101 = 1.01e-3 also covers elements near 0,
  // which a float32 sum with cancellation cannot get to a relative 1e-4.
  const HostTensor ref = t2(1, 3, {100, 0, 0.001f});
  CHECK(compare_outputs(t2(1, 3, {100, 1.0e-3f, 0.001f}), ref).within_tolerance);
  CHECK(compare_outputs(t2(1, 3, {100, 0, -0.000009f}), ref).within_tolerance);
  const auto c = compare_outputs(t2(1, 3, {100, -1.1e-3f, 0.001f}), ref);
  CHECK_FALSE(c.within_tolerance);
  CHECK(c.max_rel_error == Approx(1.1e-5).epsilon(1e-3));  // relative to max|ref|
  INFO(c.worst);
  CHECK(c.worst == "[0, 1]: got -0.00109999999, expected 0 (|d| 0.0011 > allowed 0.00101)");
}

TEST_CASE("compare: NaN and infinities", "[reference][compare]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(compare_outputs(t2(1, 3, {nan, inf, 1}), t2(1, 3, {nan, inf, 1})).within_tolerance);
  const auto one_nan = compare_outputs(t2(1, 2, {nan, 1}), t2(1, 2, {0, 1}));
  CHECK_FALSE(one_nan.within_tolerance);
  CHECK(std::isinf(one_nan.max_abs_error));
  CHECK(one_nan.worst.rfind("[0, 0]: got nan, expected 0 (|d| inf > allowed", 0) == 0);
  CHECK_FALSE(compare_outputs(t2(1, 1, {1}), t2(1, 1, {nan})).within_tolerance);
  CHECK_FALSE(compare_outputs(t2(1, 1, {-inf}), t2(1, 1, {inf})).within_tolerance);
  // Infinities do not set the scale: atol comes from the finite values.
  CHECK_FALSE(compare_outputs(t2(1, 2, {inf, 1.01f}), t2(1, 2, {inf, 1})).within_tolerance);
}

TEST_CASE("compare: a shape mismatch never passes", "[reference][compare]") {
  const auto c = compare_outputs(HostTensor::from_dims({2}, {1, 2}), t2(1, 2, {1, 2}));
  CHECK_FALSE(c.within_tolerance);
  CHECK(c.worst == "shape [2] with 2 values, expected [1, 2] with 2 values");
  CHECK(std::isinf(c.max_abs_error));
}

TEST_CASE("compare: a custom tolerance", "[reference][compare]") {
  const tilesim::Tolerance exact{0, 0};
  CHECK(compare_outputs(t2(1, 1, {1}), t2(1, 1, {1}), exact).within_tolerance);
  CHECK_FALSE(compare_outputs(t2(1, 1, {std::nextafter(1.0f, 2.0f)}), t2(1, 1, {1}), exact).within_tolerance);
}
