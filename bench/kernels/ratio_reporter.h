// A console reporter that also remembers each benchmark's rate counter, so
// bench_kernels can print ratios measured in the same run (kernel / peak,
// kernel / reference) once all benchmarks have finished.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tilesim::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  explicit RatioReporter(std::string counter) : counter_(std::move(counter)) {}

  void ReportRuns(const std::vector<Run>& runs) override;

  // The median over repetitions of the counter for a benchmark registered
  // under `name`, or nothing if it did not run (filtered out, unsupported).
  std::optional<double> median(const std::string& name) const;

 private:
  std::string counter_;
  std::map<std::string, std::vector<double>> samples_;  // per-repetition values
  std::map<std::string, double> medians_;               // "median" aggregates
};

}  // namespace tilesim::bench
