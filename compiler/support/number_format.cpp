#include "compiler/support/number_format.h"

#include <charconv>
#include <cmath>

namespace tilesim {

std::string format_number(double value) {
  char buf[64];
  // Whole numbers below 2^53 are exact in fixed notation; the shortest
  // round-trip form would turn 1000000 into 1e+06.
  const bool whole = std::isfinite(value) && std::fabs(value) < 9007199254740992.0 && value == std::trunc(value);
  const auto result = whole ? std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed)
                            : std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, result.ptr);
}

}  // namespace tilesim
