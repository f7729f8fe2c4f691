#include "sim/model/dram_module.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include "sim/model/tlm_bytes.h"

namespace tilesim::sim {

DramModule::DramModule(sc_core::sc_module_name name, const sched::Schedule& schedule, const DramConfig& config,
                       bool with_data)
    : sc_core::sc_module(name), socket("socket"), activity("activity"), image_(schedule, with_data) {
  socket.register_b_transport(this, &DramModule::b_transport);
  socket.register_get_direct_mem_ptr(this, &DramModule::get_direct_mem_ptr);
  socket.register_transport_dbg(this, &DramModule::transport_dbg);
  if (config.ideal) return;
  timing_ = std::make_unique<dram::DramSystem>(config);
  buffered_.assign(static_cast<std::size_t>(config.channels), 0);
  waiting_on_.assign(static_cast<std::size_t>(config.channels), 0);
  min_latency_ps_ = (std::min(config.CL, config.CWL) + config.burst_cycles()) * config.tck_ps;
  socket.register_nb_transport_fw(this, &DramModule::nb_transport_fw);
  SC_METHOD(advance);
  sensitive << wake_;
  dont_initialize();
}

void DramModule::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  trans.set_dmi_allowed(image_.data() != nullptr);
  copy_bytes(trans, image_.data(), image_.size_bytes());
}

bool DramModule::get_direct_mem_ptr(int, tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  return grant_dmi(dmi, image_.data(), image_.size_bytes());
}

unsigned int DramModule::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  return copy_bytes(trans, image_.data(), image_.size_bytes()) ? trans.get_data_length() : 0;
}

tlm::tlm_sync_enum DramModule::nb_transport_fw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                               sc_core::sc_time& delay) {
  if (phase == tlm::END_RESP) return tlm::TLM_COMPLETED;
  if (phase != tlm::BEGIN_REQ || delay != sc_core::SC_ZERO_TIME) {
    throw std::logic_error(std::string("DRAM: unsupported phase or delay from an initiator: ") + phase.get_name());
  }
  const BurstOrder* order = trans.get_extension<BurstOrder>();
  constexpr std::uint64_t kForeign = std::uint64_t{1} << 63;
  Burst burst{id, &trans, order ? order->key : kForeign + foreign_arrivals_++, now_ps(), false};
  const auto channel = static_cast<std::size_t>(timing_->address_map().channel_of(trans.get_address()));
  // Room for it whatever else arrives at this instant (one burst per
  // initiator): accept at once and take it lazily, before the DRAM next
  // decides anything — no wake-up of this module per burst.
  burst.accepted = order && waiting_on_[channel] == 0 &&
                   static_cast<std::int64_t>(timing_->channel(static_cast<int>(channel)).queued()) +
                           buffered_[channel] + static_cast<std::int64_t>(socket.size()) <=
                       timing_->config().queue_depth;
  ++buffered_[channel];
  arrivals_.push_back(burst);
  if (!burst.accepted) {
    wake_.notify(sc_core::SC_ZERO_TIME);
    return tlm::TLM_ACCEPTED;
  }
  wake_by(burst.arrival_ps + min_latency_ps_);  // it cannot complete earlier
  phase = tlm::END_REQ;
  return tlm::TLM_UPDATED;
}

// The bursts that arrived up to `until_ps`, in order of arrival, then of
// BurstOrder: the accepted ones into their queue; the others (arrived at
// this instant to a queue that might be full) into it, with END_REQ, or
// behind the bursts that already wait for room there.
void DramModule::take_arrivals(std::int64_t until_ps) {
  if (arrivals_.empty()) return;
  std::sort(arrivals_.begin(), arrivals_.end(), [](const Burst& a, const Burst& b) {
    return a.arrival_ps != b.arrival_ps ? a.arrival_ps < b.arrival_ps : a.key < b.key;
  });
  std::size_t taken = 0;
  const dram::AddressMap& map = timing_->address_map();
  for (; taken < arrivals_.size() && arrivals_[taken].arrival_ps <= until_ps; ++taken) {
    const Burst& burst = arrivals_[taken];
    const auto channel = static_cast<std::size_t>(map.channel_of(burst.trans->get_address()));
    --buffered_[channel];
    if (burst.accepted) {
      enqueue(burst, burst.arrival_ps);
    } else if (waiting_on_[channel] > 0 || !timing_->can_accept(burst.trans->get_address())) {
      ++waiting_on_[channel];
      waiting_.push_back(burst);
    } else {
      accept(burst, burst.arrival_ps);
    }
  }
  arrivals_.erase(arrivals_.begin(), arrivals_.begin() + static_cast<std::ptrdiff_t>(taken));
}

void DramModule::wake_by(std::int64_t ps) {
  if (ps >= wake_ps_) return;
  wake_ps_ = ps;
  wake_.notify(sc_core::sc_time::from_value(static_cast<sc_dt::uint64>(std::max(ps, now_ps()) - now_ps())));
}

void DramModule::accept(const Burst& burst, std::int64_t now) {
  enqueue(burst, now);
  tlm::tlm_phase phase = tlm::END_REQ;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  socket[burst.socket_id]->nb_transport_bw(*burst.trans, phase, delay);
}

void DramModule::enqueue(const Burst& burst, std::int64_t now_ps) {
  std::uint64_t id = in_dram_.size();
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
    in_dram_[id] = burst;
  } else {
    in_dram_.push_back(burst);
  }
  timing_->enqueue({id, burst.trans->get_address(), burst.trans->is_write(), now_ps});
  if (traced_) report_channels(now_ps);
}

void DramModule::start_of_simulation() {
  traced_ = timing_ && activity->trace_dram(*this);
  if (traced_) reported_.assign(static_cast<std::size_t>(timing_->config().channels), DramChannelTrace{});
}

// Decides the DRAM command by command up to just before `ps`, so each is
// reported when it happens: refreshes of idle channels, and the commands of
// queued requests the module had no reason to wake for (it wakes at every
// instant a burst can complete, so none completes here). Deciding more often
// changes no result (docs/dram-model.md, "The interface").
void DramModule::trace_before(std::int64_t ps) {
  if (!timing_) return;
  for (;;) {  // arrivals and commands in time order, each reported at its instant
    const std::int64_t command = timing_->next_command_ps();
    std::int64_t arrival = dram::kNever;
    for (const Burst& burst : arrivals_) arrival = std::min(arrival, burst.arrival_ps);
    if (std::min(command, arrival) >= ps) return;
    if (arrival <= command) {
      take_arrivals(arrival);
      continue;
    }
    timing_->advance_to(command, caught_up_);
    if (!caught_up_.empty()) throw std::logic_error("DRAM: a burst completed while catching up refreshes");
    if (traced_) report_channels(command);
  }
}

void DramModule::report_channels(std::int64_t now_ps) {
  for (std::size_t c = 0; c < reported_.size(); ++c) {
    const dram::ChannelController& channel = timing_->channel(static_cast<int>(c));
    const DramChannelTrace state{channel.busy(), channel.stats().row_hits, channel.stats().refreshes};
    if (state == reported_[c]) continue;
    reported_[c] = state;
    activity->dram_channel(c, now_ps, state);
  }
}

// At the next completion, or while a burst waits for queue room at the next
// command (a queue entry frees when its RD or WR issues).
void DramModule::wake_at_next_event() {
  wake_ps_ = dram::kNever;  // a fresh plan: the pending notification is replaced or kept if earlier
  const std::int64_t next = waiting_.empty() ? timing_->next_completion_bound_ps() : timing_->next_event_ps();
  if (next != dram::kNever) wake_by(next);
  for (const Burst& burst : arrivals_) wake_by(burst.arrival_ps + min_latency_ps_);
}

// At each instant the timing engine has an event: once every other process
// has run at this instant, decide the DRAM up to now, answer the bursts done,
// and let waiting bursts into the queues that have room.
// At each instant with arrivals or an event of the timing engine: once every
// other process has run at this instant, take its bursts, decide the DRAM up
// to now, answer the bursts done, and let waiting bursts into the queues
// that have room. Bursts that arrive because of those answers wake it again
// at this instant and join from the next memory cycle.
void DramModule::advance() {
  if (sc_core::sc_pending_activity_at_current_time()) {
    next_trigger(sc_core::SC_ZERO_TIME);
    return;
  }
  const std::int64_t now = now_ps();
  if (traced_) trace_before(now);
  take_arrivals(now);
  done_.clear();
  timing_->advance_to(now, done_);
  if (traced_) report_channels(now);
  admit_waiting(now);
  for (const dram::DramCompletion& c : done_) {
    const Burst burst = in_dram_[c.id];
    free_ids_.push_back(c.id);
    burst.trans->set_response_status(tlm::TLM_OK_RESPONSE);
    tlm::tlm_phase phase = tlm::BEGIN_RESP;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket[burst.socket_id]->nb_transport_bw(*burst.trans, phase, delay);
  }
  wake_at_next_event();
}

void DramModule::admit_waiting(std::int64_t now) {
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (!timing_->can_accept(it->trans->get_address())) {
      ++it;
      continue;
    }
    const Burst burst = *it;
    it = waiting_.erase(it);
    --waiting_on_[static_cast<std::size_t>(timing_->address_map().channel_of(burst.trans->get_address()))];
    accept(burst, now);
  }
}

}  // namespace tilesim::sim
