// Bit arrays held in 64-bit words, bit b being bit b % 64 of word b / 64: the
// elements a gather reads, counted for the totals (totals.cpp) and for a
// LOAD's bytes (im2col_distinct_elements). A run of neighbouring bits is set
// a word at a time, where std::bitset and std::vector<bool> set one bit at a
// time.
//
// Contract: the caller's words hold every bit named; nothing is checked.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace tilesim::sched {

// Sets bits first .. first + n - 1.
inline void set_bit_run(std::uint64_t* words, std::int64_t first, std::int64_t n) {
  while (n > 0) {
    const std::int64_t offset = first & 63, k = std::min<std::int64_t>(n, 64 - offset);
    const std::uint64_t ones = k == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << k) - 1;
    words[static_cast<std::size_t>(first >> 6)] |= ones << offset;
    first += k, n -= k;
  }
}

// The bits set in words[0 .. count).
inline std::int64_t count_bits(const std::uint64_t* words, std::size_t count) {
  std::int64_t n = 0;
  for (std::size_t w = 0; w < count; ++w) n += __builtin_popcountll(words[w]);
  return n;
}

}  // namespace tilesim::sched
