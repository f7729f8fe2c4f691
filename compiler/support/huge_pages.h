// Host memory for large buffers (the compiler's uOp list, the DRAM image,
// input and output tensors) in transparent huge pages where the kernel offers them, so that
// first touching tens of MiB costs one page fault per 2 MiB instead of one per
// 4 KiB (issue 16: page faults were a fifth of a large run's process time).
//
// Contract: only advice. advise_huge_pages never fails and never changes
// what the memory holds; on a kernel whose transparent huge pages are off, or
// for a buffer under 2 MiB, it does nothing. HugePageBuffer is zero-filled
// memory of at least `bytes` (nullptr when `bytes` is 0), freed on destruction:
// huge pages from kSmallBufferBytes on, 4 KiB pages faulted in at once below.
// release_pages gives the whole pages inside [begin, end) back to the system
// while the buffer stays allocated: a streaming pass calls it on the part it
// has read and will not read again; those bytes read as zeros afterwards.
#pragma once

#include <cstddef>

namespace tilesim {

inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;
// `bytes` rounded up to whole huge pages (0 when that wraps).
inline constexpr std::size_t whole_huge_pages(std::size_t bytes) {
  return (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
}

// Asks for huge pages over the whole 2 MiB pages inside [data, data + bytes):
// call it before the memory is first written.
void advise_huge_pages(void* data, std::size_t bytes);

void release_pages(const void* begin, const void* end);
// Faults in the whole pages inside [data, data + bytes) in one system call
// (MADV_POPULATE_WRITE) rather than one page fault each at first write;
// advice too, without effect on kernels before 5.14.
void populate_pages(void* data, std::size_t bytes);

// Below this a HugePageBuffer is 4 KiB pages, all faulted in at once
// (populate_pages), as a small model's SRAM and DRAM image are: a fresh huge
// page costs the kernel's zeroing of 2 MiB, 0.15-0.2 ms on one guest (as long
// as ~500 KiB of populated 4 KiB pages there) and 0.16-1.9 ms on another
// (~6 µs a populated page), so below this the 4 KiB pages cost no more on
// either (issue 16, docs/performance.md step 60).
inline constexpr std::size_t kSmallBufferBytes = std::size_t{512} << 10;

class HugePageBuffer {
 public:
  explicit HugePageBuffer(std::size_t bytes);  // throws std::bad_alloc
  ~HugePageBuffer();
  HugePageBuffer(const HugePageBuffer&) = delete;
  HugePageBuffer& operator=(const HugePageBuffer&) = delete;

  unsigned char* data() const { return data_; }

 private:
  void* map_base_ = nullptr;  // what mmap returned: data_ is it, or its first 2 MiB boundary
  unsigned char* data_ = nullptr;
  std::size_t mapped_ = 0;
};

}  // namespace tilesim
