// Subcommands of the tilesim program. Each takes the arguments after its name,
// writes its results to `out`, and returns an exit code (see exit_codes.h).
// Bad input is reported by throwing InputError; cli.cpp turns it into one line.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/schedule/schedule.h"
#include "sim/config/hw_config.h"

namespace tilesim::cli {

int check_config_command(const std::vector<std::string>& args, std::ostream& out);
int compile_command(const std::vector<std::string>& args, std::ostream& out);
int run_command(const std::vector<std::string>& args, std::ostream& out);

// A model compiled for a hardware description: what compile prints and run simulates.
struct CompiledModel {
  HwConfig hw;
  ir::Graph graph;  // after the default passes
  sched::Schedule schedule;
};
// Throws InputError for bad files and for an SRAM too small for the model.
CompiledModel compile_model(const std::string& hw_path, const std::vector<std::string>& overrides,
                            const std::string& model_path, std::int64_t max_uops);

// "tilesim --version": version, commit, SystemC release, kernels on this CPU.
std::string version_text();
std::string version_number();

}  // namespace tilesim::cli
