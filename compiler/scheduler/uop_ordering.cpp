
#include "compiler/scheduler/uop_ordering.h"
#include "compiler/support/interrupt.h"

#include <algorithm>
#include <vector>

namespace tilesim::sched {

namespace {

// One unit's uOps in list order, replayed to give each its start time again:
// start = finish - cost, the cost computed afresh. An ExecSequence depends
// only on the EXECs before it, so the replay gives the first pass's costs.
class UnitCursor {
 public:
  UnitCursor(Unit unit, const std::vector<Uop>& uops, const std::vector<std::int64_t>& finish, const CostModel& costs,
             const TransferBytes& bytes)
      : unit_(unit), uops_(uops), finish_(finish), costs_(costs), bytes_(bytes), execs_(costs) {
    seek(0);
  }
  bool done() const { return at_ == uops_.size(); }
  std::size_t at() const { return at_; }
  std::int64_t start() const { return start_; }
  void advance() { seek(at_ + 1); }

 private:
  void seek(std::size_t from) {
    at_ = from;
    while (at_ < uops_.size() && uops_[at_].unit() != unit_) ++at_;
    if (done()) return;
    const Uop& u = uops_[at_];
    start_ = finish_[at_] - (u.kind == UopKind::Exec ? execs_.next(u) : costs_.uop_cycles(u, bytes_));
  }

  Unit unit_;
  const std::vector<Uop>& uops_;
  const std::vector<std::int64_t>& finish_;
  const CostModel& costs_;
  const TransferBytes& bytes_;
  ExecSequence execs_;
  std::size_t at_ = 0;
  std::int64_t start_ = 0;
};

// The cycle model run statically: when each uOp finishes.
void finish_times(const std::vector<Uop>& uops, const CostModel& costs, const TransferBytes& bytes,
                  std::vector<std::int64_t>& finish) {
  std::int64_t free_at[2] = {0, 0};
  ExecSequence execs(costs);
  for (std::size_t i = 0; i < uops.size(); ++i) {
    if ((i & 0xFFFF) == 0) poll_interrupt();
    const Uop& u = uops[i];
    const int unit = static_cast<int>(u.unit());
    const std::int64_t cost = u.kind == UopKind::Exec ? execs.next(u) : costs.uop_cycles(u, bytes);
    finish[i] = std::max(free_at[unit], u.dep == kNoUop ? 0 : finish[u.dep]) + cost;
    free_at[unit] = finish[i];
  }
}

}  // namespace

void order_by_start_time(Schedule& schedule, const CostModel& costs, const TransferBytes& bytes) {
  std::vector<Uop>& list = schedule.uops;
  const std::size_t n = list.size();
  // One array for the whole pass (a 4096^3 matmul has ~2.8 M uOps): each
  // uOp's finish time, then, once the merge has placed it, its new index.
  std::vector<std::int64_t> finish_or_id(n);
  finish_times(list, costs, bytes, finish_or_id);

  // Merge the two in-order streams by start time; on a tie the earlier uOp
  // of the original list goes first. A placed uOp's finish time is no longer
  // read: the cursors only read their heads', which are not placed yet.
  UnitCursor dma(Unit::Dma, list, finish_or_id, costs, bytes);
  UnitCursor compute(Unit::Compute, list, finish_or_id, costs, bytes);
  for (std::int64_t placed = 0; !dma.done() || !compute.done(); ++placed) {
    bool take_dma = compute.done();
    if (!dma.done() && !compute.done()) {
      take_dma = dma.start() < compute.start() || (dma.start() == compute.start() && dma.at() < compute.at());
    }
    UnitCursor& taken = take_dma ? dma : compute;
    const std::size_t i = taken.at();
    taken.advance();  // reads the next head's finish before i's entry changes meaning
    finish_or_id[i] = placed;
  }

  std::vector<std::int64_t>& new_id = finish_or_id;
  for (Uop& u : list) {
    if (u.dep != kNoUop) u.dep = static_cast<std::uint32_t>(new_id[u.dep]);
  }
  std::vector<std::uint32_t>& layer = schedule.uop_layer;  // kept in step with the uOps
  const bool layered = layer.size() == n;
  // Permute in place, cycle by cycle: a second list would double the
  // compiler's peak memory.
  for (std::size_t i = 0; i < n; ++i) {
    while (new_id[i] != static_cast<std::int64_t>(i)) {
      const auto target = static_cast<std::size_t>(new_id[i]);
      std::swap(list[i], list[target]);
      if (layered) std::swap(layer[i], layer[target]);
      std::swap(new_id[i], new_id[target]);
    }
  }
}

}  // namespace tilesim::sched
