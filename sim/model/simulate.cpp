#include "sim/model/simulate.h"

#include <cmath>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include "compiler/hw/cost_model.h"
#include "compiler/schedule/tile_format.h"
#include "compiler/support/input_error.h"
#include "compiler/support/interrupt.h"
#include "compiler/support/number_format.h"
#include "sim/model/machine.h"
#include "sim/model/units.h"

namespace tilesim::sim {

namespace {

// Every time in the simulation is a whole number of cycles.
std::int64_t to_cycles(const sc_core::sc_time& t, const sc_core::sc_time& cycle) {
  return static_cast<std::int64_t>(t.value() / cycle.value());
}

// The top level: the FIFOs and the three processes around the shared machine.
SC_MODULE(Accelerator) {
  sc_core::sc_fifo<std::uint32_t> dma_commands;
  sc_core::sc_fifo<std::uint32_t> compute_commands;
  Sequencer sequencer;
  DmaEngine dma;
  ComputeUnit compute;

  Accelerator(sc_core::sc_module_name name, Machine & m)
      : sc_core::sc_module(name),
        dma_commands("dma_commands", static_cast<int>(m.hw.dma.queue_depth)),
        compute_commands("compute_commands", static_cast<int>(m.hw.compute.queue_depth)),
        sequencer("sequencer", m),
        dma("dma", m),
        compute("compute", m) {
    sequencer.to_dma(dma_commands);
    sequencer.to_compute(compute_commands);
    dma.commands(dma_commands);
    compute.commands(compute_commands);
  }
};

std::string stall_report(const Machine& m) {
  std::ostringstream out;
  out << "simulation stalled at cycle " << to_cycles(sc_core::sc_time_stamp(), m.cycle) << ":";
  for (int unit : {kDma, kCompute}) {
    const std::uint32_t dep = m.tokens.waiting_for(unit);
    if (dep == sched::kNoUop) continue;
    // The uOp the unit holds is the first it has not completed.
    std::uint32_t seen = 0, stuck = 0;
    for (std::uint32_t i = 0; i < m.schedule.uops.size(); ++i) {
      if (static_cast<int>(m.schedule.uops[i].unit()) != unit) continue;
      if (seen++ == m.tokens.completed(unit)) {
        stuck = i;
        break;
      }
    }
    out << " " << unit_name(unit) << " unit holds uop " << stuck << " ("
        << sched::format_uop_head(m.schedule, m.schedule.uops[stuck]) << ") waiting for the token of uop " << dep;
    if (dep >= m.schedule.uops.size()) {
      out << ", which does not exist;";
    } else {
      out << " (" << sched::format_uop_head(m.schedule, m.schedule.uops[dep]) << "), which "
          << unit_name(static_cast<int>(m.schedule.uops[dep].unit())) << " never completes;";
    }
  }
  std::string text = out.str();
  text.pop_back();
  return text;
}

SimStats collect_stats(const Machine& machine) {
  SimStats st;
  st.cycles = machine.last_finish_cycle;
  st.dma_busy_cycles = to_cycles(machine.activity.busy(kDma), machine.cycle);
  st.compute_busy_cycles = to_cycles(machine.activity.busy(kCompute), machine.cycle);
  st.overlap_cycles = to_cycles(machine.activity.overlap(), machine.cycle);
  st.uops = static_cast<std::int64_t>(machine.schedule.uops.size());
  st.loads = machine.done.loads;
  st.stores = machine.done.stores;
  st.tile_ops = machine.done.execs;
  st.bytes_loaded = machine.done.bytes_loaded;
  st.bytes_stored = machine.done.bytes_stored;
  st.bound_compute_cycles = machine.costs.compute_bound_cycles(machine.schedule);
  st.bound_dma_cycles = machine.costs.dma_bound_cycles(machine.schedule.compulsory_bytes);
  return st;
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
}

void configure_reports() {
  using sc_core::sc_report_handler;
  sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
}

}  // namespace

void check_time_range(const sched::Schedule& schedule, const HwConfig& hw) {
  constexpr double kMaxPs = 9223372036854775807.0;  // 2^63 - 1
  const std::int64_t worst_cycles = CostModel(hw).serial_cycles(schedule);
  const double ps_per_cycle = 1e6 / hw.clock_mhz;
  if (static_cast<double>(worst_cycles) * ps_per_cycle < kMaxPs) return;
  std::ostringstream problem, expected;
  problem << "at " << format_number(hw.clock_mhz) << " MHz a cycle is " << format_number(ps_per_cycle)
          << " ps, and this schedule may take up to " << worst_cycles
          << " cycles (every uOp one after the other): past the simulator's 64-bit time of 2^63 ps (106 days)";
  // The slowest clock that fits, rounded up to two significant digits.
  const double slowest = static_cast<double>(worst_cycles) * 1e6 / kMaxPs;
  const double step = std::pow(10.0, std::floor(std::log10(slowest)) - 1);
  expected << "clock_mhz >= " << std::setprecision(2) << std::ceil(slowest / step) * step << " for this schedule";
  throw InputError(hw.source.empty() ? "hardware" : hw.source, "clock_mhz", problem.str(), expected.str());
}

SimResult simulate(const sched::Schedule& schedule, const HwConfig& hw, const std::map<std::string, HostTensor>& inputs,
                   const SimOptions& options) {
  check_time_range(schedule, hw);
  const auto wall_start = std::chrono::steady_clock::now();
  configure_reports();
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  Machine machine(schedule, hw, options.kernels, inputs, options.progress);
  if (!options.vcd_path.empty()) {
    const std::int64_t horizon = CostModel(hw).serial_cycles(schedule);  // a window past it is past the end
    machine.enable_trace(options.vcd_path, std::min(options.trace_from_cycle, horizon),
                         options.trace_to_cycle < 0 ? -1 : std::min(options.trace_to_cycle, horizon + 1));
  }
  Accelerator top("accelerator", machine);
  sc_core::sc_start();

  if (!machine.trace_failure.empty()) throw WriteFailed(machine.trace_failure);
  SimResult result;
  if (const int signal = pending_interrupt()) {
    result.interrupted_by = signal;
    result.stats.cycles = machine.now_cycle();
    if (machine.trace) result.trace = machine.trace->finish(result.stats.cycles);
    return result;
  }
  for (int unit : {kDma, kCompute}) {
    if (machine.tokens.completed(unit) != machine.tokens.total(unit)) throw SimulationStalled(stall_report(machine));
  }
  result.stats = collect_stats(machine);
  check_consistency(result.stats, schedule);
  if (machine.trace) result.trace = machine.trace->finish(result.stats.cycles);
  if (machine.dram) {
    for (std::size_t t = 0; t < schedule.tensors.size(); ++t) {
      if (schedule.tensors[t].is_graph_output) {
        result.outputs[schedule.tensors[t].name] = machine.dram->read_tensor(static_cast<std::int32_t>(t));
      }
    }
  }
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return result;
}

}  // namespace tilesim::sim
