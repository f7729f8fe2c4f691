#include "sim/model/units.h"

#include "sim/model/exec_kernel.h"

#include <stdexcept>

#include "compiler/support/interrupt.h"

namespace tilesim::sim {

using sched::ExecKind;
using sched::Uop;
using sched::UopKind;

InOrderUnit::InOrderUnit(sc_core::sc_module_name name, const sched::Schedule& schedule, sched::Unit role,
                         const CostModel& costs, const sched::TransferBytes& bytes, sc_core::sc_time cycle)
    : sc_core::sc_module(name),
      schedule_(schedule),
      bytes_(bytes),
      counts_(schedule),
      role_(role),
      costs_(costs),
      cycle_(cycle) {
  SC_METHOD(step);
}

void InOrderUnit::step() {
  if (pending_interrupt() != 0) {  // stop at a uOp boundary; simulate() reports where
    sc_core::sc_stop();
    return;
  }
  const sc_core::sc_time now = sc_core::sc_time_stamp();  // one activation: one instant
  if (busy_) {  // woken at the end of the uOp's own cycles, or of its SRAM stall
    if (!end_or_stall(now)) return;
    finish(schedule_.uops[current_]);
    counts_.count(current_, schedule_.uops[current_], bytes_, costs_, own_cycles_);
    activity->set_busy(role_, false, current_, now);
    tokens->complete(current_);
    busy_ = holding_ = false;
  }
  const sc_core::sc_event* progress = nullptr;
  if (!holding_) {
    if (!commands.take(&current_, &progress)) {
      next_trigger(*progress);
      return;
    }
    holding_ = true;
  }
  if (!tokens->ready(current_, &progress)) {
    next_trigger(*progress);
    return;
  }
  start(now);
}

void InOrderUnit::start(const sc_core::sc_time& now) {
  busy_ = true;
  asked_ = false;
  activity->set_busy(role_, true, current_, now);
  const sched::Uop& uop = schedule_.uops[current_];
  own_cycles_ = uop.kind == sched::UopKind::Exec ? execs_.next(uop) : costs_.uop_cycles(uop, bytes_);
  const SramRequester who = role_ == sched::Unit::Dma ? SramRequester::Dma : SramRequester::Compute;
  ticket_ = sram_ports->request(who, current_, cycle_of(now), own_cycles_);
  next_trigger(cycles_time(own_cycles_));
}

// At the end of its own cycles a uOp asks the SRAM when it may end: false
// (and a wake-up set) while its accesses still hold it.
bool InOrderUnit::end_or_stall(const sc_core::sc_time& now) {
  if (asked_) {
    activity->set_sram_stall(role_, false);
    return true;
  }
  asked_ = true;
  const std::int64_t stall = sram_ports->finish(ticket_).finish - cycle_of(now);
  if (stall <= 0) return true;
  activity->set_sram_stall(role_, true);
  next_trigger(cycles_time(stall));
  return false;
}

DmaEngine::DmaEngine(sc_core::sc_module_name name, const sched::Schedule& schedule, const CostModel& costs,
                     const sched::TransferBytes& bytes, sc_core::sc_time cycle, bool with_data)
    : InOrderUnit(name, schedule, sched::Unit::Dma, costs, bytes, cycle),
      to_dram("to_dram"),
      to_sram("to_sram"),
      with_data_(with_data),
      mover_(schedule) {}

void DmaEngine::end_of_elaboration() {
  if (with_data_) mover_.connect(to_dram.operator->(), to_sram.operator->());
}

void DmaEngine::finish(const Uop& uop) {
  if (with_data_) mover_.move(uop);
}

ComputeUnit::ComputeUnit(sc_core::sc_module_name name, const sched::Schedule& schedule, const CostModel& costs,
                         const sched::TransferBytes& bytes, sc_core::sc_time cycle, const kernels::KernelSet* kernels,
                         ExecWorker* worker)
    : InOrderUnit(name, schedule, sched::Unit::Compute, costs, bytes, cycle),
      to_sram("to_sram"),
      kernels_(kernels),
      worker_(worker) {}

void ComputeUnit::end_of_elaboration() {
  if (!kernels_) return;
  sram_ = dmi_pointer(to_sram.operator->());
  // The kernels work on the SRAM bytes in place.
  if (!sram_) throw std::logic_error("compute unit: the SRAM grants no direct memory access");
  if (worker_) worker_->start(sram_);
}

void ComputeUnit::finish(const Uop& uop) {
  if (worker_) {
    worker_->submit(static_cast<std::uint32_t>(&uop - schedule_.uops.data()));
  } else if (kernels_) {
    run_exec(*kernels_, schedule_, uop, sram_);
  }
}

}  // namespace tilesim::sim
