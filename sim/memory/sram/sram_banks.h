// The SRAM's banks and ports: when each uOp's SRAM traffic gets its port
// cycles, and how long that holds the uOp. Pure C++, no SystemC: the
// simulator's units call it at the simulated times they reach.
//
// Contract (every rule in docs/sram-model.md, exactly):
//  * A requester (the DMA engine, the compute unit, ...: an index into the
//    names given to the constructor) makes one request per uOp: the uOp's
//    start cycle, its own busy cycles (the CostModel's cost), and its
//    accesses. Its reads are served first, from `start`, as early as the
//    ports allow; its writes after them, as late as lets them end at
//    start + busy. The uOp may end at finish = max(start + busy, the end of
//    its last access) (finish(); >= start + busy).
//  * Requests are served one at a time, in the order (start, requester
//    index, order key, call order): an earlier start wins a port cycle; at
//    the same start the lower requester index wins, then the lower key. Each served access takes the
//    earliest port cycles no earlier-served access holds.
//  * Two-phase calls make that order independent of the order in which the
//    caller's processes run within one cycle: request() at the uOp's start,
//    in non-decreasing simulated time; finish() at any simulated time later
//    than `start` (e.g. at start + busy), when every request with that start
//    has been made. A request for a cycle already served is a logic_error.
//  * The ideal configuration (banks 0) serves every access at no cost:
//    finish = start + busy, always; only the traffic is counted.
//  * Deterministic: the same calls give the same results and statistics.
// Cost per request: O(accesses x banks touched x live reservations).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/hw/sram_banks_config.h"
#include "compiler/schedule/schedule.h"
#include "sim/memory/sram/port_calendar.h"

namespace tilesim::sim {

struct SramAccess {
  std::uint32_t address = 0;  // SRAM byte address
  std::uint32_t bytes = 0;
  bool is_write = false;
};

// A uOp's accesses without a heap allocation: a uOp has at most kMaxSrcs
// operand reads, an accumulator read and its write.
struct SramAccessList {
  std::array<SramAccess, sched::kMaxSrcs + 2> items;
  std::size_t size = 0;
  void push_back(const SramAccess& access) { items[size++] = access; }
  const SramAccess* begin() const { return items.data(); }
  const SramAccess* end() const { return items.data() + size; }
};

// One uOp's accesses summed: what serving it adds to its requester's counts.
struct SramTraffic {
  std::int64_t reads = 0, writes = 0, bytes_read = 0, bytes_written = 0;
  void add(const SramAccess& access) {
    (access.is_write ? writes : reads) += 1;
    (access.is_write ? bytes_written : bytes_read) += access.bytes;
  }
};

struct SramTicket {
  std::uint64_t id = 0;
};

struct SramOutcome {
  std::int64_t finish = 0;                  // the cycle the uOp may end: >= start + busy
  std::int64_t bandwidth_stall_cycles = 0;  // past start + busy with every port to itself
  std::int64_t conflict_stall_cycles = 0;   // past that, for port cycles other requests held
};

// Per requester; stall cycles sum the outcomes of its served requests.
struct SramRequesterStats {
  std::string name;
  std::int64_t requests = 0;  // uOps served
  std::int64_t reads = 0;     // read accesses
  std::int64_t writes = 0;    // write accesses
  std::int64_t bytes_read = 0;
  std::int64_t bytes_written = 0;
  std::int64_t port_cycles = 0;  // bank-port cycles its accesses held (0 when ideal)
  std::int64_t bandwidth_stall_cycles = 0;
  std::int64_t conflict_stall_cycles = 0;  // "bank-conflict stall cycles"
  std::int64_t conflicted_requests = 0;    // requests with conflict stall cycles > 0
};

class SramBanks {
 public:
  // `requesters`: their names, in priority order for requests of one start cycle.
  SramBanks(const SramBanksConfig& config, std::vector<std::string> requesters);

  // A uOp of `requester` that starts at cycle `start` (>= 0) and is busy for
  // `busy_cycles` (>= 0) of its own work, with its SRAM traffic.
  // `order` ranks requests of one requester at one start (lower first; then
  // call order): several engines behind one requester index make theirs in
  // an order of their own, e.g. their uOps' list order, not the processes'.
  SramTicket request(std::size_t requester, std::int64_t start, std::int64_t busy_cycles,
                     const std::vector<SramAccess>& accesses, std::uint64_t order = 0);
  // When that uOp may end. Call once per ticket, at a simulated time later
  // than its start.
  SramOutcome finish(SramTicket ticket);
  // The ideal configuration only: counts one uOp's traffic as a served
  // request would, without the request/finish pair (nothing waits on it).
  void count_ideal(std::size_t requester, const SramTraffic& traffic);

  const std::vector<SramRequesterStats>& stats() const { return stats_; }
  const SramBanksConfig& config() const { return config_; }

 private:
  struct Pending {
    std::uint64_t id;
    std::size_t who;
    std::int64_t start;
    std::int64_t busy;
    std::vector<SramAccess> accesses;
    std::uint64_t order;
  };

  void serve_through(std::int64_t last_start);
  SramOutcome serve(const Pending& request);
  static void count_traffic(SramRequesterStats& stats, const SramTraffic& traffic);
  SramOutcome serve_on_banks(const Pending& request, SramRequesterStats& stats);
  PortCalendar& port(std::int64_t bank, bool is_write);

  SramBanksConfig config_;
  std::vector<SramRequesterStats> stats_;
  std::vector<PortCalendar> ports_;                            // per bank: 1rw one, 1r1w read then write
  std::vector<Pending> pending_;                               // requested, not yet served
  std::vector<std::pair<std::uint64_t, SramOutcome>> served_;  // served, not yet asked for
  std::vector<std::vector<SramAccess>> spare_;                 // access lists to reuse
  std::uint64_t next_id_ = 0;
  std::int64_t served_through_ = -1;  // every request with start <= this was served

  // Scratch for serve_on_banks, reused.
  std::vector<SramBankShare> shares_, one_;
  std::vector<std::size_t> share_begin_;
  std::vector<std::int64_t> read_cycles_, write_cycles_;  // per bank, this request's own
  std::vector<std::int64_t> touched_;
};

}  // namespace tilesim::sim
