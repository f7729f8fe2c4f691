#include "sim/trace/gtkw_writer.h"

#include <sstream>

namespace tilesim::sim {

namespace {

// GTKWave trace flags (gtkwave's analyzer.h): 0x20 right-justify, 0x04
// decimal, 0x08 binary; group markers 0x800000 begin and
// 0x1000000 end, both with 0x200 (blank row).
constexpr const char* kBinary = "@28";
constexpr const char* kDecimal = "@24";
constexpr const char* kGroupBegin = "@800200";
constexpr const char* kGroupEnd = "@1000200";

void group(std::ostream& out, const char* name, const char* flags, std::initializer_list<const char*> signals) {
  out << kGroupBegin << "\n-" << name << "\n" << flags << "\n";
  for (const char* signal : signals) out << "SystemC." << signal << "\n";
  out << kGroupEnd << "\n-" << name << "\n";
}

}  // namespace

std::string gtkw_path_for(const std::string& vcd_path) {
  const std::string ext = ".vcd";
  if (vcd_path.size() > ext.size() && vcd_path.compare(vcd_path.size() - ext.size(), ext.size(), ext) == 0) {
    return vcd_path.substr(0, vcd_path.size() - ext.size()) + ".gtkw";
  }
  return vcd_path + ".gtkw";
}

std::string gtkw_text(const std::string& vcd_path, std::int64_t start_ns, std::int64_t end_ns) {
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
  group(out, "activity", kBinary, {"dma_busy", "compute_busy", "overlap"});
  group(out, "current uOp", kDecimal, {"dma_uop[31:0]", "compute_uop[31:0]"});
  group(out, "queues", kDecimal, {"dma_queue[31:0]", "compute_queue[31:0]"});
  group(out, "SRAM", kDecimal, {"sram_bytes_in_use[63:0]"});
  out << "[pattern_trace] 1\n[pattern_trace] 0\n";
  return out.str();
}

}  // namespace tilesim::sim
