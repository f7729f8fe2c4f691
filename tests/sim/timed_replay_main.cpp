// timed_replay_tool HW MODEL [KEY=VALUE ...]: compiles MODEL for HW (with
// --set style overrides) and prints the replay's figures (timed_replay.h) and
// its host time. A developer's tool, to hold a `tilesim run --timing-only`
// of the same run against; not a test.
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "compiler/driver/compile_model.h"
#include "compiler/frontend/model_loader.h"
#include "compiler/support/input_error.h"
#include "tests/sim/timed_replay.h"

using namespace tilesim;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: timed_replay_tool HW MODEL [KEY=VALUE ...]\n";
    return 2;
  }
  try {
    const HwConfig hw = load_hw_config(argv[1], std::vector<std::string>(argv + 3, argv + argc));
    const sched::Schedule s = compile_model(hw, frontend::load_model(argv[2]), 0).schedule;
    const auto begin = std::chrono::steady_clock::now();
    const test::TimedReplay r = test::timed_replay(s, hw);
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - begin;
    const auto& d = r.dram.total;
    std::cout << "uops " << s.uops.size() << "  bursts " << r.bursts << "\n"
              << "cycles " << r.cycles << "\ndma_busy_cycles " << r.dma_busy_cycles << "\ncompute_busy_cycles "
              << r.compute_busy_cycles << "\noverlap_cycles " << r.overlap_cycles << "\n"
              << "dram reads " << d.reads << " writes " << d.writes << " row_hits " << d.row_hits << " row_misses "
              << d.row_misses << " row_conflicts " << d.row_conflicts << " refreshes " << d.refreshes << "\n"
              << "replay_seconds " << wall.count() << "\n";
  } catch (const InputError& e) {
    std::cerr << "tilesim: error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
