#include "compiler/hw/cost_model.h"

#include <algorithm>

namespace tilesim {

namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

}  // namespace

std::int64_t CostModel::transfer_cycles(std::int64_t bytes) const {
  return dma_.setup_cycles + ceil_div(bytes, dma_.bytes_per_cycle);
}

std::int64_t CostModel::dma_cycles(const sched::TensorInfo& tensor, std::int64_t bytes) const {
  return transfer_cycles(bytes) + (tensor.view.kind == sched::ViewKind::Transpose ? dma_.transpose_cycles : 0);
}

std::int64_t CostModel::exec_cycles(sched::ExecKind kind) const {
  switch (kind) {
    case sched::ExecKind::MatMul:
      return compute_.matmul_tile_cycles;
    case sched::ExecKind::HardSigmoid:
    case sched::ExecKind::HardSwish:
      return compute_.activation_tile_cycles;
    case sched::ExecKind::Sigmoid:
    case sched::ExecKind::Tanh:
    case sched::ExecKind::Exp:  // issue 14 from here
    case sched::ExecKind::Erf:
    case sched::ExecKind::Pow:
    case sched::ExecKind::Gelu:
      return compute_.transcendental_tile_cycles;
    // ---- Row reductions ----
    case sched::ExecKind::ReduceSum:
    case sched::ExecKind::ReduceMax:
      return compute_.reduce_tile_cycles;
    case sched::ExecKind::SoftmaxStats:  // the exp of every element, then the row sums
      return compute_.reduce_tile_cycles + compute_.transcendental_tile_cycles;
    case sched::ExecKind::Softmax:  // an exp and a divide
      return compute_.transcendental_tile_cycles + compute_.vector_tile_cycles;
    case sched::ExecKind::LayerNormStats:  // the deviations squared, then the row sums
      return compute_.reduce_tile_cycles + compute_.vector_tile_cycles;
    case sched::ExecKind::LayerNorm:  // a subtract-multiply, then a multiply-add
      return 2 * compute_.vector_tile_cycles;
    case sched::ExecKind::Div:
    case sched::ExecKind::Reciprocal:
    case sched::ExecKind::Sqrt:
      return compute_.divide_tile_cycles;
    default:
      return compute_.vector_tile_cycles;
  }
}

std::int64_t CostModel::uop_cycles(const sched::Uop& uop, const sched::TransferBytes& bytes) const {
  if (uop.kind == sched::UopKind::Exec) return exec_cycles(uop.exec);
  return dma_cycles(bytes.tensors()[static_cast<std::size_t>(uop.tile.tensor)], bytes(uop.tile));
}

std::int64_t CostModel::compute_bound_cycles(const sched::Schedule& schedule) const {
  std::int64_t cycles = 0;
  for (const sched::Uop& uop : schedule.uops) {
    if (uop.kind == sched::UopKind::Exec) cycles += exec_cycles(uop.exec);
  }
  return cycles;
}

std::vector<std::int64_t> CostModel::layer_compute_bound_cycles(const sched::Schedule& schedule) const {
  if (!schedule.layers_known()) return {};
  std::vector<std::int64_t> cycles(schedule.layers.size(), 0);
  for (std::size_t i = 0; i < schedule.uops.size(); ++i) {
    const sched::Uop& uop = schedule.uops[i];
    if (uop.kind == sched::UopKind::Exec) cycles.at(schedule.uop_layer[i]) += exec_cycles(uop.exec);
  }
  return cycles;
}

std::int64_t CostModel::dma_bound_cycles(std::int64_t compulsory_bytes) const {
  if (dram_.ideal) return ceil_div(compulsory_bytes, dma_.bytes_per_cycle);
  const std::int64_t ports = ceil_div(compulsory_bytes, dma_.channels * dma_.bytes_per_cycle);
  // Every data bus busy every memory cycle: channels x burst_bytes per BL/2 nCK.
  using Wide = unsigned __int128;
  const Wide num =
      static_cast<Wide>(compulsory_bytes) * static_cast<Wide>(dram_.burst_cycles()) * static_cast<Wide>(dram_.tck_ps);
  const Wide den =
      static_cast<Wide>(dram_.channels) * static_cast<Wide>(dram_.burst_bytes()) * static_cast<Wide>(cycle_ps_);
  const auto dram = static_cast<std::int64_t>((num + den - 1) / den);
  return std::max(ports, dram);
}

std::int64_t CostModel::serial_cycles(const sched::Schedule& schedule) const {
  return serial_cycles(schedule, sched::TransferBytes(schedule));
}

std::int64_t CostModel::serial_cycles(const sched::Schedule& schedule, const sched::TransferBytes& bytes) const {
  std::int64_t cycles = 0;
  for (const sched::Uop& uop : schedule.uops) cycles += uop_cycles(uop, bytes);
  return cycles;
}

}  // namespace tilesim
