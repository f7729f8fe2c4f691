// The ops of the YAML model format (docs/model-format.md): which exist, how
// many inputs each takes, the keys each may have beyond op, inputs and output
// (with ONNX's defaults), and how each becomes graph ops. Image ops go
// through the rules the ONNX import uses too (image_layout.h, window_ops.h,
// reshape_rules.h), so a network gives the same graph from either format.
// model_loader.cpp reads the file's structure and calls these per op.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "compiler/frontend/graph_builder.h"
#include "compiler/frontend/window_ops.h"
#include "compiler/support/yaml_reader.h"

namespace tilesim::frontend {

// Which keys an op reads beyond its constants.
enum class OpKeys { None, Conv, Pool, AvgPool, GlobalPool, Flatten, Reshape, Gelu };  // Gelu: `tanh: 0|1`

struct OpSpec {
  const char* name;
  ir::OpKind kind;
  std::size_t min_inputs, max_inputs;
  OpKeys keys;
  std::vector<std::pair<const char*, float>> constants;  // an activation's, with defaults
};

// The op named `name`, or nullptr.
const OpSpec* find_op(const std::string& name);
std::vector<std::string> op_names();
// "one of: add, avg_pool, ..., tanh".
std::string known_ops();

// An op's settings as read from its keys.
struct OpSettings {
  float param[2] = {0.0f, 0.0f};    // an activation's constants
  WindowSettings window;            // conv, pools (global: the kernel is the image)
  std::int64_t group = 1;           // conv
  bool group_given = false;         // conv: a group refusal points at the key
  std::int64_t axis = 1;            // flatten
  std::vector<std::int64_t> shape;  // reshape
};

// Reads the keys of `spec` from the op's mapping (before its finish()).
OpSettings read_settings(const OpSpec& spec, yaml::MapReader& reader);

// Refuses (at the op's "inputs") a count of inputs `spec` does not take.
void check_arity(const OpSpec& spec, std::size_t given, const yaml::MapReader& reader);

// Adds the op to the graph: its inputs' shapes checked, its output `name`
// inferred. Refusals go through b.fail() with the op's key ("inputs",
// "kernel", "group", "axis", "shape").
void import_op(GraphBuilder& b, const OpSpec& spec, const OpSettings& settings, const std::vector<ir::TensorId>& inputs,
               const std::string& name);

}  // namespace tilesim::frontend
