// The program's blocks of 64 KiB to 2 MiB (sim/cli/huge_page_new.cpp): carved
// from one reserved range in transparent huge pages and reused when freed, so
// that the compiler's and the simulator's mid-sized vectors (an EXEC list,
// next-use tables, the SRAM's scratch) do not each first-touch fresh 4 KiB
// pages, which on this VM cost ~6-14 µs apiece (issue 16).
//
// Contract: allocate(bytes) for serves(bytes) returns a block of the size
// class 64 KiB << c, the smallest that holds `bytes`, aligned to 64 KiB:
// the last freed block of that class if there is one, else the next one
// carved after the ones before it; nullptr once the reservation is used up or
// was refused (the caller then asks malloc). owns(p) says whether p lies in
// the reservation, which only the arena's blocks do; it may be asked from any
// thread without a lock. release(p) takes back a block allocate gave (true)
// and refuses any other pointer (false). allocate and release are not
// thread-safe: the caller locks around them. Blocks are never merged, split
// or returned to the system, and the range is never unmapped: the arena lives
// as long as the program, and a block freed by a static destructor after main
// is still its own. Constant-initialised and trivially destructible, so a
// global one serves static constructors in any order; the range is reserved
// at the first allocation.
#pragma once

#include <atomic>
#include <cstddef>

#include "compiler/support/huge_pages.h"

namespace tilesim {

class MediumArena {
 public:
  static constexpr std::size_t kGranule = std::size_t{64} << 10;  // the smallest class
  static constexpr int kClasses = 6;                              // 64 KiB .. 2 MiB
  static constexpr std::size_t kMaxReserved = std::size_t{1} << 30;

  // `reserved_bytes` (a multiple of kGranule, at most kMaxReserved) of address
  // space; only the blocks written take memory.
  constexpr explicit MediumArena(std::size_t reserved_bytes = kMaxReserved) : reserved_(reserved_bytes) {}
  MediumArena(const MediumArena&) = delete;
  MediumArena& operator=(const MediumArena&) = delete;

  static constexpr bool serves(std::size_t bytes) { return bytes >= kGranule && bytes < kHugePageBytes; }
  // The class of a block that holds `bytes`, and its size.
  static constexpr int class_index(std::size_t bytes) {
    int c = 0;
    while ((kGranule << c) < bytes) ++c;
    return c;
  }
  static constexpr std::size_t class_bytes(std::size_t bytes) { return kGranule << class_index(bytes); }
  void* allocate(std::size_t bytes);
  bool owns(const void* p) const {
    const unsigned char* base = base_.load(std::memory_order_acquire);
    const auto* at = static_cast<const unsigned char*>(p);
    return base != nullptr && at >= base && at < base + reserved_;
  }
  bool release(void* p);

 private:
  bool reserve();

  std::size_t reserved_;
  std::atomic<unsigned char*> base_{nullptr};  // set once, at the first allocation
  std::size_t used_ = 0;                       // carved from base_
  bool refused_ = false;                       // mmap refused the range
  void* free_[kClasses] = {};
  unsigned char class_of_[kMaxReserved / kGranule] = {};  // per granule: the class of a block starting there
};

}  // namespace tilesim
