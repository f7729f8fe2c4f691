#include "sim/cli/medium_arena.h"

#include <sys/mman.h>

namespace tilesim {

bool MediumArena::reserve() {
  if (base_ != nullptr || refused_) return !refused_;
  void* p = ::mmap(nullptr, reserved_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    refused_ = true;
    return false;
  }
  base_ = static_cast<unsigned char*>(p);
  advise_huge_pages(base_, reserved_);
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
  unsigned char* p = base_ + used_;
  class_of_[used_ / kGranule] = static_cast<unsigned char>(c);
  used_ += block;
  return p;
}

bool MediumArena::release(void* p) {
  const auto* at = static_cast<unsigned char*>(p);
  if (base_ == nullptr || at < base_ || at >= base_ + used_) return false;
  const int c = class_of_[static_cast<std::size_t>(at - base_) / kGranule];
  *static_cast<void**>(p) = free_[c];
  free_[c] = p;
  return true;
}

}  // namespace tilesim
