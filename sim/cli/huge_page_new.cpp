// The program's global operator new: every allocation of 64 KiB or more is
// in transparent huge pages. One of 2 MiB or more is a mapping of its own,
// advised before its first write; one of 64 KiB to 2 MiB is a block of the
// program's MediumArena (medium_arena.h), which reuses freed blocks.
//
// Why here and not at each buffer: the compiler's uOp list and its working
// arrays, the simulator's vectors and the host tensors are all std::vectors.
// On this VM the first write to a fresh 4 KiB page costs ~14 µs, and still
// ~6 µs after MADV_POPULATE_WRITE has faulted it in (the host maps it then);
// a huge page costs about as much as one 4 KiB page when the host has one
// ready. A 4096^3 matmul compiled 126 000 page faults (half of its 2.3 s)
// before its big buffers were huge pages; the arena took a fifth off the
// large MLP's compile (issue 16, docs/performance.md).
//
// Contract: the replaceable allocation function of [new.delete.single], with
// the standard's behaviour (the new-handler loop, std::bad_alloc); operator
// delete frees what it allocated. Only the tilesim program links it: the
// libraries and tests keep the toolchain's. Under AddressSanitizer this file
// is empty, so ASan's own operator new still checks new/delete pairs.
#include <stdlib.h>

#include <cstdlib>
#include <mutex>
#include <new>

#include "compiler/support/huge_pages.h"
#include "sim/cli/medium_arena.h"

#if !defined(__SANITIZE_ADDRESS__)

namespace {

// Both constant-initialised: usable by every static constructor. The lock keeps
// operator new free of data races ([new.delete.dataraces]) should a thread
// ever allocate; uncontended, it costs ~20 ns per mid-sized block, and the
// other blocks' operator delete does not take it (MediumArena::owns).
tilesim::MediumArena arena;
std::mutex arena_lock;

// A buffer of 2 MiB or more starts on a 2 MiB boundary and ends on one, so
// that all of it can be huge pages: where malloc places it (a page past a
// boundary) a 3 MiB buffer holds no whole huge page at all, as SystemC's
// 3 MiB scratch heap, zeroed at start-up, did (768 page faults of the 1 100
// of `tilesim --version`).
void* allocate(std::size_t bytes) {
  if (tilesim::MediumArena::serves(bytes)) {
    const std::lock_guard<std::mutex> hold(arena_lock);
    if (void* p = arena.allocate(bytes)) return p;
  }
  if (bytes < tilesim::kHugePageBytes) {
    void* p = std::malloc(bytes);
    if (p != nullptr && bytes >= tilesim::MediumArena::kGranule) tilesim::populate_pages(p, bytes);
    return p;
  }
  const std::size_t whole = tilesim::whole_huge_pages(bytes);
  if (whole < bytes) return nullptr;  // wrapped: no such allocation
  void* p = nullptr;
  if (::posix_memalign(&p, tilesim::kHugePageBytes, whole) != 0) return nullptr;
  tilesim::advise_huge_pages(p, whole);
  return p;
}

void release(void* p) {
  if (!arena.owns(p)) {
    std::free(p);
    return;
  }
  const std::lock_guard<std::mutex> hold(arena_lock);
  arena.release(p);
}

}  // namespace

void* operator new(std::size_t bytes) {
  if (bytes == 0) bytes = 1;
  for (;;) {
    if (void* p = allocate(bytes)) return p;
    const std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

void operator delete(void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }

#endif
