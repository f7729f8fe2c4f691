// Subcommands of the tilesim program. Each takes the arguments after its name,
// writes its results to `out`, and returns an exit code (see exit_codes.h).
// Bad input is reported by throwing InputError; cli.cpp turns it into one line.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace tilesim::cli {

int check_config_command(const std::vector<std::string>& args, std::ostream& out);
int compile_command(const std::vector<std::string>& args, std::ostream& out);
int run_command(const std::vector<std::string>& args, std::ostream& out);

// "tilesim --version": version, commit, SystemC release, kernels on this CPU.
std::string version_text();
std::string version_number();

}  // namespace tilesim::cli
