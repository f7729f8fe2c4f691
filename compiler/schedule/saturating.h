// Integer arithmetic on figures read from files, which may be anything: a
// product or sum that would overflow int64 gives INT64_MAX instead of
// undefined behaviour, so a size check can compare it with its limit.
#pragma once

#include <cstdint>
#include <limits>

namespace tilesim::sched {

inline constexpr std::int64_t kSaturated = std::numeric_limits<std::int64_t>::max();

// a * b for a, b >= 0; kSaturated when it does not fit (or an operand is negative).
inline std::int64_t saturating_mul(std::int64_t a, std::int64_t b) {
  std::int64_t product = 0;
  if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &product)) return kSaturated;
  return product;
}

// a + b for a, b >= 0; kSaturated when it does not fit (or an operand is negative).
inline std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (a < 0 || b < 0 || __builtin_add_overflow(a, b, &sum)) return kSaturated;
  return sum;
}

}  // namespace tilesim::sched
