// Test helpers for validator tests that start from a compiled schedule: a
// YAML model text compiled with the default passes, and a tensor looked up by
// name in the result.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "compiler/frontend/model_loader.h"
#include "compiler/passes/pipeline.h"
#include "compiler/scheduler/scheduler.h"

namespace tilesim::sched::testing {

// The schedule of YAML model `text` (named `file` in messages) on an SRAM of
// `sram_tiles` tiles.
inline Schedule compile_yaml(const std::string& text, const std::string& file, std::int64_t sram_tiles = 64) {
  ir::Graph g = frontend::parse_model(text, file);
  passes::run_default_passes(g);
  SchedulerOptions options;
  options.sram_bytes = sram_tiles * kTileBytes;
  return schedule_graph(g, options);
}

// The index of the tensor called `name`; fails the test when there is none.
inline std::int32_t tensor_named(const Schedule& s, const std::string& name) {
  for (std::size_t i = 0; i < s.tensors.size(); ++i) {
    if (s.tensors[i].name == name) return static_cast<std::int32_t>(i);
  }
  FAIL("no tensor " << name);
  return -1;
}

}  // namespace tilesim::sched::testing
