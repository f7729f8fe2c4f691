// The denominator of the simulator-overhead ratio: the same tile kernels on
// the same SRAM addresses as a compiled schedule's EXECs, called back to back
// with no simulator around them. The schedule is compile_model's, as
// `tilesim run` makes it; the model is YAML or ONNX.
//
//   kernel_replay HW.yaml MODEL [KERNEL] [REPEATS]
// prints "kernel K execs N seconds S" (best of REPEATS); exit 1 with the
// error on stderr for a file tilesim would refuse.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <exception>

#include "compiler/driver/compile_model.h"
#include "compiler/frontend/onnx_loader.h"
#include "compiler/hw/hw_config.h"
#include "kernels/kernel_set.h"
#include "sim/model/exec_kernel.h"

using namespace tilesim;

namespace {

// Best seconds of `repeats` passes over the EXECs; sets *execs.
double replay(const sched::Schedule& schedule, const kernels::KernelSet& k, int repeats, std::size_t* execs) {
  std::vector<float> values(static_cast<std::size_t>(schedule.sram_bytes / 4), 0.5f);
  auto* sram = reinterpret_cast<unsigned char*>(values.data());
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    *execs = 0;
    for (const sched::Uop& u : schedule.uops) {
      if (u.kind != sched::UopKind::Exec) continue;
      ++*execs;
      // Every matmul step from zero (as before run_exec existed): repeats
      // cannot grow the values into infinities.
      sched::Uop step = u;
      step.zero_init = true;
      sim::run_exec(k, schedule, step, sram);
    }
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: kernel_replay HW.yaml MODEL [KERNEL] [REPEATS]\n");
    return 2;
  }
  try {
    const CompiledModel compiled = compile_model(load_hw_config(argv[1]), frontend::load_any_model(argv[2]), 0);
    const kernels::KernelSet& k = kernels::select_kernels(argc > 3 ? argv[3] : "auto");
    const int repeats = argc > 4 ? std::stoi(argv[4]) : 3;
    std::size_t execs = 0;
    const double best = replay(compiled.schedule, k, repeats, &execs);
    std::printf("kernel %s execs %zu seconds %.6f\n", k.name, execs, best);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kernel_replay: %s\n", e.what());
    return 1;
  }
  return 0;
}
