#include "sim/model/units.h"

namespace tilesim::sim {

using sched::ExecKind;
using sched::Uop;
using sched::UopKind;

Sequencer::Sequencer(sc_core::sc_module_name name, Machine& machine)
    : sc_core::sc_module(name), m_(machine) {
  SC_THREAD(issue);
}

void Sequencer::issue() {
  const auto& uops = m_.schedule.uops;
  for (std::uint32_t id = 0; id < uops.size(); ++id) {
    if (uops[id].unit() == sched::Unit::Dma) {
      to_dma->write(id);
      m_.queue_changed(kDma, +1);
    } else {
      to_compute->write(id);
      m_.queue_changed(kCompute, +1);
    }
  }
  finished_ = true;
}

DmaEngine::DmaEngine(sc_core::sc_module_name name, Machine& machine)
    : sc_core::sc_module(name), m_(machine) {
  SC_THREAD(run);
}

void DmaEngine::run() {
  for (;;) {
    const std::uint32_t id = commands->read();
    m_.queue_changed(kDma, -1);
    const Uop& uop = m_.schedule.uops[id];
    m_.tokens.wait_for_dependency(id);
    const sched::TensorInfo& tensor = m_.schedule.tensors[uop.tile.tensor];
    const std::int64_t cycles = m_.hw.dma.transfer_cycles(tensor.tile_transfer_bytes()) +
                                (tensor.transpose_of >= 0 ? m_.hw.dma.transpose_cycles : 0);
    m_.set_busy(kDma, true, id);
    sc_core::wait(m_.cycle * static_cast<double>(cycles));
    if (m_.dram) {
      if (uop.kind == UopKind::Load) {
        m_.dram->load_tile(uop.tile, m_.sram.at(uop.addr));
      } else {
        m_.dram->store_tile(uop.tile, m_.sram.at(uop.addr));
      }
    }
    m_.set_busy(kDma, false, id);
    m_.complete(kDma);
  }
}

ComputeUnit::ComputeUnit(sc_core::sc_module_name name, Machine& machine)
    : sc_core::sc_module(name), m_(machine) {
  SC_THREAD(run);
}

void ComputeUnit::run() {
  for (;;) {
    const std::uint32_t id = commands->read();
    m_.queue_changed(kCompute, -1);
    const Uop& uop = m_.schedule.uops[id];
    m_.tokens.wait_for_dependency(id);
    const std::int64_t cycles = uop.exec == ExecKind::MatMul ? m_.hw.compute.matmul_tile_cycles
                                                             : m_.hw.compute.vector_tile_cycles;
    m_.set_busy(kCompute, true, id);
    sc_core::wait(m_.cycle * static_cast<double>(cycles));
    if (m_.kernels) execute(uop);
    m_.set_busy(kCompute, false, id);
    m_.complete(kCompute);
  }
}

void ComputeUnit::execute(const Uop& uop) {
  const kernels::KernelSet& k = *m_.kernels;
  float* out = m_.sram.at(uop.addr);
  const float* a = m_.sram.at(uop.src_addr[0]);
  switch (uop.exec) {
    case ExecKind::MatMul: {
      const float* bias = uop.src[2].valid() ? m_.sram.at(uop.src_addr[2]) : nullptr;
      k.matmul(a, m_.sram.at(uop.src_addr[1]), out, kernels::MatmulEpilogue{uop.zero_init, bias, uop.relu});
      break;
    }
    case ExecKind::Add: k.add(a, m_.sram.at(uop.src_addr[1]), out); break;
    case ExecKind::BiasAdd: k.bias_add(a, m_.sram.at(uop.src_addr[1]), out); break;
    case ExecKind::Relu: k.relu(a, out); break;
    case ExecKind::Scale: k.scale(a, uop.scale, out); break;
  }
}

Tracer::Tracer(sc_core::sc_module_name name, Machine& machine)
    : sc_core::sc_module(name), m_(machine) {
  SC_METHOD(update);
  sensitive << m_.trace->changed << m_.trace->window_opens;
  dont_initialize();
}

void Tracer::update() {
  TraceSignals& t = *m_.trace;
  if (!t.in_window()) return;
  const bool dma = m_.activity.is_busy(kDma), compute = m_.activity.is_busy(kCompute);
  t.dma_busy.write(dma);
  t.compute_busy.write(compute);
  t.overlap.write(dma && compute);
  t.dma_uop.write(m_.current_uop[kDma]);
  t.compute_uop.write(m_.current_uop[kCompute]);
  t.dma_queue.write(static_cast<std::uint32_t>(m_.queued[kDma]));
  t.compute_queue.write(static_cast<std::uint32_t>(m_.queued[kCompute]));
  t.sram_bytes_in_use.write(static_cast<std::uint64_t>(m_.sram_tiles_in_use) * sched::kTileBytes);
}

}  // namespace tilesim::sim
