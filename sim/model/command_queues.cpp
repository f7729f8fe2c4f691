#include "sim/model/command_queues.h"

namespace tilesim::sim {

CommandQueues::CommandQueues(const char* name, const sched::Schedule& schedule, std::size_t dma_engines,
                             std::size_t dma_depth, std::size_t compute_depth, ActivityIf& activity)
    : sc_core::sc_prim_channel(name),
      schedule_(schedule),
      activity_(activity),
      uop_count_(static_cast<std::uint32_t>(schedule.uops.size())),
      dma_engines_(dma_engines),
      fifos_(dma_engines + 1) {
  for (std::size_t f = 0; f < fifos_.size(); ++f) {
    fifos_[f].ring.resize(f == compute_fifo() ? compute_depth : dma_depth);
  }
}

void CommandQueues::issue() {
  while (next_ < uop_count_) {
    const sched::Unit role = schedule_.uops[next_].unit();
    Fifo& fifo = fifos_[role == sched::Unit::Dma ? dma_fifo(next_engine_) : compute_fifo()];
    if (fifo.size == fifo.ring.size()) return;  // blocked: the next take() from it issues again
    std::size_t tail = fifo.head + fifo.size;
    if (tail >= fifo.ring.size()) tail -= fifo.ring.size();
    fifo.ring[tail] = next_;
    ++fifo.size;
    if (role == sched::Unit::Dma && ++next_engine_ == dma_engines_) next_engine_ = 0;
    activity_.queue_changed(role, +1);
    if (fifo.watched) {
      fifo.watched = false;
      fifo.arrived.notify(sc_core::SC_ZERO_TIME);
    }
    ++next_;
  }
}

bool CommandQueues::take(std::size_t f, std::uint32_t* uop, const sc_core::sc_event** wait_on) {
  if (!started_) {
    started_ = true;
    issue();
  }
  Fifo& fifo = fifos_[f];
  if (fifo.size == 0) {
    fifo.watched = true;
    *wait_on = &fifo.arrived;
    return false;
  }
  *uop = fifo.ring[fifo.head];
  if (++fifo.head == fifo.ring.size()) fifo.head = 0;
  --fifo.size;
  activity_.queue_changed(schedule_.uops[*uop].unit(), -1);
  issue();  // the sequencer may have waited for this room
  return true;
}

}  // namespace tilesim::sim
