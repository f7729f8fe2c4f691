#include "sim/model/activity_monitor.h"

#include <algorithm>

namespace tilesim::sim {

namespace {

// Which SRAM tiles hold live data: a slot is live from the uOp that writes a
// fresh value into it to the last uOp that reads that value. Walking
// backwards, a read with no later read of the same slot ends a live range.
void sram_liveness(const sched::Schedule& s, std::vector<std::uint8_t>& born, std::vector<std::uint8_t>& freed) {
  const std::size_t slots = static_cast<std::size_t>(s.sram_bytes / sched::kTileBytes);
  born.assign(s.uops.size(), 0);
  freed.assign(s.uops.size(), 0);
  std::vector<bool> read_later(slots, false);
  for (std::size_t i = s.uops.size(); i-- > 0;) {
    const sched::Uop& u = s.uops[i];
    auto read = [&](std::uint32_t address) {
      const std::size_t slot = address / sched::kTileBytes;
      if (slot < slots && !read_later[slot]) {
        ++freed[i];
        read_later[slot] = true;
      }
    };
    const std::size_t dst = u.addr / sched::kTileBytes;
    const bool fresh = u.kind == sched::UopKind::Load ||
                       (u.kind == sched::UopKind::Exec && (!sched::is_accumulating(u.exec) || u.zero_init));
    if (fresh && dst < slots) {
      ++born[i];
      if (!read_later[dst]) ++freed[i];  // a value nobody reads
      read_later[dst] = false;
    } else {
      read(u.addr);  // STORE, or a matmul or pooling step accumulating into its tile
    }
    for (int p = 0; p < u.num_srcs(); ++p) {
      if (u.src[p].valid()) read(u.src_addr[p]);
    }
  }
}

}  // namespace

ActivityMonitor::ActivityMonitor(const char* name, const sched::Schedule& schedule, sc_core::sc_time cycle,
                                 bool progress)
    : sc_core::sc_prim_channel(name),
      schedule_(schedule),
      cycle_(cycle),
      progress_(progress, schedule.uops.size()),
      layers_(schedule) {}

void ActivityMonitor::set_busy(sched::Unit role, bool busy, std::uint32_t uop, const sc_core::sc_time& now) {
  if (trace_) trace_dram_before_now();  // recorded with the state before this change
  const std::size_t r = index(role);
  if (role_busy(0) && role_busy(1)) overlap_ += now - last_;
  last_ = now;
  if (busy) {
    if (busy_units_[r]++ == 0) since_[r] = now;
    layers_.started(uop, now.value());
  } else {
    if (--busy_units_[r] == 0) busy_time_[r] += now - since_[r];
    last_finish_ = now;
    layers_.completed(uop, now.value());
    progress_.uop_done(cycle_);
  }
  if (!trace_) return;
  trace_advance(cycles(now));
  // Several engines at one instant: the highest id, whatever order their
  // processes ran in (one unit's uOps start and end in ascending order anyway).
  if (now.value() != shown_at_[r] || uop > current_uop_[r]) current_uop_[r] = uop;
  shown_at_[r] = now.value();
  sram_tiles_in_use_ += busy ? sram_tiles_born_[uop] : -static_cast<std::int64_t>(sram_tiles_freed_[uop]);
  update_values();
}

void ActivityMonitor::queue_changed(sched::Unit role, int delta) {
  if (!trace_) return;
  trace_dram_before_now();
  trace_advance(now_cycle());
  queued_[index(role)] += delta;
  update_values();
}

void ActivityMonitor::set_sram_stall(sched::Unit role, bool stalled) {
  if (!trace_) return;
  trace_dram_before_now();
  const std::size_t r = index(role);
  sram_stalled_[r] += stalled ? 1 : -1;
  if (!layout_.sram_stalls) return;
  trace_advance(now_cycle());
  values_[layout_.sram_stall_index(r)] = sram_stalled_[r] > 0;
  update_values();
}

bool ActivityMonitor::trace_dram(DramTraceSource& source) {
  if (!trace_ || layout_.dram_channels == 0) return false;
  dram_ = &source;
  return true;
}

void ActivityMonitor::dram_channel(std::size_t channel, std::int64_t at_ps, const DramChannelTrace& state) {
  if (!trace_ || channel >= layout_.dram_channels) return;
  const std::int64_t cycle_ps = static_cast<std::int64_t>(cycle_.value());
  trace_advance((at_ps + cycle_ps - 1) / cycle_ps);  // the DRAM's instants fall between cycles: round up
  values_[layout_.dram_index(channel, DramSignal::Busy)] = state.busy;
  values_[layout_.dram_index(channel, DramSignal::RowHits)] = state.row_hits;
  values_[layout_.dram_index(channel, DramSignal::Refreshes)] = state.refreshes;
  update_values();
}

void ActivityMonitor::enable_trace(const std::string& path, std::int64_t cycle_ps, std::int64_t from_cycle,
                                   std::int64_t to_cycle, const TraceLayout& layout) {
  layout_ = layout;
  const std::vector<VcdSignal> signals = layout.signals();
  values_.assign(signals.size(), 0);
  if (layout.layers) values_[layout.layer_index(0)] = values_[layout.layer_index(1)] = kVcdNone;  // idle
  trace_ = std::make_unique<VcdWriter>(path, signals, cycle_ps, from_cycle, to_cycle);
  sram_liveness(schedule_, sram_tiles_born_, sram_tiles_freed_);
}

StagedFile ActivityMonitor::finish_trace(std::int64_t end_cycle) {
  if (!trace_) return StagedFile();
  if (values_changed_) trace_->record(trace_cycle_, values_);  // a write error throws, as finish's
  return trace_->finish(end_cycle);
}

// Changes at `cycle` follow (a cycle before the latest counts as the latest:
// the trace never goes back). When `cycle` is a later one, the values the
// latest cycle ended with go to the writer: one record per cycle with a
// change, not one per change (several uOps start, end and move at a cycle).
void ActivityMonitor::trace_advance(std::int64_t cycle) {
  if (cycle <= trace_cycle_) return;
  if (values_changed_) {
    values_changed_ = false;
    try {
      trace_->record(trace_cycle_, values_);
    } catch (const WriteFailed& e) {
      trace_failure_ = e.what();
      trace_.reset();  // removes the temporary file; the old trace stays
      sc_core::sc_stop();
      return;
    }
  }
  trace_cycle_ = cycle;
}

// The values of the accelerator's signals, in the order of
// accelerator_signals(); the others are kept up to date in values_ as they change.
void ActivityMonitor::update_values() {
  constexpr std::size_t kDma = 0, kCompute = 1;
  const bool dma = role_busy(kDma), compute = role_busy(kCompute);
  values_[0] = dma;
  values_[1] = compute;
  values_[2] = dma && compute;
  values_[3] = current_uop_[kDma];
  values_[4] = current_uop_[kCompute];
  values_[5] = static_cast<std::uint64_t>(queued_[kDma]);
  values_[6] = static_cast<std::uint64_t>(queued_[kCompute]);
  values_[7] = static_cast<std::uint64_t>(sram_tiles_in_use_) * sched::kTileBytes;
  if (layout_.layers) {
    values_[layout_.layer_index(kDma)] = dma ? layers_.layer_of(current_uop_[kDma]) : kVcdNone;
    values_[layout_.layer_index(kCompute)] = compute ? layers_.layer_of(current_uop_[kCompute]) : kVcdNone;
  }
  values_changed_ = true;
}

}  // namespace tilesim::sim
