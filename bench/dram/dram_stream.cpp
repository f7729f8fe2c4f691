// dram_stream: the DRAM timing engine's own figures, per preset. For each of
// sequential reads, sequential writes and random reads (random row, bank and
// column), a saturating requester (feed_requests) runs BURSTS bursts; the
// program prints the fraction of peak bandwidth, GB/s, row hits, mean read
// latency and the host speed in bursts per second of processor time.
//
//   dram_stream [BURSTS]     (default 2000000)
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "compiler/hw/dram_config.h"
#include "compiler/support/yaml_reader.h"
#include "sim/memory/dram/request_feeder.h"

namespace {

tilesim::DramConfig preset(const std::string& name) {
  const auto doc = tilesim::yaml::Document::parse("dram: {preset: " + name + "}\n", "dram_stream");
  auto root = doc.root("a mapping");
  auto section = root.section("dram", true, "a mapping");
  return tilesim::read_dram_config(section);
}

void run(const std::string& name, const char* pattern, std::uint64_t bursts) {
  const tilesim::DramConfig c = preset(name);
  tilesim::dram::DramSystem dram(c);
  const std::uint64_t capacity = static_cast<std::uint64_t>(c.capacity_bytes());
  const bool random = pattern[0] == 'r';
  const bool writes = std::string(pattern) == "seq-write";
  auto address = [&](std::uint64_t i) {
    if (!random) return i * static_cast<std::uint64_t>(c.burst_bytes());
    std::uint64_t x = (i + 1) * 0x9E3779B97F4A7C15u;  // splitmix64
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    return (x ^ (x >> 31)) % capacity;
  };
  // Processor time, not wall time: the figure holds on a loaded machine.
  const std::clock_t start = std::clock();
  const auto result = tilesim::dram::feed_requests(dram, bursts, address, [&](std::uint64_t) { return writes; });
  const double seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  const auto& s = dram.stats().total;
  const double achieved = tilesim::dram::achieved_bytes_per_second(dram, result);
  std::printf("%-12s %-9s %6.3f of peak %8.2f GB/s  hits %5.1f %%  mean read %7.1f ns  %5.2f M bursts/s\n",
              name.c_str(), pattern, achieved / c.peak_bytes_per_second(), achieved / 1e9,
              100.0 * static_cast<double>(s.row_hits) / static_cast<double>(bursts), s.mean_read_latency_ps() / 1e3,
              static_cast<double>(bursts) / seconds / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t bursts = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2000000;
  if (bursts == 0) {
    std::fprintf(stderr, "dram_stream: error: BURSTS must be a positive integer\n");
    return 2;
  }
  for (const char* name : {"ddr4-3200", "lpddr4-3200", "hbm2"}) {
    for (const char* pattern : {"seq-read", "seq-write", "random"}) run(name, pattern, bursts);
  }
  return 0;
}
