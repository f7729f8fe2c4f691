#include "sim/model/burst_dma.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "compiler/schedule/dram_layout.h"
#include "compiler/support/interrupt.h"

namespace tilesim::sim {

namespace {

constexpr std::int64_t kNoDeadline = std::numeric_limits<std::int64_t>::max();

}  // namespace

// Its own bytes, so a target that copies data has somewhere to put them.
struct BurstDmaEngine::BurstPayload : tlm::tlm_generic_payload {
  explicit BurstPayload(tlm::tlm_mm_interface* mm, std::int64_t bytes)
      : tlm::tlm_generic_payload(mm), data(static_cast<std::size_t>(bytes)), order(new BurstOrder) {
    set_extension(order);  // the payload owns it
  }
  std::uint64_t started_seq = 0;
  std::vector<unsigned char> data;
  BurstOrder* order;
};

BurstDmaEngine::BurstDmaEngine(sc_core::sc_module_name name, const sched::Schedule& schedule, const HwConfig& hw,
                               const CostModel& costs, const sched::TransferBytes& bytes, sc_core::sc_time cycle,
                               bool with_data)
    : sc_core::sc_module(name),
      to_dram("to_dram"),
      to_sram("to_sram"),
      schedule_(schedule),
      costs_(costs),
      bytes_(bytes),
      cycle_(cycle),
      setup_cycles_(hw.dma.setup_cycles),
      transpose_cycles_(hw.dma.transpose_cycles),
      issue_interval_((hw.dram.burst_bytes() + hw.dma.bytes_per_cycle - 1) / hw.dma.bytes_per_cycle),
      max_outstanding_(hw.dma.max_outstanding),
      burst_bytes_(hw.dram.burst_bytes()),
      with_data_(with_data),
      mover_(schedule),
      counts_(schedule) {
  to_dram.register_nb_transport_bw(this, &BurstDmaEngine::nb_transport_bw);
  SC_METHOD(step);
}

BurstDmaEngine::~BurstDmaEngine() = default;

void BurstDmaEngine::end_of_elaboration() {
  if (with_data_) mover_.connect(to_dram.operator->(), to_sram.operator->());
}

std::int64_t BurstDmaEngine::now_cycle_ceil() const {
  const std::uint64_t ps = sc_core::sc_time_stamp().value(), cycle = cycle_.value();
  return static_cast<std::int64_t>((ps + cycle - 1) / cycle);
}

// One pass over the engine's state at a cycle edge: slots, SRAM, completions,
// a start, a burst; then sleep until the next deadline or event.
void BurstDmaEngine::step() {
  if (pending_interrupt() != 0) {
    sc_core::sc_stop();
    return;
  }
  const std::uint64_t now_ps = sc_core::sc_time_stamp().value();
  const std::int64_t now = now_cycle_ceil();
  const std::uint64_t edge_ps = cycles_time(cycle_, now).value();
  if (edge_ps != now_ps) {  // woken between edges by the DRAM
    next_trigger(sc_core::sc_time::from_value(edge_ps - now_ps), response_);
    return;
  }
  free_slots(now);
  ask_sram(now);
  const sc_core::sc_event* retire_wait = nullptr;
  const sc_core::sc_event* start_wait = nullptr;
  retire(now, &retire_wait);
  try_start(now, &start_wait);
  try_issue(now);
  const sc_core::sc_event_or_list& events = wake_list(retire_wait, start_wait);
  const std::int64_t deadline = next_deadline(now);
  if (deadline == kNoDeadline) {
    next_trigger(events);
  } else {
    next_trigger(cycles_time(cycle_, deadline - now), events);
  }
}

const sc_core::sc_event_or_list& BurstDmaEngine::wake_list(const sc_core::sc_event* a, const sc_core::sc_event* b) {
  if (a == b) b = nullptr;
  auto& list = wake_lists_[{a, b}];
  if (!list) {
    list = std::make_unique<sc_core::sc_event_or_list>();
    *list |= response_;
    if (a) *list |= *a;
    if (b) *list |= *b;
  }
  return *list;
}

void BurstDmaEngine::free_slots(std::int64_t now) {
  while (!frees_.empty() && frees_.front() <= now) {
    frees_.pop_front();
    --in_flight_;
  }
}

// A uOp whose own cycles are over asks the SRAM when it may end.
void BurstDmaEngine::ask_sram(std::int64_t now) {
  for (Started& s : started_) {
    if (s.sram_finish < 0 && s.own_end <= now) s.sram_finish = sram_ports->finish(s.ticket).finish;
  }
}

// Completes the oldest uOps whose bursts are done, in the DMA queue's order;
// false with *wait_on set when the oldest waits for an earlier one elsewhere.
bool BurstDmaEngine::retire(std::int64_t now, const sc_core::sc_event** wait_on) {
  while (!started_.empty()) {
    Started& s = started_.front();
    if (s.bursts_left > 0 || s.sram_finish < 0) return true;
    if (std::max(s.bursts_done_cycle, s.sram_finish) > now) {
      // Done but for the SRAM's ports: the trace's stall signal.
      if (!s.sram_stalled && s.bursts_done_cycle <= now) activity->set_sram_stall(sched::Unit::Dma, true);
      s.sram_stalled = s.sram_stalled || s.bursts_done_cycle <= now;
      return true;
    }
    if (!tokens->in_turn(s.uop, wait_on)) return false;
    if (s.sram_stalled) activity->set_sram_stall(sched::Unit::Dma, false);
    const sched::Uop& uop = schedule_.uops[s.uop];
    if (with_data_) mover_.move(uop);
    counts_.count(s.uop, uop, bytes_, costs_, 0);  // own cycles matter for EXECs only
    activity->set_busy(sched::Unit::Dma, false, s.uop, sc_core::sc_time_stamp());
    tokens->complete(s.uop);
    started_.pop_front();
    ++started_base_;
  }
  return true;
}

// Takes the next uOp from the FIFO and starts it when its token is out and
// the issue stage is free; false with *wait_on set when it waits for either.
bool BurstDmaEngine::try_start(std::int64_t now, const sc_core::sc_event** wait_on) {
  // The issue stage is free from the previous uOp's last burst + I.
  if (issuing_ || now < next_issue_) return true;
  if (!holding_) {
    if (!commands.take(&held_, wait_on)) return false;
    holding_ = true;
  }
  if (!tokens->ready(held_, wait_on)) return false;
  const sched::Uop& uop = schedule_.uops[held_];
  const std::int64_t cost = costs_.uop_cycles(uop, bytes_);
  activity->set_busy(sched::Unit::Dma, true, held_, sc_core::sc_time_stamp());
  plan_bursts(uop);
  Started s;
  s.uop = held_;
  s.own_end = now + cost;
  s.bursts_left = static_cast<std::int64_t>(bursts_.size());
  s.ticket = sram_ports->request(SramRequester::Dma, held_, now, cost);
  started_.push_back(s);
  ++started_count_;
  holding_ = false;
  // A place view's tile outside its tensor reads nothing: no bursts, done
  // when its own cost and the SRAM's ports say.
  issuing_ = !bursts_.empty();
  next_issue_ = now + setup_cycles_;
  return true;
}

void BurstDmaEngine::plan_bursts(const sched::Uop& uop) {
  sched::tile_bursts(schedule_, uop.tile, static_cast<std::uint64_t>(burst_bytes_), &spans_, &bursts_);
  next_burst_ = 0;
}

void BurstDmaEngine::try_issue(std::int64_t now) {
  if (!issuing_ || now < next_issue_ || in_flight_ >= max_outstanding_ || awaiting_accept_) return;
  issue_burst(now);
  next_issue_ = now + issue_interval_;
  if (next_burst_ == bursts_.size()) issuing_ = false;
}

void BurstDmaEngine::issue_burst(std::int64_t) {
  auto* trans = static_cast<BurstPayload*>(acquire_payload());
  const bool store = schedule_.uops[started_.back().uop].kind == sched::UopKind::Store;
  trans->set_command(store ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  trans->set_address(bursts_[next_burst_++]);
  trans->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  trans->started_seq = started_base_ + started_.size() - 1;
  trans->order->key = started_.back().uop;  // same-instant bursts: the older uOp's first
  ++in_flight_;
  awaiting_accept_ = trans;
  tlm::tlm_phase phase = tlm::BEGIN_REQ;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  const tlm::tlm_sync_enum status = to_dram->nb_transport_fw(*trans, phase, delay);
  if (status == tlm::TLM_UPDATED && phase == tlm::END_REQ) awaiting_accept_ = nullptr;
  if (status == tlm::TLM_COMPLETED) {
    awaiting_accept_ = nullptr;
    burst_done(*trans);
  }
}

tlm::tlm_sync_enum BurstDmaEngine::nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                                   sc_core::sc_time&) {
  if (&trans == awaiting_accept_) awaiting_accept_ = nullptr;  // END_REQ, or BEGIN_RESP implying it
  if (phase == tlm::END_REQ) {
    // Accepted at the instant it was issued: the port is busy until
    // next_issue_ anyway, so only a late acceptance needs a wake-up.
    if (now_cycle_ceil() >= next_issue_) response_.notify(sc_core::SC_ZERO_TIME);
    return tlm::TLM_ACCEPTED;
  }
  if (phase != tlm::BEGIN_RESP) {
    throw std::logic_error(std::string("DMA: unexpected phase from the DRAM: ") + phase.get_name());
  }
  // Most responses change nothing step() waits for: it frees the slot when it
  // next runs. Wake it only for a full engine or the oldest uOp's last burst.
  if (burst_done(trans) || (issuing_ && in_flight_ >= max_outstanding_)) response_.notify(sc_core::SC_ZERO_TIME);
  phase = tlm::END_RESP;
  return tlm::TLM_COMPLETED;
}

bool BurstDmaEngine::burst_done(tlm::tlm_generic_payload& trans) {
  if (trans.is_response_error()) {
    throw std::logic_error("DMA: the DRAM answered " + trans.get_response_string() + " at address " +
                           std::to_string(trans.get_address()));
  }
  const std::int64_t done = now_cycle_ceil();
  Started& s = started_[static_cast<BurstPayload&>(trans).started_seq - started_base_];
  const sched::TensorInfo& t = schedule_.tensors[static_cast<std::size_t>(schedule_.uops[s.uop].tile.tensor)];
  const bool transposing = t.view.kind == sched::ViewKind::Transpose;
  s.bursts_done_cycle = std::max(s.bursts_done_cycle, done + (transposing ? transpose_cycles_ : 0));
  --s.bursts_left;
  frees_.push_back(done);
  trans.release();
  return s.bursts_left == 0 && &s == &started_.front();
}

// The earliest cycle after `now` at which the state changes by itself.
std::int64_t BurstDmaEngine::next_deadline(std::int64_t now) const {
  std::int64_t t = kNoDeadline;
  auto consider = [&](std::int64_t cycle) {
    if (cycle > now) t = std::min(t, cycle);
  };
  // A burst awaiting END_REQ usually gets it at the instant it was issued,
  // without waking the engine: the port's next cycle is still a deadline.
  if (issuing_) {
    if (in_flight_ < max_outstanding_)
      consider(next_issue_);
    else if (!frees_.empty())
      consider(frees_.front());
  }
  if (!issuing_) consider(next_issue_);  // the issue stage frees: take the next uOp
  for (const Started& s : started_) {
    if (s.sram_finish < 0) consider(s.own_end);
  }
  if (!started_.empty()) {
    const Started& s = started_.front();
    if (s.bursts_left == 0 && s.sram_finish >= 0) consider(std::max(s.bursts_done_cycle, s.sram_finish));
  }
  if (!frees_.empty() && frees_.front() > now && in_flight_ >= max_outstanding_) consider(frees_.front());
  return t;
}

tlm::tlm_generic_payload* BurstDmaEngine::acquire_payload() {
  if (spare_.empty()) {
    payloads_.push_back(std::make_unique<BurstPayload>(this, burst_bytes_));
    BurstPayload* p = payloads_.back().get();
    p->set_data_ptr(p->data.data());
    p->set_data_length(static_cast<unsigned int>(burst_bytes_));
    p->set_streaming_width(static_cast<unsigned int>(burst_bytes_));
    spare_.push_back(p);
  }
  BurstPayload* p = spare_.back();
  spare_.pop_back();
  p->acquire();
  return p;
}

void BurstDmaEngine::free(tlm::tlm_generic_payload* trans) { spare_.push_back(static_cast<BurstPayload*>(trans)); }

}  // namespace tilesim::sim
