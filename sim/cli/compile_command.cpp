// tilesim compile --hw HW.yaml --model MODEL.yaml [--emit summary|schedule|graph] [-o FILE]
#include <fstream>
#include <iostream>
#include <sstream>

#include "compiler/driver/compile_model.h"
#include "compiler/frontend/onnx_loader.h"
#include "compiler/hw/hw_config.h"
#include "compiler/ir/dot.h"
#include "compiler/schedule/schedule_text.h"
#include "compiler/schedule/validator.h"
#include "compiler/scheduler/summary.h"
#include "compiler/support/input_error.h"
#include "sim/cli/commands.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/options.h"
#include "sim/cli/output_file.h"
#include "sim/io/staged_file.h"

namespace tilesim::cli {

namespace {

struct CompileArgs {
  ModelOptions files;
  std::string emit = "summary", output;
  bool validate = false;
};

po::options_description compile_options(CompileArgs& a) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help and exit");
  add_model_options(options, a.files);
  options.add_options()("emit", po::value(&a.emit)->value_name("WHAT"),
                        "summary (default): per-layer figures; schedule: one uOp per line; graph: Graphviz DOT "
                        "of the graph after passes")("output,o", po::value(&a.output)->value_name("FILE"),
                                                     "write there instead of stdout")(
      "validate", po::bool_switch(&a.validate),
      "check the schedule with the independent validator; a problem is an internal error "
      "(exit 1)");
  return options;
}

}  // namespace

int compile_command(const std::vector<std::string>& args, std::ostream& out) {
  CompileArgs a;
  const po::options_description options = compile_options(a);
  const po::variables_map vm = parse_options("compile", args, options, {});
  if (vm.count("help")) {
    out << usage("compile", "--hw FILE.yaml --model FILE.yaml [--emit summary|schedule|graph] [-o FILE]",
                 "Compiles a model for a hardware description: fusion, tiling, lowering and\n"
                 "SRAM scheduling. Prints a per-layer summary, the schedule (one uOp per line,\n"
                 "docs/schedule-format.md) or the graph after passes (Graphviz DOT).",
                 options);
    return kExitOk;
  }
  require_model_options("compile", a.files);
  if (a.emit != "summary" && a.emit != "schedule" && a.emit != "graph") {
    throw InputError("--emit " + a.emit, "", "unknown output kind " + quoted(a.emit), "summary, schedule or graph");
  }

  // -o replaces its file (compile has no --force), but its folder is checked
  // before the work.
  if (!a.output.empty()) {
    check_output_path(a.output, /*overwrite=*/true, /*create_folder=*/true, "-o");
    check_not_an_input(a.output, {a.files.hw, a.files.model});
  }
  const CompiledModel compiled = compile_model(load_hw_config(a.files.hw, a.files.overrides),
                                               frontend::load_any_model(a.files.model), max_uops(a.files),
                                               a.files.attention);
  std::string validation;
  if (a.validate) {
    const auto problems = sched::validate(compiled.schedule);
    if (!problems.empty()) {
      std::cerr << "tilesim: internal error: the schedule is invalid (" << problems.size()
                << (problems.size() >= 20 ? "+" : "") << " problems); first: " << problems.front() << "\n";
      return kExitInternalError;
    }
    validation = "validator: schedule valid (" + std::to_string(compiled.schedule.uops.size()) + " uOps checked)\n";
  }

  std::ostringstream text;
  if (a.emit == "summary") {
    sched::write_summary(compiled.schedule, text);
    text << validation;
  } else if (a.emit == "schedule") {
    sched::write_schedule_text(compiled.schedule, text);
    if (a.validate) std::cerr << validation;
  } else {
    text << ir::to_dot(compiled.graph);
    if (a.validate) std::cerr << validation;
  }
  if (a.output.empty()) {
    out << text.str();
  } else {
    write_file_atomically(a.output, text.str());
  }
  return kExitOk;
}

}  // namespace tilesim::cli
