#include "compiler/driver/compile_model.h"

#include "compiler/hw/cost_model.h"
#include "compiler/passes/pipeline.h"
#include "compiler/scheduler/scheduler.h"
#include "compiler/support/input_error.h"

namespace tilesim {

namespace {

[[noreturn]] void too_many_uops(const std::string& model_path, const sched::TooManyUops& e) {
  throw InputError(model_path, "",
                   "its schedule would have about " + std::to_string(e.estimate) + " uOps (~" +
                       std::to_string(e.estimate * kHostBytesPerUop >> 20) + " MiB to build), more than the limit of " +
                       std::to_string(e.limit),
                   "a model within --max-uops (default: half of the available memory), or a larger --max-uops");
}

[[noreturn]] void sram_too_small(const HwConfig& hw, const std::string& model_name, const sched::SramTooSmall& e) {
  const std::int64_t need_kib = e.need_tiles * sched::kTileBytes / 1024;
  throw InputError(hw.source, "sram.size_kib",
                   std::to_string(hw.sram.size_kib) + " KiB holds " + std::to_string(e.have_bytes / sched::kTileBytes) +
                       " tiles, too few for model '" + model_name + "'",
                   "at least " + std::to_string(need_kib) + " KiB: one EXEC of this model needs " +
                       std::to_string(e.need_tiles) + " tiles");
}

}  // namespace

CompiledModel compile_model(const HwConfig& hw, ir::Graph graph, std::int64_t max_uops,
                            sched::AttentionSchedule attention) {
  CompiledModel result;
  result.hw = hw;
  result.graph = std::move(graph);
  passes::run_default_passes(result.graph);
  sched::SchedulerOptions options;
  options.sram_bytes = hw.sram.size_bytes();
  options.costs = CostModel(hw);
  options.dram_layout = hw.dram_layout;
  options.max_uops = max_uops;
  options.attention = attention;
  try {
    result.schedule = sched::schedule_graph(result.graph, options);
  } catch (const sched::TooManyUops& e) {
    too_many_uops(result.graph.source, e);
  } catch (const sched::SramTooSmall& e) {
    sram_too_small(hw, result.graph.name, e);
  }
  return result;
}

}  // namespace tilesim
