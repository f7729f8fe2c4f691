#include "compiler/hw/cost_model.h"

#include <algorithm>

namespace tilesim {

namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// A 32x32x32 tile on the array, by SCALE-Sim's first-order model (Samajdar et
// al., "A Systematic Methodology for Characterizing Scalability of DNN
// Accelerators using SCALE-Sim", ISPASS 2020, eq. 1-3): an S_R x S_C spatial
// map with T temporal steps runs in ceil(S_R/R) * ceil(S_C/C) folds of
// 2R + C + T - 2 cycles. Every dataflow maps a 32^3 tile to S_R = S_C = T =
// 32 (OS: M, N over K; WS: K, N over M; IS: K, M over N). A fold uses only the
// r x c cells its 32 x 32 map covers, so an array larger than the tile pays
// the fill and drain of those cells, not of the whole array.
struct ArrayTile {
  std::int64_t folds;
  std::int64_t fold_cycles;
};

ArrayTile array_tile(const ComputeArray& array) {
  const std::int64_t side = sched::kTileDim;
  const std::int64_t r = std::min(array.rows, side), c = std::min(array.cols, side);
  return {ceil_div(side, array.rows) * ceil_div(side, array.cols), 2 * r + c + side - 2};
}

}  // namespace

CostModel::CostModel(const HwConfig& hw)
    : dma_(hw.dma), compute_(hw.compute), dram_(hw.dram), cycle_ps_(hw.cycle_ps()) {
  matmul_cycles_ = matmul_streaming_cycles_ = compute_.matmul_tile_cycles;
  if (!compute_.array.given()) return;
  const ArrayTile tile = array_tile(compute_.array);
  matmul_cycles_ = tile.folds * tile.fold_cycles;
  // One fold holds the whole tile: the next EXEC's operands stream in right
  // behind this one's, its fill and this one's drain overlapped.
  matmul_streaming_cycles_ = tile.folds == 1 ? sched::kTileDim : matmul_cycles_;
}

bool CostModel::keeps_stationary(const sched::Uop& exec, const sched::Uop& previous) const {
  if (previous.kind != sched::UopKind::Exec || previous.exec != sched::ExecKind::MatMul) return false;
  switch (compute_.array.dataflow) {
    case Dataflow::WeightStationary:
      return exec.src[1] == previous.src[1] && exec.src_addr[1] == previous.src_addr[1];
    case Dataflow::InputStationary:
      return exec.src[0] == previous.src[0] && exec.src_addr[0] == previous.src_addr[0];
    case Dataflow::OutputStationary:
      break;
  }
  return !exec.zero_init && exec.tile == previous.tile && exec.addr == previous.addr;
}

std::int64_t CostModel::matmul_block_step_cycles(std::int64_t bm, std::int64_t bn, bool a_outer) const {
  const std::int64_t alone = bm * bn * matmul_cycles_;
  if (!matmul_streams()) return alone;
  switch (compute_.array.dataflow) {
    case Dataflow::WeightStationary:
      return a_outer ? alone : bn * (matmul_cycles_ + (bm - 1) * matmul_streaming_cycles_);
    case Dataflow::InputStationary:
      return a_outer ? bm * (matmul_cycles_ + (bn - 1) * matmul_streaming_cycles_) : alone;
    case Dataflow::OutputStationary:
      break;
  }
  return bm * bn == 1 ? matmul_streaming_cycles_ : alone;
}

std::int64_t CostModel::exec_cycles(const sched::Uop& exec, const sched::Uop* previous) const {
  if (exec.exec == sched::ExecKind::MatMul && previous != nullptr && keeps_stationary(exec, *previous)) {
    return matmul_streaming_cycles_;
  }
  return exec_cycles(exec.exec);
}

std::int64_t CostModel::transfer_cycles(std::int64_t bytes) const {
  return dma_.setup_cycles + ceil_div(bytes, dma_.bytes_per_cycle);
}

std::int64_t CostModel::dma_cycles(const sched::TensorInfo& tensor, std::int64_t bytes) const {
  return transfer_cycles(bytes) + (tensor.view.kind == sched::ViewKind::Transpose ? dma_.transpose_cycles : 0);
}

std::int64_t CostModel::exec_cycles(sched::ExecKind kind) const {
  switch (kind) {
    case sched::ExecKind::MatMul:
      return matmul_cycles_;
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
  ExecSequence execs(*this);
  for (const sched::Uop& uop : schedule.uops) {
    if (uop.kind == sched::UopKind::Exec) cycles += execs.next(uop);
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
