// Test helpers for validator tests that start from a compiled schedule: a
// YAML model text compiled with the default passes, a tensor looked up by
// name in the result, and the schedule's text form and its reader's message.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <sstream>
#include <string>

#include "compiler/frontend/model_loader.h"
#include "compiler/passes/pipeline.h"
#include "compiler/schedule/schedule_text.h"
#include "compiler/scheduler/scheduler.h"
#include "compiler/support/input_error.h"

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

// The schedule's text form.
inline std::string text_of(const Schedule& s) {
  std::ostringstream out;
  write_schedule_text(s, out);
  return out.str();
}

// The reader's message for schedule text `text` (as file t.sched); empty
// when it reads.
inline std::string error_of(const std::string& text) {
  std::istringstream in(text);
  try {
    read_schedule_text(in, "t.sched");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace tilesim::sched::testing
