#include "tests/sram/machine_replay.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "compiler/hw/cost_model.h"
#include "sim/memory/sram/uop_accesses.h"

namespace tilesim::test {

namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

struct UnitState {
  std::vector<std::uint32_t> queue;
  std::size_t next = 0;
  bool running = false;
  bool asked = false;  // finish() called for the running uOp
  std::uint32_t uop = 0;
  sim::SramTicket ticket;
  std::int64_t start = 0, busy = 0, end = 0;
  std::vector<sim::SramAccess> accesses;

  std::int64_t next_event() const {
    if (!running) return kNever;
    return asked ? end : start + busy;
  }
};

}  // namespace

Replay replay(const sched::Schedule& s, const HwConfig& hw, const SramBanksConfig& banks, bool dma_first) {
  const CostModel costs(hw);
  const sched::TransferBytes bytes(s);
  sim::SramBanks sram(banks, {"dma", "compute"});
  UnitState units[2];
  for (std::uint32_t i = 0; i < s.uops.size(); ++i)
    units[s.uops[i].unit() == sched::Unit::Dma ? 0 : 1].queue.push_back(i);
  Replay r;
  r.starts.assign(s.uops.size(), -1);
  r.finishes.assign(s.uops.size(), -1);

  for (std::int64_t t = 0;;) {
    for (UnitState& u : units) {  // own cycles over: ask when the uOp may end
      if (u.running && !u.asked && u.start + u.busy == t) {
        u.end = sram.finish(u.ticket).finish;
        u.asked = true;
      }
    }
    for (UnitState& u : units) {  // ends: the token is out
      if (u.running && u.asked && u.end == t) {
        r.finishes[u.uop] = t;
        u.running = false;
        ++u.next;
      }
    }
    for (int k = 0; k < 2; ++k) {  // starts, in the chosen order
      UnitState& u = units[dma_first ? k : 1 - k];
      if (u.running || u.next == u.queue.size()) continue;
      const sched::Uop& uop = s.uops[u.queue[u.next]];
      if (uop.dep != sched::kNoUop && (r.finishes[uop.dep] < 0 || r.finishes[uop.dep] > t)) continue;
      u.uop = u.queue[u.next];
      u.running = true;
      u.asked = false;
      u.start = t;
      u.busy = costs.uop_cycles(uop, bytes);
      sim::uop_sram_accesses(s, uop, &u.accesses);
      u.ticket = sram.request(&u == &units[0] ? 0 : 1, t, u.busy, u.accesses);
      r.starts[u.uop] = t;
    }
    const std::int64_t next = std::min(units[0].next_event(), units[1].next_event());
    if (next == kNever) {
      if (units[0].next < units[0].queue.size() || units[1].next < units[1].queue.size()) {
        throw std::runtime_error("replay: the schedule deadlocks");
      }
      break;
    }
    t = next;
  }
  r.cycles = *std::max_element(r.finishes.begin(), r.finishes.end());
  r.sram = sram.stats();
  return r;
}

}  // namespace tilesim::test
