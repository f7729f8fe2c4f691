#include "compiler/scheduler/summary.h"

#include <algorithm>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/support/text_table.h"

namespace tilesim::sched {

namespace {

std::string kib(std::int64_t bytes) {
  std::ostringstream out;
  if (bytes % 1024 == 0) {
    out << bytes / 1024 << " KiB";
  } else {
    out << std::fixed << std::setprecision(1) << bytes / 1024.0 << " KiB";
  }
  return out.str();
}

}  // namespace

void write_summary(const Schedule& s, std::ostream& out) {
  out << "model " << s.model << ", SRAM " << kib(s.sram_bytes) << " (" << s.sram_bytes / kTileBytes
      << " tiles of 4 KiB)\n\n";
  std::vector<std::vector<std::string>> rows;
  rows.push_back(
      {"layer", "ops", "shapes", "tiles", "loads", "stores", "execs", "loads elim.", "DMA bytes", "SRAM peak", "plan"});
  for (const LayerSummary& l : s.layers) {
    rows.push_back({l.name, l.ops, l.shapes, l.tiles, std::to_string(l.loads), std::to_string(l.stores),
                    std::to_string(l.execs), std::to_string(l.loads_eliminated), std::to_string(l.dma_bytes),
                    kib(l.sram_peak_bytes), l.plan});
  }
  rows.push_back({"total", "", "", "", std::to_string(s.loads), std::to_string(s.stores), std::to_string(s.execs),
                  std::to_string(s.loads_eliminated), std::to_string(s.bytes_loaded + s.bytes_stored),
                  kib(s.sram_peak_bytes), ""});
  write_table(rows, {false, false, false, false, true, true, true, true, true, true, false}, out);

  const std::int64_t moved = s.bytes_loaded + s.bytes_stored;
  out << "\nuOps " << s.uops.size() << " (" << s.loads << " LOAD, " << s.stores << " STORE, " << s.execs << " EXEC)\n"
      << "DMA bytes planned " << moved << " (loaded " << s.bytes_loaded << ", stored " << s.bytes_stored << ")\n"
      << "compulsory: " << s.compulsory_loads << " tile loads, " << s.compulsory_bytes
      << " bytes; this schedule: " << std::fixed << std::setprecision(2)
      << (s.compulsory_loads ? static_cast<double>(s.loads) / s.compulsory_loads : 0.0) << "x the loads, "
      << (s.compulsory_bytes ? static_cast<double>(moved) / s.compulsory_bytes : 0.0) << "x the bytes\n";
}

}  // namespace tilesim::sched
