#include "sim/cli/run_outputs.h"

#include <signal.h>

#include <filesystem>

#include "compiler/support/input_error.h"
#include "sim/io/output_names.h"
#include "sim/trace/gtkw_writer.h"

namespace tilesim::cli {

namespace fs = std::filesystem;

namespace {

// The file a path ends up naming, for comparing two outputs: symlinks of
// existing parts resolved, the rest normalised.
fs::path identity(const std::string& path) {
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? fs::absolute(path).lexically_normal() : resolved;
}

void check_out_dir(const std::string& out_dir) {
  std::error_code ec;
  if (fs::exists(out_dir, ec) && !fs::is_directory(out_dir, ec)) {
    throw InputError(out_dir, "", "is not a folder", "--out-dir naming a folder");
  }
}

std::vector<std::pair<std::string, std::string>> every_file(const OutputPlan& plan) {
  std::vector<std::pair<std::string, std::string>> files;  // path, what names it
  for (const auto& [name, path] : plan.tensors) files.emplace_back(path, "output " + quoted(name));
  if (!plan.out_dir_stats.empty()) files.emplace_back(plan.out_dir_stats, "--out-dir");
  if (!plan.stats_json.empty()) files.emplace_back(plan.stats_json, "--stats-json");
  if (!plan.vcd.empty()) files.emplace_back(plan.vcd, "--vcd");
  if (!plan.gtkw.empty()) files.emplace_back(plan.gtkw, "--vcd's save file");
  return files;
}

void check_distinct(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<fs::path> seen;
  for (const auto& [path, what] : files) {
    const fs::path id = identity(path);
    for (std::size_t j = 0; j < seen.size(); ++j) {
      if (seen[j] == id) {
        throw InputError("run", "",
                         "two outputs would be written to " + path + " (" + files[j].second + " and " + what + ")",
                         "distinct --stats-json, --vcd and --out-dir files");
      }
    }
    seen.push_back(id);
  }
}

}  // namespace

OutputPlan plan_outputs(const RunArgs& a, const std::vector<std::string>& output_names) {
  OutputPlan plan;
  if (!a.out_dir.empty()) {
    check_out_dir(a.out_dir);
    if (!a.timing_only) {
      for (const auto& name : output_names) {
        plan.tensors.emplace_back(name, (fs::path(a.out_dir) / output_file_name(name, a.out_format)).string());
      }
    }
    plan.out_dir_stats = (fs::path(a.out_dir) / "stats.json").string();
  }
  plan.stats_json = a.stats_json;
  if (!a.vcd.empty()) {
    plan.vcd = a.vcd;
    plan.gtkw = sim::gtkw_path_for(a.vcd);
  }
  const auto files = every_file(plan);
  check_distinct(files);
  for (const auto& [path, what] : files) check_output_path(path, a.force, /*create_folder=*/true, what);
  return plan;
}

void OutputSet::commit_all() {
  sigset_t held, previous;
  sigemptyset(&held);
  sigaddset(&held, SIGINT);
  sigaddset(&held, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &held, &previous);
  try {
    for (StagedFile& file : staged_) file.sync();  // every file on disk before any is renamed
    for (StagedFile& file : staged_) file.commit();
  } catch (...) {
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    throw;
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  staged_.clear();
}

}  // namespace tilesim::cli
