// What a unit did, counted as each uOp finishes (units.h, burst_dma.h); each
// layer's figures are counted the same way after the run (simulate.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

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

  void count(const sched::Uop& uop, const sched::TransferBytes& transfer_bytes, const CostModel& costs) {
    ++uops;
    if (uop.kind == sched::UopKind::Exec) {
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
};

}  // namespace tilesim::sim
