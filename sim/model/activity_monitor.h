// What the units report about themselves, and everything measured from it:
// busy time per role (the DMA side, the compute side), their overlap, when the
// last uOp ended, each layer's span (layer_activity.h), the progress bar and
// the VCD trace. A SystemC channel the
// units reach through ports (sc_port<ActivityIf>); the DRAM module reports
// its channels through a second interface (sc_port<DramActivityIf>), for the
// trace only.
//
// Contract: a role is busy while at least one of its units runs a uOp; busy
// and overlap are measured in simulated time and reported in whole cycles.
// Tracing is optional and never changes a figure; a trace write that fails
// stops the simulation (trace_failure() says why) instead of throwing out of a
// SystemC process. The trace holds the signals of TraceLayout
// (sim/trace/trace_signals.h); a DRAM instant is shown at the first cycle at
// or after it.
#pragma once

#include <systemc>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/schedule/schedule.h"
#include "sim/model/cycle_clock.h"
#include "sim/model/layer_activity.h"
#include "sim/model/progress_bar.h"
#include "sim/trace/trace_signals.h"
#include "sim/trace/vcd_writer.h"

namespace tilesim::sim {

class ActivityIf : public virtual sc_core::sc_interface {
 public:
  // A unit of `role` starts (busy) or ends (!busy) uOp `uop`; `now` is
  // sc_time_stamp(), which the unit has at hand (a library call saved twice a uOp).
  virtual void set_busy(sched::Unit role, bool busy, std::uint32_t uop, const sc_core::sc_time& now) = 0;
  // A uOp entered (+1) or left (-1) a command FIFO of `role`.
  virtual void queue_changed(sched::Unit role, int delta) = 0;
  // A unit of `role` starts (true) or ends (false) waiting for the SRAM's
  // ports past its own cycles (docs/cycle-model.md, "SRAM banks").
  virtual void set_sram_stall(sched::Unit role, bool stalled) = 0;
};

// A timed DRAM's channels, as the trace shows them (docs/traces.md).
struct DramChannelTrace {
  bool busy = false;            // a request queued or in flight
  std::uint64_t row_hits = 0;   // so far (DramChannelStats::row_hits)
  std::uint64_t refreshes = 0;  // so far (DramChannelStats::refreshes)
  bool operator==(const DramChannelTrace& o) const {
    return busy == o.busy && row_hits == o.row_hits && refreshes == o.refreshes;
  }
};

// What the monitor asks of a traced DRAM: issue, and report, every command
// due strictly before `ps` that no request waits for (refreshes of idle
// channels), so that the trace, written in time order, shows each at its
// instant. Changes no result.
class DramTraceSource {
 public:
  virtual void trace_before(std::int64_t ps) = 0;

 protected:
  ~DramTraceSource() = default;
};

class DramActivityIf : public virtual sc_core::sc_interface {
 public:
  // Whether the trace shows the DRAM (asked once, as the simulation starts).
  // If so, the monitor calls source.trace_before(now) before it records
  // anything else at `now`; if not, the DRAM reports nothing.
  virtual bool trace_dram(DramTraceSource& source) = 0;
  // Channel `channel` is in `state` from simulated time `at_ps` on.
  virtual void dram_channel(std::size_t channel, std::int64_t at_ps, const DramChannelTrace& state) = 0;
};

class ActivityMonitor : public sc_core::sc_prim_channel, public ActivityIf, public DramActivityIf {
 public:
  ActivityMonitor(const char* name, const sched::Schedule& schedule, sc_core::sc_time cycle, bool progress);
  void set_busy(sched::Unit role, bool busy, std::uint32_t uop, const sc_core::sc_time& now) override;
  void queue_changed(sched::Unit role, int delta) override;
  void set_sram_stall(sched::Unit role, bool stalled) override;
  bool trace_dram(DramTraceSource& source) override;
  void dram_channel(std::size_t channel, std::int64_t at_ps, const DramChannelTrace& state) override;

  // Records the signals of docs/traces.md (those `layout` holds) into a VCD at `path`.
  void enable_trace(const std::string& path, std::int64_t cycle_ps, std::int64_t from_cycle, std::int64_t to_cycle,
                    const TraceLayout& layout);
  // The staged trace up to `end_cycle` (call once, after the run).
  StagedFile finish_trace(std::int64_t end_cycle);
  const std::string& trace_failure() const { return trace_failure_; }

  std::int64_t busy_cycles(sched::Unit role) const { return cycles(busy_time_[index(role)]); }
  std::int64_t overlap_cycles() const { return cycles(overlap_); }
  std::int64_t last_finish_cycle() const { return cycles(last_finish_); }
  const LayerActivity& layers() const { return layers_; }
  // A time the monitor reported (LayerActivity's units) in whole cycles.
  std::int64_t cycles_of(std::uint64_t time) const { return whole_cycles(cycle_, sc_core::sc_time::from_value(time)); }
  std::int64_t now_cycle() const { return cycles(sc_core::sc_time_stamp()); }

 private:
  static std::size_t index(sched::Unit role) { return static_cast<std::size_t>(role); }
  std::int64_t cycles(const sc_core::sc_time& t) const { return whole_cycles(cycle_, t); }
  bool role_busy(std::size_t role) const { return busy_units_[role] > 0; }
  void trace_advance(std::int64_t cycle);
  void update_values();  // values_ of the state after a change at trace_cycle_
  // Before a unit's change at the current time: the DRAM's earlier instants first.
  void trace_dram_before_now() {
    if (dram_ != nullptr) dram_->trace_before(static_cast<std::int64_t>(sc_core::sc_time_stamp().value()));
  }

  const sched::Schedule& schedule_;
  sc_core::sc_time cycle_;
  ProgressBar progress_;
  std::array<int, 2> busy_units_{0, 0};
  std::array<sc_core::sc_time, 2> since_{};
  std::array<sc_core::sc_time, 2> busy_time_{};
  sc_core::sc_time overlap_ = sc_core::SC_ZERO_TIME;
  sc_core::sc_time last_ = sc_core::SC_ZERO_TIME;
  sc_core::sc_time last_finish_;  // a time, not a cycle: no division at every uOp's end
  LayerActivity layers_;

  // Tracing only.
  std::unique_ptr<VcdWriter> trace_;
  std::string trace_failure_;
  std::array<std::uint32_t, 2> current_uop_{0, 0};
  std::array<std::uint64_t, 2> shown_at_{~std::uint64_t{0}, ~std::uint64_t{0}};  // when current_uop_ was set (ps)
  std::array<std::int64_t, 2> queued_{0, 0};
  std::array<int, 2> sram_stalled_{0, 0};
  TraceLayout layout_;
  DramTraceSource* dram_ = nullptr;    // traced DRAM, if any
  std::vector<std::uint64_t> values_;  // of layout_.signals(), as last recorded
  std::int64_t trace_cycle_ = 0;       // the latest cycle with a change: the trace never goes back
  bool values_changed_ = false;        // at trace_cycle_, not yet recorded
  // SRAM tiles that become live when each uOp starts and dead when it ends.
  std::vector<std::uint8_t> sram_tiles_born_, sram_tiles_freed_;
  std::int64_t sram_tiles_in_use_ = 0;
};

}  // namespace tilesim::sim
