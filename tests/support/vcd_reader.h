// A small VCD reader for tests: which signals a trace declares, the value
// changes of each, and how long a 1-bit signal was high.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tilesim::test {

struct VcdTrace {
  std::string timescale;  // e.g. "1 ns"
  // signal name -> identifier code; a signal in scopes below the outermost is
  // named by them: "dram.ch0.busy" is `busy` in `ch0` in `dram` in `SystemC`.
  std::map<std::string, std::string> ids;
  std::map<std::string, std::vector<std::pair<std::int64_t, std::string>>> changes;  // id -> (time, value)
  std::vector<std::int64_t> timestamps;                                              // every #time, in file order
  std::int64_t end_time = 0;

  bool has(const std::string& name) const { return ids.count(name) != 0; }
  // The value changes of a signal by name: (time, value) in time order.
  const std::vector<std::pair<std::int64_t, std::string>>& of(const std::string& name) const {
    return changes.at(ids.at(name));
  }
  // Total time a 1-bit signal was "1" until end_time.
  std::int64_t time_high(const std::string& name) const;
};

// Throws std::runtime_error when the file is not a VCD this reader understands.
VcdTrace read_vcd(const std::string& path);

}  // namespace tilesim::test
