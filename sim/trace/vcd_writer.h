// The VCD trace of a run: a value change dump (IEEE 1364 §18) of the
// accelerator's signals, written by tilesim itself rather than by SystemC's
// tracer so that the file is staged like every output (sim/io/staged_file.h:
// an exclusive temporary file, every write checked, renamed into place only
// when whole) and a write error is never silent.
//
// Contract:
//  * Signals sit in the scope `SystemC`; a name with dots is declared in
//    nested scopes below it (`dram.ch0.busy`: `busy` in `ch0` in `dram`, which
//    GTKWave calls SystemC.dram.ch0.busy). Signals of one scope come together.
//  * Time is in cycles of the hardware clock; the file's timescale is 1 ns when a
//    cycle is a whole number of ns, else 1 ps, and each cycle is exactly
//    `units_per_cycle` units of it (HwConfig::cycle_ps()).
//  * record(cycle, values) gives the signals' values from `cycle` on; cycles never
//    go back. Several records at one cycle coalesce: only the last is written,
//    and only the signals whose value changed since the previous timestamp.
//  * The window [from_cycle, to_cycle) limits what is written (to_cycle < 0: no
//    end): the file starts at `from_cycle` with the values of that moment and
//    stops changing at `to_cycle`; records outside it cost almost nothing.
//    Tracing never changes a simulated figure.
//  * finish(end_cycle) writes the last timestamp (the end of the run, or of the
//    window), leaving out changes recorded after it, and returns the staged
//    file; WriteFailed on any write error.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/io/staged_file.h"

namespace tilesim::sim {

// The trace's time unit for a clock period: 1 ns when a cycle is a whole
// number of ns, else 1 ps; a cycle is exactly units_per_cycle of it.
struct VcdTimescale {
  const char* unit;  // "1 ns" or "1 ps"
  std::int64_t units_per_cycle;
};
VcdTimescale vcd_timescale(std::int64_t cycle_ps);

struct VcdSignal {
  std::string name;
  int width;  // bits: 1 is a wire written 0/1, more a vector written b<binary>
};

// The value "none" of a vector signal narrower than 64 bits: written `bz`
// (high impedance), which GTKWave draws between the rails and shows as z.
inline constexpr std::uint64_t kVcdNone = ~std::uint64_t{0};

class VcdWriter {
 public:
  VcdWriter(const std::string& path, std::vector<VcdSignal> signals, std::int64_t cycle_ps, std::int64_t from_cycle,
            std::int64_t to_cycle);
  ~VcdWriter();

  void record(std::int64_t cycle, const std::vector<std::uint64_t>& values);
  StagedFile finish(std::int64_t end_cycle);

  // The trace time of a cycle in the timescale's units.
  std::int64_t units(std::int64_t cycle) const { return cycle * timescale_.units_per_cycle; }

 private:
  void begin(std::int64_t cycle);
  void flush_pending();
  void emit(std::size_t signal, std::uint64_t value);
  char* room(std::size_t bytes);  // where the next `bytes` (at most the buffer's) go
  void put(const std::string& text);
  void drain(bool force);

  std::unique_ptr<OutputStream> out_;
  std::vector<VcdSignal> signals_;
  std::vector<std::string> ids_;         // each signal's identifier code
  std::vector<std::uint64_t> id_lines_;  // ... and a newline, as 8 bytes (for ids shorter than 8)
  VcdTimescale timescale_;
  std::int64_t from_, to_;
  bool started_ = false;
  std::int64_t pending_cycle_ = 0;
  std::int64_t stamped_cycle_ = -1;  // of the last timestamp written
  std::vector<std::uint64_t> pending_, written_;
  std::unique_ptr<char[]> buffer_;  // what is not yet written out: used_ bytes of 1 MiB
  std::size_t used_ = 0;
};

}  // namespace tilesim::sim
