#include "sim/reference/compare.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace tilesim {

namespace {

constexpr double kTiny = 1e-30;  // floor of the scale in max_rel_error

std::string number(const char* format, double value) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

std::string index_text(const HostTensor& t, std::size_t i) {
  const auto cols = static_cast<std::size_t>(t.cols);
  if (t.rank == 1) return "[" + std::to_string(i) + "]";
  return "[" + std::to_string(i / cols) + ", " + std::to_string(i % cols) + "]";
}

}  // namespace

Comparison compare_outputs(const HostTensor& got, const HostTensor& expected, const Tolerance& tolerance) {
  Comparison result;
  const double inf = std::numeric_limits<double>::infinity();
  if (got.rank != expected.rank || got.rows != expected.rows || got.cols != expected.cols ||
      got.data.size() != expected.data.size()) {
    result.max_abs_error = inf;
    result.max_rel_error = inf;
    result.within_tolerance = false;
    result.worst = "shape " + got.shape_text() + " with " + std::to_string(got.data.size()) +
                   " values, expected " + expected.shape_text() + " with " +
                   std::to_string(expected.data.size()) + " values";
    return result;
  }

  double max_ref = 0;
  for (const float r : expected.data) {
    if (std::isfinite(r)) max_ref = std::max(max_ref, std::fabs(static_cast<double>(r)));
  }
  const double atol = tolerance.atol_scale * (1 + max_ref);

  double worst_ratio = -1;
  std::size_t worst_at = 0;
  double worst_d = 0;
  double worst_allowed = 0;
  for (std::size_t i = 0; i < expected.data.size(); ++i) {
    const double g = got.data[i];
    const double r = expected.data[i];
    if (std::isnan(g) && std::isnan(r)) continue;  // NaN in both: equal
    double d = 0;
    if (g == r) {
      d = 0;  // also equal infinities
    } else if (!std::isfinite(g) || !std::isfinite(r)) {
      d = inf;  // a NaN or infinity out of place
    } else {
      d = std::fabs(g - r);
    }
    const double allowed = atol + (std::isfinite(r) ? tolerance.rtol * std::fabs(r) : 0.0);
    const double ratio = allowed > 0 ? d / allowed : (d > 0 ? inf : 0.0);
    if (d > allowed) result.within_tolerance = false;
    result.max_abs_error = std::max(result.max_abs_error, d);
    if (ratio > worst_ratio) {
      worst_ratio = ratio;
      worst_at = i;
      worst_d = d;
      worst_allowed = allowed;
    }
  }
  result.max_rel_error = result.max_abs_error / std::max(max_ref, kTiny);
  if (worst_ratio >= 0) {
    result.worst = index_text(expected, worst_at) + ": got " + number("%.9g", got.data[worst_at]) + ", expected " +
                   number("%.9g", expected.data[worst_at]) + " (|d| " + number("%.3g", worst_d) +
                   (worst_d > worst_allowed ? " > " : " <= ") + "allowed " + number("%.3g", worst_allowed) + ")";
  }
  return result;
}

}  // namespace tilesim
