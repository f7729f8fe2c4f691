// Every file one `tilesim run` writes, decided and checked before the work, and
// written together at the end.
//
// Contract: plan_outputs() names every destination — each graph output as
// --out-dir/output_file_name(NAME) (sim/io/output_names.h), --out-dir/stats.json,
// --stats-json, --vcd and its .gtkw — and checks each as check_output_path()
// does (a folder where a file is needed, a folder that cannot be created or
// written, a name too long, an existing file without --force, two outputs on
// one file), throwing InputError before anything is compiled or simulated.
// OutputSet then holds the staged files (sim/io/staged_file.h) and commits them
// all at the end with SIGINT/SIGTERM held off, so a run's outputs appear
// together; whatever is not committed is removed.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sim/cli/run_options.h"
#include "sim/io/staged_file.h"

namespace tilesim::cli {

struct OutputPlan {
  std::vector<std::pair<std::string, std::string>> tensors;  // graph output name, file
  std::string out_dir_stats;                                 // --out-dir/stats.json, or empty
  std::string stats_json;                                    // --stats-json, or empty
  std::string vcd, gtkw;                                     // --vcd and its save file, or empty
};

OutputPlan plan_outputs(const RunArgs& args, const std::vector<std::string>& output_names);

class OutputSet {
 public:
  void add(StagedFile file) { staged_.push_back(std::move(file)); }
  // Renames every staged file into place, signals blocked meanwhile.
  void commit_all();

 private:
  std::vector<StagedFile> staged_;
};

}  // namespace tilesim::cli
