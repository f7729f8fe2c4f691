// What each layer (Schedule::layers, one op after fusion) did in a run: when
// its first uOp started, when its last uOp completed, and what its uOps moved
// and computed — from the units' start and completion reports, which the
// activity monitor passes on (activity_monitor.h).
//
// Contract: known() when the schedule gives every uOp's layer
// (Schedule::uop_layer, which the validator checks); otherwise every call is
// a no-op and layers() is empty. A report costs an array lookup and a few
// additions: nothing is allocated after construction, so the simulator's
// speed per uOp is kept. Starts and completions arrive in simulated-time
// order, so a layer's first start is the first one reported.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "compiler/schedule/schedule.h"
#include "sim/model/unit_counts.h"

namespace tilesim::sim {

class LayerActivity {
 public:
  struct Layer {
    std::int64_t first_cycle = -1;  // its first uOp started; -1: none has
    std::int64_t last_cycle = -1;   // its last uOp completed so far
    UnitCounts counts;              // its uOps that completed
  };

  explicit LayerActivity(const sched::Schedule& schedule) : schedule_(schedule), known_(schedule.layers_known()) {
    if (known_) layers_.resize(schedule.layers.size());
  }

  bool known() const { return known_; }
  // The layer of uOp `uop`; only when known().
  std::uint32_t layer_of(std::uint32_t uop) const { return schedule_.uop_layer[uop]; }

  void started(std::uint32_t uop, std::int64_t cycle) {
    if (!known_) return;
    Layer& layer = layers_[layer_of(uop)];
    if (layer.first_cycle < 0) layer.first_cycle = cycle;
  }
  void completed(std::uint32_t uop, std::int64_t cycle) {
    if (!known_) return;
    Layer& layer = layers_[layer_of(uop)];
    layer.last_cycle = std::max(layer.last_cycle, cycle);
    layer.counts.count(schedule_, schedule_.uops[uop]);
  }

  const std::vector<Layer>& layers() const { return layers_; }

 private:
  const sched::Schedule& schedule_;
  bool known_;
  std::vector<Layer> layers_;
};

}  // namespace tilesim::sim
