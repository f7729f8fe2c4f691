#include "sim/model/units.h"

#include "compiler/support/interrupt.h"

namespace tilesim::sim {

using sched::ExecKind;
using sched::Uop;
using sched::UopKind;

Sequencer::Sequencer(sc_core::sc_module_name name, Machine& machine) : sc_core::sc_module(name), m_(machine) {
  SC_METHOD(issue);
}

void Sequencer::issue() {
  const auto& uops = m_.schedule.uops;
  while (next_ < uops.size()) {
    const int unit = uops[next_].unit() == sched::Unit::Dma ? kDma : kCompute;
    sc_core::sc_fifo_out<std::uint32_t>& fifo = unit == kDma ? to_dma : to_compute;
    if (!fifo->nb_write(next_)) {
      next_trigger(fifo->data_read_event());
      return;
    }
    m_.queue_changed(unit, +1);
    ++next_;
  }
}

InOrderUnit::InOrderUnit(sc_core::sc_module_name name, Machine& machine, int unit)
    : sc_core::sc_module(name), m_(machine), unit_(unit) {
  SC_METHOD(step);
}

void InOrderUnit::step() {
  if (pending_interrupt() != 0) {  // stop at a uOp boundary; simulate() reports where
    sc_core::sc_stop();
    return;
  }
  if (busy_) {  // woken at the end of the running uOp
    const Uop& uop = m_.schedule.uops[current_];
    finish(uop);
    m_.set_busy(unit_, false, current_);
    m_.complete(unit_);
    busy_ = holding_ = false;
  }
  if (!holding_) {
    if (!commands->nb_read(current_)) {
      next_trigger(commands->data_written_event());
      return;
    }
    holding_ = true;
    m_.queue_changed(unit_, -1);
  }
  const sc_core::sc_event* progress = nullptr;
  if (!m_.tokens.ready(current_, &progress)) {
    next_trigger(*progress);
    return;
  }
  busy_ = true;
  m_.set_busy(unit_, true, current_);
  next_trigger(m_.cycle * static_cast<double>(m_.costs.uop_cycles(m_.schedule, m_.schedule.uops[current_])));
}

void DmaEngine::finish(const Uop& uop) {
  const std::int64_t bytes = m_.schedule.tensors[uop.tile.tensor].tile_transfer_bytes();
  if (uop.kind == UopKind::Load) {
    ++m_.done.loads;
    m_.done.bytes_loaded += bytes;
  } else {
    ++m_.done.stores;
    m_.done.bytes_stored += bytes;
  }
  if (!m_.dram) return;
  if (uop.kind == UopKind::Load) {
    m_.dram->load_tile(uop.tile, m_.sram.at(uop.addr));
  } else {
    m_.dram->store_tile(uop.tile, m_.sram.at(uop.addr));
  }
}

void ComputeUnit::finish(const Uop& uop) {
  ++m_.done.execs;
  if (!m_.kernels) return;
  const kernels::KernelSet& k = *m_.kernels;
  float* out = m_.sram.at(uop.addr);
  const float* a = m_.sram.at(uop.src_addr[0]);
  switch (uop.exec) {
    case ExecKind::MatMul: {
      const float* bias = uop.src[2].valid() ? m_.sram.at(uop.src_addr[2]) : nullptr;
      k.matmul(a, m_.sram.at(uop.src_addr[1]), out, kernels::MatmulEpilogue{uop.zero_init, bias, uop.relu});
      break;
    }
    case ExecKind::Add:
      k.add(a, m_.sram.at(uop.src_addr[1]), out);
      break;
    case ExecKind::BiasAdd:
      k.bias_add(a, m_.sram.at(uop.src_addr[1]), out);
      break;
    case ExecKind::Relu:
      k.relu(a, out);
      break;
    case ExecKind::Scale:
      k.scale(a, uop.scale, out);
      break;
  }
}

}  // namespace tilesim::sim
