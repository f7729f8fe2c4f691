#include "compiler/schedule/dram_placement.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace tilesim::sched {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

std::uint64_t add_or_max(std::uint64_t a, std::uint64_t b) {
  std::uint64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? kMax : sum;
}

// The first multiple of `alignment` (a power of two) at or after `address`;
// kMax, which no tensor may have (it is not aligned), when there is none.
std::uint64_t align_up(std::uint64_t address, std::uint64_t alignment) {
  const std::uint64_t bumped = add_or_max(address, alignment - 1);
  return bumped == kMax ? kMax : bumped & ~(alignment - 1);
}

}  // namespace

bool valid_dram_alignment(std::uint64_t alignment) {
  return alignment >= kDramAlignment && (alignment & (alignment - 1)) == 0;
}

void place_tensors(std::vector<TensorInfo>& tensors, std::uint64_t alignment) {
  if (!valid_dram_alignment(alignment)) {
    throw std::invalid_argument("DRAM alignment " + std::to_string(alignment) + " is not a power of two of at least " +
                                std::to_string(kDramAlignment));
  }
  std::uint64_t next = 0;
  for (TensorInfo& t : tensors) {
    if (t.is_view()) continue;
    t.dram_address = next;
    next = align_up(add_or_max(next, static_cast<std::uint64_t>(t.dram_bytes())), alignment);
  }
}

std::uint64_t dram_extent(const Schedule& schedule) {
  std::uint64_t end = 0;
  for (const TensorInfo& t : schedule.tensors) {
    if (t.dram_address) end = std::max(end, add_or_max(*t.dram_address, static_cast<std::uint64_t>(t.dram_bytes())));
  }
  return end;
}

}  // namespace tilesim::sched
