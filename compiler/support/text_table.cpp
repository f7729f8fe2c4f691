#include "compiler/support/text_table.h"

#include <algorithm>

namespace tilesim {

void write_table(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& numeric, std::ostream& out,
                 const std::string& indent) {
  std::vector<std::size_t> width(numeric.size(), 0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  for (const auto& row : rows) {
    std::string line = indent;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(width[c] - row[c].size(), ' ');
      line += c ? "  " : "";
      line += numeric[c] ? pad + row[c] : row[c] + (c + 1 < row.size() ? pad : "");
    }
    out << line << "\n";
  }
}

}  // namespace tilesim
