// "Compile this model for this hardware": the library's one call from a loaded
// model (frontend::load_any_model) to a schedule. Runs the default passes and
// the scheduler with the hardware's SRAM and cost model.
//
// Contract: every refusal is an InputError naming the file and key at fault:
// the model file for bad models and for a schedule beyond `max_uops`, the
// hardware file's sram.size_kib for an SRAM too small for one EXEC of the
// model. The result's schedule is not validated (sched::validate does that).
#pragma once

#include <cstdint>
#include <string>

#include "compiler/hw/hw_config.h"
#include "compiler/ir/graph.h"
#include "compiler/schedule/schedule.h"
#include "compiler/scheduler/attention_order.h"

namespace tilesim {

// What compiling and simulating one uOp costs in host memory, roughly: the
// unit of --max-uops and of the memory estimate before a run.
inline constexpr std::int64_t kHostBytesPerUop = 110;

struct CompiledModel {
  HwConfig hw;
  ir::Graph graph;  // after the default passes
  sched::Schedule schedule;
};

// max_uops: refuse a model whose schedule would have more uOps (0: no limit).
// attention: how attention's layers interleave (attention_order.h).
// Messages name the model by graph.source.
CompiledModel compile_model(const HwConfig& hw, ir::Graph graph, std::int64_t max_uops,
                            sched::AttentionSchedule attention = sched::AttentionSchedule::Fused);

}  // namespace tilesim
