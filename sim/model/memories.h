// The two memories of the model. Plain storage, no processes: the DMA engine
// and the compute unit are the only ones that touch them, at the simulated
// times the schedule dictates.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/schedule/schedule.h"
#include "sim/io/host_tensor.h"

namespace tilesim::sim {

// On-chip scratchpad: the byte arena the schedule's addresses point into,
// held as floats (every address is a multiple of 4 KiB). It holds the extent
// the schedule's addresses reach, not the configured size, and its pages are
// zeroed lazily by the system (calloc): a 4 GiB SRAM costs what is used.
class Sram {
 public:
  explicit Sram(const sched::Schedule& schedule);
  float* at(std::uint32_t byte_address) { return data_.get() + byte_address / 4; }
  std::int64_t bytes() const { return bytes_; }

  // The bytes from address 0 to the end of the highest tile the schedule uses.
  static std::int64_t used_bytes(const sched::Schedule& schedule);

 private:
  struct FreeDeleter {
    void operator()(float* p) const { std::free(p); }
  };
  std::int64_t bytes_;
  std::unique_ptr<float, FreeDeleter> data_;
};

// Off-chip memory: every tensor of the schedule, padded to tiles with zeros.
class Dram {
 public:
  // Inputs and params take their values from `inputs`; the rest start at zero.
  Dram(const sched::Schedule& schedule, const std::map<std::string, HostTensor>& inputs);

  // Copies one tile between DRAM and SRAM (32 rows of 32 floats; 1 row for a bias).
  void load_tile(const sched::TileRef& tile, float* sram_tile) const;
  void store_tile(const sched::TileRef& tile, const float* sram_tile);

  // A tensor's values cropped to its true shape.
  HostTensor read_tensor(std::int32_t tensor) const;

 private:
  struct FreeDeleter {
    void operator()(float* p) const { std::free(p); }
  };
  const sched::Schedule& schedule_;
  // Padded, row-major. An input or param whose shape is already a multiple
  // of 32 is read in place from the caller's HostTensor (DMA never writes
  // inputs); everything else lives in `owned_`, zeroed by calloc so that
  // untouched pages of large tensors cost nothing.
  std::vector<float*> tensors_;
  std::vector<std::unique_ptr<float, FreeDeleter>> owned_;
};

}  // namespace tilesim::sim
