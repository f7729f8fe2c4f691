// Numbers as users wrote them: 1000 rather than 1e+03, 0.1 rather than
// 0.10000000000000001. Used in messages and in printed configurations, so a
// printed value reads back to the same double.
#pragma once

#include <string>

namespace tilesim {

std::string format_number(double value);

}  // namespace tilesim
