// Stopping on SIGINT/SIGTERM in every phase of a run, within about a second.
//
// Contract: request_interrupt() only records the signal (safe in a signal
// handler). Every long loop — compiling, generating inputs, simulating,
// verifying, writing — calls poll_interrupt(), which throws Interrupted once a
// signal is recorded; it costs one relaxed atomic load, so a loop may poll on
// every iteration whose work is at least a few hundred nanoseconds, or every
// few thousand iterations otherwise. What a run keeps when interrupted is the
// caller's business (docs/reliability.md).
#pragma once

#include <atomic>
#include <stdexcept>
#include <string>

namespace tilesim {

struct Interrupted : std::runtime_error {
  explicit Interrupted(int sig) : std::runtime_error("interrupted by signal " + std::to_string(sig)), signal(sig) {}
  int signal;
};

namespace detail {
extern std::atomic<int> g_pending_signal;
}

void request_interrupt(int signal) noexcept;
// Records the pending signal, and every later one, in `flag` too: the ONNX
// module (sim/cli/onnx_module.h) has its own copy of the flag, which its
// loops poll.
void mirror_interrupts_to(std::atomic<int>* flag) noexcept;
inline int pending_interrupt() noexcept { return detail::g_pending_signal.load(std::memory_order_relaxed); }
inline void poll_interrupt() {
  if (const int signal = pending_interrupt()) throw Interrupted(signal);
}
// "SIGINT", "SIGTERM" or "signal N".
std::string signal_name(int signal);

}  // namespace tilesim
