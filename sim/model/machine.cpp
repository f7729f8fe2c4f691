#include "sim/model/machine.h"

#include <chrono>
#include <cstdio>

namespace tilesim::sim {

namespace {

double host_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

ProgressBar::ProgressBar(bool enabled, std::uint64_t total_uops)
    : enabled_(enabled && total_uops > 0), total_(total_uops), start_seconds_(host_seconds()) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fprintf(stderr, "\r%72s\r", "");
}

void ProgressBar::maybe_draw(const sc_core::sc_time& cycle) {
  const double now = host_seconds();
  if (now - start_seconds_ < 2.0 || now - last_draw_seconds_ < 0.5) return;
  last_draw_seconds_ = now;
  drawn_ = true;
  const double fraction = static_cast<double>(done_) / static_cast<double>(total_);
  const int filled = static_cast<int>(fraction * 20);
  std::fprintf(stderr, "\rtilesim: simulating [%.*s%*s] %3d%%  %.1fM of %.1fM uOps, cycle %.0f", filled,
               "####################", 20 - filled, "", static_cast<int>(fraction * 100),
               static_cast<double>(done_) / 1e6, static_cast<double>(total_) / 1e6, sc_core::sc_time_stamp() / cycle);
  std::fflush(stderr);
}

using sched::kNoUop;

const char* unit_name(int unit) { return unit == kDma ? "dma" : "compute"; }

Tokens::Tokens(const sched::Schedule& schedule) : schedule_(schedule), position_(schedule.uops.size()) {
  for (std::size_t i = 0; i < schedule.uops.size(); ++i) {
    const int unit = static_cast<int>(schedule.uops[i].unit());
    position_[i] = total_[unit]++;
  }
}

bool Tokens::ready(std::uint32_t uop, const sc_core::sc_event** wait_on) {
  const int self = static_cast<int>(schedule_.uops[uop].unit());
  const std::uint32_t dep = schedule_.uops[uop].dep;
  if (dep != kNoUop && dep >= schedule_.uops.size()) {  // a token nobody will ever hand out
    waiting_for_[self] = dep;
    *wait_on = &never_;
    return false;
  }
  if (dep != kNoUop) {
    const int unit = static_cast<int>(schedule_.uops[dep].unit());
    if (completed_[unit] <= position_[dep]) {
      waiting_for_[self] = dep;
      *wait_on = &advanced_[unit];
      return false;
    }
  }
  waiting_for_[self] = kNoUop;
  return true;
}

void Tokens::complete(int unit) {
  ++completed_[unit];
  advanced_[unit].notify(sc_core::SC_ZERO_TIME);
}

void Activity::set_busy(int unit, bool busy) {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  if (busy_[kDma] && busy_[kCompute]) overlap_ += now - last_;
  if (busy_[unit] && !busy) busy_time_[unit] += now - since_[unit];
  if (!busy_[unit] && busy) since_[unit] = now;
  busy_[unit] = busy;
  last_ = now;
}

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
                       (u.kind == sched::UopKind::Exec && (u.exec != sched::ExecKind::MatMul || u.zero_init));
    if (fresh && dst < slots) {
      ++born[i];
      if (!read_later[dst]) ++freed[i];  // a value nobody reads
      read_later[dst] = false;
    } else {
      read(u.addr);  // STORE, or a matmul step accumulating into its tile
    }
    for (int p = 0; p < u.num_srcs(); ++p) read(u.src_addr[p]);
  }
}

}  // namespace

Machine::Machine(const sched::Schedule& s, const HwConfig& h, const kernels::KernelSet* k,
                 const std::map<std::string, HostTensor>& inputs, bool show_progress)
    : schedule(s),
      hw(h),
      costs(h),
      kernels(k),
      cycle(static_cast<double>(h.cycle_ps()), sc_core::SC_PS),
      sram(k ? s : sched::Schedule{}),
      tokens(s),
      progress(show_progress, s.uops.size()) {
  if (kernels) dram = std::make_unique<Dram>(s, inputs);
}

std::int64_t Machine::now_cycle() const {
  return static_cast<std::int64_t>(sc_core::sc_time_stamp().value() / cycle.value());
}

void Machine::set_busy(int unit, bool busy, std::uint32_t uop) {
  activity.set_busy(unit, busy);
  if (!busy) last_finish_cycle = now_cycle();
  if (!trace) return;
  current_uop[unit] = uop;
  sram_tiles_in_use += busy ? sram_tiles_born[uop] : -static_cast<std::int64_t>(sram_tiles_freed[uop]);
  record_trace();
}

void Machine::enable_trace(const std::string& path, std::int64_t from_cycle, std::int64_t to_cycle) {
  trace = std::make_unique<VcdWriter>(path, accelerator_signals(), hw.cycle_ps(), from_cycle, to_cycle);
  sram_liveness(schedule, sram_tiles_born, sram_tiles_freed);
}

// The values of accelerator_signals(), in order.
void Machine::record_trace() {
  const bool dma = activity.is_busy(kDma), compute = activity.is_busy(kCompute);
  try {
    trace->record(now_cycle(), {dma, compute, dma && compute, current_uop[kDma], current_uop[kCompute],
                                static_cast<std::uint64_t>(queued[kDma]), static_cast<std::uint64_t>(queued[kCompute]),
                                static_cast<std::uint64_t>(sram_tiles_in_use) * sched::kTileBytes});
  } catch (const WriteFailed& e) {
    trace_failure = e.what();
    trace.reset();  // removes the temporary file; the old trace stays
    sc_core::sc_stop();
  }
}

}  // namespace tilesim::sim
