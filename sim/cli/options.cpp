#include "sim/cli/options.h"

#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "compiler/driver/compile_model.h"
#include "compiler/support/input_error.h"
#include "sim/cli/host_memory.h"

namespace tilesim::cli {

po::variables_map parse_options(const std::string& command, const std::vector<std::string>& args,
                                const po::options_description& options,
                                const po::positional_options_description& positional) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args)
                  .options(options)
                  .positional(positional)
                  .style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(command + ": " + e.what() + " (see 'tilesim " + command + " --help')");
  }
  return vm;
}

void add_model_options(po::options_description& options, ModelOptions& values) {
  options.add_options()("hw", po::value(&values.hw)->value_name("FILE.yaml"), "hardware description (required)")(
      "model", po::value(&values.model)->value_name("FILE"), "model file: YAML, or ONNX (*.onnx) (required)")(
      "set", po::value(&values.overrides)->value_name("KEY=VALUE"),
      "override a hardware key, e.g. --set sram.size_kib=64 (repeatable)")(
      "max-uops", po::value(&values.max_uops)->value_name("N")->notifier([](std::int64_t n) {
        if (n < 0) {
          throw InputError("--max-uops " + std::to_string(n), "", "a negative limit", "N >= 0 (0: no limit)");
        }
      }),
      "refuse a model whose schedule would have more uOps (default: half of the memory available to "
      "this process at ~110 bytes per uOp; 0: no limit)")(
      "attention", po::value<std::string>()->value_name("fused|layered")->notifier([&values](const std::string& v) {
        if (v != "fused" && v != "layered") {
          throw InputError("--attention " + v, "", "unknown attention schedule", "fused or layered");
        }
        values.attention = v == "fused" ? sched::AttentionSchedule::Fused : sched::AttentionSchedule::Layered;
      }),
      "fused (default): each attention's scores row block by row block, kept on chip; layered: every "
      "attention layer whole before the next, as any other layers (docs/cycle-model.md)");
}

std::int64_t max_uops(const ModelOptions& values) {
  if (values.max_uops >= 0) return values.max_uops;
  std::int64_t memory = available_memory_bytes();
  if (memory == 0) {  // nothing readable: physical memory
    const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page_size <= 0) return 0;
    memory = static_cast<std::int64_t>(pages) * page_size;
  }
  return memory / 2 / kHostBytesPerUop;
}

void require_model_options(const std::string& command, const ModelOptions& values) {
  if (values.hw.empty()) throw InputError(command, "", "no --hw given", "--hw FILE.yaml");
  if (values.model.empty()) throw InputError(command, "", "no --model given", "--model FILE.yaml");
}

void check_not_an_input(const std::string& output, const std::vector<std::string>& inputs) {
  std::error_code ec;
  for (const auto& input : inputs) {
    if (output.empty() || input.empty() || !std::filesystem::equivalent(output, input, ec)) continue;
    throw InputError(output, "", "is also an input of this run; not overwriting it", "outputs apart from the inputs");
  }
}

std::string usage(const std::string& command, const std::string& synopsis, const std::string& summary,
                  const po::options_description& options) {
  std::ostringstream out;
  out << "Usage: tilesim " << command << " " << synopsis << "\n\n" << summary << "\n\n" << options;
  return out.str();
}

}  // namespace tilesim::cli
