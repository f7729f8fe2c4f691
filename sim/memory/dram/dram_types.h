// What goes in and out of the DRAM timing engine (docs/dram-model.md): one
// request is one burst (DramConfig::burst_bytes() at a burst-aligned address;
// the bytes below the burst are ignored), and a completion says when it is done.
// Times are picoseconds of simulated time, on the memory's own clock grid.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace tilesim::dram {

inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

struct DramRequest {
  std::uint64_t id = 0;       // the caller's, returned in the completion
  std::uint64_t address = 0;  // byte address; taken modulo the capacity
  bool is_write = false;
  std::int64_t arrival_ps = 0;
};

struct DramCompletion {
  std::uint64_t id = 0;
  std::int64_t done_ps = 0;  // the end of the burst's last data beat on the bus
};

// Counts of one channel, or of all channels added up.
struct DramChannelStats {
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;
  std::uint64_t bytes = 0;          // (reads + writes) * burst_bytes
  std::uint64_t row_hits = 0;       // served by the open row: no command but the read or write
  std::uint64_t row_misses = 0;     // the bank was closed: ACT first
  std::uint64_t row_conflicts = 0;  // another row was open: PRE, ACT first
  std::uint64_t activates = 0;
  std::uint64_t precharges = 0;          // banks closed: by PRE, by auto-precharge, by each bank a PREA closes
  std::uint64_t refreshes = 0;           // REF commands (one per rank per tREFI)
  std::int64_t read_latency_sum_ps = 0;  // arrival to completion, over all reads
  std::int64_t read_latency_max_ps = 0;
  std::int64_t data_bus_busy_ps = 0;  // BL/2 nCK per burst
  double mean_read_latency_ps() const {
    return reads ? static_cast<double>(read_latency_sum_ps) / static_cast<double>(reads) : 0.0;
  }
  void add(const DramChannelStats& other);
};

struct DramStats {
  std::vector<DramChannelStats> channels;
  DramChannelStats total;
};

}  // namespace tilesim::dram
