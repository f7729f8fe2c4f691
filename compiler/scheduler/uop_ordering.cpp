
#include "compiler/scheduler/uop_ordering.h"
#include "compiler/support/interrupt.h"

#include <algorithm>
#include <vector>

namespace tilesim::sched {

void order_by_start_time(Schedule& schedule, const CostModel& costs) {
  const std::vector<Uop>& uops = schedule.uops;
  const std::size_t n = uops.size();
  std::vector<std::int64_t> start(n), finish(n);
  const TransferBytes bytes(schedule);
  std::int64_t free_at[2] = {0, 0};
  ExecSequence execs(costs);
  for (std::size_t i = 0; i < n; ++i) {
    if ((i & 0xFFFF) == 0) poll_interrupt();
    const Uop& u = uops[i];
    const int unit = static_cast<int>(u.unit());
    const std::int64_t cost = u.kind == UopKind::Exec ? execs.next(u) : costs.uop_cycles(u, bytes);
    start[i] = std::max(free_at[unit], u.dep == kNoUop ? 0 : finish[u.dep]);
    finish[i] = start[i] + cost;
    free_at[unit] = finish[i];
  }

  // Merge the two in-order streams by start time; on a tie the earlier uOp
  // of the original list goes first.
  std::vector<std::uint32_t> dma, compute;
  for (std::uint32_t i = 0; i < n; ++i) (uops[i].unit() == Unit::Dma ? dma : compute).push_back(i);
  std::vector<std::uint32_t> order;
  order.reserve(n);
  std::size_t d = 0, c = 0;
  while (d < dma.size() || c < compute.size()) {
    bool take_dma = c == compute.size();
    if (d < dma.size() && c < compute.size()) {
      const std::uint32_t a = dma[d], b = compute[c];
      take_dma = start[a] < start[b] || (start[a] == start[b] && a < b);
    }
    order.push_back(take_dma ? dma[d++] : compute[c++]);
  }

  std::vector<std::uint32_t> new_id(n);
  for (std::uint32_t i = 0; i < n; ++i) new_id[order[i]] = i;
  order = {};
  std::vector<Uop>& list = schedule.uops;
  for (Uop& u : list) {
    if (u.dep != kNoUop) u.dep = new_id[u.dep];
  }
  std::vector<std::uint32_t>& layer = schedule.uop_layer;  // kept in step with the uOps
  const bool layered = layer.size() == n;
  // Permute in place, cycle by cycle: a 4096^3 matmul has ~2.8 M uOps, and a
  // second list would double the compiler's peak memory.
  for (std::uint32_t i = 0; i < n; ++i) {
    while (new_id[i] != i) {
      const std::uint32_t target = new_id[i];
      std::swap(list[i], list[target]);
      if (layered) std::swap(layer[i], layer[target]);
      std::swap(new_id[i], new_id[target]);
    }
  }
}

}  // namespace tilesim::sched
