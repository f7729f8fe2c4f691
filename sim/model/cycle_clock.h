// Simulated time and the accelerator's clock: a cycle is `cycle` long, an
// integer number of picoseconds, and every unit's event falls on a whole
// cycle (docs/cycle-model.md). The two conversions every module makes, kept
// in integer picoseconds (no round trip through a double).
#pragma once

#include <systemc>

#include <cstdint>

namespace tilesim::sim {

// n cycles as a time.
inline sc_core::sc_time cycles_time(const sc_core::sc_time& cycle, std::int64_t n) {
  return sc_core::sc_time::from_value(cycle.value() * static_cast<sc_core::sc_time::value_type>(n));
}

// The cycle instant `t` falls in: its whole cycles (floor).
inline std::int64_t whole_cycles(const sc_core::sc_time& cycle, const sc_core::sc_time& t) {
  return static_cast<std::int64_t>(t.value() / cycle.value());
}

}  // namespace tilesim::sim
