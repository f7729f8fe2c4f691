// When each layer (Schedule::layers, one op after fusion) ran: the start of
// its first uOp and the completion of its last, from the units' start and
// completion reports, which the activity monitor passes on
// (activity_monitor.h).
//
// Contract: known() when the schedule gives every uOp's layer
// (Schedule::layers_known, which the validator checks); otherwise every call
// is a no-op and layers() is empty. Times are in the caller's units (the
// monitor's: SystemC time values); starts and completions arrive in time
// order, so a layer's first start is the first one reported and its last
// completion the last. A report costs a branch, an array lookup and a store:
// nothing is allocated after construction; what the layer's uOps moved and
// computed the units count as each finishes (unit_counts.h).
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/schedule/schedule.h"

namespace tilesim::sim {

class LayerActivity {
 public:
  static constexpr std::uint64_t kNotYet = ~std::uint64_t{0};
  struct Span {
    std::uint64_t first_start = kNotYet;    // its first uOp started
    std::uint64_t last_complete = kNotYet;  // its last uOp completed so far
  };

  explicit LayerActivity(const sched::Schedule& schedule)
      : layer_of_(schedule.uop_layer.data()), known_(schedule.layers_known()) {
    if (known_) spans_.resize(schedule.layers.size());
  }

  bool known() const { return known_; }
  // The layer of uOp `uop`; only when known().
  std::uint32_t layer_of(std::uint32_t uop) const { return layer_of_[uop]; }

  void started(std::uint32_t uop, std::uint64_t time) {
    if (!known_) return;
    Span& span = spans_[layer_of_[uop]];
    if (span.first_start == kNotYet) span.first_start = time;
  }
  void completed(std::uint32_t uop, std::uint64_t time) {
    if (known_) spans_[layer_of_[uop]].last_complete = time;
  }

  const std::vector<Span>& spans() const { return spans_; }

 private:
  const std::uint32_t* layer_of_;
  bool known_;
  std::vector<Span> spans_;
};

}  // namespace tilesim::sim
