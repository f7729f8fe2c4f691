#include "sim/memory/dram/address_map.h"

#include <vector>

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
    slices_[static_cast<std::size_t>(*it)] = Slice{shift, (std::uint64_t{1} << bits) - 1};
    shift += bits;
  }
  capacity_mask_ = (std::uint64_t{1} << shift) - 1;  // at most 61 bits (dram_config.cpp)
}

}  // namespace tilesim::dram
