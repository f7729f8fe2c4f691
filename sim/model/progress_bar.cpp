#include "sim/model/progress_bar.h"

#include <chrono>
#include <cstdio>

namespace tilesim::sim {

namespace {

double host_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

ProgressBar::ProgressBar(bool enabled, std::uint64_t total_uops)
    : enabled_(enabled && total_uops > 0), total_(total_uops), start_seconds_(host_seconds()) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fprintf(stderr, "\r%72s\r", "");
}

void ProgressBar::maybe_draw(const sc_core::sc_time& cycle) {
  const double now = host_seconds();
  if (now - start_seconds_ < 2.0 || now - last_draw_seconds_ < 0.5) return;
  last_draw_seconds_ = now;
  drawn_ = true;
  const double fraction = static_cast<double>(done_) / static_cast<double>(total_);
  const int filled = static_cast<int>(fraction * 20);
  std::fprintf(stderr, "\rtilesim: simulating [%.*s%*s] %3d%%  %.1fM of %.1fM uOps, cycle %.0f", filled,
               "####################", 20 - filled, "", static_cast<int>(fraction * 100),
               static_cast<double>(done_) / 1e6, static_cast<double>(total_) / 1e6, sc_core::sc_time_stamp() / cycle);
  std::fflush(stderr);
}

}  // namespace tilesim::sim
