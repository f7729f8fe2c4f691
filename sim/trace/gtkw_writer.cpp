#include "sim/trace/gtkw_writer.h"

#include <sstream>
#include <utility>
#include <vector>

namespace tilesim::sim {

namespace {

// GTKWave trace flags (gtkwave's analyzer.h): 0x20 right-justify, 0x04
// decimal, 0x08 binary; group markers 0x800000 begin and
// 0x1000000 end, both with 0x200 (blank row).
constexpr const char* kBinary = "@28";
constexpr const char* kDecimal = "@24";
constexpr const char* kGroupBegin = "@800200";
constexpr const char* kGroupEnd = "@1000200";

// A group of signals, by their indices in TraceLayout::signals(), each with
// its display flags; the name and width (a bus's bit range) come from there.
void group(std::ostream& out, const std::string& name, const std::vector<VcdSignal>& all,
           std::initializer_list<std::pair<std::size_t, const char*>> members) {
  out << kGroupBegin << "\n-" << name << "\n";
  const char* flags = nullptr;
  for (const auto& [index, shown] : members) {
    if (flags != shown) out << (flags = shown) << "\n";
    const VcdSignal& s = all[index];
    out << "SystemC." << s.name;
    if (s.width > 1) out << "[" << s.width - 1 << ":0]";
    out << "\n";
  }
  out << kGroupEnd << "\n-" << name << "\n";
}

void groups(std::ostream& out, const TraceLayout& layout) {
  const std::vector<VcdSignal> all = layout.signals();
  group(out, "activity", all, {{0, kBinary}, {1, kBinary}, {2, kBinary}});
  group(out, "current uOp", all, {{3, kDecimal}, {4, kDecimal}});
  if (layout.layers)
    group(out, "current layer", all, {{layout.layer_index(0), kDecimal}, {layout.layer_index(1), kDecimal}});
  group(out, "queues", all, {{5, kDecimal}, {6, kDecimal}});
  group(out, "SRAM", all, {{7, kDecimal}});
  if (layout.sram_stalls) {
    group(out, "SRAM stalls", all, {{layout.sram_stall_index(0), kBinary}, {layout.sram_stall_index(1), kBinary}});
  }
  for (std::size_t c = 0; c < layout.dram_channels; ++c) {
    group(out, "DRAM ch" + std::to_string(c), all,
          {{layout.dram_index(c, DramSignal::Busy), kBinary},
           {layout.dram_index(c, DramSignal::RowHits), kDecimal},
           {layout.dram_index(c, DramSignal::Refreshes), kDecimal}});
  }
}

}  // namespace

std::string gtkw_path_for(const std::string& vcd_path) {
  const std::string ext = ".vcd";
  if (vcd_path.size() > ext.size() && vcd_path.compare(vcd_path.size() - ext.size(), ext.size(), ext) == 0) {
    return vcd_path.substr(0, vcd_path.size() - ext.size()) + ".gtkw";
  }
  return vcd_path + ".gtkw";
}

std::string gtkw_text(const std::string& vcd_path, std::int64_t start_ns, std::int64_t end_ns,
                      const TraceLayout& layout) {
  std::ostringstream out;
  out << "[*] GTKWave save file written by tilesim: gtkwave " << vcd_path << " " << gtkw_path_for(vcd_path) << "\n"
      << "[dumpfile] \"" << vcd_path << "\"\n"
      << "[timestart] " << start_ns << "\n"
      << "[size] 1400 640\n"
      << "[pos] -1 -1\n"
      // GTKWave zoom is log2 of ns per pixel, negated: fit the run in ~1200 px.
      << "*" <<
      [&] {
        double zoom = 0;
        for (double ns_per_px = static_cast<double>(end_ns - start_ns) / 1200.0; ns_per_px > 1; ns_per_px /= 2)
          zoom -= 1;
        std::ostringstream z;
        z << zoom;
        return z.str();
      }()
      << " 0 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1\n"
      << "[sst_width] 200\n"
      << "[signals_width] 220\n"
      << "[sst_expanded] 1\n"
      << "[sst_vpaned_height] 160\n";
  groups(out, layout);
  out << "[pattern_trace] 1\n[pattern_trace] 0\n";
  return out.str();
}

}  // namespace tilesim::sim
