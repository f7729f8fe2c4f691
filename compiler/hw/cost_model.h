// The cost model: what each uOp costs on the hardware, in cycles of its clock.
//
// Contract: this is the one place a cost formula lives. The compiler's plan and
// ordering estimates, the simulator's units, the lower bound and the derived
// comments of `check-config` all ask it; docs/cycle-model.md states every rule
// below, and an independent re-computation of cycles is checked against that page.
//
//   LOAD, STORE  dma.setup_cycles + ceil(bytes / dma.bytes_per_cycle)
//                (+ dma.transpose_cycles for a LOAD of a transpose view),
//                bytes = what the transfer moves (sched::TransferBytes): 4096
//                for a tile, 128 for a bias row, 4 for a scalar; for a tile of
//                an im2col or relayout view the bytes of its distinct gathered
//                elements (no transpose surcharge)
//   EXEC matmul  compute.matmul_tile_cycles (a fused gelu adds nothing: the
//                output stage is pipelined, as for clip and leaky_relu); with
//                compute.array (issue 15), for a R x C array, the tile's
//                32-element sides folded onto it: f = ceil(32/R) * ceil(32/C)
//                folds, each 2r + c + 32 - 2 cycles (SCALE-Sim's fill, stream
//                and drain; r = min(R, 32), c = min(C, 32) the cells used);
//                and when f = 1, an EXEC right after a matmul EXEC that leaves
//                its stationary operand in the cells (output stationary: the
//                same destination, not zero_init; weight stationary: the same
//                B tile; input stationary: the same A tile) streams behind it
//                in 32 cycles
//   EXEC add, sub, mul, max, min, relu, scale, clip, leaky_relu, neg
//        (whatever the operands' broadcast forms)   compute.vector_tile_cycles
//   EXEC hard_sigmoid, hard_swish     compute.activation_tile_cycles
//   EXEC sigmoid, tanh, exp, erf, pow, gelu   compute.transcendental_tile_cycles
//   EXEC reduce_sum, reduce_max       compute.reduce_tile_cycles
//   EXEC softmax_stats                reduce_tile_cycles + transcendental_tile_cycles
//   EXEC softmax                      transcendental_tile_cycles + vector_tile_cycles
//   EXEC layer_norm_stats             reduce_tile_cycles + vector_tile_cycles
//   EXEC layer_norm                   2 x vector_tile_cycles
//   EXEC div, reciprocal, sqrt        compute.divide_tile_cycles
//
// On a timed DRAM a transfer's time is the simulation's (its bursts); its
// cost above still times its SRAM side and the engine's port.
//
// Built once from a HwConfig; a small value (it copies the few parameters it needs).
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/hw/hw_config.h"
#include "compiler/schedule/schedule.h"
#include "compiler/schedule/transfer_bytes.h"

namespace tilesim {

class CostModel {
 public:
  explicit CostModel(const HwConfig& hw);
  CostModel() : CostModel(HwConfig{}) {}  // the default hardware's costs

  // One DMA transfer of `bytes`, without the transpose surcharge.
  std::int64_t transfer_cycles(std::int64_t bytes) const;
  // A LOAD or STORE of a tile of `tensor` that moves `bytes`: transfer_cycles,
  // plus dma.transpose_cycles for a (LOAD of a) transpose view.
  std::int64_t dma_cycles(const sched::TensorInfo& tensor, std::int64_t bytes) const;
  // An EXEC of `kind` alone (a matmul with its fill and drain).
  std::int64_t exec_cycles(sched::ExecKind kind) const;
  // EXEC `exec` run right after `previous` on the compute unit (nullptr: it
  // follows no EXEC), which may leave the array's stationary operand in place.
  std::int64_t exec_cycles(const sched::Uop& exec, const sched::Uop* previous) const;
  // A matmul EXEC streaming behind one that keeps its stationary operand
  // (exec_cycles(MatMul) when nothing can stay: no array, or several folds).
  std::int64_t matmul_streaming_cycles() const { return matmul_streaming_cycles_; }
  // Whether an EXEC's cost can depend on the one before it (an array whose tile fits in one fold).
  bool matmul_streams() const { return matmul_streaming_cycles_ != matmul_cycles_; }
  // The compiler's estimate of one K step of a bm x bn block of C tiles, its
  // EXECs back to back in the loop nest's order (a_outer: for i { for j },
  // consecutive EXECs sharing A[i,k]; else for j { for i }, sharing B[k,j]):
  // on an input- or weight-stationary array the shared operand streams; an
  // output-stationary one streams only a 1x1 block's consecutive K steps.
  std::int64_t matmul_block_step_cycles(std::int64_t bm, std::int64_t bn, bool a_outer) const;
  // Any uOp of the schedule that `bytes` was built from (one TransferBytes per
  // schedule: building it gathers every gather-view tile once), an EXEC as if
  // alone (ExecSequence times EXECs as they follow each other).
  std::int64_t uop_cycles(const sched::Uop& uop, const sched::TransferBytes& bytes) const;

  // The lower bound's parts: every EXEC back to back; the compulsory bytes
  // at full bandwidth with no setup cycles — the DMA engine's, and on a timed
  // DRAM the slower of the engines' ports and the DRAM's peak bandwidth
  // (docs/cycle-model.md, "Lower bound").
  std::int64_t compute_bound_cycles(const sched::Schedule& schedule) const;
  std::int64_t dma_bound_cycles(std::int64_t compulsory_bytes) const;
  // Every uOp one after the other: no run of the schedule can take longer.
  std::int64_t serial_cycles(const sched::Schedule& schedule) const;
  std::int64_t serial_cycles(const sched::Schedule& schedule, const sched::TransferBytes& bytes) const;

  const DmaConfig& dma() const { return dma_; }

 private:
  bool keeps_stationary(const sched::Uop& exec, const sched::Uop& previous) const;

  DmaConfig dma_;
  ComputeConfig compute_;
  DramConfig dram_;
  std::int64_t cycle_ps_;
  std::int64_t matmul_cycles_;
  std::int64_t matmul_streaming_cycles_;
};

// The compute unit's EXECs in their queue order: each one's cycles after the
// one before it. Every place that times EXECs in sequence (the simulator's
// compute unit, the compiler's ordering estimate, the compute bound) asks it.
class ExecSequence {
 public:
  explicit ExecSequence(const CostModel& costs) : costs_(costs) {}
  std::int64_t next(const sched::Uop& exec) {
    if (!costs_.matmul_streams()) return costs_.exec_cycles(exec.exec);  // no copy on the common path
    const std::int64_t cycles = costs_.exec_cycles(exec, has_previous_ ? &previous_ : nullptr);
    previous_ = exec;
    has_previous_ = true;
    return cycles;
  }

 private:
  const CostModel& costs_;
  sched::Uop previous_;
  bool has_previous_ = false;
};

}  // namespace tilesim
