#include "sim/model/simulate.h"

#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "compiler/hw/cost_model.h"
#include "compiler/schedule/dram_layout.h"
#include "compiler/schedule/tile_format.h"
#include "compiler/support/input_error.h"
#include "compiler/support/interrupt.h"
#include "compiler/support/number_format.h"
#include "sim/memory/sram/uop_accesses.h"
#include "sim/model/accelerator.h"

namespace tilesim::sim {

namespace {

// The uOp a queue holds when it stalls: the first it has not completed.
std::string stall_report(const Accelerator& top, const sched::Schedule& schedule) {
  std::ostringstream out;
  out << "simulation stalled at cycle " << top.activity.now_cycle() << ":";
  for (const sched::Unit queue : {sched::Unit::Dma, sched::Unit::Compute}) {
    const std::uint32_t dep = top.tokens.waiting_for(queue);
    if (dep == sched::kNoUop) continue;
    const std::uint32_t stuck = top.tokens.head(queue);
    out << " " << sched::to_string(queue) << " unit holds uop " << stuck << " ("
        << sched::format_uop_head(schedule, schedule.uops[stuck]) << ") waiting for the token of uop " << dep;
    if (dep >= schedule.uops.size()) {
      out << ", which does not exist;";
    } else {
      out << " (" << sched::format_uop_head(schedule, schedule.uops[dep]) << "), which "
          << sched::to_string(schedule.uops[dep].unit()) << " never completes;";
    }
  }
  std::string text = out.str();
  text.pop_back();
  return text;
}

// Each layer's span from the monitor, its counts from the units (every uOp
// ran), the DMA part of its bound from the cost model.
void collect_layers(const Accelerator& top, const sched::Schedule& schedule, const LayerCounts& dma,
                    const LayerCounts& compute, SimStats& st) {
  const LayerActivity& activity = top.activity.layers();
  st.layers_known = activity.known();
  if (!st.layers_known) return;
  const std::vector<SramModule::LayerBytes>& sram = top.sram.layer_bytes();
  for (std::size_t l = 0; l < schedule.layers.size(); ++l) {
    UnitCounts counts = dma.layers()[l];
    counts += compute.layers()[l];
    const LayerActivity::Span& span = activity.spans()[l];
    LayerStats layer;
    layer.first_cycle = top.activity.cycles_of(span.first_start);
    layer.last_cycle = top.activity.cycles_of(span.last_complete);
    layer.loads = counts.loads;
    layer.stores = counts.stores;
    layer.execs = counts.execs();
    layer.bytes_loaded = counts.bytes_loaded;
    layer.bytes_stored = counts.bytes_stored;
    layer.matmul_execs = counts.matmul_execs;
    layer.vector_cycles = counts.vector_cycles;
    layer.sram_bytes_read = sram[l].read;
    layer.sram_bytes_written = sram[l].written;
    layer.bound_compute_cycles = counts.exec_cycles;
    layer.bound_dma_cycles = top.costs.dma_bound_cycles(schedule.layers[l].compulsory_bytes);
    st.layers.push_back(layer);
  }
}

SimStats collect_stats(Accelerator& top, const sched::Schedule& schedule) {
  SimStats st;
  st.cycles = top.activity.last_finish_cycle();
  st.dma_busy_cycles = top.activity.busy_cycles(sched::Unit::Dma);
  st.compute_busy_cycles = top.activity.busy_cycles(sched::Unit::Compute);
  st.overlap_cycles = top.activity.overlap_cycles();
  st.uops = static_cast<std::int64_t>(schedule.uops.size());
  const LayerCounts dma_layers = top.dma_counts();
  const UnitCounts dma = dma_layers.total();
  const UnitCounts compute = top.compute.counts().total();
  st.loads = dma.loads;
  st.stores = dma.stores;
  st.bytes_loaded = dma.bytes_loaded;
  st.bytes_stored = dma.bytes_stored;
  st.tile_ops = compute.uops;
  st.matmul_execs = compute.matmul_execs;
  st.vector_cycles = compute.vector_cycles;
  st.bound_compute_cycles = compute.exec_cycles;  // every EXEC back to back
  st.bound_dma_cycles = top.costs.dma_bound_cycles(schedule.compulsory_bytes);
  if (const dram::DramSystem* timing = top.dram ? top.dram->timing() : nullptr) {
    st.dram_timed = true;
    st.dram = timing->stats();
  }
  st.sram = top.sram.stats();
  collect_layers(top, schedule, dma_layers, top.compute.counts(), st);
  return st;
}

// Each layer's span lies within the run and is at least its bound; the
// layers' counts add up to the run's (docs/stats.md, "What always holds").
template <typename Require>
void check_layers(const SimStats& st, const Require& require) {
  if (!st.layers_known) return;
  LayerStats sum;
  for (std::size_t l = 0; l < st.layers.size(); ++l) {
    const LayerStats& layer = st.layers[l];
    const std::string name = "layer " + std::to_string(l);
    require(0 <= layer.first_cycle && layer.first_cycle <= layer.last_cycle && layer.last_cycle <= st.cycles,
            name + " spans cycles " + std::to_string(layer.first_cycle) + " to " + std::to_string(layer.last_cycle) +
                ", outside the run's 0 to " + std::to_string(st.cycles));
    require(layer.bound_cycles() <= layer.cycles(), name + " lower bound " + std::to_string(layer.bound_cycles()) +
                                                        " exceeds its " + std::to_string(layer.cycles()) + " cycles");
    sum.loads += layer.loads, sum.stores += layer.stores, sum.execs += layer.execs;
    sum.bytes_loaded += layer.bytes_loaded, sum.bytes_stored += layer.bytes_stored;
    sum.matmul_execs += layer.matmul_execs, sum.vector_cycles += layer.vector_cycles;
    sum.sram_bytes_read += layer.sram_bytes_read, sum.sram_bytes_written += layer.sram_bytes_written;
  }
  std::int64_t sram_read = 0, sram_written = 0;
  for (const SramRequesterStats& r : st.sram) sram_read += r.bytes_read, sram_written += r.bytes_written;
  require(sum.matmul_execs == st.matmul_execs && sum.vector_cycles == st.vector_cycles &&
              sum.sram_bytes_read == sram_read && sum.sram_bytes_written == sram_written,
          "the layers' EXEC work and SRAM bytes do not add up to the run's");
  require(sum.loads == st.loads && sum.stores == st.stores && sum.execs == st.tile_ops &&
              sum.bytes_loaded == st.bytes_loaded && sum.bytes_stored == st.bytes_stored,
          "the layers' LOADs, STOREs, EXECs and bytes do not add up to the run's");
}

// No figure that breaks its own definition is ever printed: such a run is a
// bug in the simulator (exit 1), not a result.
void check_consistency(const SimStats& st, const sched::Schedule& schedule) {
  auto require = [](bool holds, const std::string& what) {
    if (!holds) throw std::logic_error("internal check failed: " + what);
  };
  const auto n = [](std::int64_t v) { return std::to_string(v); };
  require(st.dma_busy_cycles <= st.cycles && st.compute_busy_cycles <= st.cycles,
          "busy cycles (dma " + n(st.dma_busy_cycles) + ", compute " + n(st.compute_busy_cycles) + ") exceed the " +
              n(st.cycles) + " cycles of the run");
  require(st.overlap_cycles <= std::min(st.dma_busy_cycles, st.compute_busy_cycles),
          "overlap " + n(st.overlap_cycles) + " exceeds a unit's busy cycles");
  require(st.bound_cycles() <= st.cycles,
          "lower bound " + n(st.bound_cycles()) + " exceeds the " + n(st.cycles) + " simulated cycles");
  require(st.loads == schedule.loads && st.stores == schedule.stores && st.tile_ops == schedule.execs,
          "the units did " + n(st.loads) + " LOADs, " + n(st.stores) + " STOREs and " + n(st.tile_ops) +
              " EXECs; the schedule has " + n(schedule.loads) + ", " + n(schedule.stores) + " and " +
              n(schedule.execs));
  check_layers(st, require);
  const dram::DramChannelStats& d = st.dram.total;
  require(d.row_hits + d.row_misses + d.row_conflicts == d.reads + d.writes,
          "the DRAM's row hits, misses and conflicts (" + std::to_string(d.row_hits + d.row_misses + d.row_conflicts) +
              ") are not its " + std::to_string(d.reads + d.writes) + " reads and writes");
}

void configure_reports() {
  using sc_core::sc_report_handler;
  sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
}

}  // namespace

namespace {

// The longest a run of the schedule could last, split into a part in cycles
// of the accelerator's clock and a part in ps of the DRAM's own clock
// (docs/cycle-model.md, "Time range"): every uOp's own cycles one after the
// other, every SRAM port cycle, and on a timed DRAM every burst alone, issued
// after its port interval and paying every timing parameter of the DRAM.
struct LongestRun {
  double cycles = 0;
  double dram_ps = 0;
};

LongestRun longest_run(const sched::Schedule& schedule, const HwConfig& hw, const sched::TransferBytes& bytes) {
  LongestRun run;
  run.cycles = static_cast<double>(CostModel(hw).serial_cycles(schedule, bytes)) +
               static_cast<double>(sram_serial_port_cycles(schedule, hw.sram.banks));
  if (hw.dram.ideal) return run;
  const DramConfig& d = hw.dram;
  const double burst_worst_ps =
      static_cast<double>(d.tRFC + d.tRC + d.tRAS + d.tRP + d.tRCD + d.CL + d.CWL + d.burst_cycles() + d.tWR + d.tRTP +
                          d.tRTW + d.tWTR_L + d.tFAW + d.tRRD_L + d.tCCD_L + d.tRTRS) *
      static_cast<double>(d.tck_ps);
  const double interval = static_cast<double>((d.burst_bytes() + hw.dma.bytes_per_cycle - 1) / hw.dma.bytes_per_cycle);
  sched::DramSpans spans;
  std::vector<std::uint64_t> bursts;
  double count = 0;
  for (const sched::Uop& uop : schedule.uops) {
    if (uop.kind == sched::UopKind::Exec) continue;
    sched::tile_bursts(schedule, uop.tile, static_cast<std::uint64_t>(d.burst_bytes()), &spans, &bursts);
    count += static_cast<double>(bursts.size());
  }
  run.cycles += count * (interval + 1);  // + 1: a done time rounded up to the cycle
  run.dram_ps = count * burst_worst_ps;
  return run;
}

}  // namespace

std::int64_t check_time_range(const sched::Schedule& schedule, const HwConfig& hw, const sched::TransferBytes& bytes) {
  constexpr double kMaxPs = 9223372036854775807.0;  // 2^63 - 1
  const LongestRun run = longest_run(schedule, hw, bytes);
  const double ps_per_cycle = 1e6 / hw.clock_mhz;
  if (run.cycles * ps_per_cycle + run.dram_ps < kMaxPs) {
    const double cycles = run.cycles + std::ceil(run.dram_ps / static_cast<double>(hw.cycle_ps()));
    return cycles >= 9.2e18 ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(cycles);
  }
  std::ostringstream problem, expected;
  problem << "at " << format_number(hw.clock_mhz) << " MHz a cycle is " << format_number(ps_per_cycle)
          << " ps, and this schedule may take up to " << format_number(run.cycles) << " cycles";
  if (run.dram_ps > 0) problem << " and " << format_number(run.dram_ps) << " ps in DRAM";
  problem << " (every uOp one after the other): past the simulator's 64-bit time of 2^63 ps (106 days)";
  const std::string where = hw.source.empty() ? "hardware" : hw.source;
  if (run.dram_ps >= kMaxPs) throw InputError(where, "clock_mhz", problem.str(), "a schedule with fewer DRAM bursts");
  // The slowest clock that fits, rounded up to two significant digits.
  const double slowest = run.cycles * 1e6 / (kMaxPs - run.dram_ps);
  const double step = std::pow(10.0, std::floor(std::log10(slowest)) - 1);
  expected << "clock_mhz >= " << std::setprecision(2) << std::ceil(slowest / step) * step << " for this schedule";
  throw InputError(where, "clock_mhz", problem.str(), expected.str());
}

SimResult simulate(const sched::Schedule& schedule, const HwConfig& hw, const std::map<std::string, HostTensor>& inputs,
                   const SimOptions& options) {
  // Preparation, before the clock: one gather of each view tile a LOAD names
  // for the whole run (none when the scheduler's is still valid), and the
  // time-range check that needs it.
  const sched::TransferBytes bytes(schedule);
  const std::int64_t horizon = check_time_range(schedule, hw, bytes);  // a trace window past it is past the end
  const auto wall_start = std::chrono::steady_clock::now();
  configure_reports();
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  Accelerator top("accelerator", schedule, bytes, hw, options.kernels, options.progress, {}, options.host_threads >= 2,
                  options.check_threads);
  if (options.kernels) top.dram->image().write_inputs(inputs, options.seed, options.host_threads);
  if (!options.vcd_path.empty()) {
    top.activity.enable_trace(options.vcd_path, hw.cycle_ps(), std::min(options.trace_from_cycle, horizon),
                              options.trace_to_cycle < 0 ? -1 : std::min(options.trace_to_cycle, horizon + 1),
                              TraceLayout::of(hw, schedule));
  }
  sc_core::sc_start();
  if (top.exec_worker) top.exec_worker->drain();  // every EXEC's bytes in the SRAM (or its failure thrown)

  if (!top.activity.trace_failure().empty()) throw WriteFailed(top.activity.trace_failure());
  SimResult result;
  if (top.exec_worker) result.thread_check = top.exec_worker->check();
  if (const int signal = pending_interrupt()) {
    result.interrupted_by = signal;
    result.stats.cycles = top.activity.now_cycle();
    result.trace = top.activity.finish_trace(result.stats.cycles);
    return result;
  }
  for (const sched::Unit queue : {sched::Unit::Dma, sched::Unit::Compute}) {
    if (top.tokens.head(queue) != schedule.uops.size()) throw SimulationStalled(stall_report(top, schedule));
  }
  // The DRAM's statistics (and trace) hold every command before the run's end.
  if (top.dram) top.dram->finish(top.activity.last_finish_cycle() * hw.cycle_ps());
  result.stats = collect_stats(top, schedule);
  check_consistency(result.stats, schedule);
  result.trace = top.activity.finish_trace(result.stats.cycles);
  if (options.kernels) {
    for (std::size_t t = 0; t < schedule.tensors.size(); ++t) {
      if (schedule.tensors[t].is_graph_output) {
        result.outputs[schedule.tensors[t].name] = top.dram->image().read_tensor(static_cast<std::int32_t>(t));
      }
    }
  }
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return result;
}

}  // namespace tilesim::sim
