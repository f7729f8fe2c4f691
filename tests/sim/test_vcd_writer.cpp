// The VCD writer alone: the exact text it writes for vector values at every
// byte boundary (checked against std::bitset, not the writer's digit table),
// and a trace several times larger than its 1 MiB buffer written whole.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <bitset>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/trace/vcd_writer.h"

using namespace tilesim;

namespace {

// A value as VCD writes it: `b` and the binary digits without leading zeros.
std::string binary(std::uint64_t value) {
  const std::string digits = std::bitset<64>(value).to_string();
  const std::size_t first = digits.find('1');
  return "b" + (first == std::string::npos ? std::string("0") : digits.substr(first));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// What follows `$enddefinitions $end\n`.
std::string body_of(const std::string& vcd) {
  const std::string mark = "$enddefinitions $end\n";
  const std::size_t at = vcd.find(mark);
  REQUIRE(at != std::string::npos);
  return vcd.substr(at + mark.size());
}

// Per process: two test runs at once (a build and a sanitizer build) never share one.
std::string temp_path(const char* name) {
  return std::string(P_tmpdir) + "/tilesim-test-" + std::to_string(::getpid()) + "-" + name;
}

}  // namespace

TEST_CASE("vcd writer: vectors in binary without leading zeros, at every byte boundary", "[trace]") {
  const std::string path = temp_path("vcd-values.vcd");
  const std::vector<sim::VcdSignal> signals = {{"w", 1}, {"v32", 32}, {"v64", 64}};
  sim::VcdWriter writer(path, signals, 1000, 0, -1);  // 1 ns cycles: timestamps are cycles
  std::vector<std::uint64_t> values = {0, 0, 0};
  writer.record(0, values);
  const std::vector<std::uint64_t> wide = {1,          2,          127,        128,         255,
                                           256,        257,        0xFFFF,     0x10000,     0x7FFFFFFF,
                                           0x80000000, 0xFFFFFFFF, 1ull << 32, 0x0123456789ABCDEFull,
                                           1ull << 63, ~0ull};  // ~0: 64 ones on a 64-bit signal
  std::string expected = "#0\n$dumpvars\n0a\nb0 b\nb0 c\n$end\n";
  std::int64_t cycle = 0;
  for (const std::uint64_t v : wide) {
    values[2] = v;
    writer.record(++cycle, values);
    expected += "#" + std::to_string(cycle) + "\n" + binary(v) + " c\n";
  }
  values[1] = sim::kVcdNone;  // narrower than 64 bits: no value, `bz`
  values[0] = 1;
  writer.record(++cycle, values);
  expected += "#" + std::to_string(cycle) + "\n1a\nbz b\n";
  values[1] = 0xABCD;
  writer.record(++cycle, values);
  expected += "#" + std::to_string(cycle) + "\n" + binary(0xABCD) + " b\n";
  writer.finish(cycle + 5).commit();
  expected += "#" + std::to_string(cycle + 5) + "\n";

  const std::string vcd = read_file(path);
  std::remove(path.c_str());
  CHECK(vcd.rfind("$version tilesim $end\n$timescale 1 ns $end\n$scope module SystemC $end\n"
                  "$var wire 1 a w $end\n$var wire 32 b v32 [31:0] $end\n$var wire 64 c v64 [63:0] $end\n",
                  0) == 0);
  CHECK(body_of(vcd) == expected);
}

TEST_CASE("vcd writer: a trace several times its 1 MiB buffer is written whole, in order", "[trace]") {
  const std::string path = temp_path("vcd-large.vcd");
  // 60 signals: ids a..z, A..Z, then two-letter ones (ba, ca, ...).
  std::vector<sim::VcdSignal> signals;
  for (int i = 0; i < 60; ++i) signals.push_back({"s" + std::to_string(i), 24});
  sim::VcdWriter writer(path, signals, 1000, 0, -1);
  std::vector<std::uint64_t> values(signals.size(), 0);
  writer.record(0, values);
  constexpr std::int64_t kCycles = 100000;  // ~28 bytes a cycle: 2.8 MB
  for (std::int64_t c = 1; c <= kCycles; ++c) {
    values[static_cast<std::size_t>(c % 60)] = static_cast<std::uint64_t>(c);  // a new value each cycle
    writer.record(c, values);
  }
  writer.finish(kCycles).commit();

  const std::string vcd = read_file(path);
  std::remove(path.c_str());
  REQUIRE(vcd.size() > (std::size_t{2} << 20));
  // Every timestamp once, in order; every line a timestamp, a value change or a keyword.
  std::istringstream lines(body_of(vcd));
  std::string line;
  std::int64_t next_stamp = 0;
  std::size_t value_lines = 0;
  while (std::getline(lines, line)) {
    REQUIRE(!line.empty());
    if (line[0] == '#') {
      REQUIRE(std::stoll(line.substr(1)) == next_stamp);
      ++next_stamp;
    } else if (line[0] == 'b') {
      const std::size_t space = line.find(' ');
      REQUIRE(space != std::string::npos);
      REQUIRE(line.find_first_not_of("01", 1) == space);
      ++value_lines;
    } else {
      REQUIRE((line == "$dumpvars" || line == "$end"));
    }
  }
  CHECK(next_stamp == kCycles + 1);
  CHECK(value_lines == signals.size() + kCycles);  // $dumpvars lists all 60, then one change a cycle
}
