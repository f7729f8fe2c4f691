#include "sim/reference/compare.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <vector>

namespace tilesim {

namespace {

constexpr double kTiny = 1e-30;  // floor of the scale in compare_outputs' max_rel_error
constexpr double kInf = std::numeric_limits<double>::infinity();

std::string number(const char* format, double value) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

// "[1, 2, 3]": the N-d index of the flat row-major position i.
std::string index_text(const std::vector<std::int64_t>& dims, std::size_t i) {
  std::vector<std::int64_t> index(dims.size());
  auto rest = static_cast<std::int64_t>(i);
  for (std::size_t d = dims.size(); d-- > 0;) {
    index[d] = dims[d] > 0 ? rest % dims[d] : 0;
    rest = dims[d] > 0 ? rest / dims[d] : 0;
  }
  return dims_text(index);
}

// The dims of `t`, or false when its fields disagree.
bool dims_of(const HostTensor& t, std::vector<std::int64_t>& dims) {
  try {
    dims = t.shape();
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

// Fills `result` with the shape mismatch and returns false, or returns true
// with `dims` set when both tensors have the same dims and value counts.
bool same_shape(const HostTensor& got, const HostTensor& expected, std::vector<std::int64_t>& dims,
                Comparison& result) {
  std::vector<std::int64_t> got_dims;
  const bool got_ok = dims_of(got, got_dims);
  const bool expected_ok = dims_of(expected, dims);
  if (got_ok && expected_ok && got_dims == dims && got.data.size() == expected.data.size()) {
    std::size_t count = 1;
    for (const std::int64_t d : dims) count *= static_cast<std::size_t>(d);
    if (count == expected.data.size()) return true;
  }
  result.max_abs_error = kInf;
  result.max_rel_error = kInf;
  result.within_tolerance = false;
  result.worst = "shape " + got.shape_text() + (got_ok ? "" : " (inconsistent)") + " with " +
                 std::to_string(got.data.size()) + " values, expected " + expected.shape_text() +
                 (expected_ok ? "" : " (inconsistent)") + " with " + std::to_string(expected.data.size()) + " values";
  return false;
}

// |got - ref| for one element: 0 for NaN in both and for equal values (also
// equal infinities), +inf for a NaN or infinity out of place.
double difference(double g, double r) {
  if (std::isnan(g) && std::isnan(r)) return 0;
  if (g == r) return 0;
  if (!std::isfinite(g) || !std::isfinite(r)) return kInf;
  return std::fabs(g - r);
}

// Tracks the element closest to (or furthest beyond) its allowance.
struct Worst {
  double ratio = -1;
  std::size_t at = 0;
  double d = 0;
  double allowed = 0;

  void see(std::size_t i, double di, double allowed_i) {
    const double r = allowed_i > 0 ? di / allowed_i : (di > 0 ? kInf : 0.0);
    if (r > ratio) *this = Worst{r, i, di, allowed_i};
  }
  std::string text(const std::vector<std::int64_t>& dims, const HostTensor& got, const HostTensor& expected) const {
    if (ratio < 0) return "";
    return index_text(dims, at) + ": got " + number("%.9g", got.data[at]) + ", expected " +
           number("%.9g", expected.data[at]) + " (|d| " + number("%.3g", d) + (d > allowed ? " > " : " <= ") +
           "allowed " + number("%.3g", allowed) + ")";
  }
};

}  // namespace

Comparison compare_outputs(const HostTensor& got, const HostTensor& expected, const Tolerance& tolerance) {
  Comparison result;
  std::vector<std::int64_t> dims;
  if (!same_shape(got, expected, dims, result)) return result;

  double max_ref = 0;
  for (const float r : expected.data) {
    if (std::isfinite(r)) max_ref = std::max(max_ref, std::fabs(static_cast<double>(r)));
  }
  const double atol = tolerance.atol_scale * (1 + max_ref);

  Worst worst;
  for (std::size_t i = 0; i < expected.data.size(); ++i) {
    const double g = got.data[i];
    const double r = expected.data[i];
    if (std::isnan(g) && std::isnan(r)) continue;  // NaN in both: equal
    const double d = difference(g, r);
    const double allowed = atol + (std::isfinite(r) ? tolerance.rtol * std::fabs(r) : 0.0);
    if (d > allowed) result.within_tolerance = false;
    result.max_abs_error = std::max(result.max_abs_error, d);
    worst.see(i, d, allowed);
  }
  result.max_rel_error = result.max_abs_error / std::max(max_ref, kTiny);
  result.worst = worst.text(dims, got, expected);
  return result;
}

Comparison compare_elementwise(const HostTensor& got, const HostTensor& expected, double rtol, double atol) {
  Comparison result;
  std::vector<std::int64_t> dims;
  if (!same_shape(got, expected, dims, result)) return result;

  Worst worst;
  for (std::size_t i = 0; i < expected.data.size(); ++i) {
    const double g = got.data[i];
    const double r = expected.data[i];
    if (std::isnan(g) && std::isnan(r)) continue;  // NaN in both: equal
    const double d = difference(g, r);
    const double allowed = atol + (std::isfinite(r) ? rtol * std::fabs(r) : 0.0);
    if (d > allowed) result.within_tolerance = false;
    result.max_abs_error = std::max(result.max_abs_error, d);
    // A NaN or infinity out of place is infinitely wrong; a zero expected
    // value has no relative error (numpy leaves those out too).
    const double rel = std::isinf(d) ? kInf : r != 0 ? d / std::fabs(r) : 0.0;
    result.max_rel_error = std::max(result.max_rel_error, rel);
    worst.see(i, d, allowed);
  }
  result.worst = worst.text(dims, got, expected);
  return result;
}

}  // namespace tilesim
