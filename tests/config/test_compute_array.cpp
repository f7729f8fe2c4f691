// compute.array (issue 15): the hardware file's keys, and the cycles the
// cost model derives from the array's shape and dataflow.
//
// SCALE-Sim's first-order model (ISPASS 2020, eq. 1-3): ceil(S_R/R) *
// ceil(S_C/C) folds of 2R + C + T - 2 cycles. A 32x32x32 tile is S_R = S_C =
// T = 32 in every dataflow, and a fold uses r = min(R, 32) rows and
// c = min(C, 32) columns of the array.
#include <catch2/catch.hpp>

#include "compiler/hw/cost_model.h"
#include "compiler/hw/hw_config.h"
#include "compiler/support/input_error.h"

using namespace tilesim;
namespace sched = tilesim::sched;

namespace {

HwConfig with_array(std::int64_t rows, std::int64_t cols, Dataflow dataflow = Dataflow::OutputStationary) {
  HwConfig hw;
  hw.compute.array = ComputeArray{rows, cols, dataflow};
  return hw;
}

std::string error_of(const std::string& compute) {
  try {
    parse_hw_config("name: x\nsram: {size_kib: 64}\ncompute:\n" + compute, "hw.yaml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

// A matmul EXEC writing y[0,0]@0x2000 from x[0,k]@a_addr and w[k,0]@b_addr.
sched::Uop matmul(int k, std::uint32_t a_addr, std::uint32_t b_addr, bool zero_init) {
  sched::Uop u;
  u.kind = sched::UopKind::Exec;
  u.exec = sched::ExecKind::MatMul;
  u.zero_init = zero_init;
  u.tile = sched::TileRef{2, 0, 0};
  u.addr = 0x2000;
  u.src[0] = sched::TileRef{0, 0, k};
  u.src_addr[0] = a_addr;
  u.src[1] = sched::TileRef{1, k, 0};
  u.src_addr[1] = b_addr;
  return u;
}

}  // namespace

TEST_CASE("array: a tile matmul takes SCALE-Sim's folds of fill, stream and drain", "[cost][array]") {
  // 1x1: 32*32 folds of 2 + 1 + 30 = 33 cycles.
  CHECK(CostModel(with_array(1, 1)).exec_cycles(sched::ExecKind::MatMul) == 1024 * 33);
  // 8x8: 4*4 folds of 16 + 8 + 30 = 54.
  CHECK(CostModel(with_array(8, 8)).exec_cycles(sched::ExecKind::MatMul) == 16 * 54);
  // 16x32: 2*1 folds of 32 + 32 + 30 = 94.
  CHECK(CostModel(with_array(16, 32)).exec_cycles(sched::ExecKind::MatMul) == 2 * 94);
  // 32x16: 1*2 folds of 64 + 16 + 30 = 110: rows fill twice, so the shape matters.
  CHECK(CostModel(with_array(32, 16)).exec_cycles(sched::ExecKind::MatMul) == 2 * 110);
  // 32x32: one fold, 64 + 32 + 30 = 126.
  CHECK(CostModel(with_array(32, 32)).exec_cycles(sched::ExecKind::MatMul) == 126);
  // 64x64: one fold on the 32x32 cells the tile covers: 126 too, not 2*64 + 64 + 30.
  CHECK(CostModel(with_array(64, 64)).exec_cycles(sched::ExecKind::MatMul) == 126);
  // Every dataflow alone is the same tile: 32 x 32 x 32 maps to 32, 32, 32.
  for (const Dataflow d : {Dataflow::WeightStationary, Dataflow::InputStationary}) {
    CHECK(CostModel(with_array(16, 32, d)).exec_cycles(sched::ExecKind::MatMul) == 2 * 94);
  }
  // SCALE-Sim's own formula for arrays within the tile, where r = R and c = C.
  for (const std::int64_t r : {1, 2, 4, 8, 16, 32}) {
    for (const std::int64_t c : {1, 3, 8, 32}) {
      const std::int64_t folds = ((32 + r - 1) / r) * ((32 + c - 1) / c);
      CHECK(CostModel(with_array(r, c)).exec_cycles(sched::ExecKind::MatMul) == folds * (2 * r + c + 32 - 2));
    }
  }
  // The vector unit is not the array's: its costs stay.
  CHECK(CostModel(with_array(8, 8)).exec_cycles(sched::ExecKind::Add) == 8);
}

TEST_CASE("array: an EXEC that keeps the stationary operand streams behind the one before", "[cost][array]") {
  const sched::Uop first = matmul(0, 0x0000, 0x1000, true);
  // Output stationary: step 2 accumulates into the same y[0,0]@0x2000.
  const CostModel os(with_array(32, 32, Dataflow::OutputStationary));
  CHECK(os.exec_cycles(first, nullptr) == 126);
  CHECK(os.exec_cycles(matmul(1, 0x3000, 0x4000, false), &first) == 32);
  CHECK(os.exec_cycles(matmul(1, 0x3000, 0x4000, true), &first) == 126);  // zero_init: a new sum
  // Weight stationary: only the same B tile in the same slot stays.
  const CostModel ws(with_array(32, 32, Dataflow::WeightStationary));
  CHECK(ws.exec_cycles(matmul(1, 0x3000, 0x4000, false), &first) == 126);
  sched::Uop same_w = matmul(0, 0x3000, 0x1000, true);
  same_w.tile = sched::TileRef{2, 1, 0};
  CHECK(ws.exec_cycles(same_w, &first) == 32);
  same_w.src_addr[1] = 0x5000;  // the same tile reloaded elsewhere is another weight fill
  CHECK(ws.exec_cycles(same_w, &first) == 126);
  // Input stationary: the same A tile.
  const CostModel is(with_array(32, 32, Dataflow::InputStationary));
  sched::Uop same_x = matmul(0, 0x0000, 0x4000, true);
  same_x.src[1] = sched::TileRef{1, 0, 1};
  CHECK(is.exec_cycles(same_x, &first) == 32);
  CHECK(is.exec_cycles(matmul(1, 0x3000, 0x4000, false), &first) == 126);
  // Several folds: nothing stays between EXECs.
  const CostModel folded(with_array(16, 32, Dataflow::OutputStationary));
  CHECK(folded.exec_cycles(matmul(1, 0x3000, 0x4000, false), &first) == 2 * 94);
  // An element-wise EXEC between them empties the array.
  sched::Uop add = first;
  add.exec = sched::ExecKind::Add;
  CHECK(os.exec_cycles(matmul(1, 0x3000, 0x4000, false), &add) == 126);
  // Without an array, compute.matmul_tile_cycles whatever came before.
  CHECK(CostModel(HwConfig{}).exec_cycles(matmul(1, 0x3000, 0x4000, false), &first) == 64);
}

TEST_CASE("array: ExecSequence times each EXEC after the one before it", "[cost][array]") {
  const CostModel os(with_array(32, 32));
  ExecSequence execs(os);
  CHECK(execs.next(matmul(0, 0x0000, 0x1000, true)) == 126);
  CHECK(execs.next(matmul(1, 0x3000, 0x4000, false)) == 32);
  CHECK(execs.next(matmul(2, 0x0000, 0x1000, false)) == 32);
}

TEST_CASE("array: the hardware file's keys, and bad values in one line each", "[config][array]") {
  const HwConfig hw =
      parse_hw_config("name: x\nsram: {size_kib: 64}\ncompute:\n  array: {rows: 16, cols: 32, dataflow: weight_stationary}\n",
                      "hw.yaml");
  CHECK(hw.compute.array == ComputeArray{16, 32, Dataflow::WeightStationary});
  CHECK(parse_hw_config(to_yaml(hw), "printed.yaml") == hw);
  CHECK(to_yaml(hw).find("  array:  # a 32x32x32 tile matmul: 188 cycles, 188 behind one that keeps its stationary "
                         "operand\n    rows: 16\n    cols: 32\n    dataflow: weight_stationary\n") != std::string::npos);
  CHECK(parse_hw_config("name: x\nsram: {size_kib: 64}\ncompute: {array: {rows: 4, cols: 4}}\n", "hw.yaml")
            .compute.array.dataflow == Dataflow::OutputStationary);

  CHECK(error_of("  matmul_tile_cycles: 64\n  array: {rows: 32, cols: 32}\n") ==
        "hw.yaml:4: compute.matmul_tile_cycles: given with compute.array, which derives it (expected one of the "
        "two: the array's rows, cols and dataflow, or the cycles of a tile matmul)");
  CHECK(error_of("  array: {rows: 32, cols: 32, dataflow: row_stationary}\n") ==
        "hw.yaml:4: compute.array.dataflow: unknown dataflow 'row_stationary' (expected output_stationary, "
        "weight_stationary or input_stationary)");
  CHECK(error_of("  array: {rows: 32, cols: 32, dataflow: weight_stationery}\n") ==
        "hw.yaml:4: compute.array.dataflow: unknown dataflow 'weight_stationery', did you mean 'weight_stationary'? "
        "(expected output_stationary, weight_stationary or input_stationary)");
  CHECK(error_of("  array: {rows: 0, cols: 32}\n") ==
        "hw.yaml:4: compute.array.rows: 0 is too small (expected an integer from 1 to 4096, in multiply-accumulate "
        "cells)");
  CHECK(error_of("  array: {rows: 32, cols: 8192}\n") ==
        "hw.yaml:4: compute.array.cols: 8192 is too large (expected an integer from 1 to 4096, in "
        "multiply-accumulate cells)");
  CHECK(error_of("  array: {rows: 32}\n") ==
        "hw.yaml:4: compute.array.cols: missing required key (expected an integer from 1 to 4096, in "
        "multiply-accumulate cells)");
  CHECK(error_of("  array: {rows: 32, cols: 32, lanes: 4}\n") ==
        "hw.yaml:4: compute.array.lanes: unknown key (expected one of: cols, dataflow, rows)");
  CHECK(error_of("  array: 32\n") ==
        "hw.yaml:4: compute.array: is a scalar (expected a mapping with keys rows, cols, dataflow)");
}

TEST_CASE("vector lanes: a pass over a tile takes ceil(1024 / lanes) cycles, the other kinds follow", "[config][array]") {
  const auto with_lanes = [](const std::string& lanes) {
    return parse_hw_config("name: x\nsram: {size_kib: 64}\ncompute: {vector_lanes: " + lanes + "}\n", "hw.yaml");
  };
  CHECK(with_lanes("128").compute.vector_tile_cycles == 8);  // the default machine's 128 lanes
  CHECK(with_lanes("1024").compute.vector_tile_cycles == 1);
  CHECK(with_lanes("1").compute.vector_tile_cycles == 1024);
  const HwConfig hw = with_lanes("48");  // 1024 / 48 = 21.3: 22 passes' worth of cycles
  CHECK(hw.compute.vector_tile_cycles == 22);
  CHECK(hw.compute.activation_tile_cycles == 44);
  CHECK(hw.compute.transcendental_tile_cycles == 88);
  CHECK(CostModel(hw).exec_cycles(sched::ExecKind::Softmax) == 88 + 22);
  CHECK(parse_hw_config(to_yaml(hw), "printed.yaml") == hw);
  CHECK(to_yaml(hw).find("  vector_lanes: 48  # one pass over a tile: 22 cycles\n") != std::string::npos);

  CHECK(error_of("  vector_tile_cycles: 8\n  vector_lanes: 128\n") ==
        "hw.yaml:4: compute.vector_tile_cycles: given with compute.vector_lanes, which derives it (expected one of "
        "the two: the vector unit's lanes, or the cycles of one pass over a tile)");
  CHECK(error_of("  vector_lanes: 2048\n") ==
        "hw.yaml:4: compute.vector_lanes: 2048 is too large (expected an integer from 1 to 1024, in float32 lanes)");
  CHECK(error_of("  vector_lanes: 0\n") ==
        "hw.yaml:4: compute.vector_lanes: 0 is too small (expected an integer from 1 to 1024, in float32 lanes)");
}

TEST_CASE("array: the loop nest's estimate streams the operand its order shares", "[cost][array]") {
  // A 2x3 block's K step: 6 EXECs of 126 cycles alone, 32 streaming.
  const CostModel ws(with_array(32, 32, Dataflow::WeightStationary));
  CHECK(ws.matmul_block_step_cycles(2, 3, false) == 3 * (126 + 32));  // for j { for i }: B[k,j] twice in a row
  CHECK(ws.matmul_block_step_cycles(2, 3, true) == 6 * 126);
  const CostModel is(with_array(32, 32, Dataflow::InputStationary));
  CHECK(is.matmul_block_step_cycles(2, 3, true) == 2 * (126 + 2 * 32));  // for i { for j }: A[i,k] three times
  CHECK(is.matmul_block_step_cycles(2, 3, false) == 6 * 126);
  const CostModel os(with_array(32, 32, Dataflow::OutputStationary));
  CHECK(os.matmul_block_step_cycles(2, 3, true) == 6 * 126);
  CHECK(os.matmul_block_step_cycles(1, 1, true) == 32);  // K steps of one output follow each other
  CHECK(CostModel(with_array(16, 16, Dataflow::WeightStationary)).matmul_block_step_cycles(2, 3, false) ==
        6 * 4 * (32 + 16 + 30));  // 4 folds: nothing streams
  CHECK(CostModel(HwConfig{}).matmul_block_step_cycles(2, 3, false) == 6 * 64);
}
