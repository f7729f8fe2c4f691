// tilesim run --hw HW.yaml --model MODEL.yaml [--vcd FILE] [--out-dir DIR] ...
//
// A run is a sequence of named steps: read and check everything the user gave
// (flags, hardware, model or schedule, every output destination, --expect
// files, the memory the run needs), then compile, make the inputs, simulate,
// report, verify, and write every output at once. A SIGINT/SIGTERM in any
// step ends the run with nothing written but the trace of an interrupted
// simulation (docs/reliability.md).
#include <signal.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "compiler/driver/compile_model.h"
#include "compiler/frontend/onnx_loader.h"
#include "compiler/schedule/schedule_file.h"
#include "compiler/support/input_error.h"
#include "compiler/support/interrupt.h"
#include "kernels/kernel_set.h"
#include "sim/cli/commands.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/host_memory.h"
#include "sim/cli/run_options.h"
#include "sim/cli/run_outputs.h"
#include "sim/io/input_values.h"
#include "sim/io/tensor_file.h"
#include "sim/model/simulate.h"
#include "sim/reference/compare.h"
#include "sim/reference/host_reference.h"
#include "sim/stats/run_report.h"
#include "sim/trace/gtkw_writer.h"
#include "sim/trace/vcd_writer.h"

namespace tilesim::cli {

namespace {

// What the steps hand on to each other.
struct Run {
  RunArgs args;
  CompiledModel compiled;
  ir::Graph unfused;  // the model as loaded, for --verify's reference
  std::vector<std::string> output_names;
  OutputPlan plan;
  struct Expected {
    std::string name, file;
    HostTensor tensor;
  };
  std::vector<Expected> expected;  // --expect NAME=FILE
  std::map<std::string, HostTensor> inputs;
  const kernels::KernelSet* kernels = nullptr;
  sim::SimResult result;
  int host_threads = 1;  // the math's (--threads)
  std::string phase = "reading the input files";  // for the interrupt message
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

void install_signal_handlers() {
  struct sigaction on_signal {};
  on_signal.sa_handler = [](int signal) { request_interrupt(signal); };
  sigemptyset(&on_signal.sa_mask);
  sigaction(SIGINT, &on_signal, nullptr);
  sigaction(SIGTERM, &on_signal, nullptr);
}

// A hand-written schedule, checked like a compiled one before it runs.
void load_schedule(Run& run) {
  run.compiled.hw = load_hw_config(run.args.files.hw, run.args.files.overrides);
  run.compiled.schedule = sched::load_schedule_file(run.args.schedule, run.compiled.hw.sram.size_bytes());
}

void load_model(Run& run) {
  run.compiled.hw = load_hw_config(run.args.files.hw, run.args.files.overrides);
  run.unfused = frontend::load_any_model(run.args.files.model);
  for (const ir::TensorId id : run.unfused.outputs) run.output_names.push_back(run.unfused.tensors[id].name);
}

// An output file must never replace a file this run reads.
void check_inputs_untouched(const Run& run) {
  std::vector<std::string> read = {run.args.files.hw, run.args.files.model, run.args.schedule};
  for (const auto& list : {run.args.inputs, run.args.expects}) {
    for (const auto& assignment : list) read.push_back(assignment.substr(assignment.find('=') + 1));
  }
  const OutputPlan& p = run.plan;
  std::vector<std::string> written = {p.out_dir_stats, p.stats_json, p.vcd, p.gtkw};
  for (const auto& [name, file] : p.tensors) written.push_back(file);
  for (const auto& out : written) check_not_an_input(out, read);
}

void read_expected(Run& run) {
  for (const auto& assignment : run.args.expects) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == assignment.size()) {
      throw InputError("--expect " + assignment, "", "malformed", "NAME=FILE.npy or NAME=FILE.pb");
    }
    const std::string name = assignment.substr(0, eq);
    const auto& names = run.output_names;
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      throw InputError("--expect " + assignment, "", quoted(name) + " is not a graph output",
                       "one of the model's outputs");
    }
    const std::string file = assignment.substr(eq + 1);
    run.expected.push_back({name, file, read_tensor_file(file)});
  }
}

// Everything the user gave, checked before the work.
void read_and_check(Run& run) {
  if (run.args.schedule.empty()) {
    load_model(run);
  } else {
    load_schedule(run);
    for (const auto& t : run.compiled.schedule.tensors) {
      if (t.is_graph_output) run.output_names.push_back(t.name);
    }
  }
  run.plan = plan_outputs(run.args, run.output_names);
  check_inputs_untouched(run);
  read_expected(run);
  run.kernels = run.args.timing_only ? nullptr : &kernels::select_kernels(run.args.kernel);
}

void compile(Run& run) {
  if (!run.args.schedule.empty()) return;
  run.phase = "compiling";
  ir::Graph graph;
  if (run.args.verify) {
    graph = run.unfused;
  } else {
    graph = std::move(run.unfused);
  }
  run.compiled = compile_model(run.compiled.hw, std::move(graph), max_uops(run.args.files), run.args.files.attention);
}

std::int64_t tensor_bytes(const std::vector<std::int64_t>& dims, std::int64_t element_bytes) {
  std::int64_t n = element_bytes;
  for (const std::int64_t d : dims) n *= d;
  return n;
}

// Refuses, before allocating, a run that needs more host memory than there is.
void check_memory(const Run& run) {
  if (!run.kernels) return;  // timing only: the schedule is all, and it is built
  const sched::Schedule& s = run.compiled.schedule;
  std::int64_t dram = 0, host = 0;
  for (const auto& t : s.tensors) {
    if (t.is_view()) continue;
    dram += t.batch * (t.rank <= 1 ? 1 : t.padded_rows) * t.padded_cols * 4;
    host += tensor_bytes(sched::true_dims(t), 4);  // inputs made, outputs read back
  }
  std::int64_t reference = 0;
  if (run.args.verify) {
    for (const auto& t : run.unfused.tensors) reference += tensor_bytes(t.shape.dims(), 8);
  }
  const std::int64_t sram = sched::sram_extent_bytes(s);
  const std::int64_t need = dram + host + reference + sram;
  const std::int64_t available = available_memory_bytes();
  if (available == 0 || need <= available) return;
  const auto mib = [](std::int64_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB"; };
  throw InputError(run.args.schedule.empty() ? run.args.files.model : run.args.schedule, "",
                   "this run needs about " + mib(need) + " of memory (DRAM tensors " + mib(dram) +
                       ", inputs and outputs " + mib(host) + ", reference " + mib(reference) + ", SRAM " + mib(sram) +
                       "), more than the " + mib(available) + " available",
                   "a smaller model, --timing-only, or a run without --verify");
}

void make_run_inputs(Run& run) {
  if (!run.kernels) return;
  run.phase = "making the inputs";
  if (run.args.schedule.empty() && !run.args.verify && run.args.inputs.empty()) {
    // Nothing but the simulated DRAM reads the seeded values: generated there (SimOptions::seed).
    run.inputs = stored_inputs(run.compiled.graph);
  } else if (run.args.schedule.empty()) {
    run.inputs = make_inputs(run.args.verify ? run.unfused : run.compiled.graph, run.args.inputs, run.args.seed);
    add_pass_params(run.compiled.graph, run.inputs);
  } else {
    run.inputs = seeded_inputs(run.compiled.schedule, run.args.seed);
  }
}

// The CPUs this process may run on (its affinity mask: taskset, a cpuset).
int usable_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return static_cast<int>(std::thread::hardware_concurrency());
  return CPU_COUNT(&set);
}

// --threads (sim::SimOptions::host_threads). auto is 2 where the process may
// run on two CPUs and the schedule has enough EXECs: below kThreadedExecs,
// starting and feeding the second thread costs more than it saves, and two
// threads spinning on one CPU would wait on each other.
int host_threads(const std::string& threads, const sched::Schedule& schedule) {
  constexpr std::size_t kThreadedExecs = 1024;
  if (threads != "auto") return threads == "2" ? 2 : 1;
  if (usable_cpus() < 2) return 1;
  std::size_t execs = 0;
  for (const sched::Uop& u : schedule.uops) execs += u.kind == sched::UopKind::Exec ? 1 : 0;
  return execs >= kThreadedExecs ? 2 : 1;
}

void simulate(Run& run) {
  run.phase = "simulating";
  sim::SimOptions options;
  options.kernels = run.kernels;
  options.vcd_path = run.args.vcd;
  options.trace_from_cycle = run.args.trace_from;
  options.trace_to_cycle = run.args.trace_to;
  options.progress = isatty(STDERR_FILENO) != 0;
  options.seed = run.args.seed;
  run.host_threads = run.kernels ? host_threads(run.args.threads, run.compiled.schedule) : 1;
  options.host_threads = run.host_threads;
  options.check_threads = run.args.threads == "auto";  // a count the user chose is kept
  run.result = sim::simulate(run.compiled.schedule, run.compiled.hw, run.inputs, options);
}

// The save file opens on the trace's span: the window, or the whole run.
StagedFile stage_save_file(const Run& run, std::int64_t end_cycle) {
  const std::int64_t per_cycle = sim::vcd_timescale(run.compiled.hw.cycle_ps()).units_per_cycle;
  const std::int64_t from = std::min(run.args.trace_from, end_cycle);
  const std::int64_t to = run.args.trace_to < 0 ? end_cycle : std::min(run.args.trace_to, end_cycle);
  const std::string text = sim::gtkw_text(run.args.vcd, from * per_cycle, std::max(from, to) * per_cycle,
                                          sim::TraceLayout::of(run.compiled.hw, run.compiled.schedule));
  return stage_file(run.plan.gtkw, {{text.data(), text.size()}});
}

int report_interrupted_simulation(Run& run) {
  const int signal = run.result.interrupted_by;
  if (!run.args.vcd.empty()) {
    OutputSet trace;
    trace.add(std::move(run.result.trace));
    trace.add(stage_save_file(run, run.result.stats.cycles));
    trace.commit_all();
  }
  std::cerr << "tilesim: interrupted by " << signal_name(signal) << " at cycle " << run.result.stats.cycles
            << " of the simulation"
            << (run.args.vcd.empty() ? "" : "; " + run.args.vcd + " holds the trace up to there")
            << "; no other output written\n";
  return 128 + signal;
}

void print_comparison(std::ostream& out, const std::string& what, const Comparison& c) {
  out << "  " << what << ": max abs error " << std::scientific << std::setprecision(3) << c.max_abs_error
      << ", max rel error " << c.max_rel_error << std::defaultfloat
      << (c.within_tolerance ? " (within tolerance)" : " (BEYOND TOLERANCE: " + c.worst + ")") << "\n";
}

int check_results(Run& run, std::ostream& out) {
  int code = kExitOk;
  if (run.args.verify) {
    run.phase = "verifying";
    const auto reference = run_reference(run.unfused, run.inputs);
    for (const auto& name : run.output_names) {
      const Comparison c = compare_outputs(run.result.outputs.at(name), reference.at(name));
      print_comparison(out, "verify " + name, c);
      if (!c.within_tolerance) code = kExitVerifyFailed;
    }
  }
  for (const auto& [name, file, tensor] : run.expected) {
    const Comparison c = compare_elementwise(run.result.outputs.at(name), tensor, run.args.rtol, run.args.atol);
    print_comparison(out, "expect " + name + " (" + file + ")", c);
    if (!c.within_tolerance) code = kExitVerifyFailed;
  }
  return code;
}

void write_outputs(Run& run, const sim::RunReport& report) {
  run.phase = "writing the outputs";
  OutputSet outputs;
  for (const auto& [name, file] : run.plan.tensors) {
    poll_interrupt();
    outputs.add(stage_tensor_file(file, run.result.outputs.at(name), name));
  }
  std::string stats;  // made once, and only for a file that takes it
  for (const std::string& file : {run.plan.out_dir_stats, run.plan.stats_json}) {
    if (file.empty()) continue;
    if (stats.empty()) stats = sim::stats_json(report);
    outputs.add(stage_file(file, {{stats.data(), stats.size()}}));
  }
  if (!run.args.vcd.empty()) {
    outputs.add(std::move(run.result.trace));
    outputs.add(stage_save_file(run, run.result.stats.cycles));
  }
  poll_interrupt();
  outputs.commit_all();
}

int run_steps(Run& run, std::ostream& out) {
  read_and_check(run);
  compile(run);
  check_memory(run);
  make_run_inputs(run);
  poll_interrupt();
  simulate(run);
  if (run.result.interrupted_by) return report_interrupted_simulation(run);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - run.start).count();
  sim::RunReport report =
      sim::make_report(run.compiled.schedule, run.compiled.hw, run.result.stats,
                       run.kernels ? run.kernels->name : "none", wall, run.result.wall_seconds);
  report.thread_check = run.result.thread_check;
  report.host_threads = report.thread_check.kept_worker ? run.host_threads : 1;
  sim::write_summary(report, out, run.args.per_layer);
  const int code = check_results(run, out);
  out.flush();  // before any output that is this very stdout (--stats-json /dev/stdout)
  write_outputs(run, report);
  return code;
}

}  // namespace

int run_command(const std::vector<std::string>& args, std::ostream& out) {
  Run run;
  const po::options_description options = run_options(run.args);
  const po::variables_map vm = parse_options("run", args, options, {});
  if (vm.count("help")) {
    out << usage("run", "--hw FILE.yaml --model FILE.yaml [--vcd FILE.vcd] [--out-dir DIR] ...", kRunSummary, options);
    return kExitOk;
  }
  check_run_flags(run.args);
  install_signal_handlers();
  try {
    return run_steps(run, out);
  } catch (const Interrupted& e) {
    out.flush();
    std::cerr << "tilesim: interrupted by " << signal_name(e.signal) << " while " << run.phase
              << "; no output written\n";
    return 128 + e.signal;
  }
}

}  // namespace tilesim::cli
