#include "compiler/support/huge_pages.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <new>

namespace tilesim {

namespace {

// Gives `advice` for the whole units of `unit` bytes inside [begin, begin + bytes):
// advice only, an error (a kernel without it) changes nothing.
void advise_inside(const void* begin, std::size_t bytes, std::uintptr_t unit, int advice) {
  const auto at = reinterpret_cast<std::uintptr_t>(begin);
  const std::uintptr_t first = (at + unit - 1) / unit * unit;
  const std::uintptr_t last = (at + bytes) / unit * unit;
  if (last > first) (void)::madvise(reinterpret_cast<void*>(first), last - first, advice);
}

std::uintptr_t page_bytes() {
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  return page;
}

}  // namespace

void advise_huge_pages(void* data, std::size_t bytes) {
#ifdef MADV_HUGEPAGE
  advise_inside(data, bytes, kHugePageBytes, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

void release_pages(const void* begin, const void* end) {
  // Whole pages strictly inside the buffer: the allocator's own headers lie outside.
  const auto bytes = static_cast<const char*>(end) - static_cast<const char*>(begin);
  if (bytes > 0) advise_inside(begin, static_cast<std::size_t>(bytes), page_bytes(), MADV_DONTNEED);
}

void populate_pages(void* data, std::size_t bytes) {
#ifdef MADV_POPULATE_WRITE
  advise_inside(data, bytes, page_bytes(), MADV_POPULATE_WRITE);
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
  const bool huge = bytes >= kSmallBufferBytes;
  // Huge: one huge page more than asked, so a 2 MiB-aligned run of them fits inside.
  mapped_ = huge ? whole_huge_pages(bytes) + kHugePageBytes : bytes;
  if (mapped_ < bytes) throw std::bad_alloc();  // wrapped: no such buffer
  void* p = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  map_base_ = p;
  if (!huge) {
    data_ = static_cast<unsigned char*>(p);
    populate_pages(data_, mapped_);
    return;
  }
  const auto base = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t aligned = (base + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  data_ = reinterpret_cast<unsigned char*>(aligned);
  advise_huge_pages(data_, mapped_ - (aligned - base));
}

HugePageBuffer::~HugePageBuffer() {
  if (map_base_ != nullptr) ::munmap(map_base_, mapped_);
}
#endif

}  // namespace tilesim
