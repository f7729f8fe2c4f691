// What a unit did, counted per layer as each uOp finishes (units.h,
// burst_dma.h): the run's figures and each layer's come from these counts,
// with no walk over the uOps after the run (a 4096^3 matmul has ~2 M).
//
// Contract: LayerCounts has one bucket per layer of the schedule
// (Schedule::uop_layer), or a single bucket when the layers are unknown.
// exec_cycles sums the EXECs' own cycles as the compute unit timed them
// (ExecSequence, in queue order): over a layer's EXECs that is its compute
// bound (docs/cycle-model.md, "Lower bound").
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "compiler/hw/cost_model.h"
#include "compiler/schedule/schedule.h"
#include "compiler/schedule/transfer_bytes.h"

namespace tilesim::sim {

struct UnitCounts {
  std::int64_t uops = 0;
  std::int64_t loads = 0, stores = 0;               // DMA only
  std::int64_t bytes_loaded = 0, bytes_stored = 0;  // DMA only
  // Compute only, for the energy (compiler/hw/energy_model.h): matmul EXECs,
  // and the cycles of the others (the vector unit's, as the cost model times them).
  std::int64_t matmul_execs = 0, vector_cycles = 0;
  std::int64_t exec_cycles = 0;  // compute only: every EXEC's own cycles

  // own_cycles: the uOp's cycles as its unit timed them (before any SRAM stall).
  void count(const sched::Uop& uop, const sched::TransferBytes& transfer_bytes, const CostModel& costs,
             std::int64_t own_cycles) {
    ++uops;
    if (uop.kind == sched::UopKind::Exec) {
      exec_cycles += own_cycles;
      if (uop.exec == sched::ExecKind::MatMul) {
        ++matmul_execs;
      } else {
        vector_cycles += costs.exec_cycles(uop.exec);
      }
      return;
    }
    const std::int64_t bytes = transfer_bytes(uop.tile);
    const bool load = uop.kind == sched::UopKind::Load;
    ++(load ? loads : stores);
    (load ? bytes_loaded : bytes_stored) += bytes;
  }
  std::int64_t execs() const { return uops - loads - stores; }
  UnitCounts& operator+=(const UnitCounts& o) {
    uops += o.uops, loads += o.loads, stores += o.stores;
    bytes_loaded += o.bytes_loaded, bytes_stored += o.bytes_stored;
    matmul_execs += o.matmul_execs, vector_cycles += o.vector_cycles, exec_cycles += o.exec_cycles;
    return *this;
  }
};

class LayerCounts {
 public:
  explicit LayerCounts(const sched::Schedule& schedule)
      : uop_layer_(schedule.layers_known() ? &schedule.uop_layer : nullptr),
        layers_(schedule.layers_known() ? schedule.layers.size() : 1) {}
  void count(std::uint32_t id, const sched::Uop& uop, const sched::TransferBytes& transfer_bytes,
             const CostModel& costs, std::int64_t own_cycles) {
    layers_[uop_layer_ ? (*uop_layer_)[id] : 0].count(uop, transfer_bytes, costs, own_cycles);
  }
  // Bucket by bucket: the counts of units that ran the same schedule.
  LayerCounts& operator+=(const LayerCounts& o) {
    for (std::size_t l = 0; l < layers_.size(); ++l) layers_[l] += o.layers_[l];
    return *this;
  }
  const std::vector<UnitCounts>& layers() const { return layers_; }
  UnitCounts total() const {
    UnitCounts sum;
    for (const UnitCounts& layer : layers_) sum += layer;
    return sum;
  }

 private:
  const std::vector<std::uint32_t>* uop_layer_;
  std::vector<UnitCounts> layers_;
};

}  // namespace tilesim::sim
