#include "sim/model/units.h"

#include <cstring>
#include <stdexcept>

#include "compiler/support/interrupt.h"
#include "sim/model/dram_image.h"

namespace tilesim::sim {

using sched::ExecKind;
using sched::Uop;
using sched::UopKind;

Sequencer::Sequencer(sc_core::sc_module_name name, const sched::Schedule& schedule)
    : sc_core::sc_module(name), schedule_(schedule) {
  SC_METHOD(issue);
}

void Sequencer::issue() {
  const auto& uops = schedule_.uops;
  while (next_ < uops.size()) {
    const sched::Unit role = uops[next_].unit();
    sc_core::sc_fifo_out<std::uint32_t>& fifo = role == sched::Unit::Dma ? to_dma : to_compute;
    if (!fifo->nb_write(next_)) {
      next_trigger(fifo->data_read_event());
      return;
    }
    activity->queue_changed(role, +1);
    ++next_;
  }
}

InOrderUnit::InOrderUnit(sc_core::sc_module_name name, const sched::Schedule& schedule, sched::Unit role,
                         const CostModel& costs, sc_core::sc_time cycle)
    : sc_core::sc_module(name), schedule_(schedule), role_(role), costs_(costs), cycle_(cycle) {
  SC_METHOD(step);
}

void InOrderUnit::step() {
  if (pending_interrupt() != 0) {  // stop at a uOp boundary; simulate() reports where
    sc_core::sc_stop();
    return;
  }
  if (busy_) {  // woken at the end of the running uOp
    finish(schedule_.uops[current_]);
    ++counts_.uops;
    activity->set_busy(role_, false, current_);
    tokens->complete(current_);
    busy_ = holding_ = false;
  }
  if (!holding_) {
    if (!commands->nb_read(current_)) {
      next_trigger(commands->data_written_event());
      return;
    }
    holding_ = true;
    activity->queue_changed(role_, -1);
  }
  const sc_core::sc_event* progress = nullptr;
  if (!tokens->ready(current_, &progress)) {
    next_trigger(*progress);
    return;
  }
  busy_ = true;
  activity->set_busy(role_, true, current_);
  next_trigger(cycle_ * static_cast<double>(costs_.uop_cycles(schedule_, schedule_.uops[current_])));
}

namespace {

// The memory's DMI pointer for the whole address space, or nullptr.
template <typename Socket>
unsigned char* dmi_pointer(Socket& socket) {
  tlm::tlm_generic_payload probe;
  probe.set_address(0);
  probe.set_command(tlm::TLM_READ_COMMAND);
  tlm::tlm_dmi dmi;
  if (!socket->get_direct_mem_ptr(probe, dmi) || !dmi.is_read_write_allowed() || dmi.get_start_address() != 0) {
    return nullptr;
  }
  return dmi.get_dmi_ptr();
}

}  // namespace

DmaEngine::DmaEngine(sc_core::sc_module_name name, const sched::Schedule& schedule, const CostModel& costs,
                     sc_core::sc_time cycle, const DramImage* layout, bool with_data)
    : InOrderUnit(name, schedule, sched::Unit::Dma, costs, cycle),
      to_dram("to_dram"),
      to_sram("to_sram"),
      layout_(layout),
      with_data_(with_data) {}

void DmaEngine::end_of_elaboration() {
  if (!with_data_) return;
  dram_dmi_ = dmi_pointer(to_dram);
  sram_dmi_ = dmi_pointer(to_sram);
}

// Data moves in no simulated time: the cost model priced the transfer.
void DmaEngine::access(tlm::tlm_command command, bool dram, std::uint64_t address, void* data, std::uint64_t bytes) {
  unsigned char* dmi = dram ? dram_dmi_ : sram_dmi_;
  if (dmi) {
    if (command == tlm::TLM_READ_COMMAND) {
      std::memcpy(data, dmi + address, bytes);
    } else {
      std::memcpy(dmi + address, data, bytes);
    }
    return;
  }
  tlm::tlm_generic_payload trans;
  trans.set_command(command);
  trans.set_address(address);
  trans.set_data_ptr(static_cast<unsigned char*>(data));
  trans.set_data_length(static_cast<unsigned int>(bytes));
  const unsigned int done = dram ? to_dram->transport_dbg(trans) : to_sram->transport_dbg(trans);
  if (done != bytes) throw std::logic_error("DMA: the memory refused an access at " + std::to_string(address));
}

// The tile (a view's: transposed) as 32 x 32 floats (1 row for a bias, one value for a scalar).
void DmaEngine::read_tile(const sched::TileRef& tile, float* out) {
  const sched::TileRef stored = layout_->stored_tile(tile);
  float* row = tile.tensor == stored.tensor ? out : staging_;
  layout_->for_each_span(stored, [&](std::uint64_t address, std::uint64_t bytes) {
    access(tlm::TLM_READ_COMMAND, true, address, row, bytes);
    row += sched::kTileDim;
  });
  if (tile.tensor != stored.tensor) {  // a transposing LOAD
    for (std::int64_t q = 0; q < sched::kTileDim; ++q)
      for (std::int64_t p = 0; p < sched::kTileDim; ++p)
        out[q * sched::kTileDim + p] = staging_[p * sched::kTileDim + q];
  }
  if (schedule_.tensors[static_cast<std::size_t>(tile.tensor)].is_scalar()) {
    std::fill_n(out + 1, sched::kTileDim - 1, out[0]);  // a scalar serves as a bias row
  }
}

void DmaEngine::write_tile(const sched::TileRef& tile, const float* in) {
  const sched::TensorInfo& t = schedule_.tensors[static_cast<std::size_t>(tile.tensor)];
  // Inputs, params and views are never stored (the validator refuses it).
  if (t.role == sched::TensorRole::Input || t.role == sched::TensorRole::Param || t.transpose_of >= 0) {
    throw std::logic_error("STORE into " + t.name + ", an input, param or view");
  }
  layout_->for_each_span(tile, [&](std::uint64_t address, std::uint64_t bytes) {
    access(tlm::TLM_WRITE_COMMAND, true, address, const_cast<float*>(in), bytes);
    in += sched::kTileDim;
  });
}

void DmaEngine::finish(const Uop& uop) {
  const sched::TensorInfo& tensor = schedule_.tensors[static_cast<std::size_t>(uop.tile.tensor)];
  const std::int64_t bytes = tensor.tile_transfer_bytes();
  const bool load = uop.kind == UopKind::Load;
  ++(load ? counts_.loads : counts_.stores);
  (load ? counts_.bytes_loaded : counts_.bytes_stored) += bytes;
  if (!with_data_) return;
  float tile[sched::kTileDim * sched::kTileDim];
  if (load) {
    read_tile(uop.tile, tile);
    // A bias row (or a scalar, spread over it) fills row 0 of its slot only.
    const std::uint64_t rows = tensor.rank <= 1 ? 1 : sched::kTileDim;
    access(tlm::TLM_WRITE_COMMAND, false, uop.addr, tile, rows * sched::kTileDim * sizeof(float));
  } else {
    access(tlm::TLM_READ_COMMAND, false, uop.addr, tile, sizeof tile);
    write_tile(uop.tile, tile);
  }
}

ComputeUnit::ComputeUnit(sc_core::sc_module_name name, const sched::Schedule& schedule, const CostModel& costs,
                         sc_core::sc_time cycle, const kernels::KernelSet* kernels)
    : InOrderUnit(name, schedule, sched::Unit::Compute, costs, cycle), to_sram("to_sram"), kernels_(kernels) {}

void ComputeUnit::end_of_elaboration() {
  if (!kernels_) return;
  sram_ = dmi_pointer(to_sram);
  // The kernels work on the SRAM bytes in place.
  if (!sram_) throw std::logic_error("compute unit: the SRAM grants no direct memory access");
}

void ComputeUnit::finish(const Uop& uop) {
  if (!kernels_) return;
  const kernels::KernelSet& k = *kernels_;
  float* out = at(uop.addr);
  const float* a = at(uop.src_addr[0]);
  switch (uop.exec) {
    case ExecKind::MatMul: {
      const float* bias = uop.src[2].valid() ? at(uop.src_addr[2]) : nullptr;
      k.matmul(a, at(uop.src_addr[1]), out, kernels::MatmulEpilogue{uop.zero_init, bias, uop.relu});
      break;
    }
    case ExecKind::Add:
      k.add(a, at(uop.src_addr[1]), out);
      break;
    case ExecKind::BiasAdd:
      k.bias_add(a, at(uop.src_addr[1]), out);
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
