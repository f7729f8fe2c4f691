// State shared by the modules of one simulation: the schedule, the memories,
// the dependency tokens and the activity counters. Internal to sim/model.
#pragma once

#include <systemc>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "compiler/hw/cost_model.h"
#include "compiler/hw/hw_config.h"
#include "compiler/schedule/schedule.h"
#include "kernels/kernel_set.h"
#include "sim/model/memories.h"
#include "sim/trace/vcd_writer.h"

namespace tilesim::sim {

inline constexpr int kDma = 0;
inline constexpr int kCompute = 1;
inline constexpr int kUnits = 2;
const char* unit_name(int unit);

// "tilesim: simulating [#####     ] 52% ..." on stderr, for long runs on a
// terminal: nothing for the first ~2 s, then about twice a second.
class ProgressBar {
 public:
  ProgressBar(bool enabled, std::uint64_t total_uops);
  ~ProgressBar();  // clears the line it drew
  void uop_done(const sc_core::sc_time& cycle) {
    if (enabled_ && (++done_ & 0xFFF) == 0) maybe_draw(cycle);
  }

 private:
  void maybe_draw(const sc_core::sc_time& cycle);
  bool enabled_;
  bool drawn_ = false;
  std::uint64_t done_ = 0;
  std::uint64_t total_;
  double start_seconds_;
  double last_draw_seconds_ = 0;
};

// Dependency tokens. Each unit runs its uOps in order, so "uOp d has
// completed" is "the unit of d has completed more than d's position in its
// queue": one counter per unit replaces a token per uOp.
class Tokens {
 public:
  explicit Tokens(const sched::Schedule& schedule);
  // Whether uop's dependency has completed. When not, records what the
  // unit of uop waits for (the stall report) and returns the event that
  // announces progress of the unit it waits on.
  bool ready(std::uint32_t uop, const sc_core::sc_event** wait_on);
  void complete(int unit);
  std::uint32_t completed(int unit) const { return completed_[unit]; }
  std::uint32_t total(int unit) const { return total_[unit]; }
  // For the stall report: what each unit is blocked on (kNoUop: nothing).
  std::uint32_t waiting_for(int unit) const { return waiting_for_[unit]; }

 private:
  const sched::Schedule& schedule_;
  std::vector<std::uint32_t> position_;  // uop id -> index in its unit's queue
  std::array<std::uint32_t, kUnits> completed_{0, 0};
  std::array<std::uint32_t, kUnits> total_{0, 0};
  std::array<std::uint32_t, kUnits> waiting_for_{sched::kNoUop, sched::kNoUop};
  std::array<sc_core::sc_event, kUnits> advanced_;
  sc_core::sc_event never_;  // for a dependency on a uOp that does not exist
};

// Busy time per unit and the time both were busy, measured in simulated time.
class Activity {
 public:
  void set_busy(int unit, bool busy);
  sc_core::sc_time busy(int unit) const { return busy_time_[unit]; }
  sc_core::sc_time overlap() const { return overlap_; }
  bool is_busy(int unit) const { return busy_[unit]; }

 private:
  std::array<bool, kUnits> busy_{false, false};
  std::array<sc_core::sc_time, kUnits> since_{};
  std::array<sc_core::sc_time, kUnits> busy_time_{};
  sc_core::sc_time overlap_ = sc_core::SC_ZERO_TIME;
  sc_core::sc_time last_ = sc_core::SC_ZERO_TIME;
};

// What the units did, counted as each uOp finishes.
struct DoneCounts {
  std::int64_t loads = 0, stores = 0, execs = 0;
  std::int64_t bytes_loaded = 0, bytes_stored = 0;
};

struct Machine {
  Machine(const sched::Schedule& s, const HwConfig& h, const kernels::KernelSet* k,
          const std::map<std::string, HostTensor>& inputs, bool show_progress);

  const sched::Schedule& schedule;
  const HwConfig& hw;
  const CostModel costs;
  const kernels::KernelSet* kernels;  // nullptr: timing only
  sc_core::sc_time cycle;
  Sram sram;
  std::unique_ptr<Dram> dram;  // absent in timing-only runs
  Tokens tokens;
  Activity activity;
  DoneCounts done;
  ProgressBar progress;
  std::unique_ptr<VcdWriter> trace;  // absent in untraced runs
  // A write of the trace failed (WriteFailed's message): the simulation was
  // stopped, and simulate() reports it once SystemC has returned (an exception
  // leaving a process would become a SystemC error report).
  std::string trace_failure;
  // SRAM tiles that become live when each uOp starts and dead when it ends
  // (for the trace only).
  std::vector<std::uint8_t> sram_tiles_born, sram_tiles_freed;
  std::int64_t sram_tiles_in_use = 0;
  std::array<std::uint32_t, kUnits> current_uop{0, 0};
  std::array<std::int64_t, kUnits> queued{0, 0};  // uOps waiting in each command FIFO
  std::int64_t last_finish_cycle = 0;             // when the last uOp so far ended

  std::int64_t now_cycle() const;
  void set_busy(int unit, bool busy, std::uint32_t uop);
  // The sequencer queued (+1) or a unit took (-1) a command.
  void queue_changed(int unit, int delta) {
    if (!trace) return;
    queued[unit] += delta;
    record_trace();
  }
  void enable_trace(const std::string& path, std::int64_t from_cycle, std::int64_t to_cycle);
  void record_trace();
  // A unit finished a uOp: hand out its token, advance the progress bar.
  void complete(int unit) {
    tokens.complete(unit);
    progress.uop_done(cycle);
  }
};

}  // namespace tilesim::sim
