// The replay's loop: at each accelerator cycle c worth visiting (T = c x
// cycle_ps), in this order:
//   1. the DRAM decides everything before T (event by event while a burst
//      waits for room in a channel queue: a waiting burst enters at the
//      instant its queue frees, which is one of next_event_ps()'s events);
//   2. phase "before": the units act on what is known before T — including
//      the uOps that complete at c without a DRAM event of instant T (an
//      EXEC's end, a LOAD whose bursts were all done before T) — and the
//      bursts they issue are enqueued at T;
//   3. the DRAM advances to T (bursts done at T free their slots; a queue
//      that frees at T takes its oldest waiting burst at T);
//   4. phase "after": everything step 3 enables at c happens (uOps that
//      complete because of it, and what their tokens start); bursts issued now join the
//      controller from its next memory cycle (they are enqueued after the
//      advance to T, with arrival T);
//   5. the SRAM requests of the DMA uOps that started at c, in DMA-queue order.
//
// Interpretations where docs/cycle-model.md leaves a choice (each is in the
// report to the lead, with proposed wording):
//  * An engine takes its next uOp out of its FIFO at the first cycle at which
//    its issue stage is free (t_last(u') + I) and the FIFO holds one; it then
//    holds it while it waits for its token.
//  * "What the DRAM hands back at T": a burst whose done_ps is T and the
//    acceptance at T of an engine's previous burst; whatever they enable at c
//    (a freed slot, a uOp completing and its token or turn), directly or
//    through the sequencer and FIFOs, is "after". Everything else at c — an
//    EXEC's end and what its token starts — is "before".
//  * Bursts issued at one instant in one phase reach the DRAM in DMA-queue
//    order of their uOps (the older uOp first), so they are enqueued in that
//    order (the controller's "earliest enqueued" tie) and wait for room in it.
//  * DMA uOps starting at one cycle make their SramBanks requests (all
//    requester 0) in DMA-queue order.
//  * The DRAM's statistics are taken after it has advanced to the end of the
//    run, cycles x cycle_ps (the refreshes due up to then are counted).
#include "tests/sim/timed_replay.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <queue>
#include <stdexcept>
#include <string>
#include <utility>

#include "compiler/hw/cost_model.h"
#include "compiler/schedule/dram_layout.h"
#include "sim/memory/dram/dram_system.h"
#include "sim/memory/sram/uop_accesses.h"

namespace tilesim::test {
namespace {

using dram::kNever;
constexpr std::int64_t kNone = -1;

// A transfer's bursts: each span's, in address order, none equal to the one before.
void transfer_bursts(const sched::Schedule& s, const sched::Uop& uop, std::uint64_t burst_bytes,
                     sched::DramSpans* spans, std::vector<std::uint64_t>* out) {
  out->clear();
  sched::tile_spans(s, uop.tile, spans);
  for (const sched::DramSpan& span : *spans) {
    const std::uint64_t first = span.address / burst_bytes;
    const std::uint64_t last = (span.address + span.bytes - 1) / burst_bytes;
    for (std::uint64_t b = first; b <= last; ++b) {
      if (out->empty() || out->back() != b * burst_bytes) out->push_back(b * burst_bytes);
    }
  }
}

struct DmaUop {
  std::uint32_t id = 0;
  std::int64_t bursts = kNone;  // n, once started
  std::int64_t done = 0;        // bursts done
  std::int64_t last_done = 0;   // the latest ceil_cycle(done_ps)
  std::int64_t extra = 0;       // transpose cycles after the last burst
  std::int64_t finish = kNone;  // SramBanks' finish
  sim::SramTicket ticket;
  bool requested = false;  // the ticket is SramBanks' (requested at the end of its start cycle)
};

struct Engine {
  std::deque<std::uint32_t> fifo;  // DMA-queue positions k
  std::int64_t held = kNone;       // taken out of the FIFO: waiting for its token, or issuing
  bool started = false;
  std::vector<std::uint64_t> bursts;  // the held uOp's burst addresses
  std::size_t next = 0;
  std::int64_t next_at = 0;        // earliest cycle of the next burst (setup, I)
  std::int64_t stage_free_at = 0;  // t_last(u') + I
  std::int64_t in_flight = 0;
  bool waiting = false;  // its last burst waits for room in a channel queue
};

struct Compute {
  std::deque<std::uint32_t> fifo;  // uOp ids
  std::int64_t held = kNone;
  bool started = false;
  std::int64_t finish = kNone;
  sim::SramTicket ticket;
};

struct Burst {
  std::uint32_t k;  // its uOp's DMA-queue position
  std::uint64_t id;
  std::uint64_t address;
};

using Interval = std::pair<std::int64_t, std::int64_t>;
using MinHeap = std::priority_queue<std::int64_t, std::vector<std::int64_t>, std::greater<>>;
using CallHeap = std::priority_queue<std::pair<std::int64_t, std::int64_t>,
                                     std::vector<std::pair<std::int64_t, std::int64_t>>, std::greater<>>;

class Machine {
 public:
  Machine(const sched::Schedule& s, const HwConfig& hw, const TimedReplayOptions& options);
  TimedReplay run();

 private:
  void visit(std::int64_t c);
  void drain_before(std::int64_t t_ps);
  void advance(std::int64_t t_ps);
  void accept_waiters(std::int64_t t_ps);
  void enqueue(const Burst& b, std::int64_t t_ps);
  void on_done(const dram::DramCompletion& done);
  void settle(std::int64_t c, bool completions);
  bool call_finishes();
  bool complete(std::int64_t c);
  bool step_compute(std::int64_t c);
  bool step_engine(Engine& e, std::int64_t c);
  void start_dma(Engine& e, std::int64_t c);
  void issue(Engine& e, std::int64_t c);
  bool step_sequencer();
  void flush_bursts(std::int64_t t_ps);
  void flush_sram_requests(std::int64_t c);
  std::int64_t next_cycle(std::int64_t c);
  bool dep_done(std::uint32_t id) const;
  bool is_write(std::uint32_t k) const { return s_.uops[dma_[k].id].kind == sched::UopKind::Store; }
  Engine& engine_of(std::uint32_t k) { return engines_[k % engines_.size()]; }
  std::int64_t ceil_cycle(std::int64_t ps) const { return (ps + cycle_ps_ - 1) / cycle_ps_; }
  void wake(std::int64_t c) { wakes_.push(c); }
  void collect(TimedReplay& r);
  std::int64_t exec_cost(const sched::Uop& uop);

  const sched::Schedule& s_;
  const HwConfig& hw_;
  const TimedReplayOptions options_;
  const CostModel costs_;
  const sched::TransferBytes bytes_;
  sched::DramSpans spans_;
  const std::int64_t cycle_ps_;
  const std::uint64_t burst_bytes_;
  const std::int64_t port_cycles_;  // I
  dram::DramSystem dram_;
  sim::SramBanks sram_;
  std::vector<DmaUop> dma_;  // the DMA queue
  std::vector<Engine> engines_;
  Compute compute_;
  std::vector<std::deque<Burst>> waiters_;    // per DRAM channel, in arrival order
  std::vector<std::uint32_t> burst_k_;        // per burst id
  std::vector<Burst> issued_;                 // this phase's bursts
  std::vector<std::uint32_t> sram_requests_;  // DMA uOps started at this cycle
  std::vector<dram::DramCompletion> done_;
  std::vector<sim::SramAccess> accesses_;
  MinHeap wakes_;
  CallHeap finish_calls_;  // (s + cost, k), k = -1 for the compute unit
  std::int64_t now_ = 0;
  std::size_t next_uop_ = 0;      // the sequencer's
  std::uint32_t dma_pushed_ = 0;  // DMA uOps the sequencer issued
  std::size_t head_ = 0;          // the DMA queue's next uOp to complete
  std::size_t completed_ = 0;
  const sched::Uop* previous_exec_ = nullptr;  // the compute unit's last started EXEC
  TimedReplay r_;
};

// docs/cycle-model.md, "Systolic array", worked from the page here rather
// than asked of the CostModel: f folds of 2r + c + 30 cycles, or 32 for a
// matmul that keeps the previous matmul's stationary operand when f = 1.
std::int64_t Machine::exec_cost(const sched::Uop& uop) {
  const sched::Uop* previous = previous_exec_;
  previous_exec_ = &uop;
  const ComputeArray& a = hw_.compute.array;
  if (!a.given() || uop.exec != sched::ExecKind::MatMul) return costs_.uop_cycles(uop, bytes_);
  const std::int64_t r = std::min<std::int64_t>(a.rows, 32), c = std::min<std::int64_t>(a.cols, 32);
  const std::int64_t folds = ((32 + a.rows - 1) / a.rows) * ((32 + a.cols - 1) / a.cols);
  if (folds == 1 && previous != nullptr && previous->exec == sched::ExecKind::MatMul) {
    const bool same_a = uop.src[0] == previous->src[0] && uop.src_addr[0] == previous->src_addr[0];
    const bool same_b = uop.src[1] == previous->src[1] && uop.src_addr[1] == previous->src_addr[1];
    const bool same_sum = !uop.zero_init && uop.tile == previous->tile && uop.addr == previous->addr;
    const bool keeps = a.dataflow == Dataflow::InputStationary    ? same_a
                       : a.dataflow == Dataflow::WeightStationary ? same_b
                                                                  : same_sum;
    if (keeps) return 32;
  }
  return folds * (2 * r + c + 30);
}

Machine::Machine(const sched::Schedule& s, const HwConfig& hw, const TimedReplayOptions& options)
    : s_(s),
      hw_(hw),
      options_(options),
      costs_(hw),
      bytes_(s),
      cycle_ps_(hw.cycle_ps()),
      burst_bytes_(static_cast<std::uint64_t>(hw.dram.burst_bytes())),
      port_cycles_((hw.dram.burst_bytes() + hw.dma.bytes_per_cycle - 1) / hw.dma.bytes_per_cycle),
      dram_(hw.dram),
      sram_(hw.sram.banks, {"dma", "compute"}),
      engines_(static_cast<std::size_t>(hw.dma.channels)),
      waiters_(static_cast<std::size_t>(hw.dram.channels)) {
  for (std::uint32_t i = 0; i < s.uops.size(); ++i) {
    const sched::Uop& uop = s.uops[i];
    if (uop.unit() != sched::Unit::Dma) continue;
    DmaUop d;
    d.id = i;
    const bool transposing =
        s.tensors[static_cast<std::size_t>(uop.tile.tensor)].view.kind == sched::ViewKind::Transpose;
    d.extra = uop.kind == sched::UopKind::Load && transposing ? hw.dma.transpose_cycles : 0;
    dma_.push_back(d);
  }
  r_.starts.assign(s.uops.size(), kNone);
  r_.completions.assign(s.uops.size(), kNone);
}

TimedReplay Machine::run() {
  for (std::int64_t c = 0;;) {
    visit(c);
    if (completed_ == s_.uops.size()) break;
    const std::int64_t next = next_cycle(c);
    if (next == kNever) throw std::runtime_error("timed_replay: the schedule deadlocks at cycle " + std::to_string(c));
    c = next;
  }
  collect(r_);
  return std::move(r_);
}

void Machine::visit(std::int64_t c) {
  now_ = c;
  const std::int64_t t = c * cycle_ps_;
  if (t > 0) drain_before(t);
  settle(c, true);
  flush_bursts(t);
  advance(t);
  accept_waiters(t);
  settle(c, true);
  flush_bursts(t);
  flush_sram_requests(c);
  // A DMA uOp of 0 cycles (no setup, no bytes: a place view's tile outside
  // its tensor) asks for its finish in the cycle it started, once requested;
  // its completion may start more of them.
  while (!finish_calls_.empty() && finish_calls_.top().first <= c) {
    settle(c, true);
    flush_bursts(t);
    flush_sram_requests(c);
  }
}

// Every DRAM event before t_ps, stopping at each while a burst waits for room.
void Machine::drain_before(std::int64_t t_ps) {
  for (;;) {
    const bool waiting = std::any_of(waiters_.begin(), waiters_.end(), [](const auto& w) { return !w.empty(); });
    const std::int64_t e = waiting ? dram_.next_event_ps() : kNever;
    if (e >= t_ps) break;
    advance(e);
    accept_waiters(e);
  }
  advance(t_ps - 1);
}

void Machine::advance(std::int64_t t_ps) {
  dram_.advance_to(t_ps, done_);
  for (const dram::DramCompletion& d : done_) on_done(d);
  done_.clear();
}

void Machine::accept_waiters(std::int64_t t_ps) {
  for (std::deque<Burst>& w : waiters_) {
    while (!w.empty() && dram_.can_accept(w.front().address)) {
      enqueue(w.front(), t_ps);
      engine_of(w.front().k).waiting = false;
      w.pop_front();
    }
  }
}

void Machine::enqueue(const Burst& b, std::int64_t t_ps) {
  dram_.enqueue(dram::DramRequest{b.id, b.address, is_write(b.k), t_ps});
  if (options_.record_bursts) r_.burst_log[b.id].accept_ps = t_ps;
}

void Machine::on_done(const dram::DramCompletion& done) {
  const std::uint32_t k = burst_k_[done.id];
  --engine_of(k).in_flight;
  DmaUop& d = dma_[k];
  const std::int64_t cycle = ceil_cycle(done.done_ps);
  d.last_done = std::max(d.last_done, cycle);
  if (++d.done == d.bursts) wake(d.last_done + d.extra);
  if (options_.record_bursts) {
    r_.burst_log[done.id].done_ps = done.done_ps;
    r_.burst_log[done.id].done_cycle = cycle;
  }
}

// Runs the units at cycle c until nothing more can happen.
void Machine::settle(std::int64_t c, bool completions) {
  for (bool changed = true; changed;) {
    changed = call_finishes();
    if (completions) changed |= complete(c);
    changed |= step_compute(c);
    for (Engine& e : engines_) changed |= step_engine(e, c);
    changed |= step_sequencer();
  }
}

// At s + cost: ask SramBanks when the uOp may end.
bool Machine::call_finishes() {
  bool changed = false;
  std::vector<std::pair<std::int64_t, std::int64_t>> early;  // a 0-cycle DMA uOp's call before its request
  while (!finish_calls_.empty() && finish_calls_.top().first <= now_) {
    const std::int64_t who = finish_calls_.top().second;
    if (who >= 0 && !dma_[static_cast<std::size_t>(who)].requested) {
      early.push_back(finish_calls_.top());
      finish_calls_.pop();
      continue;
    }
    finish_calls_.pop();
    std::int64_t& finish = who < 0 ? compute_.finish : dma_[static_cast<std::size_t>(who)].finish;
    finish = sram_.finish(who < 0 ? compute_.ticket : dma_[static_cast<std::size_t>(who)].ticket).finish;
    wake(finish);
    changed = true;
  }
  for (const auto& call : early) finish_calls_.push(call);
  return changed;
}

bool Machine::complete(std::int64_t c) {
  bool changed = false;
  if (compute_.held != kNone && compute_.finish != kNone && compute_.finish <= c) {
    r_.completions[static_cast<std::size_t>(compute_.held)] = c;
    compute_.held = kNone;
    ++completed_;
    changed = true;
  }
  while (head_ < dma_.size()) {  // in DMA-queue order
    const DmaUop& d = dma_[head_];
    if (d.bursts == kNone || d.done < d.bursts || d.finish == kNone) break;
    if (std::max(d.finish, d.last_done + d.extra) > c) break;
    r_.completions[d.id] = c;
    ++head_;
    ++completed_;
    changed = true;
  }
  return changed;
}

bool Machine::dep_done(std::uint32_t id) const {
  const std::uint32_t dep = s_.uops[id].dep;
  return dep == sched::kNoUop || r_.completions[dep] != kNone;
}

bool Machine::step_compute(std::int64_t c) {
  bool changed = false;
  if (compute_.held == kNone && !compute_.fifo.empty()) {
    compute_.held = compute_.fifo.front();
    compute_.fifo.pop_front();
    compute_.started = false;
    compute_.finish = kNone;
    changed = true;
  }
  const auto id = static_cast<std::uint32_t>(compute_.held);
  if (compute_.held != kNone && !compute_.started && dep_done(id)) {
    const std::int64_t cost = exec_cost(s_.uops[id]);
    r_.starts[id] = c;
    sim::uop_sram_accesses(s_, s_.uops[id], &accesses_);
    compute_.ticket = sram_.request(1, c, cost, accesses_);
    finish_calls_.emplace(c + cost, -1);
    wake(c + cost);
    compute_.started = true;
    changed = true;
  }
  return changed;
}

bool Machine::step_engine(Engine& e, std::int64_t c) {
  bool changed = false;
  if (e.held == kNone && c >= e.stage_free_at && !e.fifo.empty()) {
    e.held = e.fifo.front();
    e.fifo.pop_front();
    e.started = false;
    changed = true;
  }
  if (e.held != kNone && !e.started && dep_done(dma_[static_cast<std::size_t>(e.held)].id)) {
    start_dma(e, c);
    changed = true;
  }
  if (e.held != kNone && e.started && c >= e.next_at && e.in_flight < hw_.dma.max_outstanding && !e.waiting) {
    issue(e, c);
    changed = true;
  }
  return changed;
}

void Machine::start_dma(Engine& e, std::int64_t c) {
  const auto k = static_cast<std::uint32_t>(e.held);
  DmaUop& d = dma_[k];
  const sched::Uop& uop = s_.uops[d.id];
  r_.starts[d.id] = c;
  transfer_bursts(s_, uop, burst_bytes_, &spans_, &e.bursts);
  d.bursts = static_cast<std::int64_t>(e.bursts.size());
  e.next = 0;
  e.next_at = c + hw_.dma.setup_cycles;
  wake(e.next_at);
  e.started = true;
  if (e.bursts.empty()) {  // a place view's tile outside its tensor: the stage is free after the setup
    e.stage_free_at = e.next_at;
    e.held = kNone;
  }
  sram_requests_.push_back(k);
  const std::int64_t cost = costs_.uop_cycles(uop, bytes_);
  finish_calls_.emplace(c + cost, k);
  wake(c + cost);
}

void Machine::issue(Engine& e, std::int64_t c) {
  const auto k = static_cast<std::uint32_t>(e.held);
  const std::uint64_t id = burst_k_.size();
  burst_k_.push_back(k);
  issued_.push_back(Burst{k, id, e.bursts[e.next]});
  if (options_.record_bursts) {
    r_.burst_log.push_back(BurstRecord{dma_[k].id, e.bursts[e.next], is_write(k), c, kNone, kNone, kNone});
  }
  ++e.in_flight;
  e.next_at = c + port_cycles_;
  wake(e.next_at);
  if (++e.next == e.bursts.size()) {  // the issue stage is free at t_last + I
    e.stage_free_at = c + port_cycles_;
    e.held = kNone;
  }
}

bool Machine::step_sequencer() {
  bool changed = false;
  while (next_uop_ < s_.uops.size()) {
    if (s_.uops[next_uop_].unit() == sched::Unit::Dma) {
      std::deque<std::uint32_t>& fifo = engine_of(dma_pushed_).fifo;
      if (static_cast<std::int64_t>(fifo.size()) >= hw_.dma.queue_depth) break;
      fifo.push_back(dma_pushed_++);
    } else {
      if (static_cast<std::int64_t>(compute_.fifo.size()) >= hw_.compute.queue_depth) break;
      compute_.fifo.push_back(static_cast<std::uint32_t>(next_uop_));
    }
    ++next_uop_;
    changed = true;
  }
  return changed;
}

// This phase's bursts reach the DRAM at t_ps, the older uOp's first.
void Machine::flush_bursts(std::int64_t t_ps) {
  std::sort(issued_.begin(), issued_.end(), [](const Burst& a, const Burst& b) { return a.k < b.k; });
  for (const Burst& b : issued_) {
    std::deque<Burst>& w = waiters_[static_cast<std::size_t>(dram_.address_map().channel_of(b.address))];
    if (w.empty() && dram_.can_accept(b.address)) {
      enqueue(b, t_ps);
    } else {
      w.push_back(b);
      engine_of(b.k).waiting = true;
    }
  }
  issued_.clear();
}

void Machine::flush_sram_requests(std::int64_t c) {
  std::sort(sram_requests_.begin(), sram_requests_.end());
  for (const std::uint32_t k : sram_requests_) {
    const sched::Uop& uop = s_.uops[dma_[k].id];
    sim::uop_sram_accesses(s_, uop, &accesses_);
    dma_[k].ticket = sram_.request(0, c, costs_.uop_cycles(uop, bytes_), accesses_);
    dma_[k].requested = true;
  }
  sram_requests_.clear();
}

std::int64_t Machine::next_cycle(std::int64_t c) {
  while (!wakes_.empty() && wakes_.top() <= c) wakes_.pop();
  const std::int64_t timer = wakes_.empty() ? kNever : wakes_.top();
  const std::int64_t event = dram_.next_event_ps();
  return std::min(timer, event == kNever ? kNever : ceil_cycle(event));
}

std::int64_t union_length(std::vector<Interval>& v, std::vector<Interval>* merged) {
  std::sort(v.begin(), v.end());
  std::int64_t length = 0;
  for (const Interval& i : v) {
    if (!merged->empty() && i.first <= merged->back().second) {
      merged->back().second = std::max(merged->back().second, i.second);
    } else {
      merged->push_back(i);
    }
  }
  for (const Interval& i : *merged) length += i.second - i.first;
  return length;
}

std::int64_t intersection_length(const std::vector<Interval>& a, const std::vector<Interval>& b) {
  std::int64_t length = 0;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    length += std::max<std::int64_t>(0, std::min(a[i].second, b[j].second) - std::max(a[i].first, b[j].first));
    (a[i].second < b[j].second ? i : j) += 1;
  }
  return length;
}

void Machine::collect(TimedReplay& r) {
  std::vector<Interval> dma, compute, dma_union, compute_union;
  for (std::size_t i = 0; i < s_.uops.size(); ++i) {
    (s_.uops[i].unit() == sched::Unit::Dma ? dma : compute).emplace_back(r.starts[i], r.completions[i]);
    r.cycles = std::max(r.cycles, r.completions[i]);
  }
  r.dma_busy_cycles = union_length(dma, &dma_union);
  r.compute_busy_cycles = union_length(compute, &compute_union);
  r.overlap_cycles = intersection_length(dma_union, compute_union);
  r.bursts = static_cast<std::int64_t>(burst_k_.size());
  r.dram = dram_.stats();
  r.sram = sram_.stats();
}

}  // namespace

TimedReplay timed_replay(const sched::Schedule& schedule, const HwConfig& hw, const TimedReplayOptions& options) {
  if (hw.dram.ideal) throw std::invalid_argument("timed_replay: the ideal DRAM has no bursts to time");
  return Machine(schedule, hw, options).run();
}

}  // namespace tilesim::test
