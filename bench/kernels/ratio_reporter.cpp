#include "bench/kernels/ratio_reporter.h"

#include <algorithm>

namespace tilesim::bench {

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  for (const Run& run : runs) {
    const auto it = run.counters.find(counter_);
    if (it == run.counters.end()) continue;
    const std::string& name = run.run_name.function_name;
    if (run.run_type == Run::RT_Iteration)
      samples_[name].push_back(it->second.value);
    else if (run.aggregate_name == "median")
      medians_[name] = it->second.value;
  }
  ConsoleReporter::ReportRuns(runs);
}

std::optional<double> RatioReporter::median(const std::string& name) const {
  if (const auto m = medians_.find(name); m != medians_.end()) return m->second;
  const auto s = samples_.find(name);
  if (s == samples_.end() || s->second.empty()) return std::nullopt;
  std::vector<double> v = s->second;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace tilesim::bench
