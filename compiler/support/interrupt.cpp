#include "compiler/support/interrupt.h"

#include <csignal>

namespace tilesim {

namespace detail {
std::atomic<int> g_pending_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free flag");
}  // namespace detail

namespace {
std::atomic<std::atomic<int>*> g_mirror{nullptr};
static_assert(std::atomic<std::atomic<int>*>::is_always_lock_free, "the signal handler reads the mirror");
}  // namespace

void request_interrupt(int signal) noexcept {
  detail::g_pending_signal.store(signal, std::memory_order_relaxed);
  if (std::atomic<int>* mirror = g_mirror.load(std::memory_order_acquire)) mirror->store(signal, std::memory_order_relaxed);
}

void mirror_interrupts_to(std::atomic<int>* flag) noexcept {
  g_mirror.store(flag, std::memory_order_release);
  // A signal that came before the mirror was set is the mirror's too.
  if (const int signal = pending_interrupt()) flag->store(signal, std::memory_order_relaxed);
}

std::string signal_name(int signal) {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  return "signal " + std::to_string(signal);
}

}  // namespace tilesim
