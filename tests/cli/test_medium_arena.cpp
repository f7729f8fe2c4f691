// The program's arena for blocks of 64 KiB to 2 MiB (sim/cli/medium_arena.h):
// which sizes it serves (64 KiB - 1 refused, 64 KiB served; 2 MiB - 1 served,
// 2 MiB refused), the class each size rounds to, blocks carved one after
// another, a freed block serving the next allocation of its class only, the
// end of the reservation, and pointers it never gave.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <vector>

#include "sim/cli/medium_arena.h"

using tilesim::MediumArena;

namespace {

constexpr std::size_t kKiB = 1024;

std::ptrdiff_t distance(void* from, void* to) { return static_cast<char*>(to) - static_cast<char*>(from); }

}  // namespace

TEST_CASE("medium arena: serves 64 KiB to 2 MiB - 1, each in the least power-of-two class", "[memory]") {
  CHECK_FALSE(MediumArena::serves(64 * kKiB - 1));
  CHECK(MediumArena::serves(64 * kKiB));
  CHECK(MediumArena::serves(2048 * kKiB - 1));
  CHECK_FALSE(MediumArena::serves(2048 * kKiB));
  CHECK(MediumArena::class_bytes(64 * kKiB) == 64 * kKiB);
  CHECK(MediumArena::class_bytes(64 * kKiB + 1) == 128 * kKiB);
  CHECK(MediumArena::class_bytes(1024 * kKiB) == 1024 * kKiB);
  CHECK(MediumArena::class_bytes(1024 * kKiB + 1) == 2048 * kKiB);
  CHECK(MediumArena::class_bytes(2048 * kKiB - 1) == 2048 * kKiB);
}

TEST_CASE("medium arena: blocks are carved in order, a class size apart, and hold all their bytes", "[memory]") {
  MediumArena arena(4096 * kKiB);
  void* a = arena.allocate(64 * kKiB);      // 64 KiB block
  void* b = arena.allocate(64 * kKiB + 1);  // 128 KiB block
  void* c = arena.allocate(700 * kKiB);     // 1 MiB block
  void* d = arena.allocate(100 * kKiB);     // 128 KiB block
  REQUIRE(a != nullptr);
  CHECK(reinterpret_cast<std::uintptr_t>(a) % (64 * kKiB) == 0);
  CHECK(distance(a, b) == static_cast<std::ptrdiff_t>(64 * kKiB));
  CHECK(distance(b, c) == static_cast<std::ptrdiff_t>(128 * kKiB));
  CHECK(distance(c, d) == static_cast<std::ptrdiff_t>(1024 * kKiB));
  std::memset(c, 0x5a, 1024 * kKiB);  // the whole class, not only the 700 KiB asked
  std::memset(d, 0xa5, 128 * kKiB);
  CHECK(static_cast<unsigned char*>(c)[1024 * kKiB - 1] == 0x5a);
  CHECK(static_cast<unsigned char*>(d)[0] == 0xa5);
}

TEST_CASE("medium arena: a freed block serves the next allocation of its class, last freed first", "[memory]") {
  MediumArena arena(4096 * kKiB);
  void* a = arena.allocate(128 * kKiB);
  void* b = arena.allocate(128 * kKiB);
  void* c = arena.allocate(256 * kKiB);
  REQUIRE(arena.release(a));
  REQUIRE(arena.release(b));
  CHECK(arena.allocate(256 * kKiB) != a);  // another class: a new block after c
  CHECK(arena.allocate(65 * kKiB) == b);   // 128 KiB class: the last freed
  CHECK(arena.allocate(128 * kKiB) == a);
  REQUIRE(arena.release(c));
  CHECK(arena.allocate(200 * kKiB) == c);
}

TEST_CASE("medium arena: nullptr past the reservation, then freed blocks still serve", "[memory]") {
  MediumArena arena(256 * kKiB);
  void* a = arena.allocate(128 * kKiB);
  void* b = arena.allocate(64 * kKiB);
  void* c = arena.allocate(64 * kKiB);
  REQUIRE(c != nullptr);
  CHECK(arena.allocate(64 * kKiB) == nullptr);  // 256 KiB carved: the end
  CHECK(arena.allocate(128 * kKiB) == nullptr);
  REQUIRE(arena.release(b));
  CHECK(arena.allocate(64 * kKiB) == b);
  REQUIRE(arena.release(a));
  CHECK(arena.allocate(128 * kKiB) == a);
}

TEST_CASE("medium arena: owns only its reservation, and refuses pointers it never gave", "[memory]") {
  MediumArena arena(256 * kKiB);
  int on_stack = 0;
  std::vector<char> on_heap(100 * kKiB);
  CHECK_FALSE(arena.owns(&on_stack));  // nothing reserved yet
  CHECK_FALSE(arena.release(&on_stack));
  void* a = arena.allocate(64 * kKiB);
  REQUIRE(a != nullptr);
  CHECK(arena.owns(a));
  CHECK(arena.owns(static_cast<char*>(a) + 256 * kKiB - 1));
  CHECK_FALSE(arena.owns(static_cast<char*>(a) + 256 * kKiB));
  CHECK_FALSE(arena.owns(&on_stack));
  CHECK_FALSE(arena.owns(on_heap.data()));
  CHECK_FALSE(arena.release(&on_stack));
  CHECK_FALSE(arena.release(on_heap.data()));
  CHECK_FALSE(arena.release(static_cast<char*>(a) + 64 * kKiB));  // reserved, but never carved
  CHECK(arena.release(a));
}
