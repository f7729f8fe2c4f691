// The SRAM allocator's Belady order (compiler/scheduler/eviction_heap.h): the
// top is always the tile with the largest (next use, id) key, through inserts,
// moves up and down and removals, checked against a std::set of the same keys
// over random operations, and on a small case by hand.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "compiler/scheduler/eviction_heap.h"

using tilesim::sched::EvictionHeap;

namespace {

std::uint64_t key(std::uint32_t next_use, std::uint32_t tile) { return std::uint64_t{next_use} << 32 | tile; }

}  // namespace

TEST_CASE("eviction heap: the furthest next use on top, ties to the larger tile id", "[scheduler]") {
  EvictionHeap heap(8);
  CHECK(heap.empty());
  heap.set(3, key(10, 3));
  heap.set(5, key(40, 5));
  heap.set(1, key(40, 1));
  heap.set(7, key(20, 7));
  CHECK(heap.top() == 5);  // next use 40, and 5 > 1
  CHECK(heap.top_key() == key(40, 5));
  heap.set(5, key(15, 5));  // used again sooner: moves down
  CHECK(heap.top() == 1);
  heap.set(3, key(99, 3));  // moves up
  CHECK(heap.top() == 3);
  heap.erase(3);
  heap.erase(3);  // absent: nothing
  CHECK_FALSE(heap.contains(3));
  CHECK(heap.top() == 1);
  heap.erase(1);
  CHECK(heap.top() == 7);
  heap.erase(7);
  CHECK(heap.top() == 5);
  heap.erase(5);
  CHECK(heap.empty());
}

TEST_CASE("eviction heap: the same top as a std::set over random sets and erases", "[scheduler]") {
  constexpr std::uint32_t kTiles = 200;
  EvictionHeap heap(kTiles);
  std::set<std::uint64_t> reference;
  std::vector<std::uint64_t> held(kTiles, 0);  // each tile's key in the reference, 0: absent
  std::mt19937 random(16);
  std::uniform_int_distribution<std::uint32_t> tile(0, kTiles - 1), next_use(1, 500), op(0, 9);
  for (int step = 0; step < 20000; ++step) {
    const std::uint32_t t = tile(random);
    if (op(random) < 7) {  // set: insert, or move up or down
      const std::uint64_t k = key(next_use(random), t);
      if (held[t] != 0) reference.erase(held[t]);
      reference.insert(k);
      held[t] = k;
      heap.set(t, k);
    } else if (op(random) < 5 && !reference.empty()) {  // evict the top
      REQUIRE(heap.top_key() == *reference.rbegin());
      const std::uint32_t top = heap.top();
      reference.erase(held[top]);
      held[top] = 0;
      heap.erase(top);
    } else {  // erase any tile, held or not
      if (held[t] != 0) reference.erase(held[t]);
      held[t] = 0;
      heap.erase(t);
    }
    REQUIRE(heap.empty() == reference.empty());
    REQUIRE(heap.contains(t) == (held[t] != 0));
    if (!reference.empty()) {
      REQUIRE(heap.top_key() == *reference.rbegin());
      REQUIRE(heap.top() == static_cast<std::uint32_t>(*reference.rbegin()));
    }
  }
}
