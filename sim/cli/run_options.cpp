#include "sim/cli/run_options.h"

#include <charconv>
#include <filesystem>

#include "compiler/support/input_error.h"
#include "sim/io/input_values.h"

namespace tilesim::cli {

namespace fs = std::filesystem;

const char kRunSummary[] =
    "Compiles the model for the hardware, runs the schedule on the SystemC model of\n"
    "the accelerator (DMA engine and compute unit as concurrent processes) with the\n"
    "real math in the tile kernels, and prints where the time went.\n"
    "Every output is checked before the work and written whole, at the end.\n"
    "Exit codes: 0 success, 1 internal error, 2 bad input, 3 verification failed,\n"
    "4 an output could not be written (disk full; the old file is kept),\n"
    "130/143 interrupted by SIGINT/SIGTERM (a trace is kept up to there).";

po::options_description run_options(RunArgs& a) {
  a.seed = kDefaultSeed;
  po::options_description options("Options");
  options.add_options()("help,h", "show this help and exit");
  add_model_options(options, a.files);
  options.add_options()(
      "schedule", po::value(&a.schedule)->value_name("FILE"),
      "simulate a schedule in the text form (docs/schedule-format.md) instead of compiling a --model; it is "
      "checked like a compiled one first, inputs come from --seed")(
      "input", po::value(&a.inputs)->value_name("NAME=FILE"),
      "values of a graph input or param from a .npy file (float32/float64, C order) or an "
      "ONNX TensorProto .pb file, of the model's shape; repeatable")(
      "seed", po::value(&a.seed)->value_name("N"),
      "seed for the inputs and params not given with --input: uniform in [-1, 1) (default 1)")(
      "out-dir", po::value(&a.out_dir)->value_name("DIR"),
      "write every graph output as DIR/NAME.npy (float32, true shape; NAME encoded as docs/cli.md says) and "
      "DIR/stats.json")("out-format", po::value(&a.out_format)->value_name("npy|pb"),
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
      "threads", po::value(&a.threads)->value_name("N"),
      "host threads for the math: 1 runs every EXEC in the simulation's thread, 2 the EXECs' kernels on a second "
      "one; auto (default): 2 where the process may run on 2 CPUs and the schedule has 1024 EXECs or more, back "
      "to 1 after EXEC 512 if the second thread ran the MatMuls slower (docs/cli.md). The same outputs and "
      "cycles either way")(
      "timing-only", po::bool_switch(&a.timing_only), "no math, only timing (fast sweeps); outputs are not written")(
      "verify", po::bool_switch(&a.verify),
      "compare every output with an independent host reference; exit 3 beyond tolerance")(
      "per-layer", po::bool_switch(&a.per_layer),
      "list every layer in the summary (without it, a model of more than 12 layers shows its 5 longest)");
  return options;
}

std::pair<std::int64_t, std::int64_t> parse_trace_window(const std::string& text) {
  const std::string flag = "--trace-window " + text;
  const std::string expected = "FROM:TO in cycles, FROM < TO, e.g. 20000:60000 or 20000:";
  const auto colon = text.find(':');
  if (colon == std::string::npos) throw InputError(flag, "", "no ':' between FROM and TO", expected);
  auto number = [&](const std::string& part, const char* what) {
    std::int64_t value = 0;
    const auto result = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || result.ec != std::errc() || result.ptr != part.data() + part.size() || value < 0) {
      throw InputError(flag, "", std::string(what) + " " + tilesim::quoted(part) + " is not a cycle count", expected);
    }
    return value;
  };
  const std::int64_t from = number(text.substr(0, colon), "FROM");
  const std::string to_text = text.substr(colon + 1);
  const std::int64_t to = to_text.empty() ? -1 : number(to_text, "TO");
  if (to >= 0 && to <= from) throw InputError(flag, "", "TO is not after FROM", expected);
  return {from, to};
}

namespace {

void refuse(bool contradiction, const std::string& problem, const std::string& expected) {
  if (contradiction) throw InputError("run", "", problem, expected);
}

void check_schedule_flags(const RunArgs& a) {
  refuse(a.files.hw.empty(), "no --hw given", "--hw FILE.yaml");
  refuse(!a.files.model.empty(), "both --model and --schedule given", "one of them");
  refuse(a.verify || !a.inputs.empty(), "--verify and --input need a --model", "--schedule with seeded inputs only");
}

void check_vcd_flags(const RunArgs& a) {
  if (!a.vcd.empty() && fs::path(a.vcd).extension() != ".vcd") {
    throw InputError("--vcd " + a.vcd, "", "the trace file name must end in .vcd", "e.g. --vcd traces/run.vcd");
  }
  // The save file quotes the VCD's path; GTKWave reads it up to the next quote.
  if (a.vcd.find_first_of("\"\n\r") != std::string::npos) {
    throw InputError("--vcd " + a.vcd, "", "the trace file name holds a quote or a line break",
                     "a path GTKWave's save file can name");
  }
  refuse(!a.trace_window.empty() && a.vcd.empty(), "--trace-window without --vcd", "--vcd FILE.vcd to trace into");
}

}  // namespace

void check_run_flags(RunArgs& a) {
  if (a.schedule.empty()) {
    require_model_options("run", a.files);
  } else {
    check_schedule_flags(a);
  }
  check_vcd_flags(a);
  if (!a.trace_window.empty()) std::tie(a.trace_from, a.trace_to) = parse_trace_window(a.trace_window);
  if (a.out_format != "npy" && a.out_format != "pb") {
    throw InputError("--out-format " + a.out_format, "", "unknown format " + tilesim::quoted(a.out_format),
                     "npy or pb");
  }
  if (a.threads != "1" && a.threads != "2" && a.threads != "auto") {
    throw InputError("--threads " + a.threads, "", "unsupported thread count " + tilesim::quoted(a.threads),
                     "1, 2 or auto");
  }
  refuse(!(a.rtol >= 0) || !(a.atol >= 0), "--rtol and --atol must be numbers >= 0", "e.g. --rtol 1e-3 --atol 1e-7");
  refuse(a.timing_only && !a.expects.empty(), "--expect needs the math that --timing-only skips",
         "one of --timing-only and --expect");
  refuse(a.timing_only && a.verify, "--verify needs the math that --timing-only skips",
         "one of --timing-only and --verify");
  refuse(a.timing_only && !a.inputs.empty(), "--input has no effect with --timing-only",
         "--input only when outputs are computed");
}

}  // namespace tilesim::cli
