// The compute unit's math on a second host thread (issue 16): the simulation's
// thread hands each EXEC over as the compute unit finishes it and goes on with
// the timing and the DMA's copies while the tile kernels run beside it. No
// SystemC: the SRAM is a byte pointer, the EXECs are run_exec's.
//
// Contract: the EXECs run one at a time in the order submitted, each as
// run_exec would run it at its submission. The SRAM bytes in
// [address, address + bytes) are, once wait_for_sram returns, what every EXEC
// submitted before left there, and no EXEC submitted later touches them until
// the caller submits it: an EXEC touches the 4 KiB granules (kTileBytes) of its
// result tile and of every operand tile. So a run whose only other reader and
// writer of the SRAM (the DMA) calls wait_for_sram before each access leaves
// the same bytes everywhere as one that runs every EXEC inline. drain() returns
// once every submitted EXEC has run and rethrows the first exception one threw
// (the EXECs after it are skipped). The destructor stops the thread without
// running what is left. One thread submits and waits; it is the only caller.
//
// With the thread check (ThreadCheck, --threads auto): EXECs 1 to
// kCheckExecs run on the worker and the next kCheckExecs inline on the
// submitting thread (after every EXEC before them has run), each MatMul's
// kernel timed; from then on every EXEC runs inline when the upper quartile of
// the worker's MatMul times is more than kSlowerWorker times the inline one,
// else on the worker (docs/cli.md, --threads). With fewer than 32 MatMuls in
// either part nothing is decided and the worker keeps them. Either way each
// EXEC runs once, in the order submitted, so the bytes are the same.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "compiler/schedule/schedule.h"
#include "kernels/kernel_set.h"
#include "sim/model/thread_check.h"

namespace tilesim::sim {

class ExecWorker {
 public:
  static constexpr std::uint64_t kCheckExecs = 256;
  static constexpr double kSlowerWorker = 1.75;

  // check: time the worker against the simulation's thread and keep the
  // faster (the contract above).
  ExecWorker(const kernels::KernelSet& k, const sched::Schedule& schedule, bool check = false);
  ~ExecWorker();
  ExecWorker(const ExecWorker&) = delete;
  ExecWorker& operator=(const ExecWorker&) = delete;

  // Starts the thread on the SRAM's bytes, before the first submit.
  void start(unsigned char* sram);
  // Runs EXEC `uop` (an index into schedule.uops) after those submitted before.
  // Precondition: the schedule holds it (it is validated).
  void submit(std::uint32_t uop);
  void wait_for_sram(std::uint64_t address, std::uint64_t bytes);
  void drain();
  // After drain(): what the check found (made false without a check).
  const ThreadCheck& check() const { return check_; }

 private:
  enum class Place { Worker, InlineTimed, Inline };
  // Where the EXEC about to be submitted runs, the check's steps taken.
  Place place_next();
  void run_inline(std::uint32_t uop, bool timed);
  void decide();
  void loop();
  std::uint64_t wait_for_work(std::uint64_t next);
  void wait_until_done(std::uint64_t count);

  const kernels::KernelSet& kernels_;
  const sched::Schedule& schedule_;
  unsigned char* sram_ = nullptr;
  // EXEC n (counted from 0 in submission order) is ring_[n % kRing]; the
  // submitter waits for a free entry when the worker is kRing behind.
  static constexpr std::uint64_t kRing = 4096;
  std::uint32_t ring_[kRing];
  std::vector<std::uint64_t> last_touch_;  // per SRAM granule: the 1-based number of the last EXEC touching it
  std::uint64_t submitted_ = 0;            // EXECs handed to the worker (not those run inline)
  alignas(64) std::atomic<std::uint64_t> published_{0};  // EXECs [0, published_) may run
  alignas(64) std::atomic<std::uint64_t> done_{0};       // EXECs [0, done_) have run (or were skipped)
  std::atomic<bool> sleeping_{false};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;  // for sleeping and waking the worker only
  std::condition_variable wake_;
  std::exception_ptr failure_;  // the worker's; read after done_ says it is over
  std::thread thread_;
  // The check: EXECs submitted so far (on either thread), each part's MatMul
  // kernel times (the worker's written by the worker, read after it is done).
  const bool checking_;
  std::uint64_t execs_ = 0;
  bool inline_ = false;
  std::vector<double> worker_ns_, inline_ns_;
  ThreadCheck check_;
};

}  // namespace tilesim::sim
