// The off-chip DRAM as a SystemC module behind a TLM-2.0 target socket: the
// bytes of every tensor (DramImage) at their addresses.
//
// Contract: the `ideal` memory (dram.preset: ideal) moves data in no simulated
// time: the DMA engine's timing comes from the cost model, and its data moves
// through DMI (granted for the whole image) or transport_dbg at the uOp's end.
// b_transport copies and annotates no delay. Another TLM-2.0 target can be
// bound in its place (docs/architecture.md).
#pragma once

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include "sim/model/dram_image.h"

namespace tilesim::sim {

class DramModule : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<DramModule> socket;

  DramModule(sc_core::sc_module_name name, const sched::Schedule& schedule, bool with_data);
  DramImage& image() { return image_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
  bool copy(tlm::tlm_generic_payload& trans);

  DramImage image_;
};

}  // namespace tilesim::sim
