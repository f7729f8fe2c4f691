// Every channel of one DramConfig behind one interface: the pure C++ timing
// engine that a SystemC/TLM module wraps (docs/dram-model.md).
//
// Contract: requests are single bursts. enqueue() only when can_accept() for
// that address (the channel's queue has room) and with arrival_ps >= the
// last advance_to() (std::logic_error otherwise: a caller's bug). The caller
// sleeps until next_event_ps(), calls advance_to(that time) and gets every
// burst done by then, in order of done_ps (then channel). Results depend only
// on the requests and their arrival times, never on how often the caller
// advances, except that a request enqueued with arrival_ps equal to the last
// advance_to joins at the next undecided memory cycle.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/hw/dram_config.h"
#include "sim/memory/dram/address_map.h"
#include "sim/memory/dram/channel_controller.h"
#include "sim/memory/dram/dram_types.h"

namespace tilesim::dram {

class DramSystem {
 public:
  // A config with timing (not the `ideal` preset: std::invalid_argument).
  explicit DramSystem(const DramConfig& config);

  bool can_accept(std::uint64_t address) const;
  void enqueue(const DramRequest& request);
  std::int64_t next_event_ps() const;
  // No burst completes before this (kNever: nothing queued or in flight):
  // advancing only there, and to next_event_ps() while a caller waits for
  // queue room, gives the same results with fewer calls.
  std::int64_t next_completion_bound_ps() const;
  // The earliest command of any channel, refreshes of idle channels included
  // (ChannelController::next_command_ps): advancing to it changes no result.
  std::int64_t next_command_ps() const;
  void advance_to(std::int64_t now_ps, std::vector<DramCompletion>& done);
  const DramStats& stats() const;

  const DramConfig& config() const { return config_; }
  const AddressMap& address_map() const { return map_; }
  const ChannelController& channel(int index) const { return channels_[static_cast<std::size_t>(index)]; }

 private:
  DramConfig config_;
  AddressMap map_;
  std::vector<ChannelController> channels_;
  std::int64_t last_advance_ps_ = 0;
  mutable DramStats stats_;
};

}  // namespace tilesim::dram
