// The on-chip SRAM as a SystemC module behind a TLM-2.0 target socket: the
// byte arena the schedule's addresses point into, reached by the DMA engine
// (a LOAD writes a tile, a STORE reads one) and the compute unit (operands and
// results) through their initiator sockets.
//
// Contract: loosely timed (b_transport annotates the delay, never waits: the
// units are method processes). The arena spans the addresses the schedule
// uses and is zeroed lazily; in timing-only runs there is no arena and no
// data moves. Direct memory access (DMI) to the arena is granted for reads and
// writes, so the kernels work on the SRAM bytes in place; transport_dbg copies.
//
// The timing of the SRAM's banks and ports is a second interface
// (SramPortsIf, reached through an sc_port): a unit asks, when a uOp starts,
// for its accesses to be served, and at the end of its own cycles when it may
// end (docs/sram-model.md; docs/cycle-model.md, "SRAM banks").
#pragma once

#include <tlm_utils/multi_passthrough_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <memory>

#include <vector>

#include "compiler/hw/sram_banks_config.h"
#include "compiler/schedule/schedule.h"
#include "compiler/support/huge_pages.h"
#include "sim/memory/sram/sram_banks.h"

namespace tilesim::sim {

// Requester indices: the arbitration order of one start cycle.
enum class SramRequester : std::size_t { Dma = 0, Compute = 1 };

class SramPortsIf : public virtual sc_core::sc_interface {
 public:
  // uOp `uop` of `who` starts at `start_cycle`, busy for `busy_cycles` of its own.
  virtual SramTicket request(SramRequester who, std::uint32_t uop, std::int64_t start_cycle,
                             std::int64_t busy_cycles) = 0;
  // When it may end (call at a simulated time after its start, once).
  virtual SramOutcome finish(SramTicket ticket) = 0;
};

class SramModule : public sc_core::sc_module, public SramPortsIf {
 public:
  tlm_utils::multi_passthrough_target_socket<SramModule> socket;

  // with_data: hold the bytes (runs with math); else timing only.
  SramModule(sc_core::sc_module_name name, const sched::Schedule& schedule, const SramBanksConfig& banks,
             bool with_data);
  SramTicket request(SramRequester who, std::uint32_t uop, std::int64_t start_cycle, std::int64_t busy_cycles) override;
  SramOutcome finish(SramTicket ticket) override;
  // Per requester (dma, compute): traffic and stall cycles, after a whole run.
  const std::vector<SramRequesterStats>& stats() const { return banks_.stats(); }
  // Bytes read and written by each layer's uOps (Schedule::uop_layer; empty
  // when the layers are unknown), counted with the traffic.
  struct LayerBytes {
    std::int64_t read = 0, written = 0;
  };
  const std::vector<LayerBytes>& layer_bytes() const { return layer_bytes_; }

 private:
  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);
  void count_layer_bytes(std::uint32_t uop, const SramTraffic& traffic);  // uOp `uop`'s

  unsigned char* arena() const { return arena_ ? arena_->data() : nullptr; }

  const sched::Schedule& schedule_;
  SramBanks banks_;
  std::vector<SramAccess> accesses_;  // scratch of request()
  std::vector<LayerBytes> layer_bytes_;
  std::int64_t bytes_ = 0;
  // Zero-filled, in one huge page up to 2 MiB (its 4 KiB pages were each a
  // first-touch fault of the kernels and the DMA, issue 16); null in timing-only runs.
  std::unique_ptr<HugePageBuffer> arena_;
};

}  // namespace tilesim::sim
