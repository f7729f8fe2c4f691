// The cost model's formulas, one per uOp kind, at the default hardware
// (setup 64, 32 B/cycle, transpose 32, matmul 64, vector 8) and at boundaries.
#include <catch2/catch.hpp>

#include "compiler/hw/cost_model.h"

namespace {

using tilesim::CostModel;
using tilesim::HwConfig;
namespace sched = tilesim::sched;

sched::TensorInfo tensor(int rank, std::int64_t cols, std::int32_t transpose_of = -1) {
  sched::TensorInfo t;
  t.rank = rank;
  t.rows = rank <= 1 ? 1 : 32;
  t.cols = cols;
  t.padded_rows = rank <= 1 ? 1 : 32;
  t.padded_cols = 32;
  if (transpose_of >= 0) t.view = sched::TensorView{sched::ViewKind::Transpose, transpose_of, {}, {}, {}};
  return t;
}

}  // namespace

TEST_CASE("a DMA transfer costs setup + ceil(bytes / bytes_per_cycle)", "[cost]") {
  const CostModel costs{HwConfig{}};
  CHECK(costs.transfer_cycles(4096) == 64 + 128);
  CHECK(costs.transfer_cycles(4097) == 64 + 129);  // a partial beat still costs a cycle
  CHECK(costs.transfer_cycles(1) == 65);
}

TEST_CASE("every uOp kind has its documented cost", "[cost]") {
  HwConfig hw;
  hw.compute.matmul_tile_cycles = 100;
  hw.compute.vector_tile_cycles = 7;
  hw.compute.activation_tile_cycles = 11;
  hw.compute.transcendental_tile_cycles = 13;
  hw.compute.divide_tile_cycles = 17;
  const CostModel costs{hw};
  sched::Schedule s;
  s.tensors = {tensor(2, 32), tensor(1, 32), tensor(0, 1), tensor(2, 32, 0)};
  const sched::TransferBytes bytes(s);
  auto load = [&](std::int32_t t) {
    sched::Uop u;
    u.kind = sched::UopKind::Load;
    u.tile.tensor = t;
    return costs.uop_cycles(u, bytes);
  };
  CHECK(load(0) == 64 + 4096 / 32);       // a 32x32 float32 tile: 192
  CHECK(load(1) == 64 + 128 / 32);        // a bias row of 32 floats: 68
  CHECK(load(2) == 64 + 1);               // a scalar, 4 bytes: 65
  CHECK(load(3) == 64 + 4096 / 32 + 32);  // a transposing LOAD of a view: 224
  sched::Uop exec;
  exec.kind = sched::UopKind::Exec;
  using sched::ExecKind;
  // Whatever the operands' broadcast forms: one vector pass.
  for (auto kind : {ExecKind::Add, ExecKind::Sub, ExecKind::Mul, ExecKind::Max, ExecKind::Min, ExecKind::Relu,
                    ExecKind::Scale, ExecKind::Clip, ExecKind::LeakyRelu, ExecKind::Neg}) {
    exec.exec = kind;
    INFO(sched::to_string(kind));
    CHECK(costs.uop_cycles(exec, bytes) == 7);
  }
  for (auto kind : {ExecKind::HardSigmoid, ExecKind::HardSwish}) {
    exec.exec = kind;
    CHECK(costs.uop_cycles(exec, bytes) == 11);
  }
  for (auto kind : {ExecKind::Sigmoid, ExecKind::Tanh, ExecKind::Exp, ExecKind::Erf, ExecKind::Pow, ExecKind::Gelu}) {
    exec.exec = kind;
    INFO(sched::to_string(kind));
    CHECK(costs.uop_cycles(exec, bytes) == 13);
  }
  for (auto kind : {ExecKind::Div, ExecKind::Reciprocal, ExecKind::Sqrt}) {  // issue 14
    exec.exec = kind;
    INFO(sched::to_string(kind));
    CHECK(costs.uop_cycles(exec, bytes) == 17);
  }
  exec.exec = sched::ExecKind::MatMul;
  CHECK(costs.uop_cycles(exec, bytes) == 100);
}

TEST_CASE("the bounds: EXECs back to back, compulsory bytes with no setup, all uOps serial", "[cost]") {
  const CostModel costs{HwConfig{}};
  sched::Schedule s;
  s.tensors = {tensor(2, 32)};
  sched::Uop load, exec;
  load.tile.tensor = 0;
  exec.kind = sched::UopKind::Exec;
  s.uops = {load, exec, exec, load};
  CHECK(costs.compute_bound_cycles(s) == 2 * 64);
  CHECK(costs.dma_bound_cycles(20480) == 640);
  CHECK(costs.dma_bound_cycles(20481) == 641);
  CHECK(costs.serial_cycles(s) == 2 * 192 + 2 * 64);
}
