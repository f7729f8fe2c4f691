// Shared command-line parsing for subcommands, so every command reports a bad
// flag the same way: "COMMAND: problem (see 'tilesim COMMAND --help')".
#pragma once

#include <boost/program_options.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/scheduler/attention_order.h"

namespace tilesim::cli {

namespace po = boost::program_options;

// Parses `args` against `options` (and `positional`), throwing InputError for
// an unknown flag, a missing value, a repeated single-valued flag, and so on.
po::variables_map parse_options(const std::string& command, const std::vector<std::string>& args,
                                const po::options_description& options,
                                const po::positional_options_description& positional);

// The options compile and run share, bound to the caller's fields.
struct ModelOptions {
  std::string hw;
  std::string model;
  std::vector<std::string> overrides;  // --set
  std::int64_t max_uops = -1;          // --max-uops; -1: sized to this machine
  sched::AttentionSchedule attention = sched::AttentionSchedule::Fused;  // --attention
};
void add_model_options(po::options_description& options, ModelOptions& values);
// Throws InputError naming the command when --hw or --model is missing.
void require_model_options(const std::string& command, const ModelOptions& values);

// --max-uops as given, or by default half of the memory available to this
// process (sim/cli/host_memory.h: cgroup limits count) at kHostBytesPerUop
// (what compiling and simulating a uOp costs); 0: no limit.
std::int64_t max_uops(const ModelOptions& values);

// An output must never replace a file the command reads: InputError when
// `output` is one of `inputs` (the same file, however named).
void check_not_an_input(const std::string& output, const std::vector<std::string>& inputs);

// The usual usage block: "Usage: tilesim COMMAND SYNOPSIS", a summary, options.
std::string usage(const std::string& command, const std::string& synopsis, const std::string& summary,
                  const po::options_description& options);

}  // namespace tilesim::cli
