#include "sim/model/simulate.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "compiler/schedule/tile_format.h"
#include "sim/model/machine.h"
#include "sim/model/units.h"

namespace tilesim::sim {

volatile std::sig_atomic_t g_interrupt_signal = 0;

void request_interrupt(int signal) noexcept { g_interrupt_signal = signal; }

int pending_interrupt() noexcept { return g_interrupt_signal; }

SimulationInterrupted::SimulationInterrupted(std::int64_t at_cycle, int sig)
    : std::runtime_error("simulation interrupted at cycle " + std::to_string(at_cycle)), cycle(at_cycle), signal(sig) {}

namespace {

std::int64_t to_cycles(const sc_core::sc_time& t, const sc_core::sc_time& cycle) {
  return static_cast<std::int64_t>(std::llround(t / cycle));
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

void configure_reports() {
  using sc_core::sc_report_handler;
  sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
}

}  // namespace

SimResult simulate(const sched::Schedule& schedule, const HwConfig& hw, const std::map<std::string, HostTensor>& inputs,
                   const SimOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  configure_reports();
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  Machine machine(schedule, hw, options.kernels, inputs, options.progress);
  sc_core::sc_trace_file* vcd = nullptr;
  std::string temp_vcd_base;
  if (!options.vcd_path.empty()) {
    const sc_core::sc_time from = machine.cycle * static_cast<double>(options.trace_from_cycle);
    const sc_core::sc_time to = options.trace_to_cycle < 0
                                    ? sc_core::SC_ZERO_TIME
                                    : machine.cycle * static_cast<double>(options.trace_to_cycle);
    machine.enable_trace(from, to);
    // SystemC appends ".vcd"; the file is renamed to vcd_path once closed.
    temp_vcd_base = options.vcd_path;
    if (temp_vcd_base.size() > 4 && temp_vcd_base.compare(temp_vcd_base.size() - 4, 4, ".vcd") == 0) {
      temp_vcd_base.resize(temp_vcd_base.size() - 4);
    }
    temp_vcd_base += ".tmp-" + std::to_string(::getpid());
    vcd = sc_core::sc_create_vcd_trace_file(temp_vcd_base.c_str());
    vcd->set_time_unit(1, sc_core::SC_NS);
    TraceSignals& t = *machine.trace;
    sc_core::sc_trace(vcd, t.dma_busy, "dma_busy");
    sc_core::sc_trace(vcd, t.compute_busy, "compute_busy");
    sc_core::sc_trace(vcd, t.overlap, "overlap");
    sc_core::sc_trace(vcd, t.dma_uop, "dma_uop");
    sc_core::sc_trace(vcd, t.compute_uop, "compute_uop");
    sc_core::sc_trace(vcd, t.dma_queue, "dma_queue");
    sc_core::sc_trace(vcd, t.compute_queue, "compute_queue");
    sc_core::sc_trace(vcd, t.sram_bytes_in_use, "sram_bytes_in_use");
  }
  Accelerator top("accelerator", machine);
  std::unique_ptr<Tracer> tracer;
  if (machine.trace) tracer = std::make_unique<Tracer>("tracer", machine);
  sc_core::sc_start();
  const sc_core::sc_time end = sc_core::sc_time_stamp();
  if (vcd) {
    sc_core::sc_close_vcd_trace_file(vcd);
    if (std::rename((temp_vcd_base + ".vcd").c_str(), options.vcd_path.c_str()) != 0) {
      const std::string reason = std::strerror(errno);
      std::remove((temp_vcd_base + ".vcd").c_str());
      throw std::runtime_error("cannot write " + options.vcd_path + ": " + reason);
    }
  }
  if (g_interrupt_signal != 0) throw SimulationInterrupted(to_cycles(end, machine.cycle), g_interrupt_signal);

  for (int unit : {kDma, kCompute}) {
    if (machine.tokens.completed(unit) != machine.tokens.total(unit)) {
      throw SimulationStalled(stall_report(machine));
    }
  }

  SimResult result;
  SimStats& st = result.stats;
  st.cycles = to_cycles(end, machine.cycle);
  st.dma_busy_cycles = to_cycles(machine.activity.busy(kDma), machine.cycle);
  st.compute_busy_cycles = to_cycles(machine.activity.busy(kCompute), machine.cycle);
  st.overlap_cycles = to_cycles(machine.activity.overlap(), machine.cycle);
  st.uops = static_cast<std::int64_t>(schedule.uops.size());
  st.loads = machine.done.loads;
  st.stores = machine.done.stores;
  st.tile_ops = machine.done.execs;
  st.bytes_loaded = machine.done.bytes_loaded;
  st.bytes_stored = machine.done.bytes_stored;
  st.bound_compute_cycles = machine.costs.compute_bound_cycles(schedule);
  st.bound_dma_cycles = machine.costs.dma_bound_cycles(schedule.compulsory_bytes);

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
