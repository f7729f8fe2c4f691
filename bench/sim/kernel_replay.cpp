// The denominator of the simulator-overhead ratio: the same tile kernels on
// the same SRAM addresses as a compiled schedule's EXECs, called back to back
// with no simulator around them.
//
//   kernel_replay HW.yaml MODEL.yaml [KERNEL] [REPEATS]
// prints "execs N seconds S" (best of REPEATS).
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "compiler/frontend/model_loader.h"
#include "compiler/hw/hw_config.h"
#include "compiler/passes/pipeline.h"
#include "compiler/scheduler/scheduler.h"
#include "kernels/kernel_set.h"
#include "sim/model/exec_kernel.h"

using namespace tilesim;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: kernel_replay HW.yaml MODEL.yaml [KERNEL] [REPEATS]\n");
    return 2;
  }
  const HwConfig hw = load_hw_config(argv[1]);
  ir::Graph graph = frontend::load_model(argv[2]);
  passes::run_default_passes(graph);
  sched::SchedulerOptions options;
  options.sram_bytes = hw.sram.size_bytes();
  const sched::Schedule schedule = sched::schedule_graph(graph, options);
  const kernels::KernelSet& k = kernels::select_kernels(argc > 3 ? argv[3] : "auto");
  const int repeats = argc > 4 ? std::stoi(argv[4]) : 3;

  std::vector<float> values(static_cast<std::size_t>(schedule.sram_bytes / 4), 0.5f);
  auto* sram = reinterpret_cast<unsigned char*>(values.data());
  double best = 1e30;
  std::size_t execs = 0;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    execs = 0;
    for (const sched::Uop& u : schedule.uops) {
      if (u.kind != sched::UopKind::Exec) continue;
      ++execs;
      // Every matmul step from zero (as before run_exec existed): repeats
      // cannot grow the values into infinities.
      sched::Uop step = u;
      step.zero_init = true;
      sim::run_exec(k, schedule, step, sram);
    }
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::printf("kernel %s execs %zu seconds %.6f\n", k.name, execs, best);
  return 0;
}
