// The sequencer and the units' command FIFOs, as one SystemC channel the
// units reach through ports (sc_port<CommandIf>).
//
// Contract: the rule of docs/cycle-model.md, "Sequencer and FIFOs", in
// simulated time. The sequencer issues the uOps in list order, each into its
// unit's FIFO, and blocks while that FIFO is full; the DMA queue's k-th uOp
// goes to DMA engine k mod engines. A uOp enters its FIFO at the instant the
// sequencer can issue it: at the start, or at the instant a unit takes a uOp
// out of the full FIFO the sequencer waits on. Issuing happens inside take(),
// not in a process of its own, so the sequencer costs no process activation
// and no delta cycle per uOp (issue 16); a unit waiting on an empty FIFO is
// woken in the next delta cycle of the same instant, as an sc_fifo's reader.
// Every uOp entering or leaving a FIFO is reported to the activity monitor.
#pragma once

#include <systemc>

#include <cstdint>
#include <vector>

#include "compiler/schedule/schedule.h"
#include "sim/model/activity_monitor.h"

namespace tilesim::sim {

class CommandIf : public virtual sc_core::sc_interface {
 public:
  // Takes the oldest uOp out of FIFO `fifo` into *uop. False when the FIFO is
  // empty: *wait_on is then the event of the next uOp entering it.
  virtual bool take(std::size_t fifo, std::uint32_t* uop, const sc_core::sc_event** wait_on) = 0;
};

// A unit's way to its FIFO: the port to the channel and which FIFO is its own.
class CommandPort : public sc_core::sc_port<CommandIf> {
 public:
  // Binds the port to `queues`; `fifo` is one of its dma_fifo(e), compute_fifo().
  void bind_fifo(CommandIf& queues, std::size_t fifo) {
    bind(queues);
    fifo_ = fifo;
  }
  bool take(std::uint32_t* uop, const sc_core::sc_event** wait_on) { return (*this)->take(fifo_, uop, wait_on); }

 private:
  std::size_t fifo_ = 0;
};

class CommandQueues : public sc_core::sc_prim_channel, public CommandIf {
 public:
  // FIFOs 0 .. dma_engines-1 are the DMA engines', FIFO dma_engines the
  // compute unit's; each holds `dma_depth` or `compute_depth` uOps (>= 1).
  CommandQueues(const char* name, const sched::Schedule& schedule, std::size_t dma_engines, std::size_t dma_depth,
                std::size_t compute_depth, ActivityIf& activity);
  bool take(std::size_t fifo, std::uint32_t* uop, const sc_core::sc_event** wait_on) override;

  std::size_t dma_fifo(std::size_t engine) const { return engine; }
  std::size_t compute_fifo() const { return dma_engines_; }

 private:
  struct Fifo {
    std::vector<std::uint32_t> ring;  // capacity: the FIFO's depth
    std::size_t head = 0;             // the oldest uOp's place in ring
    std::size_t size = 0;
    bool watched = false;  // its unit waits on `arrived`
    sc_core::sc_event arrived;
  };
  // Issues uOps in list order until the next one's FIFO is full.
  void issue();

  const sched::Schedule& schedule_;
  ActivityIf& activity_;
  // The counts issue() asks for at every uOp, kept rather than divided out
  // of the vectors' byte sizes (a uOp is 92 bytes, a Fifo not a power of 2).
  const std::uint32_t uop_count_;
  const std::size_t dma_engines_;
  std::vector<Fifo> fifos_;
  std::uint32_t next_ = 0;       // the next uOp to issue
  std::size_t next_engine_ = 0;  // the DMA engine of the next DMA uOp
  bool started_ = false;         // the first issue, at the first take()
};

}  // namespace tilesim::sim
