#include "compiler/scheduler/scheduler.h"

#include <algorithm>
#include <string>
#include <utility>

#include "compiler/schedule/totals.h"
#include "compiler/scheduler/lowering.h"
#include "compiler/scheduler/sram_allocator.h"
#include "compiler/scheduler/tile_program.h"

namespace tilesim::sched {

SramTooSmall::SramTooSmall(std::int64_t have, std::int64_t need)
    : std::runtime_error("SRAM of " + std::to_string(have) + " bytes holds " + std::to_string(have / kTileBytes) +
                         " tiles; one EXEC needs " + std::to_string(need)),
      have_bytes(have),
      need_tiles(need) {}

TooManyUops::TooManyUops(std::int64_t est, std::int64_t lim)
    : std::runtime_error("the schedule would have about " + std::to_string(est) + " uOps, more than " +
                         std::to_string(lim)),
      estimate(est),
      limit(lim) {}

namespace {

// EXECs the graph needs whatever the schedule: one per output tile of each
// element-wise op, one per K step of each matmul output tile. Counted from the
// shapes alone, before anything is allocated.
std::int64_t count_execs(const ir::Graph& graph) {
  std::int64_t execs = 0;
  for (const ir::OpId id : graph.live_ops()) {
    const ir::Op& op = graph.ops[id];
    const ir::Tensor& out = graph.tensors[op.output];
    const std::int64_t out_tiles = out.tile_rows() * out.tile_cols();
    if (op.kind == ir::OpKind::MatMul || op.kind == ir::OpKind::FusedMatMul) {
      execs += out_tiles * graph.tensors[op.inputs[0]].tile_cols();
    } else if (!ir::is_view_op(op.kind)) {
      execs += out_tiles;
    }
  }
  return execs;
}

}  // namespace

Schedule schedule_graph(const ir::Graph& graph, const SchedulerOptions& options) {
  const std::int64_t sram_tiles = options.sram_bytes / kTileBytes;
  const std::int64_t need = min_sram_tiles(graph);
  if (sram_tiles < need) throw SramTooSmall(options.sram_bytes, need);
  if (options.max_uops > 0) {
    const std::int64_t execs = count_execs(graph);
    if (execs > options.max_uops) throw TooManyUops(execs, options.max_uops);
  }

  Schedule schedule;
  schedule.sram_bytes = options.sram_bytes;
  TileProgram program;
  program.execs.reserve(static_cast<std::size_t>(count_execs(graph)));  // one allocation, not a doubling series
  program.exec_layer.reserve(program.execs.capacity());
  LoweringPass(sram_tiles, options.costs, options.attention).run(graph, schedule, program);
  schedule.dram_layout = options.dram_layout;
  place_tensors(schedule.tensors, options.dram_alignment);

  const TileSpace space(schedule.tensors);
  // One allocation of about the right size: a 4096^3 matmul has ~2.7 M uOps,
  // and growing (or shrinking) the vector would copy them all.
  const auto estimate = static_cast<std::size_t>(program.estimated_transfers) + program.execs.size();
  if (options.max_uops > 0 && static_cast<std::int64_t>(estimate) > options.max_uops) {
    throw TooManyUops(static_cast<std::int64_t>(estimate), options.max_uops);
  }
  schedule.uops.reserve(estimate + estimate / 8);
  schedule.uop_layer.reserve(estimate + estimate / 8);
  AllocatorOptions alloc;
  alloc.sram_tiles = sram_tiles;
  alloc.store_delay_execs = options.store_delay_execs;
  // Measured on the large MLP (256 KiB-1 MiB): a pool of 8 lifts efficiency
  // from 0.54-0.76 to 0.89-0.94 for ~1% more loads; larger pools add loads.
  alloc.free_pool_tiles = std::clamp<std::int64_t>(sram_tiles / 8, 1, 8);
  alloc.free_pool_horizon_execs = 128;
  allocate_and_emit(std::move(program), space, alloc, schedule);
  program = TileProgram{};  // ~40 bytes per EXEC, no longer needed
  // Each gather view tile a LOAD names is gathered once, for both passes and
  // for the simulator (Schedule::gathered_bytes).
  const TransferBytes bytes(schedule);
  schedule.gathered_bytes = bytes.gathered();
  order_by_start_time(schedule, options.costs, bytes);
  // The totals have one definition (count_totals); the allocator knows only
  // the true SRAM peak and each layer's share.
  const ScheduleTotals totals = count_totals(schedule, bytes);
  set_totals(schedule, totals, /*with_peak=*/false);
  // Each layer's figures are counted like the totals' (totals.h): a gather
  // moves only the bytes it reads, which the allocator does not know.
  for (std::size_t l = 0; l < totals.layers.size(); ++l) {
    const LayerTotals& counted = totals.layers[l];
    LayerSummary& layer = schedule.layers[l];
    layer.loads = counted.loads;
    layer.stores = counted.stores;
    layer.execs = counted.execs;
    layer.loads_eliminated = counted.loads_eliminated;
    layer.dma_bytes = saturating_add(counted.bytes_loaded, counted.bytes_stored);
    layer.compulsory_bytes = counted.compulsory_bytes;
  }
  return schedule;
}

}  // namespace tilesim::sched
