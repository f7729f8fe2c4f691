#include "compiler/support/huge_pages.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <new>

namespace tilesim {

void advise_huge_pages(void* data, std::size_t bytes) {
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  const std::uintptr_t last = (begin + bytes) / kHugePageBytes * kHugePageBytes;
  if (last <= first) return;
#ifdef MADV_HUGEPAGE
  // Advice only: an error (THP compiled out, a kernel that refuses) leaves normal pages.
  (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#endif
}

void release_pages(const void* begin, const void* end) {
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const std::uintptr_t first = (reinterpret_cast<std::uintptr_t>(begin) + page - 1) / page * page;
  const std::uintptr_t last = reinterpret_cast<std::uintptr_t>(end) / page * page;
  if (last <= first) return;
  // Whole pages strictly inside the buffer: the allocator's own headers lie outside.
  (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

void populate_pages(void* data, std::size_t bytes) {
#ifdef MADV_POPULATE_WRITE
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const std::uintptr_t first = (reinterpret_cast<std::uintptr_t>(data) + page - 1) / page * page;
  const std::uintptr_t last = (reinterpret_cast<std::uintptr_t>(data) + bytes) / page * page;
  if (last > first) (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_WRITE);
#else
  (void)data;
  (void)bytes;
#endif
}

#if defined(__SANITIZE_ADDRESS__)
// Under AddressSanitizer the heap's redzones catch an access past the end, which a
// mapping would not: the buffer is plain calloc'ed memory there.
HugePageBuffer::HugePageBuffer(std::size_t bytes) {
  if (bytes == 0) return;
  data_ = static_cast<unsigned char*>(std::calloc(bytes, 1));
  if (data_ == nullptr) throw std::bad_alloc();
}

HugePageBuffer::~HugePageBuffer() { std::free(data_); }
#else
HugePageBuffer::HugePageBuffer(std::size_t bytes) {
  if (bytes == 0) return;
  // One huge page more than asked, so a 2 MiB-aligned run of them fits inside.
  mapped_ = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes + kHugePageBytes;
  void* p = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  const auto base = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t aligned = (base + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  data_ = reinterpret_cast<unsigned char*>(aligned);
  advise_huge_pages(data_, mapped_ - (aligned - base));
  map_base_ = p;
}

HugePageBuffer::~HugePageBuffer() {
  if (map_base_ != nullptr) ::munmap(map_base_, mapped_);
}
#endif

}  // namespace tilesim
