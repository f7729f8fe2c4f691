#include "sim/model/dram_module.h"

#include <cstring>

namespace tilesim::sim {

DramModule::DramModule(sc_core::sc_module_name name, const sched::Schedule& schedule, bool with_data)
    : sc_core::sc_module(name), socket("socket"), image_(schedule, with_data) {
  socket.register_b_transport(this, &DramModule::b_transport);
  socket.register_get_direct_mem_ptr(this, &DramModule::get_direct_mem_ptr);
  socket.register_transport_dbg(this, &DramModule::transport_dbg);
}

bool DramModule::copy(tlm::tlm_generic_payload& trans) {
  const std::uint64_t address = trans.get_address();
  const std::uint64_t length = trans.get_data_length();
  if (!image_.data() || address + length > image_.size_bytes()) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  unsigned char* at = image_.data() + address;
  if (trans.is_write()) {
    std::memcpy(at, trans.get_data_ptr(), length);
  } else {
    std::memcpy(trans.get_data_ptr(), at, length);
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  return true;
}

void DramModule::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  trans.set_dmi_allowed(image_.data() != nullptr);
  copy(trans);
}

bool DramModule::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  if (!image_.data() || image_.size_bytes() == 0) return false;
  dmi.allow_read_write();
  dmi.set_dmi_ptr(image_.data());
  dmi.set_start_address(0);
  dmi.set_end_address(image_.size_bytes() - 1);
  dmi.set_read_latency(sc_core::SC_ZERO_TIME);
  dmi.set_write_latency(sc_core::SC_ZERO_TIME);
  return true;
}

unsigned int DramModule::transport_dbg(tlm::tlm_generic_payload& trans) {
  return copy(trans) ? trans.get_data_length() : 0;
}

}  // namespace tilesim::sim
