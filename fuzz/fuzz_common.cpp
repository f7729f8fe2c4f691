#include "fuzz/fuzz_common.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

#include "compiler/passes/pipeline.h"
#include "compiler/schedule/validator.h"
#include "compiler/scheduler/scheduler.h"
#include "compiler/support/input_error.h"

namespace tilesim::fuzz {

namespace {

std::string scratch_folder() {
  if (std::filesystem::is_directory("/dev/shm")) return "/dev/shm";
  if (const char* tmp = std::getenv("TMPDIR"); tmp && *tmp) return tmp;
  return "/tmp";
}

std::int64_t tiles_of(const ir::Shape& s) {
  // rows/cols are bounded by the frontend (2^31 elements), batch() too.
  const std::int64_t rows = s.rank <= 1 ? 1 : (s.rows + 31) / 32;
  const std::int64_t cols = (s.cols + 31) / 32;
  return s.batch() * rows * cols;
}

}  // namespace

ScratchFile::ScratchFile(const std::string& extension) {
  static const std::string base = scratch_folder() + "/tilesim-fuzz-" + std::to_string(::getpid());
  path_ = base + extension;
}

ScratchFile::ScratchFile(const std::uint8_t* data, std::size_t size, const std::string& extension)
    : ScratchFile(extension) {
  std::ofstream out(path_, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) finding("cannot write the scratch file " + path_);
}

ScratchFile::~ScratchFile() { std::remove(path_.c_str()); }

void finding(const std::string& what) {
  std::cerr << "tilesim fuzz finding: " << what << std::endl;
  std::abort();
}

bool small_enough(const ir::Graph& graph) {
  std::size_t live = 0;
  for (const auto& op : graph.ops) live += op.dead ? 0 : 1;
  if (live > kMaxLiveOps) return false;
  for (const auto& tensor : graph.tensors) {
    if (tensor.shape.batch() <= 0 || tiles_of(tensor.shape) > kMaxTilesPerTensor) return false;
  }
  return true;
}

void compile_and_validate(ir::Graph& graph, std::uint64_t seed) {
  static constexpr std::int64_t kSramKib[] = {12, 16, 20, 28, 48, 96, 256};
  static constexpr std::int64_t kStoreDelay[] = {0, 1, 2, 5};
  sched::SchedulerOptions options;
  options.sram_bytes = kSramKib[seed % std::size(kSramKib)] * 1024;
  options.store_delay_execs = kStoreDelay[(seed / 7) % std::size(kStoreDelay)];

  passes::run_default_passes(graph);
  sched::Schedule schedule;
  try {
    schedule = sched::schedule_graph(graph, options);
  } catch (const sched::SramTooSmall& e) {
    // Expected below one EXEC's operands; never above 4 tiles (16 KiB).
    if (options.sram_bytes >= 16 * 1024) {
      finding("SramTooSmall at " + std::to_string(options.sram_bytes) + " bytes (need " + std::to_string(e.need_tiles) +
              " tiles)");
    }
    return;
  }
  const std::vector<std::string> problems = sched::validate(schedule);
  if (!problems.empty()) {
    std::string text = "the validator rejects the schedule of a valid model (sram " +
                       std::to_string(options.sram_bytes) + " B, store delay " +
                       std::to_string(options.store_delay_execs) + "): ";
    for (std::size_t i = 0; i < problems.size() && i < 5; ++i) text += "\n  " + problems[i];
    std::cerr << "tilesim fuzz finding: " << text << std::endl;
    __builtin_trap();
  }
}

std::uint64_t hash_bytes(const std::uint8_t* data, std::size_t size) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211ull;
  return h;
}

}  // namespace tilesim::fuzz
