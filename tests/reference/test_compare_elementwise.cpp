// compare_elementwise: the ONNX backend-test rule |got - expected| <= atol +
// rtol * |expected| per element, at its edges, with N-d indices.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "sim/reference/compare.h"

using tilesim::compare_elementwise;
using tilesim::HostTensor;

namespace {

HostTensor nd(std::vector<std::int64_t> dims, std::vector<float> data) {
  return HostTensor::from_dims(std::move(dims), std::move(data));
}

constexpr double kRtol = 1e-3;
constexpr double kAtol = 1e-7;

}  // namespace

TEST_CASE("compare_elementwise: equal tensors of every rank", "[reference][compare]") {
  for (const auto& dims : std::vector<std::vector<std::int64_t>>{{}, {3}, {1, 3}, {3, 1, 1}, {1, 1, 3, 1}}) {
    const HostTensor t = nd(dims, dims.empty() ? std::vector<float>{2} : std::vector<float>{1, -2, 0});
    const auto c = compare_elementwise(t, t, kRtol, kAtol);
    CHECK(c.within_tolerance);
    CHECK(c.max_abs_error == 0);
    CHECK(c.max_rel_error == 0);
  }
  CHECK(compare_elementwise(nd({}, {2}), nd({}, {2}), kRtol, kAtol).worst ==
        "[]: got 2, expected 2 (|d| 0 <= allowed 0.002)");
  CHECK(compare_elementwise(nd({0, 4}, {}), nd({0, 4}, {}), kRtol, kAtol).worst.empty());
}

TEST_CASE("compare_elementwise: the bound per element, not per tensor", "[reference][compare]") {
  // Expected 1000: allowed 1e-7 + 1 = 1.0000001; expected 0.001: allowed 1.1e-6.
  const HostTensor expected = nd({2}, {1000, 0.001f});
  CHECK(compare_elementwise(nd({2}, {1000.9f, 0.001f}), expected, kRtol, kAtol).within_tolerance);
  CHECK_FALSE(compare_elementwise(nd({2}, {1001.5f, 0.001f}), expected, kRtol, kAtol).within_tolerance);
  // Unlike compare_outputs, a big element does not loosen a small one.
  const auto c = compare_elementwise(nd({2}, {1000, 0.0011f}), expected, kRtol, kAtol);
  CHECK_FALSE(c.within_tolerance);
  INFO(c.worst);
  CHECK(c.worst.rfind("[1]: got 0.00109999999, expected 0.00100000005 (|d| 0.0001 > allowed 1.1e-06)", 0) == 0);
  CHECK(c.max_abs_error == Approx(1e-4).epsilon(1e-3));
  CHECK(c.max_rel_error == Approx(0.1).epsilon(1e-3));
  // Near zero only atol is left.
  CHECK(compare_elementwise(nd({1}, {5e-8f}), nd({1}, {0}), kRtol, kAtol).within_tolerance);
  const auto z = compare_elementwise(nd({1}, {2e-7f}), nd({1}, {0}), kRtol, kAtol);
  CHECK_FALSE(z.within_tolerance);
  CHECK(z.max_rel_error == 0);  // no relative error against an expected 0, as numpy reports it
  // Exactly on the bound passes (<=).
  CHECK(compare_elementwise(nd({1}, {1.5f}), nd({1}, {1}), 0.5, 0).within_tolerance);
  CHECK(compare_elementwise(nd({1}, {1.5f}), nd({1}, {1}), 0, 0.5).within_tolerance);
  CHECK_FALSE(compare_elementwise(nd({1}, {1.5f}), nd({1}, {1}), 0, 0.4999).within_tolerance);
}

TEST_CASE("compare_elementwise: the worst element is named by its N-d index", "[reference][compare]") {
  std::vector<float> values(2 * 3 * 4, 1.0f);
  std::vector<float> got = values;
  got[1 * 12 + 2 * 4 + 3] = 1.5f;  // [1, 2, 3]
  got[5] = 1.0005f;                // [0, 1, 1]: within 1e-3
  const auto c = compare_elementwise(nd({2, 3, 4}, got), nd({2, 3, 4}, values), kRtol, kAtol);
  CHECK_FALSE(c.within_tolerance);
  CHECK(c.worst.rfind("[1, 2, 3]: got 1.5, expected 1 (|d| 0.5 > allowed 0.001)", 0) == 0);
  got[23] = 1;
  const auto four = compare_elementwise(nd({1, 2, 3, 4}, got), nd({1, 2, 3, 4}, values), kRtol, kAtol);
  CHECK(four.within_tolerance);
  CHECK(four.worst.rfind("[0, 0, 1, 1]: got 1.00049996", 0) == 0);
}

TEST_CASE("compare_elementwise: NaN and infinities", "[reference][compare]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(compare_elementwise(nd({3}, {nan, inf, -inf}), nd({3}, {nan, inf, -inf}), kRtol, kAtol).within_tolerance);
  const auto one_nan = compare_elementwise(nd({2}, {1, nan}), nd({2}, {1, 1}), kRtol, kAtol);
  CHECK_FALSE(one_nan.within_tolerance);
  CHECK(std::isinf(one_nan.max_abs_error));
  CHECK(std::isinf(one_nan.max_rel_error));
  CHECK(one_nan.worst.rfind("[1]: got nan, expected 1 (|d| inf > allowed", 0) == 0);
  CHECK_FALSE(compare_elementwise(nd({1}, {1}), nd({1}, {nan}), kRtol, kAtol).within_tolerance);
  CHECK_FALSE(compare_elementwise(nd({1}, {inf}), nd({1}, {-inf}), kRtol, kAtol).within_tolerance);
  CHECK_FALSE(compare_elementwise(nd({1}, {3e38f}), nd({1}, {inf}), kRtol, kAtol).within_tolerance);
}

TEST_CASE("compare_elementwise: shapes must match by full dims", "[reference][compare]") {
  const auto c = compare_elementwise(nd({1, 5}, std::vector<float>(5)), nd({5}, std::vector<float>(5)), kRtol, kAtol);
  CHECK_FALSE(c.within_tolerance);
  CHECK(std::isinf(c.max_abs_error));
  CHECK(c.worst == "shape [1, 5] with 5 values, expected [5] with 5 values");
  CHECK(compare_elementwise(nd({2, 3}, std::vector<float>(6)), nd({3, 2}, std::vector<float>(6)), kRtol, kAtol).worst ==
        "shape [2, 3] with 6 values, expected [3, 2] with 6 values");
  CHECK(compare_elementwise(nd({1}, {1}), nd({}, {1}), kRtol, kAtol).worst ==
        "shape [1] with 1 values, expected [] with 1 values");
  HostTensor broken = nd({2, 3}, std::vector<float>(6));
  broken.rows = 3;
  CHECK(compare_elementwise(broken, nd({2, 3}, std::vector<float>(6)), kRtol, kAtol).worst ==
        "shape [2, 3] (inconsistent) with 6 values, expected [2, 3] with 6 values");
  CHECK_FALSE(compare_elementwise(nd({2}, {1}), nd({2}, {1}), kRtol, kAtol).within_tolerance);
  // compare_outputs compares full dims as well, and names N-d indices.
  CHECK_FALSE(
      tilesim::compare_outputs(nd({1, 5}, std::vector<float>(5)), nd({5}, std::vector<float>(5))).within_tolerance);
  CHECK(tilesim::compare_outputs(nd({2, 1, 2}, {1, 1, 1, 2}), nd({2, 1, 2}, {1, 1, 1, 1}))
            .worst.rfind("[1, 0, 1]: ", 0) == 0);
}
