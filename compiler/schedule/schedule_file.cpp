#include "compiler/schedule/schedule_file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "compiler/schedule/schedule_text.h"
#include "compiler/schedule/validator_structure.h"
#include "compiler/support/input_error.h"

namespace tilesim::sched {
namespace {

std::int64_t line_of(const Problem& p, const ScheduleLines& lines) {
  switch (p.subject) {
    case Subject::SramBytes:
      return lines.sram_bytes;
    case Subject::Tensor:
      return p.index < lines.tensors.size() ? lines.tensors[p.index] : 0;
    case Subject::Uop:
      return p.index < lines.uops.size() ? lines.uops[p.index] : 0;
    case Subject::Totals:
      return lines.totals;
    case Subject::Layer:
      return p.index < lines.layers.size() ? lines.layers[p.index] : 0;
  }
  return 0;
}

std::string at(const std::string& name, std::int64_t line) {
  return line > 0 ? name + ":" + std::to_string(line) : name;
}

// The schedule must fit the hardware it runs on (checked first: the
// validator's own memory follows sram_bytes).
void check_sram(const Schedule& s, const ScheduleLines& lines, const std::string& name, std::int64_t hw_sram_bytes) {
  if (s.sram_bytes <= hw_sram_bytes) return;
  throw InputError(at(name, lines.sram_bytes), "sram_bytes",
                   std::to_string(s.sram_bytes) + " is more than the hardware's " + std::to_string(hw_sram_bytes),
                   "a schedule for this SRAM (--set sram.size_kib=...)");
}

}  // namespace

std::vector<Problem> check_hand_written(const Schedule& s) {
  std::vector<Problem> problems;
  for (std::size_t i = 0; i < s.tensors.size(); ++i) {
    const TensorInfo& t = s.tensors[i];
    const std::string where = "tensor " + std::to_string(i) + " " + t.name + ": ";
    if (t.rank >= 3 && t.rank <= 4 && t.dims.empty()) {
      problems.push_back({Subject::Tensor, i,
                          where + "rank " + std::to_string(t.rank) +
                              " without dims (expected dims=[...] with the stack's leading dims)"});
    }
    if (t.role == TensorRole::Output && !t.is_graph_output) {
      problems.push_back({Subject::Tensor, i,
                          where + "output tensor without graph_output (expected graph_output on every output, or "
                                  "the role intermediate)"});
    }
  }
  return problems;
}

Schedule load_schedule_text(std::istream& in, const std::string& name, std::int64_t hw_sram_bytes) {
  ScheduleLines lines;
  Schedule s = read_schedule_text(in, name, &lines);
  check_sram(s, lines, name, hw_sram_bytes);
  // The tensor table first (the earliest line among its problems), then the
  // validator's first problem in its order: uOps, outputs, totals.
  std::vector<Problem> problems = check_hand_written(s);
  for (Problem& p : structure::check_tensors(s)) problems.push_back(std::move(p));
  if (problems.empty()) problems = find_problems(s, 1);
  if (!problems.empty()) {
    const auto key = [&lines](const Problem& p) { return line_of(p, lines); };
    const Problem& first = *std::min_element(problems.begin(), problems.end(),
                                             [&key](const Problem& a, const Problem& b) { return key(a) < key(b); });
    throw InputError(at(name, line_of(first, lines)) + ": " + first.text);
  }
  const bool any_output =
      std::any_of(s.tensors.begin(), s.tensors.end(), [](const TensorInfo& t) { return t.is_graph_output; });
  if (!any_output) {
    throw InputError(name, "", "no tensor is a graph_output", "at least one tensor line ending in graph_output");
  }
  return s;
}

Schedule load_schedule_file(const std::string& path, std::int64_t hw_sram_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path, "", "is a folder", "a schedule file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "", "cannot open", "a readable schedule file");
  return load_schedule_text(in, path, hw_sram_bytes);
}

}  // namespace tilesim::sched
