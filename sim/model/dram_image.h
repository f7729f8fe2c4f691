// The DRAM's bytes: every tensor of the schedule with storage at its DRAM
// address (TensorInfo::dram_address), its tiles where the schedule's layout
// puts them (sched::tile_spans), padding zero. No SystemC: the DRAM module
// holds one.
//
// Contract: a tile's floats — 32 x 32 row-major (one row for a bias tile, one
// float for a scalar) — are the bytes of its spans taken in order (read_tile
// and write_tile), in either layout; the DMA engine moves tiles the same way
// through the DRAM's socket. A tensor whose storage layout is not matrix
// (nhwc, conv_weight: tensor_view.h) is written and read element by element,
// each true element at the storage position storage_coord gives it (the
// other positions, padding and a grouped convolution's zeros, stay zero).
// A view has no bytes of its own. In timing-only runs there are no bytes
// (data() is nullptr), only addresses.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "compiler/schedule/dram_layout.h"
#include "compiler/schedule/schedule.h"
#include "sim/io/host_tensor.h"
#include "compiler/support/huge_pages.h"

namespace tilesim::sim {

class DramImage {
 public:
  DramImage(const sched::Schedule& schedule, bool with_data);

  // The DRAM bytes the schedule's addresses reach (sched::dram_extent).
  std::uint64_t size_bytes() const { return size_; }
  unsigned char* data() { return data_ ? data_->data() : nullptr; }

  // Inputs and params from `inputs` (true shape), or, for one absent there
  // when `seed` is given, its seeded values generated in place
  // (seeded_values); everything else stays zero.
  void write_inputs(const std::map<std::string, HostTensor>& inputs, const std::optional<std::uint64_t>& seed = {});
  HostTensor read_tensor(std::int32_t tensor) const;

 private:
  void write_tile(const sched::TileRef& tile, const float* values);
  void write_rows(const sched::TensorInfo& t, const HostTensor& values);
  void write_seeded_rows(const sched::TensorInfo& t, std::uint64_t seed);
  void write_tensor(std::int32_t tensor, const HostTensor& values);
  void read_tile(const sched::TileRef& tile, float* values) const;
  template <typename F>
  void for_each_row(const sched::TensorInfo& t, F f) const;
  // Calls f(value's index in row-major order of t.dims, its DRAM address).
  template <typename F>
  void for_each_element(const sched::TensorInfo& t, F f) const;

  const sched::Schedule& schedule_;
  std::uint64_t size_ = 0;
  std::unique_ptr<HugePageBuffer> data_;  // zero-filled; null in timing-only runs
  mutable sched::DramSpans spans_;        // of the tile being written or read
};

}  // namespace tilesim::sim
