// The SRAM's banks and ports as the hardware file describes them: keys of the
// `sram:` section beside size_kib. docs/sram-model.md states what they cost.
//
// Contract: the default (banks 0) is the ideal SRAM of docs/cycle-model.md:
// no banks, no ports, no stall, so a hardware file without these keys keeps
// every cycle count. With banks >= 1 every access is split over the banks by
// `interleave_bytes` and each bank port moves `bank_bytes_per_cycle` bytes
// of one access per cycle. read_sram_banks() refuses every bad value and
// every inconsistent combination with one InputError naming the key;
// sram_banks_yaml() prints the keys so that read_sram_banks() reads them back
// equal. No SystemC here: the simulator's model is sim/memory/sram/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tilesim {

namespace yaml {
class MapReader;
}

// Ports of one bank: one port that reads or writes, or a read port and a write port.
enum class SramPorts : std::uint8_t { OneReadWrite, OneReadOneWrite };

// "1rw" or "1r1w", as the hardware file spells them.
const char* to_string(SramPorts ports);

struct SramBanksConfig {
  std::int64_t banks = 0;  // 0: ideal (no banks modelled, never a stall)
  std::int64_t bank_bytes_per_cycle = 64;
  SramPorts ports_per_bank = SramPorts::OneReadWrite;
  std::int64_t interleave_bytes = 64;  // consecutive bytes on one bank before the next

  bool ideal() const { return banks == 0; }
  bool operator==(const SramBanksConfig& other) const;
  bool operator!=(const SramBanksConfig& other) const { return !(*this == other); }
};

inline constexpr std::int64_t kMaxSramBanks = 1024;

// The keys this reader adds to the sram section, for its "expected" text.
inline constexpr char kSramBanksKeys[] = "banks, bank_bytes_per_cycle, ports_per_bank, interleave_bytes";

// Reads banks, bank_bytes_per_cycle, ports_per_bank and interleave_bytes from
// the hardware file's `sram` section, then FINISHES the section (unknown keys,
// a missing size_kib) and only then checks the keys against each other and
// against the SRAM's `sram_bytes` (size_kib x 1024, already read): call it
// last in the section. Throws InputError "FILE:LINE: sram.KEY: ...".
SramBanksConfig read_sram_banks(yaml::MapReader& sram_section, std::int64_t sram_bytes);

// The four keys as YAML lines indented by two spaces (under `sram:`), with
// what they mean as comments; read_sram_banks() reads them back equal.
std::string sram_banks_yaml(const SramBanksConfig& config);

// The interleave, the one place it is computed: byte A lies on bank
// (A / interleave_bytes) mod banks. An access's bytes on one bank are
// contiguous in that bank, and take ceil(bytes / bank_bytes_per_cycle) cycles
// of its port.
struct SramBankShare {
  std::int64_t bank = 0;
  std::int64_t bytes = 0;
  std::int64_t cycles = 0;  // port cycles: ceil(bytes / bank_bytes_per_cycle)
};
// The banks an access of `bytes` (> 0) at byte `address` touches, in the
// order of its first byte on each, with its bytes and port cycles on each.
// Replaces *out; O(min(chunks, banks)). Requires banks >= 1.
void split_over_banks(const SramBanksConfig& config, std::int64_t address, std::int64_t bytes,
                      std::vector<SramBankShare>* out);

// Port cycles one access of `bytes` at byte `address` needs on its busiest
// bank (0 for the ideal SRAM): the figure check-config prints for a tile.
std::int64_t sram_access_cycles(const SramBanksConfig& config, std::int64_t address, std::int64_t bytes);

}  // namespace tilesim
