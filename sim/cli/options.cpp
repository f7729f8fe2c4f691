#include "sim/cli/options.h"

#include <sstream>

#include "compiler/support/input_error.h"

namespace tilesim::cli {

po::variables_map parse_options(const std::string& command, const std::vector<std::string>& args,
                                const po::options_description& options,
                                const po::positional_options_description& positional) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args)
                  .options(options)
                  .positional(positional)
                  .style(po::command_line_style::default_style &
                         ~po::command_line_style::allow_guessing)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(command + ": " + e.what() + " (see 'tilesim " + command + " --help')");
  }
  return vm;
}

void add_model_options(po::options_description& options, ModelOptions& values) {
  options.add_options()
      ("hw", po::value(&values.hw)->value_name("FILE.yaml"), "hardware description (required)")
      ("model", po::value(&values.model)->value_name("FILE.yaml"), "model file (required)")
      ("set", po::value(&values.overrides)->value_name("KEY=VALUE"),
       "override a hardware key, e.g. --set sram.size_kib=64 (repeatable)");
}

void require_model_options(const std::string& command, const ModelOptions& values) {
  if (values.hw.empty()) throw InputError(command, "", "no --hw given", "--hw FILE.yaml");
  if (values.model.empty()) throw InputError(command, "", "no --model given", "--model FILE.yaml");
}

std::string usage(const std::string& command, const std::string& synopsis,
                  const std::string& summary, const po::options_description& options) {
  std::ostringstream out;
  out << "Usage: tilesim " << command << " " << synopsis << "\n\n" << summary << "\n\n" << options;
  return out.str();
}

}  // namespace tilesim::cli
