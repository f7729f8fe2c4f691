#include "sim/memory/dram/address_map.h"

namespace tilesim::dram {

namespace {

int log2_of(std::int64_t power_of_two) {
  int bits = 0;
  while ((std::int64_t{1} << bits) < power_of_two) ++bits;
  return bits;
}

}  // namespace

AddressMap::AddressMap(const DramConfig& config) {
  int shift = log2_of(config.burst_bytes());
  offset_mask_ = (std::uint64_t{1} << shift) - 1;
  const std::vector<DramField> fields = dram_mapping_fields(config);
  for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
    const int bits = log2_of(dram_field_count(config, *it));
    slices_.push_back(Slice{*it, shift, (std::uint64_t{1} << bits) - 1});
    shift += bits;
  }
  capacity_mask_ = (std::uint64_t{1} << shift) - 1;  // at most 61 bits (dram_config.cpp)
}

DramCoordinates AddressMap::decode(std::uint64_t address) const {
  DramCoordinates c;
  for (const Slice& s : slices_) {
    const std::uint64_t value = (address >> s.shift) & s.mask;
    switch (s.field) {
      case DramField::kChannel:
        c.channel = static_cast<int>(value);
        break;
      case DramField::kRank:
        c.rank = static_cast<int>(value);
        break;
      case DramField::kBankGroup:
        c.bank_group = static_cast<int>(value);
        break;
      case DramField::kBank:
        c.bank = static_cast<int>(value);
        break;
      case DramField::kRow:
        c.row = static_cast<std::int64_t>(value);
        break;
      case DramField::kColumn:
        c.column = static_cast<std::int64_t>(value);
        break;
    }
  }
  return c;
}

int AddressMap::channel_of(std::uint64_t address) const {
  for (const Slice& s : slices_) {
    if (s.field == DramField::kChannel) return static_cast<int>((address >> s.shift) & s.mask);
  }
  return 0;
}

}  // namespace tilesim::dram
