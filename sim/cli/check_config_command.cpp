// tilesim check-config FILE [--set KEY=VALUE]...
#include <iostream>

#include "compiler/hw/hw_config.h"
#include "compiler/support/input_error.h"
#include "sim/cli/commands.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/options.h"

namespace tilesim::cli {

int check_config_command(const std::vector<std::string>& args, std::ostream& out) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help and exit")(
      "set", po::value<std::vector<std::string>>()->value_name("KEY=VALUE"),
      "override one key of the file, e.g. --set sram.size_kib=64 (repeatable; validated "
      "like the file)");
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("file", -1);

  const std::string synopsis = "FILE.yaml [--set KEY=VALUE]...";
  const po::variables_map vm = parse_options("check-config", args, all, positional);
  if (vm.count("help")) {
    out << usage("check-config", synopsis,
                 "Loads a hardware description, applies the overrides and prints the\n"
                 "fully-defaulted configuration as YAML (which check-config reads back\n"
                 "unchanged). Any error is one line on stderr and exit code 2.",
                 options);
    return kExitOk;
  }
  const auto files = vm.count("file") ? vm["file"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (files.size() != 1) {
    throw InputError("check-config", "", files.empty() ? "no hardware file given" : "more than one hardware file given",
                     "exactly one FILE.yaml; see 'tilesim check-config --help'");
  }
  const auto overrides = vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  out << to_yaml(load_hw_config(files.front(), overrides));
  return kExitOk;
}

}  // namespace tilesim::cli
