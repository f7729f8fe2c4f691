// The EXECs on a second thread (sim/model/exec_worker.h), with a kernel set of
// the test's own whose matmul records what it was given and can be held at a
// gate: an SRAM access waits for exactly the EXECs before it that touch its
// slot (their result or an operand), EXECs run in submission order, and
// drain() rethrows the first failure and skips the EXECs after it. Whether
// whole runs give the same bytes with and without the thread: tests/cli/test_threads.cpp.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <vector>

#include "sim/model/exec_worker.h"

using namespace tilesim;

namespace {

std::atomic<bool> g_gate_open{true};
std::atomic<int> g_matmuls{0};

// C[0] = C[0] * 10 + A[0] once the gate is open: the digits of C[0] are the
// EXECs that wrote it, in order. A[0] == 0 throws.
void recording_matmul(const float* a, const float*, float* c, const kernels::MatmulEpilogue&) {
  ++g_matmuls;
  while (!g_gate_open.load()) std::this_thread::yield();
  if (a[0] == 0.0f) throw std::runtime_error("matmul of a zero tile");
  c[0] = c[0] * 10.0f + a[0];
}

const kernels::KernelSet kRecording{"recording", recording_matmul, nullptr, nullptr, nullptr};

constexpr std::uint32_t kSlot = static_cast<std::uint32_t>(sched::kTileBytes);

// A matmul EXEC writing slot `out` from the A tile in slot `a` and the B tile in slot `b`.
sched::Uop matmul(std::uint32_t out, std::uint32_t a, std::uint32_t b) {
  sched::Uop u;
  u.kind = sched::UopKind::Exec;
  u.exec = sched::ExecKind::MatMul;
  u.tile = sched::TileRef{0, 0, 0};
  u.addr = out * kSlot;
  u.src[0] = sched::TileRef{0, 0, 0};
  u.src[1] = sched::TileRef{0, 0, 0};
  u.src_addr[0] = a * kSlot;
  u.src_addr[1] = b * kSlot;
  return u;
}

struct Sram {
  std::vector<float> floats = std::vector<float>(8 * sched::kTileBytes / sizeof(float), 0.0f);
  unsigned char* bytes() { return reinterpret_cast<unsigned char*>(floats.data()); }
  float& first(std::uint32_t slot) { return floats[slot * kSlot / sizeof(float)]; }
};

sched::Schedule schedule_of(std::vector<sched::Uop> uops) {
  sched::Schedule s;
  s.exec_params.resize(1);
  s.uops = std::move(uops);
  return s;
}

// A started worker on a zeroed SRAM, the gate as given, no matmul counted yet.
// The test's writes to the SRAM before a submit reach the EXEC it submits.
struct Running {
  Sram sram;
  sim::ExecWorker worker;
  Running(const sched::Schedule& s, bool gate_open) : worker(kRecording, s) {
    g_gate_open = gate_open;
    g_matmuls = 0;
    worker.start(sram.bytes());
  }
};

}  // namespace

TEST_CASE("exec worker: an SRAM access waits for the EXECs before it that touch its slot, and only those",
          "[sim][threads]") {
  // EXEC 0 writes slot 0 from slots 1 and 3; slot 2 is no EXEC's.
  const sched::Schedule s = schedule_of({matmul(0, 1, 3)});
  Running r(s, false);
  Sram& sram = r.sram;
  sim::ExecWorker& worker = r.worker;
  sram.first(1) = 7.0f;
  worker.submit(0);
  worker.wait_for_sram(2 * kSlot, kSlot);  // returns with the EXEC held at the gate
  CHECK(sram.first(0) == 0.0f);
  // A LOAD into operand slot 3 waits until the EXEC has read it: the gate
  // opens only after `opened` is set, and the EXEC cannot end before.
  std::atomic<bool> opened{false};
  std::thread opener([&] {
    while (g_matmuls.load() == 0) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    opened = true;
    g_gate_open = true;
  });
  worker.wait_for_sram(3 * kSlot + 100, 4);
  CHECK(opened.load());
  CHECK(sram.first(0) == 7.0f);
  opener.join();
  worker.drain();
}

TEST_CASE("exec worker: EXECs run one after another in the order submitted", "[sim][threads]") {
  // Three EXECs into slot 0 from slots 1, 2, 3 (A[0] = 1, 2, 3), submitted 2, 0, 1.
  const sched::Schedule s = schedule_of({matmul(0, 1, 4), matmul(0, 2, 4), matmul(0, 3, 4)});
  Running r(s, true);
  for (std::uint32_t slot = 1; slot <= 3; ++slot) r.sram.first(slot) = static_cast<float>(slot);
  for (const std::uint32_t uop : {2u, 0u, 1u}) r.worker.submit(uop);
  r.worker.wait_for_sram(0, kSlot);
  CHECK(r.sram.first(0) == 312.0f);
  r.worker.drain();
}

TEST_CASE("exec worker: more EXECs than the ring holds wait for room and all run", "[sim][threads]") {
  // 10 000 EXECs (past the ring's 4096), alternately adding 1 and 2 into slot 0.
  std::vector<sched::Uop> uops;
  for (int i = 0; i < 10000; ++i) uops.push_back(matmul(0, 1 + i % 2, 3));
  const sched::Schedule s = schedule_of(uops);
  Running r(s, true);
  r.sram.first(1) = 1.0f;
  r.sram.first(2) = 2.0f;
  for (std::uint32_t uop = 0; uop < 10000; ++uop) r.worker.submit(uop);
  r.worker.drain();
  CHECK(g_matmuls.load() == 10000);
}

TEST_CASE("exec worker: drain rethrows the first failure and the EXECs after it do not run", "[sim][threads]") {
  // EXEC 1 reads slot 2, whose A[0] is 0: it throws; EXEC 2 is skipped.
  const sched::Schedule s = schedule_of({matmul(0, 1, 4), matmul(0, 2, 4), matmul(0, 3, 4)});
  Running r(s, true);
  r.sram.first(1) = 1.0f;
  r.sram.first(3) = 3.0f;
  for (const std::uint32_t uop : {0u, 1u, 2u}) r.worker.submit(uop);
  CHECK_THROWS_WITH(r.worker.drain(), "matmul of a zero tile");
  CHECK(g_matmuls.load() == 2);
  CHECK(r.sram.first(0) == 1.0f);
}

TEST_CASE("exec worker: an EXEC before start, or a second start, is refused", "[sim][threads]") {
  const sched::Schedule s = schedule_of({matmul(0, 1, 2)});
  Sram sram;
  sim::ExecWorker worker(kRecording, s);
  CHECK_THROWS_WITH(worker.submit(0), "exec worker: an EXEC submitted before start");
  worker.start(sram.bytes());
  CHECK_THROWS_WITH(worker.start(sram.bytes()), "exec worker: started twice");
}

namespace {

// The thread check's tests: a matmul that adds 1 to C[0] and records the
// thread it ran on and the count it left, spinning kSlowNs first on the
// thread made slow.
std::atomic<std::thread::id> g_slow_thread;
std::vector<std::thread::id> g_ran_on;
std::vector<float> g_counts;
constexpr auto kSlowNs = std::chrono::nanoseconds(20000);

void counting_matmul(const float*, const float*, float* c, const kernels::MatmulEpilogue&) {
  if (std::this_thread::get_id() == g_slow_thread.load()) {
    const auto until = std::chrono::steady_clock::now() + kSlowNs;
    while (std::chrono::steady_clock::now() < until) {
    }
  }
  c[0] += 1.0f;
  g_ran_on.push_back(std::this_thread::get_id());  // one EXEC at a time (the contract)
  g_counts.push_back(c[0]);
}

const kernels::KernelSet kCounting{"counting", counting_matmul, nullptr, nullptr, nullptr};

// n matmul EXECs into slot 0, submitted in order with the check and drained,
// the worker's thread (the one that ran EXEC 0) or this one made slow.
sim::ThreadCheck run_checked(std::size_t n, bool slow_worker) {
  const sched::Schedule s = schedule_of(std::vector<sched::Uop>(n, matmul(0, 1, 2)));
  Sram sram;
  sim::ExecWorker worker(kCounting, s, /*check=*/true);
  g_ran_on.clear(), g_counts.clear();
  g_ran_on.reserve(n), g_counts.reserve(n);
  g_slow_thread = slow_worker ? std::thread::id() : std::this_thread::get_id();
  worker.start(sram.bytes());
  for (std::uint32_t uop = 0; uop < n; ++uop) {
    worker.submit(uop);
    if (uop == 0 && slow_worker) {
      worker.wait_for_sram(0, kSlot);  // EXEC 0 has run, on the worker
      g_slow_thread = g_ran_on[0];
    }
  }
  worker.drain();
  return worker.check();
}

}  // namespace

TEST_CASE("exec worker: the thread check keeps the faster thread, each EXEC run once in order", "[sim][threads]") {
  constexpr std::size_t check = sim::ExecWorker::kCheckExecs;
  const std::size_t n = 2 * check + 100;
  for (const bool slow_worker : {true, false}) {
    INFO("slow worker: " << slow_worker);
    const sim::ThreadCheck found = run_checked(n, slow_worker);
    REQUIRE(g_counts.size() == n);
    for (std::size_t i = 0; i < n; ++i) REQUIRE(g_counts[i] == static_cast<float>(i + 1));  // once each, in order
    CHECK(found.made);
    CHECK(found.kept_worker == !slow_worker);
    // The slow side's upper quartile is at least kSlowNs, the other's far below.
    CHECK((slow_worker ? found.worker_ns : found.inline_ns) >= 20000.0);
    CHECK(found.kept_worker == (found.worker_ns <= sim::ExecWorker::kSlowerWorker * found.inline_ns));
    const std::thread::id worker_thread = g_ran_on[0], here = std::this_thread::get_id();
    CHECK(worker_thread != here);
    for (std::size_t i = 0; i < n; ++i) {
      const std::thread::id expected = i < check       ? worker_thread
                                       : i < 2 * check ? here
                                                       : (slow_worker ? here : worker_thread);
      REQUIRE(g_ran_on[i] == expected);
    }
  }
}

TEST_CASE("exec worker: without enough EXECs for both parts the check decides nothing", "[sim][threads]") {
  // 2 x kCheckExecs EXECs: the decision would come at the next one.
  const sim::ThreadCheck found = run_checked(2 * sim::ExecWorker::kCheckExecs, false);
  CHECK(g_counts.size() == 2 * sim::ExecWorker::kCheckExecs);
  CHECK_FALSE(found.made);
  CHECK(found.kept_worker);
}
