// The SRAM allocator's resident tiles in Belady order: each tile's key is
// (next use << 32 | tile id), and the top is the largest key, the tile whose
// next use is furthest away (ties cannot happen: the id is in the key).
//
// Contract: an indexed binary max-heap over tile ids 0 .. tiles - 1. set(t,
// key), with t in the key's low 32 bits, inserts t or moves it to its new
// key; erase(t) removes it (nothing when absent); top() and top_key() are the
// largest entry (precondition: not empty). Each is O(log n) in the tiles
// held, with no stale entries: the allocator's heap with lazy deletion grew
// to 4x the SRAM's tiles between compactions, and pushing and compacting it
// was ~8% of compiling a large matmul (issue 16). The top is the same tile
// the old heap's top current key named, so schedules do not change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tilesim::sched {

class EvictionHeap {
 public:
  explicit EvictionHeap(std::size_t tiles) : pos_(tiles, kAbsent) {}

  bool empty() const { return heap_.empty(); }
  std::uint32_t top() const { return static_cast<std::uint32_t>(heap_.front()); }
  std::uint64_t top_key() const { return heap_.front(); }
  bool contains(std::uint32_t t) const { return pos_[t] != kAbsent; }

  void set(std::uint32_t t, std::uint64_t key);
  void erase(std::uint32_t t);

 private:
  static constexpr std::uint32_t kAbsent = 0xFFFFFFFFu;
  void place(std::size_t i, std::uint64_t key) {
    heap_[i] = key;
    pos_[static_cast<std::uint32_t>(key)] = static_cast<std::uint32_t>(i);
  }
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);

  std::vector<std::uint64_t> heap_;  // keys (the tile id in their low 32 bits); heap_[0] the largest
  std::vector<std::uint32_t> pos_;   // per tile: its index in heap_, or kAbsent
};

}  // namespace tilesim::sched
