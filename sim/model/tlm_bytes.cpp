#include "sim/model/tlm_bytes.h"

#include <cstring>

namespace tilesim::sim {

bool copy_bytes(tlm::tlm_generic_payload& trans, unsigned char* base, std::uint64_t size) {
  const std::uint64_t address = trans.get_address();
  const std::uint64_t length = trans.get_data_length();
  if (!base || address > size || length > size - address) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  if (trans.is_write()) {
    std::memcpy(base + address, trans.get_data_ptr(), length);
  } else {
    std::memcpy(trans.get_data_ptr(), base + address, length);
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  return true;
}

bool grant_dmi(tlm::tlm_dmi& dmi, unsigned char* base, std::uint64_t size) {
  if (!base || size == 0) return false;
  dmi.allow_read_write();
  dmi.set_dmi_ptr(base);
  dmi.set_start_address(0);
  dmi.set_end_address(size - 1);
  dmi.set_read_latency(sc_core::SC_ZERO_TIME);
  dmi.set_write_latency(sc_core::SC_ZERO_TIME);
  return true;
}

unsigned char* dmi_pointer(tlm::tlm_fw_transport_if<>* memory) {
  tlm::tlm_generic_payload probe;
  probe.set_address(0);
  probe.set_command(tlm::TLM_READ_COMMAND);
  tlm::tlm_dmi dmi;
  if (!memory->get_direct_mem_ptr(probe, dmi) || !dmi.is_read_write_allowed() || dmi.get_start_address() != 0) {
    return nullptr;
  }
  return dmi.get_dmi_ptr();
}

}  // namespace tilesim::sim
