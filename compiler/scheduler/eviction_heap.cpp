#include "compiler/scheduler/eviction_heap.h"

namespace tilesim::sched {

void EvictionHeap::set(std::uint32_t t, std::uint64_t key) {
  if (pos_[t] == kAbsent) {
    heap_.push_back(key);
    sift_up(heap_.size() - 1);
    return;
  }
  const std::size_t i = pos_[t];
  const std::uint64_t old = heap_[i];
  heap_[i] = key;
  if (key > old) {
    sift_up(i);
  } else {
    sift_down(i);
  }
}

void EvictionHeap::erase(std::uint32_t t) {
  const std::uint32_t i = pos_[t];
  if (i == kAbsent) return;
  pos_[t] = kAbsent;
  const std::uint64_t last = heap_.back();
  heap_.pop_back();
  if (i == heap_.size()) return;  // t was the last entry
  heap_[i] = last;
  if (i > 0 && last > heap_[(i - 1) / 2]) {
    sift_up(i);
  } else {
    sift_down(i);
  }
}

void EvictionHeap::sift_up(std::size_t i) {
  const std::uint64_t key = heap_[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (heap_[parent] >= key) break;
    place(i, heap_[parent]);
    i = parent;
  }
  place(i, key);
}

void EvictionHeap::sift_down(std::size_t i) {
  const std::uint64_t key = heap_[i];
  const std::size_t n = heap_.size();
  for (;;) {
    std::size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && heap_[child + 1] > heap_[child]) ++child;
    if (heap_[child] <= key) break;
    place(i, heap_[child]);
    i = child;
  }
  place(i, key);
}

}  // namespace tilesim::sched
