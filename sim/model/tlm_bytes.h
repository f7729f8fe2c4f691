// The functional side of a TLM-2.0 memory that is a plain byte array, shared
// by the SRAM and DRAM modules, and its initiator-side counterpart.
//
// Contract: copy_bytes serves a read or write of the payload against
// [base, base + size) — TLM_OK_RESPONSE, or TLM_ADDRESS_ERROR_RESPONSE (and
// false) when it falls outside or there are no bytes (base null, a
// timing-only run). grant_dmi grants read/write DMI to the whole array from
// address 0 with no latency (false without bytes). dmi_pointer asks a target
// for that whole-space pointer (nullptr when it grants none).
#pragma once

#include <tlm>

#include <cstdint>

namespace tilesim::sim {

bool copy_bytes(tlm::tlm_generic_payload& trans, unsigned char* base, std::uint64_t size);
bool grant_dmi(tlm::tlm_dmi& dmi, unsigned char* base, std::uint64_t size);
unsigned char* dmi_pointer(tlm::tlm_fw_transport_if<>* memory);

}  // namespace tilesim::sim
