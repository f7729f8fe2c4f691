// The progress bar of long simulations on a terminal.
#pragma once

#include <systemc>

#include <cstdint>

namespace tilesim::sim {

// "tilesim: simulating [#####     ] 52% ..." on stderr, for long runs on a
// terminal: nothing for the first ~2 s, then about twice a second.
class ProgressBar {
 public:
  ProgressBar(bool enabled, std::uint64_t total_uops);
  ~ProgressBar();  // clears the line it drew
  void uop_done(const sc_core::sc_time& cycle) {
    if (enabled_ && (++done_ & 0xFFF) == 0) maybe_draw(cycle);
  }

 private:
  void maybe_draw(const sc_core::sc_time& cycle);
  bool enabled_;
  bool drawn_ = false;
  std::uint64_t done_ = 0;
  std::uint64_t total_;
  double start_seconds_;
  double last_draw_seconds_ = 0;
};

}  // namespace tilesim::sim
