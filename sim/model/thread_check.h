// What ExecWorker's thread check measured (exec_worker.h; --threads auto in
// docs/cli.md, host_thread_check in docs/stats.md). Host facts, not simulated
// figures: they depend on the host's load at the time.
#pragma once

namespace tilesim::sim {

struct ThreadCheck {
  bool made = false;        // enough MatMul EXECs in both parts to compare
  double worker_ns = 0;     // the upper quartile of the MatMul kernel times on the worker
  double inline_ns = 0;     // the same on the simulation's thread
  bool kept_worker = true;  // the EXECs after the check ran on the worker
};

}  // namespace tilesim::sim
