// The compiler's back end in one call: lowering (loop nests chosen for the
// SRAM), DRAM placement of the tensors, SRAM allocation with Belady eviction,
// dependencies, totals.
#pragma once

#include <cstdint>
#include <stdexcept>

#include "compiler/ir/graph.h"
#include "compiler/schedule/dram_placement.h"
#include "compiler/schedule/schedule.h"
#include "compiler/scheduler/attention_order.h"
#include "compiler/scheduler/uop_ordering.h"

namespace tilesim::sched {

struct SchedulerOptions {
  std::int64_t sram_bytes = 256 * 1024;
  // EXECs a finished output tile's STORE is held back, so that the DMA queue
  // keeps prefetching operands instead of waiting on the compute unit.
  std::int64_t store_delay_execs = 2;
  // The cycle model, to interleave the two units' uOps as they will run.
  CostModel costs;
  // Refuse, before allocating anything large, a schedule of more uOps than
  // this (each costs ~100 bytes to build; 0: no limit).
  std::int64_t max_uops = 0;
  // How tensors lie in DRAM (Schedule::dram_layout): it changes the DRAM
  // addresses a tile transfer touches, never the uOps or the ideal machine's cycles.
  DramLayout dram_layout = DramLayout::RowMajor;
  // Every tensor's DRAM address is a multiple of this (dram_placement.h): a
  // power of two of at least kDramAlignment, e.g. a DRAM row. Another value
  // throws std::invalid_argument.
  std::uint64_t dram_alignment = kDramAlignment;
  // How attention's layers interleave (attention_order.h).
  AttentionSchedule attention = AttentionSchedule::Fused;
};

// The schedule would exceed SchedulerOptions::max_uops.
struct TooManyUops : std::runtime_error {
  TooManyUops(std::int64_t estimate, std::int64_t limit);
  std::int64_t estimate;
  std::int64_t limit;
};

// The SRAM cannot hold one EXEC's operands and destination.
struct SramTooSmall : std::runtime_error {
  SramTooSmall(std::int64_t have_bytes, std::int64_t need_tiles);
  std::int64_t have_bytes;
  std::int64_t need_tiles;  // 3, or 4 for a matmul with a fused bias
};

// `graph` must have been through the default passes (fusion, tiling).
Schedule schedule_graph(const ir::Graph& graph, const SchedulerOptions& options);

}  // namespace tilesim::sched
