// Runs a compiled schedule on the SystemC model of the accelerator.
//
// This header is deliberately free of SystemC: the command line and tests
// include it without paying for <systemc>. One call elaborates and runs the
// model, so (SystemC's rule) a process can call it once.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "compiler/hw/hw_config.h"
#include "compiler/schedule/schedule.h"
#include "compiler/schedule/transfer_bytes.h"
#include "kernels/kernel_set.h"
#include "sim/io/host_tensor.h"
#include "sim/io/staged_file.h"
#include "sim/memory/dram/dram_types.h"
#include "sim/memory/sram/sram_banks.h"
#include "sim/model/thread_check.h"

namespace tilesim::sim {

struct SimOptions {
  const kernels::KernelSet* kernels = nullptr;  // nullptr: timing only, no math
  std::string vcd_path;                         // empty: no trace (and no tracing cost)
  // Trace only value changes in [from, to) cycles (to < 0: to the end): the
  // trace starts with the state at `from` and freezes at `to`.
  std::int64_t trace_from_cycle = 0;
  std::int64_t trace_to_cycle = -1;
  // A progress bar on stderr once the simulation has run ~2 s of host time.
  bool progress = false;
  // Inputs and params missing from simulate()'s `inputs` take seeded_values(*seed,
  // name, ...), generated straight into the DRAM image (no host copy); without a
  // seed every one must be given.
  std::optional<std::uint64_t> seed;
  // 2, with kernels: the EXECs' kernels run on a second host thread,
  // overlapped with the timing and the DMA's copies (exec_worker.h), and the
  // inputs are written by two (DramImage::write_inputs). The same outputs and
  // cycles as with 1.
  int host_threads = 1;
  // With host_threads 2: the thread check (exec_worker.h) may bring the EXECs
  // back to this thread after the first ones (--threads auto).
  bool check_threads = false;
};

// One layer's figures (Schedule::layers; docs/stats.md, "Per layer").
struct LayerStats {
  std::int64_t first_cycle = 0;  // its first uOp started
  std::int64_t last_cycle = 0;   // its last uOp completed
  std::int64_t loads = 0, stores = 0, execs = 0;
  std::int64_t bytes_loaded = 0, bytes_stored = 0;
  std::int64_t matmul_execs = 0, vector_cycles = 0;          // UnitCounts'
  std::int64_t sram_bytes_read = 0, sram_bytes_written = 0;  // its uOps' SRAM accesses
  std::int64_t bound_compute_cycles = 0;                     // its EXECs back to back
  std::int64_t bound_dma_cycles = 0;                         // its compulsory bytes at full bandwidth
  std::int64_t cycles() const { return last_cycle - first_cycle; }
  std::int64_t bound_cycles() const { return std::max(bound_compute_cycles, bound_dma_cycles); }
};

// Figures measured in simulated time. Every "cycles" figure is in cycles of
// the hardware clock; definitions in docs/stats.md.
struct SimStats {
  std::int64_t cycles = 0;           // last uOp's completion
  std::int64_t dma_busy_cycles = 0;  // cycles the DMA engine was transferring
  std::int64_t compute_busy_cycles = 0;
  std::int64_t overlap_cycles = 0;  // both busy at once
  std::int64_t loads = 0, stores = 0, tile_ops = 0;
  std::int64_t bytes_loaded = 0, bytes_stored = 0;
  std::int64_t uops = 0;
  std::int64_t matmul_execs = 0, vector_cycles = 0;  // the compute unit's UnitCounts
  std::int64_t bound_compute_cycles = 0;             // every EXEC back to back
  std::int64_t bound_dma_cycles = 0;                 // compulsory bytes at full bandwidth
  std::int64_t bound_cycles() const { return std::max(bound_compute_cycles, bound_dma_cycles); }
  // The DRAM's own statistics (docs/dram-model.md), a timed preset only.
  bool dram_timed = false;
  dram::DramStats dram;
  // The SRAM's traffic and stalls per requester: dma, compute (docs/sram-model.md).
  std::vector<SramRequesterStats> sram;
  // Per layer, in schedule order; empty (layers_known false) when the
  // schedule does not give its uOps' layers (Schedule::uop_layer).
  bool layers_known = false;
  std::vector<LayerStats> layers;
};

struct SimResult {
  SimStats stats;
  // 0: the schedule ran to its end. Else the signal (request_interrupt) that
  // stopped it at a uOp boundary at stats.cycles; the other figures and the
  // outputs are then not filled.
  int interrupted_by = 0;
  // The VCD (options.vcd_path), staged: commit() puts it in place.
  StagedFile trace;
  // Host time spent inside simulate(): elaboration, the simulation with its
  // data movement and math, collecting outputs. Not a simulated figure.
  double wall_seconds = 0;
  // Graph outputs at their true shape (empty in timing-only runs).
  std::map<std::string, HostTensor> outputs;
  // What the thread check found (options.check_threads); host facts only.
  ThreadCheck thread_check;
};

// Thrown when the units starve: a dependency that never completes (only a
// hand-made schedule can do that; compiled ones are validated). The message
// names each stuck unit and the uOp whose token it waits for.
struct SimulationStalled : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Simulated time is SystemC time at 1 ps resolution, 64 bits: refuses (an
// InputError naming the hardware file's clock_mhz) a clock so slow that the
// schedule could run past 2^63 ps, taking the longest it could take: every uOp
// one after the other (CostModel::serial_cycles), every SRAM port cycle, and
// on a timed DRAM every burst alone at its worst. Tracing options never matter.
// `bytes` was built from `schedule`. Returns that longest run in cycles
// (saturating), which bounds trace windows.
std::int64_t check_time_range(const sched::Schedule& schedule, const HwConfig& hw, const sched::TransferBytes& bytes);

// `inputs` holds every input and param at its true shape (ignored when
// options.kernels is nullptr). Calls check_time_range first. A SIGINT or
// SIGTERM (compiler/support/interrupt.h) stops the run at the next uOp boundary
// (SimResult::interrupted_by). After a whole run, an internal check (busy and
// overlap within the cycles, the bound at most the cycles, every uOp done;
// each layer's span within the run and at least its bound, the layers' counts
// adding up to the run's) turns any inconsistency into std::logic_error, never
// a printed figure.
SimResult simulate(const sched::Schedule& schedule, const HwConfig& hw, const std::map<std::string, HostTensor>& inputs,
                   const SimOptions& options);

}  // namespace tilesim::sim
