#include "sim/memory/dram/dram_system.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace tilesim::dram {

void DramChannelStats::add(const DramChannelStats& o) {
  reads += o.reads;
  writes += o.writes;
  bytes += o.bytes;
  row_hits += o.row_hits;
  row_misses += o.row_misses;
  row_conflicts += o.row_conflicts;
  activates += o.activates;
  precharges += o.precharges;
  refreshes += o.refreshes;
  read_latency_sum_ps += o.read_latency_sum_ps;
  read_latency_max_ps = std::max(read_latency_max_ps, o.read_latency_max_ps);
  data_bus_busy_ps += o.data_bus_busy_ps;
}

namespace {

const DramConfig& with_timing(const DramConfig& config) {
  if (config.ideal) throw std::invalid_argument("DramSystem: the ideal preset has no DRAM to simulate");
  return config;
}

}  // namespace

DramSystem::DramSystem(const DramConfig& config) : config_(with_timing(config)), map_(config) {
  channels_.reserve(static_cast<std::size_t>(config.channels));
  for (std::int64_t i = 0; i < config.channels; ++i) channels_.emplace_back(config);
}

bool DramSystem::can_accept(std::uint64_t address) const {
  return channels_[static_cast<std::size_t>(map_.channel_of(address))].can_accept();
}

void DramSystem::enqueue(const DramRequest& request) {
  if (request.arrival_ps < last_advance_ps_) {
    throw std::logic_error("DramSystem::enqueue: request " + std::to_string(request.id) + " arrives at " +
                           std::to_string(request.arrival_ps) + " ps, before the last advance_to " +
                           std::to_string(last_advance_ps_) + " ps");
  }
  const DramCoordinates where = map_.decode(request.address);
  ChannelController& channel = channels_[static_cast<std::size_t>(where.channel)];
  if (!channel.can_accept()) {
    throw std::logic_error("DramSystem::enqueue: the queue of channel " + std::to_string(where.channel) +
                           " is full (check can_accept first)");
  }
  channel.enqueue(request, where, map_.burst_address(request.address));
}

std::int64_t DramSystem::next_event_ps() const {
  std::int64_t t = kNever;
  for (const ChannelController& channel : channels_) t = std::min(t, channel.next_event_ps());
  return t;
}

std::int64_t DramSystem::next_completion_bound_ps() const {
  std::int64_t t = kNever;
  for (const ChannelController& channel : channels_) t = std::min(t, channel.next_completion_bound_ps());
  return t;
}

std::int64_t DramSystem::next_command_ps() const {
  std::int64_t t = kNever;
  for (const ChannelController& channel : channels_) t = std::min(t, channel.next_command_ps());
  return t;
}

void DramSystem::advance_to(std::int64_t now_ps, std::vector<DramCompletion>& done) {
  if (now_ps < last_advance_ps_) {
    throw std::logic_error("DramSystem::advance_to: time went back from " + std::to_string(last_advance_ps_) +
                           " ps to " + std::to_string(now_ps) + " ps");
  }
  last_advance_ps_ = now_ps;
  const std::size_t first = done.size();
  const std::int64_t horizon = now_ps / config_.tck_ps;
  for (ChannelController& channel : channels_) channel.advance_to(now_ps, horizon, done);
  // In time order across the channels (each appends its own in order); not
  // sorted when fewer than two came, since stable_sort allocates its buffer
  // at every call (576 419 calls in the large MLP's HBM2 run).
  if (channels_.size() > 1 && done.size() - first > 1) {
    std::stable_sort(done.begin() + static_cast<std::ptrdiff_t>(first), done.end(),
                     [](const DramCompletion& a, const DramCompletion& b) { return a.done_ps < b.done_ps; });
  }
}

const DramStats& DramSystem::stats() const {
  stats_.channels.clear();
  stats_.total = DramChannelStats{};
  for (const ChannelController& channel : channels_) {
    stats_.channels.push_back(channel.stats());
    stats_.total.add(channel.stats());
  }
  return stats_;
}

}  // namespace tilesim::dram
