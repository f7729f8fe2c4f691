#include "sim/model/exec_worker.h"

#include <algorithm>
#include <chrono>
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

// The EXEC run as run_exec runs it; its kernel's nanoseconds appended to
// `times` when it is a MatMul and `times` is given.
void run_timed(const kernels::KernelSet& k, const sched::Schedule& schedule, const sched::Uop& uop, unsigned char* sram,
               std::vector<double>* times) {
  if (!times || uop.exec != sched::ExecKind::MatMul) return run_exec(k, schedule, uop, sram);
  const auto start = std::chrono::steady_clock::now();
  run_exec(k, schedule, uop, sram);
  times->push_back(std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count());
}

// The value a quarter of `values` lie above: on a host where the second CPU
// runs a third to a half of the worker's MatMuls at twice the time
// (docs/performance.md, step 70), this shows it where a median stays at the
// fast ones.
double upper_quartile(std::vector<double> values) {
  const auto at = values.begin() + static_cast<std::ptrdiff_t>(values.size() * 3 / 4);
  std::nth_element(values.begin(), at, values.end());
  return *at;
}

}  // namespace

ExecWorker::ExecWorker(const kernels::KernelSet& k, const sched::Schedule& schedule, bool check)
    : kernels_(k), schedule_(schedule), checking_(check) {
  // Reserved: the worker appends to its own without reallocating while the
  // submitter runs.
  if (checking_) worker_ns_.reserve(kCheckExecs), inline_ns_.reserve(kCheckExecs);
}

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

ExecWorker::Place ExecWorker::place_next() {
  const std::uint64_t n = execs_++;
  if (!checking_ || n < kCheckExecs) return Place::Worker;
  if (n < 2 * kCheckExecs) return Place::InlineTimed;
  if (n == 2 * kCheckExecs) decide();
  return inline_ ? Place::Inline : Place::Worker;
}

// Too few MatMuls to compare (a model of vector EXECs): the worker keeps them.
void ExecWorker::decide() {
  constexpr std::size_t kMinTimed = 32;
  if (worker_ns_.size() < kMinTimed || inline_ns_.size() < kMinTimed) return;
  check_.made = true;
  check_.worker_ns = upper_quartile(worker_ns_);  // the worker's part is over: run_inline drained it
  check_.inline_ns = upper_quartile(inline_ns_);
  inline_ = check_.worker_ns > kSlowerWorker * check_.inline_ns;
  check_.kept_worker = !inline_;
}

// After every EXEC submitted to the worker, as the contract orders them.
void ExecWorker::run_inline(std::uint32_t uop, bool timed) {
  drain();
  run_timed(kernels_, schedule_, schedule_.uops[uop], sram_, timed ? &inline_ns_ : nullptr);
}

void ExecWorker::submit(std::uint32_t uop) {
  if (!thread_.joinable()) throw std::logic_error("exec worker: an EXEC submitted before start");
  const Place place = place_next();
  if (place != Place::Worker) return run_inline(uop, place == Place::InlineTimed);
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
          const bool timed = checking_ && next < kCheckExecs;  // the check's worker part
          run_timed(kernels_, schedule_, schedule_.uops[ring_[next % kRing]], sram_, timed ? &worker_ns_ : nullptr);
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
