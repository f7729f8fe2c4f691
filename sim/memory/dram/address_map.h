// Decodes a byte address into channel, rank, bank group, bank, row and column
// by the config's address_mapping (docs/dram-model.md, "Address mapping"):
// the lowest log2(burst_bytes) bits select a byte inside the burst and are
// ignored; above them each field of the mapping string takes log2(its count)
// bits, the last field lowest. Bits above the capacity are ignored (the
// address is taken modulo capacity_bytes()). The config must be valid.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "compiler/hw/dram_config.h"

namespace tilesim::dram {

struct DramCoordinates {
  int channel = 0;
  int rank = 0;
  int bank_group = 0;
  int bank = 0;  // inside its bank group
  std::int64_t row = 0;
  std::int64_t column = 0;  // in bursts inside the row
};

class AddressMap {
 public:
  explicit AddressMap(const DramConfig& config);
  DramCoordinates decode(std::uint64_t address) const {
    DramCoordinates c;
    c.channel = static_cast<int>(field(DramField::kChannel, address));
    c.rank = static_cast<int>(field(DramField::kRank, address));
    c.bank_group = static_cast<int>(field(DramField::kBankGroup, address));
    c.bank = static_cast<int>(field(DramField::kBank, address));
    c.row = static_cast<std::int64_t>(field(DramField::kRow, address));
    c.column = static_cast<std::int64_t>(field(DramField::kColumn, address));
    return c;
  }
  // The address with the byte-in-burst bits cleared and the capacity applied.
  std::uint64_t burst_address(std::uint64_t address) const { return address & capacity_mask_ & ~offset_mask_; }
  int channel_of(std::uint64_t address) const { return static_cast<int>(field(DramField::kChannel, address)); }

 private:
  // A field's bits in the address, indexed by DramField: one shift and mask
  // each, so that a burst is decoded without a walk over the mapping (it was
  // ~140 instructions a burst). A field the mapping leaves out reads as 0.
  struct Slice {
    int shift = 0;
    std::uint64_t mask = 0;
  };
  std::uint64_t field(DramField f, std::uint64_t address) const {
    const Slice& s = slices_[static_cast<std::size_t>(f)];
    return (address >> s.shift) & s.mask;
  }
  std::array<Slice, static_cast<std::size_t>(DramField::kColumn) + 1> slices_{};
  std::uint64_t capacity_mask_ = 0;
  std::uint64_t offset_mask_ = 0;
};

}  // namespace tilesim::dram
