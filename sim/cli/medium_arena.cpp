#include "sim/cli/medium_arena.h"

#include <sys/mman.h>

namespace tilesim {

bool MediumArena::reserve() {
  if (base_.load(std::memory_order_relaxed) != nullptr || refused_) return !refused_;
  void* p = ::mmap(nullptr, reserved_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    refused_ = true;
    return false;
  }
  advise_huge_pages(p, reserved_);
  base_.store(static_cast<unsigned char*>(p), std::memory_order_release);
  return true;
}

void* MediumArena::allocate(std::size_t bytes) {
  const int c = class_index(bytes);
  if (void* p = free_[c]) {
    free_[c] = *static_cast<void**>(p);  // the list's link lives in the free block
    return p;
  }
  const std::size_t block = class_bytes(bytes);
  if (!reserve() || reserved_ - used_ < block) return nullptr;
  unsigned char* p = base_.load(std::memory_order_relaxed) + used_;
  class_of_[used_ / kGranule] = static_cast<unsigned char>(c);
  used_ += block;
  return p;
}

bool MediumArena::release(void* p) {
  const unsigned char* base = base_.load(std::memory_order_relaxed);
  const auto* at = static_cast<unsigned char*>(p);
  if (base == nullptr || at < base || at >= base + used_) return false;
  const int c = class_of_[static_cast<std::size_t>(at - base) / kGranule];
  *static_cast<void**>(p) = free_[c];
  free_[c] = p;
  return true;
}

}  // namespace tilesim
