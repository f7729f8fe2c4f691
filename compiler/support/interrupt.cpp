#include "compiler/support/interrupt.h"

#include <csignal>

namespace tilesim {

namespace detail {
std::atomic<int> g_pending_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free flag");
}  // namespace detail

void request_interrupt(int signal) noexcept { detail::g_pending_signal.store(signal, std::memory_order_relaxed); }

std::string signal_name(int signal) {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  return "signal " + std::to_string(signal);
}

}  // namespace tilesim
