#include "sim/model/exec_worker.h"

#include <algorithm>
#include <stdexcept>

#include "sim/model/exec_kernel.h"

namespace tilesim::sim {

namespace {

constexpr std::uint64_t kGranuleBytes = sched::kTileBytes;

// A worker out of work spins this many times (~0.1 ms) before it sleeps: an
// EXEC usually follows within microseconds, and waking a sleeping thread costs
// the submitter a system call; a longer spin only burns the second CPU.
constexpr int kSpinsBeforeSleep = 1 << 12;

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// f(granule) for every granule of the EXEC's result and operand tiles.
template <typename F>
void for_each_granule(const sched::Uop& uop, F f) {
  const auto tile = [&](std::uint64_t address) {
    for (std::uint64_t g = address / kGranuleBytes; g <= (address + kGranuleBytes - 1) / kGranuleBytes; ++g) f(g);
  };
  tile(uop.addr);
  for (int p = 0; p < uop.num_srcs(); ++p) {
    if (uop.src[p].valid()) tile(uop.src_addr[p]);
  }
}

}  // namespace

ExecWorker::ExecWorker(const kernels::KernelSet& k, const sched::Schedule& schedule)
    : kernels_(k), schedule_(schedule) {}

void ExecWorker::start(unsigned char* sram) {
  if (thread_.joinable()) throw std::logic_error("exec worker: started twice");
  sram_ = sram;
  thread_ = std::thread([this] { loop(); });
}

ExecWorker::~ExecWorker() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true);
  }
  wake_.notify_one();
  thread_.join();
}

void ExecWorker::submit(std::uint32_t uop) {
  if (!thread_.joinable()) throw std::logic_error("exec worker: an EXEC submitted before start");
  if (submitted_ >= kRing) wait_until_done(submitted_ - kRing + 1);  // the entry is free
  ring_[submitted_++ % kRing] = uop;
  for_each_granule(schedule_.uops[uop], [&](std::uint64_t g) {
    if (g >= last_touch_.size()) last_touch_.resize(static_cast<std::size_t>(g + 1), 0);
    last_touch_[g] = submitted_;
  });
  published_.store(submitted_);  // sequentially consistent with the load of sleeping_ below
  if (sleeping_.load()) {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_one();
  }
}

void ExecWorker::wait_for_sram(std::uint64_t address, std::uint64_t bytes) {
  std::uint64_t last = 0;  // no EXEC touches a granule past last_touch_
  const std::uint64_t end = std::min<std::uint64_t>((address + bytes + kGranuleBytes - 1) / kGranuleBytes,
                                                    last_touch_.size());
  for (std::uint64_t g = address / kGranuleBytes; g < end; ++g) last = std::max(last, last_touch_[g]);
  wait_until_done(last);
}

void ExecWorker::drain() {
  wait_until_done(submitted_);
  if (failure_) std::rethrow_exception(failure_);
}

void ExecWorker::wait_until_done(std::uint64_t count) {
  for (unsigned spins = 1; done_.load(std::memory_order_acquire) < count; ++spins) {
    cpu_relax();
    if (spins % 1024 == 0) std::this_thread::yield();  // the worker may be waiting for this CPU
  }
}

// The count of published EXECs once it is past `next`, or whatever it is
// once stopped.
std::uint64_t ExecWorker::wait_for_work(std::uint64_t next) {
  for (int spins = 0; spins < kSpinsBeforeSleep; ++spins) {
    const std::uint64_t published = published_.load(std::memory_order_acquire);
    if (published > next || stop_.load(std::memory_order_relaxed)) return published;
    cpu_relax();
  }
  std::unique_lock<std::mutex> lock(mutex_);
  sleeping_.store(true);  // sequentially consistent with the load of published_ in the predicate
  wake_.wait(lock, [&] { return published_.load() > next || stop_.load(); });
  sleeping_.store(false);
  return published_.load(std::memory_order_acquire);
}

void ExecWorker::loop() {
  for (std::uint64_t next = 0;;) {
    const std::uint64_t published = wait_for_work(next);
    if (stop_.load(std::memory_order_relaxed)) return;
    for (; next < published; ++next) {
      if (!failure_) {
        try {
          run_exec(kernels_, schedule_, schedule_.uops[ring_[next % kRing]], sram_);
        } catch (...) {
          failure_ = std::current_exception();
        }
      }
      done_.store(next + 1, std::memory_order_release);
      if (stop_.load(std::memory_order_relaxed)) return;
    }
  }
}

}  // namespace tilesim::sim
