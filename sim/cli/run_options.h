// The command line of `tilesim run`: its options, and every check that needs
// nothing but the command line (contradictory or malformed flags), made before
// any file is read.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/cli/options.h"

namespace tilesim::cli {

struct RunArgs {
  ModelOptions files;
  std::string out_dir, stats_json, vcd, kernel = "auto", trace_window, out_format = "npy", schedule;
  std::string threads = "auto";  // "1", "2" or "auto" (run_command.cpp, host_threads)
  std::vector<std::string> inputs, expects;
  double rtol = 1e-3, atol = 1e-7;
  std::uint64_t seed = 1;
  bool force = false, timing_only = false, verify = false;
  bool per_layer = false;  // the summary lists every layer
  // From trace_window: cycles [from, to), to < 0: to the end.
  std::int64_t trace_from = 0, trace_to = -1;
};

po::options_description run_options(RunArgs& args);

// Throws InputError for flags that contradict each other or are malformed;
// fills trace_from/trace_to.
void check_run_flags(RunArgs& args);

// "FROM:TO" in cycles (TO may be empty: to the end); InputError naming the flag.
std::pair<std::int64_t, std::int64_t> parse_trace_window(const std::string& text);

extern const char kRunSummary[];

}  // namespace tilesim::cli
