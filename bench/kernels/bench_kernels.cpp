// Tile-kernel throughput: GFLOP/s of matmul-accumulate for every available
// kernel set on L1-resident tiles, the measured one-core FMA peak of each
// vector width in the same run, element-wise GB/s, and a summary of the
// ratios with their targets (docs/kernels.md).
//
// Defaults (overridable on the command line): 3 repetitions of >= 0.2 s each,
// medians shown; the whole program takes ~15 s.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "bench/kernels/fma_peak.h"
#include "bench/kernels/ratio_reporter.h"
#include "kernels/kernel_set.h"
#include "kernels/tile.h"

namespace {

using namespace tilesim::kernels;
using tilesim::bench::RatioReporter;

constexpr double kMatmulFlops = 2.0 * kTileDim * kTileDim * kTileDim;  // 65536 per call
constexpr const char* kRate = "FLOPS";                                 // the counter the summary reads

struct alignas(64) Tile {
  float v[kTileElems];
};

void fill(float* p, int n, float scale) {
  unsigned s = 12345;
  for (int i = 0; i < n; ++i) {
    s = s * 1664525u + 1013904223u;
    p[i] = scale * (static_cast<float>(s >> 8) / 16777216.0f - 0.5f);
  }
}

void set_flops(benchmark::State& state, double flops_per_iteration) {
  state.counters[kRate] =
      benchmark::Counter(flops_per_iteration * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void set_bytes(benchmark::State& state, double bytes_per_iteration) {
  state.counters["bytes"] = benchmark::Counter(bytes_per_iteration * static_cast<double>(state.iterations()),
                                               benchmark::Counter::kIsRate, benchmark::Counter::OneK::kIs1000);
}

// C += A·B on three tiles that stay in L1 (12 KiB).
void matmul_acc_bench(benchmark::State& state, const KernelSet* k) {
  static Tile a, b, c;
  fill(a.v, kTileElems, 1.0f / 16);
  fill(b.v, kTileElems, 1.0f / 16);
  fill(c.v, kTileElems, 1.0f);
  for (auto _ : state) {
    k->matmul(a.v, b.v, c.v, MatmulEpilogue{});
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(c.v[0]);
  set_flops(state, kMatmulFlops);
}

void peak_bench(benchmark::State& state, float (*loop)(long), double flops_per_iter) {
  constexpr long kInner = 1000;
  for (auto _ : state) benchmark::DoNotOptimize(loop(kInner));
  set_flops(state, flops_per_iter * kInner);
}

// A binary op with its second operand whole or broadcast (a bias row).
void binary_bench(benchmark::State& state, const KernelSet* k, BinaryOp op, Operand y_form) {
  static Tile x, y, out;
  fill(x.v, kTileElems, 1.0f);
  fill(y.v, kTileElems, 1.0f);
  for (auto _ : state) {
    k->binary(op, x.v, Operand::Tile, y.v, y_form, out.v);
    benchmark::ClobberMemory();
  }
  set_bytes(state, (y_form == Operand::Tile ? 3.0 : 2.0) * kTileBytes);
}

void unary_bench(benchmark::State& state, const KernelSet* k, UnaryOp op) {
  static Tile x, out;
  fill(x.v, kTileElems, 1.0f);
  for (auto _ : state) {
    k->unary(op, x.v, 0.0f, 6.0f, out.v);
    benchmark::ClobberMemory();
  }
  set_bytes(state, 2.0 * kTileBytes);
}

bool cpu_has_avx2_fma() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

#ifdef TILESIM_BENCH_AVX512
bool cpu_has_avx512f() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
}
#endif

void register_all() {
  if (cpu_has_avx2_fma())
    benchmark::RegisterBenchmark("peak/avx2", peak_bench, tilesim::bench::fma_peak_avx2,
                                 tilesim::bench::kAvx2PeakFlopsPerIter);
#ifdef TILESIM_BENCH_AVX512
  if (cpu_has_avx512f())
    benchmark::RegisterBenchmark("peak/avx512", peak_bench, tilesim::bench::fma_peak_avx512,
                                 tilesim::bench::kAvx512PeakFlopsPerIter);
#endif
  const auto names = available_kernels();
  for (auto it = names.rbegin(); it != names.rend(); ++it)  // reference first
    benchmark::RegisterBenchmark(("matmul_acc/" + *it).c_str(), matmul_acc_bench, &select_kernels(*it));
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    const KernelSet* k = &select_kernels(*it);
    benchmark::RegisterBenchmark(("add/" + *it).c_str(), binary_bench, k, BinaryOp::Add, Operand::Tile);
    benchmark::RegisterBenchmark(("bias_add/" + *it).c_str(), binary_bench, k, BinaryOp::Add, Operand::Row);
    benchmark::RegisterBenchmark(("max/" + *it).c_str(), binary_bench, k, BinaryOp::Max, Operand::Tile);
    benchmark::RegisterBenchmark(("relu/" + *it).c_str(), unary_bench, k, UnaryOp::Relu);
    benchmark::RegisterBenchmark(("clip/" + *it).c_str(), unary_bench, k, UnaryOp::Clip);
    benchmark::RegisterBenchmark(("sigmoid/" + *it).c_str(), unary_bench, k, UnaryOp::Sigmoid);
    benchmark::RegisterBenchmark(("tanh/" + *it).c_str(), unary_bench, k, UnaryOp::Tanh);
  }
}

void print_summary(const RatioReporter& r) {
  struct Target {
    const char* num;
    const char* den;
    double min;  // 0: information only
  };
  const Target targets[] = {
      {"matmul_acc/avx2", "peak/avx2", 0.90},        {"matmul_acc/avx2", "matmul_acc/reference", 20.0},
      {"matmul_acc/avx512", "peak/avx512", 0.85},    {"matmul_acc/avx512", "matmul_acc/reference", 0.0},
      {"matmul_acc/avx512", "matmul_acc/avx2", 0.0}, {"peak/avx512", "peak/avx2", 0.0},
  };
  std::printf("\nGFLOP/s (median of the repetitions, this run):\n");
  for (const char* name :
       {"peak/avx2", "peak/avx512", "matmul_acc/reference", "matmul_acc/avx2", "matmul_acc/avx512"}) {
    if (const auto v = r.median(name))
      std::printf("  %-22s %8.1f\n", name, *v / 1e9);
    else
      std::printf("  %-22s %8s\n", name, "n/a");
  }
  std::printf("\n  %-44s %9s %9s  %s\n", "ratio (same run)", "measured", "target", "result");
  for (const Target& t : targets) {
    const auto num = r.median(t.num);
    const auto den = r.median(t.den);
    const std::string label = std::string(t.num) + " / " + t.den;
    char target[32] = "-";
    if (t.min > 0) std::snprintf(target, sizeof target, ">= %.2f", t.min);
    if (!num || !den || *den <= 0) {
      std::printf("  %-44s %9s %9s  %s\n", label.c_str(), "n/a", target, "not run");
      continue;
    }
    const double ratio = *num / *den;
    const char* result = t.min <= 0 ? "info" : ratio >= t.min ? "PASS" : "MISS";
    std::printf("  %-44s %9.3f %9s  %s\n", label.c_str(), ratio, target, result);
  }
  std::fflush(stdout);
}

bool has_flag(int argc, char** argv, const char* flag) {
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], flag, std::strlen(flag)) == 0) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  // Defaults that keep the run short but repeatable; any flag given wins.
  std::vector<char*> args(argv, argv + argc);
  char min_time[] = "--benchmark_min_time=0.2";
  char reps[] = "--benchmark_repetitions=3";
  char aggregates[] = "--benchmark_display_aggregates_only=true";
  if (!has_flag(argc, argv, "--benchmark_min_time")) args.push_back(min_time);
  if (!has_flag(argc, argv, "--benchmark_repetitions")) args.push_back(reps);
  if (!has_flag(argc, argv, "--benchmark_display_aggregates_only") &&
      !has_flag(argc, argv, "--benchmark_report_aggregates_only"))
    args.push_back(aggregates);
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;

  register_all();
  RatioReporter reporter(kRate);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  print_summary(reporter);
  benchmark::Shutdown();
  return 0;
}
