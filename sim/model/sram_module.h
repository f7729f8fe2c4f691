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
#pragma once

#include <tlm_utils/multi_passthrough_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <cstdlib>
#include <memory>

#include "compiler/schedule/schedule.h"

namespace tilesim::sim {

class SramModule : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<SramModule> socket;

  // with_data: hold the bytes (runs with math); else timing only.
  SramModule(sc_core::sc_module_name name, const sched::Schedule& schedule, bool with_data);

 private:
  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);
  // Copies between the arena and the payload; false when out of range.
  bool copy(tlm::tlm_generic_payload& trans);

  struct FreeDeleter {
    void operator()(unsigned char* p) const { std::free(p); }
  };
  std::int64_t bytes_ = 0;
  std::unique_ptr<unsigned char, FreeDeleter> arena_;
};

}  // namespace tilesim::sim
