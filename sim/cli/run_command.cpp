// tilesim run --hw HW.yaml --model MODEL.yaml [--vcd FILE] [--out-dir DIR] ...
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

#include "compiler/frontend/onnx_loader.h"
#include "compiler/schedule/schedule_file.h"
#include "compiler/schedule/schedule_text.h"
#include "compiler/support/input_error.h"
#include "kernels/kernel_set.h"
#include "sim/cli/commands.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/options.h"
#include "sim/cli/output_file.h"
#include "sim/io/input_values.h"
#include "sim/io/tensor_file.h"
#include "sim/model/simulate.h"
#include "sim/reference/compare.h"
#include "sim/reference/host_reference.h"
#include "sim/stats/run_report.h"
#include "sim/trace/gtkw_writer.h"

namespace tilesim::cli {

namespace fs = std::filesystem;

namespace {

struct RunArgs {
  ModelOptions files;
  std::string out_dir, stats_json, vcd, kernel = "auto", trace_window, out_format = "npy", schedule;
  std::vector<std::string> inputs, expects;
  double rtol = 1e-3, atol = 1e-7;
  std::uint64_t seed = kDefaultSeed;
  bool force = false, timing_only = false, verify = false;
};

po::options_description run_options(RunArgs& a) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help and exit");
  add_model_options(options, a.files);
  options.add_options()("schedule", po::value(&a.schedule)->value_name("FILE"),
                        "simulate a schedule in the text form (docs/schedule-format.md) instead of compiling a "
                        "--model: neither compiler nor validator sees it, inputs come from --seed")(
      "input", po::value(&a.inputs)->value_name("NAME=FILE"),
      "values of a graph input or param from a .npy file (float32/float64, C order) or an "
      "ONNX TensorProto .pb file, of the model's shape; repeatable")(
      "seed", po::value(&a.seed)->value_name("N"),
      "seed for the inputs and params not given with --input: uniform in [-1, 1) (default 1)")(
      "out-dir", po::value(&a.out_dir)->value_name("DIR"),
      "write every graph output as DIR/NAME.npy (float32, true shape) and DIR/stats.json")(
      "out-format", po::value(&a.out_format)->value_name("npy|pb"),
      "format of the outputs in --out-dir: npy (default) or pb (ONNX TensorProto)")(
      "expect", po::value(&a.expects)->value_name("NAME=FILE"),
      "compare output NAME with the tensor in FILE (.npy or .pb): |got - expected| <= atol + "
      "rtol * |expected| per element; exit 3 beyond it (repeatable)")("rtol", po::value(&a.rtol)->value_name("R"),
                                                                      "relative tolerance of --expect (default 1e-3)")(
      "atol", po::value(&a.atol)->value_name("A"), "absolute tolerance of --expect (default 1e-7)")(
      "stats-json", po::value(&a.stats_json)->value_name("FILE"), "write the statistics there")(
      "vcd", po::value(&a.vcd)->value_name("FILE.vcd"),
      "write a VCD waveform and a GTKWave save file FILE.gtkw beside it")(
      "trace-window", po::value(&a.trace_window)->value_name("FROM:TO"),
      "trace only cycles FROM to TO (TO may be empty: to the end), for long runs")("force", po::bool_switch(&a.force),
                                                                                   "overwrite output files that exist")(
      "kernel", po::value(&a.kernel)->value_name("NAME"), "tile kernels: auto (default), avx512, avx2 or reference")(
      "timing-only", po::bool_switch(&a.timing_only), "no math, only timing (fast sweeps); outputs are not written")(
      "verify", po::bool_switch(&a.verify),
      "compare every output with an independent host reference; exit 3 beyond tolerance");
  return options;
}

const char kSummary[] =
    "Compiles the model for the hardware, runs the schedule on the SystemC model of\n"
    "the accelerator (DMA engine and compute unit as concurrent processes) with the\n"
    "real math in the tile kernels, and prints where the time went.\n"
    "Exit codes: 0 success, 1 internal error, 2 bad input, 3 verification failed,\n"
    "130/143 interrupted by SIGINT/SIGTERM (the trace is kept up to there).";

// Every file this run will write, checked before the simulation starts: a
// long run must not end by refusing to write its results.
std::vector<std::string> planned_outputs(const RunArgs& a, const std::vector<std::string>& output_names) {
  std::vector<std::string> files;
  if (!a.out_dir.empty()) {
    if (!a.timing_only) {
      for (const auto& name : output_names) {
        files.push_back((fs::path(a.out_dir) / (name + "." + a.out_format)).string());
      }
    }
    files.push_back((fs::path(a.out_dir) / "stats.json").string());
  }
  if (!a.stats_json.empty()) files.push_back(a.stats_json);
  if (!a.vcd.empty()) {
    files.push_back(a.vcd);
    files.push_back(sim::gtkw_path_for(a.vcd));
  }
  return files;
}

void check_outputs_writable(const RunArgs& a, const std::vector<std::string>& files) {
  for (std::size_t i = 0; i < files.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (fs::path(files[i]).lexically_normal() == fs::path(files[j]).lexically_normal()) {
        throw InputError("run", "", "two outputs would be written to " + files[i],
                         "distinct --stats-json, --vcd and --out-dir files");
      }
    }
    std::error_code ec;
    if (!a.force && fs::exists(files[i], ec)) {
      throw InputError(files[i], "", "exists; not overwriting it", "a new file, or --force");
    }
  }
}

// A hand-written schedule for the hardware, checked as fully as a compiled
// one before anything runs (sched::load_schedule_file).
CompiledModel load_schedule(const std::string& hw, const std::vector<std::string>& overrides, const std::string& path) {
  CompiledModel result;
  result.hw = load_hw_config(hw, overrides);
  result.schedule = sched::load_schedule_file(path, result.hw.sram.size_bytes());
  return result;
}

// Every input and param of a schedule, seeded as make_inputs seeds them.
std::map<std::string, HostTensor> seeded_inputs(const sched::Schedule& schedule, std::uint64_t seed) {
  std::map<std::string, HostTensor> inputs;
  for (const auto& t : schedule.tensors) {
    if (t.transpose_of >= 0 || (t.role != sched::TensorRole::Input && t.role != sched::TensorRole::Param)) continue;
    std::vector<std::int64_t> dims = t.dims;
    if (dims.empty())
      dims = t.rank == 1 ? std::vector<std::int64_t>{t.cols} : std::vector<std::int64_t>{t.rows, t.cols};
    const auto count = static_cast<std::size_t>(t.batch * t.rows * t.cols);
    inputs.emplace(t.name, HostTensor::from_dims(dims, seeded_values(seed, t.name, count)));
  }
  return inputs;
}

// "FROM:TO" in cycles; TO may be empty (to the end).
std::pair<std::int64_t, std::int64_t> parse_trace_window(const std::string& text) {
  const std::string flag = "--trace-window " + text;
  const std::string expected = "FROM:TO in cycles, FROM < TO, e.g. 20000:60000 or 20000:";
  const auto colon = text.find(':');
  if (colon == std::string::npos) throw InputError(flag, "", "no ':' between FROM and TO", expected);
  auto number = [&](const std::string& part, const char* what) {
    std::int64_t value = 0;
    const auto result = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || result.ec != std::errc() || result.ptr != part.data() + part.size() || value < 0) {
      throw InputError(flag, "", std::string(what) + " " + quoted(part) + " is not a cycle count", expected);
    }
    return value;
  };
  const std::int64_t from = number(text.substr(0, colon), "FROM");
  const std::string to_text = text.substr(colon + 1);
  const std::int64_t to = to_text.empty() ? -1 : number(to_text, "TO");
  if (to >= 0 && to <= from) throw InputError(flag, "", "TO is not after FROM", expected);
  return {from, to};
}

}  // namespace

int run_command(const std::vector<std::string>& args, std::ostream& out) {
  RunArgs a;
  const po::options_description options = run_options(a);
  const po::variables_map vm = parse_options("run", args, options, {});
  if (vm.count("help")) {
    out << usage("run", "--hw FILE.yaml --model FILE.yaml [--vcd FILE.vcd] [--out-dir DIR] ...", kSummary, options);
    return kExitOk;
  }
  if (a.schedule.empty()) {
    require_model_options("run", a.files);
  } else {
    if (a.files.hw.empty()) throw InputError("run", "", "no --hw given", "--hw FILE.yaml");
    if (!a.files.model.empty()) {
      throw InputError("run", "", "both --model and --schedule given", "one of them");
    }
    if (a.verify || !a.inputs.empty()) {
      throw InputError("run", "", "--verify and --input need a --model", "--schedule with seeded inputs only");
    }
  }
  if (!a.vcd.empty() && fs::path(a.vcd).extension() != ".vcd") {
    throw InputError("--vcd " + a.vcd, "", "the trace file name must end in .vcd", "e.g. --vcd traces/run.vcd");
  }
  if (!a.trace_window.empty() && a.vcd.empty()) {
    throw InputError("run", "", "--trace-window without --vcd", "--vcd FILE.vcd to trace into");
  }
  const auto window =
      a.trace_window.empty() ? std::pair<std::int64_t, std::int64_t>{0, -1} : parse_trace_window(a.trace_window);
  if (a.out_format != "npy" && a.out_format != "pb") {
    throw InputError("--out-format " + a.out_format, "", "unknown format " + tilesim::quoted(a.out_format),
                     "npy or pb");
  }
  if (!(a.rtol >= 0) || !(a.atol >= 0)) {
    throw InputError("run", "", "--rtol and --atol must be numbers >= 0", "e.g. --rtol 1e-3 --atol 1e-7");
  }
  if (a.timing_only && !a.expects.empty()) {
    throw InputError("run", "", "--expect needs the math that --timing-only skips",
                     "one of --timing-only and --expect");
  }
  if (a.timing_only && a.verify) {
    throw InputError("run", "", "--verify needs the math that --timing-only skips",
                     "one of --timing-only and --verify");
  }
  if (a.timing_only && !a.inputs.empty()) {
    throw InputError("run", "", "--input has no effect with --timing-only", "--input only when outputs are computed");
  }

  // SIGINT/SIGTERM stop the simulation at a uOp boundary: the trace is closed
  // and kept up to there, no other output is written. Before the simulation
  // (reading, compiling) the run just ends, having written nothing.
  struct sigaction on_signal {};
  on_signal.sa_handler = [](int signal) { sim::request_interrupt(signal); };
  sigemptyset(&on_signal.sa_mask);
  sigaction(SIGINT, &on_signal, nullptr);
  sigaction(SIGTERM, &on_signal, nullptr);
  const auto wall_start = std::chrono::steady_clock::now();
  const CompiledModel compiled = a.schedule.empty()
                                     ? compile_model(a.files.hw, a.files.overrides, a.files.model, a.files.max_uops)
                                     : load_schedule(a.files.hw, a.files.overrides, a.schedule);
  std::vector<std::string> output_names;
  for (const auto& t : compiled.schedule.tensors) {
    if (t.is_graph_output) output_names.push_back(t.name);
  }
  if (!a.out_dir.empty()) {
    std::error_code ec;
    if (fs::exists(a.out_dir, ec) && !fs::is_directory(a.out_dir, ec)) {
      throw InputError(a.out_dir, "", "is not a folder", "--out-dir naming a folder");
    }
  }
  check_outputs_writable(a, planned_outputs(a, output_names));
  std::vector<std::pair<std::string, std::string>> expected_files;
  for (const auto& assignment : a.expects) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == assignment.size()) {
      throw InputError("--expect " + assignment, "", "malformed", "NAME=FILE.npy or NAME=FILE.pb");
    }
    const std::string name = assignment.substr(0, eq);
    if (std::find(output_names.begin(), output_names.end(), name) == output_names.end()) {
      throw InputError("--expect " + assignment, "", tilesim::quoted(name) + " is not a graph output",
                       "one of the model's outputs");
    }
    expected_files.emplace_back(name, assignment.substr(eq + 1));
  }

  const kernels::KernelSet* kernel_set = a.timing_only ? nullptr : &kernels::select_kernels(a.kernel);
  std::map<std::string, HostTensor> inputs;
  if (!a.timing_only) {
    inputs =
        a.schedule.empty() ? make_inputs(compiled.graph, a.inputs, a.seed) : seeded_inputs(compiled.schedule, a.seed);
  }

  sim::SimOptions sim_options;
  sim_options.kernels = kernel_set;
  sim_options.vcd_path = a.vcd;
  sim_options.trace_from_cycle = window.first;
  sim_options.trace_to_cycle = window.second;
  sim_options.progress = isatty(STDERR_FILENO) != 0;
  if (!a.vcd.empty()) {
    const fs::path parent = fs::path(a.vcd).parent_path();
    std::error_code ec;
    if (!parent.empty() && !fs::is_directory(parent, ec)) fs::create_directories(parent, ec);
  }
  if (const int signal = sim::pending_interrupt()) {
    std::cerr << "tilesim: interrupted by " << (signal == SIGINT ? "SIGINT" : "SIGTERM")
              << " before the simulation started; no output written\n";
    return 128 + signal;
  }
  sim::SimResult result;
  try {
    result = sim::simulate(compiled.schedule, compiled.hw, inputs, sim_options);
  } catch (const sim::SimulationInterrupted& e) {
    if (!a.vcd.empty()) {
      const double ns_per_cycle = compiled.hw.cycle_ns();
      write_file_atomically(sim::gtkw_path_for(a.vcd),
                            sim::gtkw_text(a.vcd, static_cast<std::int64_t>(window.first * ns_per_cycle),
                                           static_cast<std::int64_t>(e.cycle * ns_per_cycle)));
    }
    std::cerr << "tilesim: interrupted by " << (e.signal == SIGINT ? "SIGINT" : "SIGTERM") << " at cycle " << e.cycle
              << " of the simulation" << (a.vcd.empty() ? "" : "; " + a.vcd + " holds the trace up to there")
              << "; no other output written\n";
    return 128 + e.signal;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const sim::RunReport report = sim::make_report(compiled.schedule, compiled.hw, result.stats,
                                                 kernel_set ? kernel_set->name : "none", wall, result.wall_seconds);
  sim::write_summary(report, out);

  int code = kExitOk;
  if (a.verify) {
    const auto expected = run_reference(frontend::load_any_model(a.files.model), inputs);  // --model only
    for (const auto& name : output_names) {
      const Comparison c = compare_outputs(result.outputs.at(name), expected.at(name));
      out << "  verify " << name << ": max abs error " << std::scientific << std::setprecision(3) << c.max_abs_error
          << ", max rel error " << c.max_rel_error << std::defaultfloat
          << (c.within_tolerance ? " (within tolerance)" : " (BEYOND TOLERANCE: " + c.worst + ")") << "\n";
      if (!c.within_tolerance) code = kExitVerifyFailed;
    }
  }

  for (const auto& [name, file] : expected_files) {
    const auto it = result.outputs.find(name);
    const Comparison c = compare_elementwise(it->second, read_tensor_file(file), a.rtol, a.atol);
    out << "  expect " << name << " (" << file << "): max abs error " << std::scientific << std::setprecision(3)
        << c.max_abs_error << ", max rel error " << c.max_rel_error << std::defaultfloat
        << (c.within_tolerance ? " (within tolerance)" : " (BEYOND TOLERANCE: " + c.worst + ")") << "\n";
    if (!c.within_tolerance) code = kExitVerifyFailed;
  }

  if (!a.out_dir.empty()) {
    std::error_code ec;
    fs::create_directories(a.out_dir, ec);
    if (ec) throw InputError(a.out_dir, "", "cannot create: " + ec.message(), "a writable folder");
    for (const auto& [name, tensor] : result.outputs) {
      write_tensor_file((fs::path(a.out_dir) / (name + "." + a.out_format)).string(), tensor, name);
    }
    write_file_atomically((fs::path(a.out_dir) / "stats.json").string(), sim::stats_json(report));
  }
  if (!a.stats_json.empty()) write_file_atomically(a.stats_json, sim::stats_json(report));
  if (!a.vcd.empty()) {
    const double ns_per_cycle = compiled.hw.cycle_ns();
    const auto end_cycle = window.second < 0 ? result.stats.cycles : std::min(window.second, result.stats.cycles);
    write_file_atomically(sim::gtkw_path_for(a.vcd),
                          sim::gtkw_text(a.vcd, static_cast<std::int64_t>(window.first * ns_per_cycle),
                                         static_cast<std::int64_t>(end_cycle * ns_per_cycle)));
  }
  return code;
}

}  // namespace tilesim::cli
