// The compiler's DRAM placement and layout (SchedulerOptions::dram_alignment,
// dram_layout): tensors in table order at aligned addresses, views without
// one, and the layout recorded without changing a single uOp.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "compiler/frontend/model_loader.h"
#include "compiler/frontend/onnx_loader.h"
#include "compiler/passes/pipeline.h"
#include "compiler/schedule/dram_placement.h"
#include "compiler/schedule/validator.h"
#include "compiler/scheduler/scheduler.h"

using namespace tilesim;
using sched::DramLayout;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;

sched::Schedule compile(ir::Graph graph, DramLayout layout = DramLayout::RowMajor,
                        std::uint64_t alignment = sched::kDramAlignment) {
  passes::run_default_passes(graph);
  sched::SchedulerOptions options;
  options.sram_bytes = 64 * 1024;
  options.dram_layout = layout;
  options.dram_alignment = alignment;
  return sched::schedule_graph(graph, options);
}

sched::Schedule mlp_bias(DramLayout layout = DramLayout::RowMajor, std::uint64_t alignment = sched::kDramAlignment) {
  return compile(frontend::load_model(kSource + "/configs/models/mlp-bias.yaml"), layout, alignment);
}

std::vector<std::uint64_t> addresses(const sched::Schedule& s) {
  std::vector<std::uint64_t> out;
  for (const sched::TensorInfo& t : s.tensors) out.push_back(t.dram_address.value_or(0xdead));
  return out;
}

}  // namespace

TEST_CASE("scheduler dram: tensors one after another in table order at 4 KiB", "[scheduler][dram]") {
  const sched::Schedule s = mlp_bias();
  // x [64,224] 57344 B; w1 [224,96] 86016 B; b1 [96] 384 B; w2 [96,32] 12288 B;
  // b2 [32] 128 B; logits [64,32] 8192 B; a1 [64,96] 24576 B.
  CHECK(addresses(s) == std::vector<std::uint64_t>{0x0000, 0xe000, 0x23000, 0x24000, 0x27000, 0x28000, 0x2a000});
  CHECK(sched::dram_extent(s) == 0x30000);
  CHECK(s.dram_layout == DramLayout::RowMajor);
  CHECK(sched::validate(s).empty());
}

TEST_CASE("scheduler dram: a larger alignment, e.g. a DRAM row", "[scheduler][dram]") {
  const sched::Schedule s = mlp_bias(DramLayout::RowMajor, 0x10000);
  CHECK(addresses(s) == std::vector<std::uint64_t>{0x00000, 0x10000, 0x30000, 0x40000, 0x50000, 0x60000, 0x70000});
  CHECK(sched::validate(s).empty());
  CHECK_THROWS_AS(mlp_bias(DramLayout::RowMajor, 2048), std::invalid_argument);
  CHECK_THROWS_AS(mlp_bias(DramLayout::RowMajor, 12288), std::invalid_argument);
}

TEST_CASE("scheduler dram: the layout is recorded and changes no uOp and no address", "[scheduler][dram]") {
  const sched::Schedule row = mlp_bias(DramLayout::RowMajor);
  const sched::Schedule tile = mlp_bias(DramLayout::TileMajor);
  CHECK(tile.dram_layout == DramLayout::TileMajor);
  CHECK(addresses(tile) == addresses(row));
  REQUIRE(tile.uops.size() == row.uops.size());
  for (std::size_t i = 0; i < row.uops.size(); ++i) {
    const sched::Uop &a = row.uops[i], &b = tile.uops[i];
    INFO("uop " << i);
    CHECK((a.kind == b.kind && a.exec == b.exec && a.tile == b.tile && a.addr == b.addr && a.dep == b.dep &&
           a.src[0] == b.src[0] && a.src[1] == b.src[1] && a.src[2] == b.src[2]));
  }
  CHECK(tile.bytes_loaded == row.bytes_loaded);
  CHECK(sched::validate(tile).empty());
}

TEST_CASE("scheduler dram: a transposed view gets no address", "[scheduler][dram][onnx]") {
  const sched::Schedule s =
      compile(frontend::load_any_model("/usr/share/libonnx-testdata/data/node/test_gemm_transposeB/model.onnx"));
  REQUIRE(s.tensors.size() == 5);
  CHECK(s.tensors[3].name == "b.T");
  CHECK_FALSE(s.tensors[3].dram_address.has_value());
  CHECK(addresses(s) == std::vector<std::uint64_t>{0x0000, 0x1000, 0x2000, 0xdead, 0x3000});
  CHECK(sched::validate(s).empty());
}
