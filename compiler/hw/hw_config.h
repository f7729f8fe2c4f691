// The hardware description: what a YAML file under configs/hw/ says, with
// every default filled in. Units live in the field names. The DRAM and the
// SRAM's banks have files of their own (dram_config.h, sram_banks_config.h). It holds the
// parameters only; what they cost a uOp is the CostModel's business
// (compiler/hw/cost_model.h), the one place every cost formula lives.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/hw/compute_array.h"
#include "compiler/hw/dram_config.h"
#include "compiler/hw/energy_config.h"
#include "compiler/hw/sram_banks_config.h"
#include "compiler/schedule/schedule.h"

namespace tilesim {

struct SramConfig {
  std::int64_t size_kib = 0;  // required
  SramBanksConfig banks;      // banks 0: ideal ports
  std::int64_t size_bytes() const { return size_kib * 1024; }
};

struct DmaConfig {
  std::int64_t bytes_per_cycle = 32;
  std::int64_t setup_cycles = 64;
  std::int64_t queue_depth = 4;
  std::int64_t transpose_cycles = 32;  // added to a LOAD that transposes its tile
  // Against a timed DRAM (dram.preset other than ideal): DMA engines the
  // sequencer feeds, and bursts each may have in flight. Unused by `ideal`.
  std::int64_t channels = 1;
  std::int64_t max_outstanding = 16;
};

struct ComputeConfig {
  // A 32x32x32 tile matmul's cycles when no array is given (issue 15: with
  // `array`, the CostModel derives them from its shape and dataflow).
  std::int64_t matmul_tile_cycles = 64;
  ComputeArray array;
  // One pass of the vector unit over a tile: add, sub, mul, max, min, relu, scale,
  // clip, leaky_relu.
  std::int64_t vector_tile_cycles = 8;
  // The vector unit's float32 lanes when the file gives them (issue 15; 0:
  // not given): then vector_tile_cycles = ceil(1024 / vector_lanes).
  std::int64_t vector_lanes = 0;
  std::int64_t queue_depth = 4;
  // hard_sigmoid and hard_swish (a multiply-add, a clamp, and for hard_swish a
  // multiply): by default 2 x vector_tile_cycles.
  std::int64_t activation_tile_cycles = 16;
  // sigmoid and tanh (an exp and a divide per element on a special-function
  // unit of a quarter of the vector throughput): by default 4 x vector_tile_cycles.
  std::int64_t transcendental_tile_cycles = 32;
  // Row reductions (issue 14): one step of reduce_sum or reduce_max (a pass
  // and a 32-lane tree per row), the reduction part of the statistics
  // steps: by default 2 x vector_tile_cycles. docs/cycle-model.md has the
  // rule of each row kind.
  std::int64_t reduce_tile_cycles = 16;
  // ---- issue 14 ----
  // div, reciprocal and sqrt (an iterative divide/square-root unit of half
  // the vector throughput): by default 2 x vector_tile_cycles. exp, erf, pow
  // and gelu cost transcendental_tile_cycles; neg vector_tile_cycles.
  std::int64_t divide_tile_cycles = 16;
};

struct HwConfig {
  std::string name;    // required
  std::string source;  // the file it was read from (for messages; not part of the description)
  double clock_mhz = 1000.0;
  SramConfig sram;
  DmaConfig dma;
  ComputeConfig compute;
  DramConfig dram;  // preset `ideal`: today's fixed-cost transfers
  // How tensors lie in DRAM (dram.layout): which addresses a tile transfer
  // touches, so row-buffer hits on a timed DRAM; no cycle of `ideal` moves.
  sched::DramLayout dram_layout = sched::DramLayout::RowMajor;
  // Energy per event, leakage and area per unit (issue 15): the default preset
  // when the file has no `energy:` section (load_hw_config fills it).
  EnergyConfig energy;

  double cycle_ns() const { return 1000.0 / clock_mhz; }
  // The simulator's clock period: whole picoseconds (SystemC's resolution),
  // at least 1. Only meaningful for clocks the run's time-range check accepts.
  std::int64_t cycle_ps() const { return std::max<std::int64_t>(1, std::llround(1e6 / clock_mhz)); }
  bool operator==(const HwConfig& other) const;
};

// The smallest SRAM that holds one tile operation's operands and result:
// three 4 KiB tiles (A, B and the accumulator C).
inline constexpr std::int64_t kMinSramKib = 12;

// Loads FILE, applies each "KEY.PATH=VALUE" override in order, validates.
// Throws InputError ("FILE:LINE: KEY: problem (expected)") on any bad input.
HwConfig load_hw_config(const std::string& path, const std::vector<std::string>& overrides = {});
// The same from text, for tests and generated configs; `name` stands for the file.
HwConfig parse_hw_config(const std::string& text, const std::string& name,
                         const std::vector<std::string>& overrides = {});

// The fully-defaulted configuration as YAML that load_hw_config reads back to
// an equal HwConfig, with derived figures as comments.
std::string to_yaml(const HwConfig& config);

}  // namespace tilesim
