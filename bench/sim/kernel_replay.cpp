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

  std::vector<float> sram(static_cast<std::size_t>(schedule.sram_bytes / 4), 0.5f);
  auto at = [&](std::uint32_t addr) { return sram.data() + addr / 4; };
  double best = 1e30;
  std::size_t execs = 0;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    execs = 0;
    for (const sched::Uop& u : schedule.uops) {
      if (u.kind != sched::UopKind::Exec) continue;
      ++execs;
      switch (u.exec) {
        case sched::ExecKind::MatMul:
          k.matmul(at(u.src_addr[0]), at(u.src_addr[1]), at(u.addr),
                   kernels::MatmulEpilogue{true, u.src[2].valid() ? at(u.src_addr[2]) : nullptr, u.relu});
          break;
        case sched::ExecKind::Add:
          k.add(at(u.src_addr[0]), at(u.src_addr[1]), at(u.addr));
          break;
        case sched::ExecKind::BiasAdd:
          k.bias_add(at(u.src_addr[0]), at(u.src_addr[1]), at(u.addr));
          break;
        case sched::ExecKind::Relu:
          k.relu(at(u.src_addr[0]), at(u.addr));
          break;
        case sched::ExecKind::Scale:
          k.scale(at(u.src_addr[0]), u.scale, at(u.addr));
          break;
      }
    }
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::printf("kernel %s execs %zu seconds %.6f\n", k.name, execs, best);
  return 0;
}
