// A plain text table for the summaries people read in a terminal (`tilesim
// compile`, `tilesim run`): every column as wide as its widest cell, numbers
// right-aligned, two spaces between columns.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace tilesim {

// rows[0] is usually the heading; numeric[c] right-aligns column c. Every row
// has numeric.size() cells. Each line starts with `indent`.
void write_table(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& numeric, std::ostream& out,
                 const std::string& indent = "");

}  // namespace tilesim
