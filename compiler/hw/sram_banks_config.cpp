#include "compiler/hw/sram_banks_config.h"

#include <algorithm>
#include <sstream>

#include "compiler/schedule/schedule.h"
#include "compiler/support/input_error.h"
#include "compiler/support/yaml_reader.h"

namespace tilesim {

namespace {

using yaml::IntRule;

// Upper bounds keep every product (banks x interleave, cycles) far from int64
// overflow. 4 GiB: the largest SRAM, a single bank of it the widest interleave.
constexpr std::int64_t kMaxBankBytesPerCycle = std::int64_t{1} << 20;
constexpr std::int64_t kMaxInterleaveBytes = std::int64_t{4} << 30;

constexpr char kPortsExpected[] = "1rw (one read/write port per bank) or 1r1w (one read and one write port)";

bool is_power_of_two(std::int64_t value) { return value > 0 && (value & (value - 1)) == 0; }

SramPorts read_ports(yaml::MapReader& sram) {
  const std::string text = sram.string("ports_per_bank", std::string(to_string(SramPorts::OneReadWrite)));
  if (text == to_string(SramPorts::OneReadWrite)) return SramPorts::OneReadWrite;
  if (text == to_string(SramPorts::OneReadOneWrite)) return SramPorts::OneReadOneWrite;
  sram.fail("ports_per_bank", "unknown port kind " + quoted(text) + yaml::did_you_mean(text, {"1rw", "1r1w"}),
            kPortsExpected);
}

// Every bank the same size: the interleave pattern repeats a whole number
// of times in the SRAM. Named at `banks`, the key that turns the model on.
void check_banks_fit(const yaml::MapReader& sram, const SramBanksConfig& c, std::int64_t sram_bytes) {
  if (c.ideal()) return;
  const std::int64_t stripe = c.banks * c.interleave_bytes;
  if (sram_bytes % stripe == 0) return;
  sram.fail("banks",
            std::to_string(c.banks) + (c.banks == 1 ? " bank" : " banks") + " x " + std::to_string(c.interleave_bytes) +
                "-byte interleave = " + std::to_string(stripe) + " bytes do not divide the SRAM's " +
                std::to_string(sram_bytes) + " bytes",
            "banks x interleave_bytes dividing size_kib x 1024");
}

}  // namespace

const char* to_string(SramPorts ports) { return ports == SramPorts::OneReadWrite ? "1rw" : "1r1w"; }

bool SramBanksConfig::operator==(const SramBanksConfig& o) const {
  return banks == o.banks && bank_bytes_per_cycle == o.bank_bytes_per_cycle && ports_per_bank == o.ports_per_bank &&
         interleave_bytes == o.interleave_bytes;
}

SramBanksConfig read_sram_banks(yaml::MapReader& sram, std::int64_t sram_bytes) {
  const SramBanksConfig defaults;
  SramBanksConfig c;
  c.banks = sram.integer("banks", IntRule{0, kMaxSramBanks, "banks; 0 = ideal, no bank conflicts"}, defaults.banks);
  c.bank_bytes_per_cycle =
      sram.integer("bank_bytes_per_cycle", IntRule{1, kMaxBankBytesPerCycle, "bytes per cycle per port"},
                   defaults.bank_bytes_per_cycle);
  c.ports_per_bank = read_ports(sram);
  const IntRule interleave{4, kMaxInterleaveBytes, "bytes; a power of two"};
  c.interleave_bytes = sram.integer("interleave_bytes", interleave, defaults.interleave_bytes);
  if (!is_power_of_two(c.interleave_bytes)) {
    sram.fail("interleave_bytes", std::to_string(c.interleave_bytes) + " is not a power of two",
              "an integer from 4 to " + std::to_string(kMaxInterleaveBytes) + ", in " + interleave.unit);
  }
  // Relations only once every key is known to be present and valid.
  sram.finish();
  check_banks_fit(sram, c, sram_bytes);
  return c;
}

std::string sram_banks_yaml(const SramBanksConfig& c) {
  std::ostringstream out;
  out << "  banks: " << c.banks;
  if (c.ideal()) {
    out << "  # ideal: no banks or ports modelled, the SRAM never stalls a unit\n";
  } else {
    out << "  # one 4 KiB tile: " << sram_access_cycles(c, 0, sched::kTileBytes)
        << " port cycles on its busiest bank\n";
  }
  out << "  bank_bytes_per_cycle: " << c.bank_bytes_per_cycle << "\n"
      << "  ports_per_bank: " << to_string(c.ports_per_bank) << "\n"
      << "  interleave_bytes: " << c.interleave_bytes << "\n";
  return out.str();
}

void split_over_banks(const SramBanksConfig& c, std::int64_t address, std::int64_t bytes,
                      std::vector<SramBankShare>* out) {
  out->clear();
  const std::int64_t first = address / c.interleave_bytes;
  const std::int64_t last = (address + bytes - 1) / c.interleave_bytes;
  // Chunks first..last go round the banks: the first `extra` banks from
  // first's get one chunk more than the others. Few divisions: this runs
  // for every access of every uOp.
  const std::int64_t chunks = last - first + 1;
  const std::int64_t rounds = chunks / c.banks;
  const std::int64_t extra = chunks % c.banks;
  const std::int64_t shares = rounds > 0 ? c.banks : extra;
  std::int64_t bank = first % c.banks;
  for (std::int64_t k = 0; k < shares; ++k) {
    out->push_back(SramBankShare{bank, (rounds + (k < extra ? 1 : 0)) * c.interleave_bytes, 0});
    if (++bank == c.banks) bank = 0;
  }
  (*out)[0].bytes -= address - first * c.interleave_bytes;  // head
  (*out)[static_cast<std::size_t>((chunks - 1) % c.banks)].bytes -=
      (last + 1) * c.interleave_bytes - (address + bytes);  // tail
  std::int64_t known_bytes = -1, known_cycles = 0;          // most shares are the same size
  for (SramBankShare& share : *out) {
    if (share.bytes != known_bytes) {
      known_bytes = share.bytes;
      known_cycles = (share.bytes + c.bank_bytes_per_cycle - 1) / c.bank_bytes_per_cycle;
    }
    share.cycles = known_cycles;
  }
}

std::int64_t sram_access_cycles(const SramBanksConfig& c, std::int64_t address, std::int64_t bytes) {
  if (c.ideal() || bytes <= 0) return 0;
  std::vector<SramBankShare> shares;
  split_over_banks(c, address, bytes, &shares);
  std::int64_t most = 0;
  for (const SramBankShare& share : shares) most = std::max(most, share.cycles);
  return most;
}

}  // namespace tilesim
