// The DRAM's bytes: every tensor of the schedule with storage at its DRAM
// address (TensorInfo::dram_address), its tiles where the schedule's layout
// puts them (sched::tile_spans), padding zero. No SystemC: the DRAM module
// holds one.
//
// Contract: a tile's floats — 32 x 32 row-major (one row for a bias tile, one
// float for a scalar) — are the bytes of its spans (sched::tile_spans) taken
// in order, in either layout: the DMA engine moves tiles that way through the
// DRAM's socket. write_inputs and read_tensor put each true element of a
// tensor at the storage position storage_coord gives it (the other positions,
// padding and a grouped convolution's zeros, stay zero), a line of neighbours
// in DRAM at a time (a conv weight's given values as 8 x 8 transposes).
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
  // (seeded_values); everything else stays zero. threads == 2: the tensors
  // shared out between this thread and a second one when they hold
  // kTwoThreadElements values or more (the same bytes either way).
  void write_inputs(const std::map<std::string, HostTensor>& inputs, const std::optional<std::uint64_t>& seed = {},
                    int threads = 1);
  static constexpr std::int64_t kTwoThreadElements = std::int64_t{1} << 20;
  HostTensor read_tensor(std::int32_t tensor) const;

 private:
  void write_tensor(const sched::TensorInfo& t, const HostTensor& values);
  // false, nothing written, for a tensor that is not a conv weight stored by
  // kernel position (a grouped or depthwise conv's, any other layout).
  bool write_conv_weight(const sched::TensorInfo& t, const HostTensor& values);
  void write_input(const sched::TensorInfo& t, const std::map<std::string, HostTensor>& inputs,
                   const std::optional<std::uint64_t>& seed);
  // n values consecutive in DRAM from `address`, the k-th of them value
  // first + k * step of the tensor in row-major order of its true dims.
  struct Line {
    std::int64_t first, step;
    std::uint64_t address;
    std::int64_t n;
  };
  // Calls f(line) for lines covering each of t's values once: in row-major
  // order where t's storage rows run along its last dim (a matrix, nchw), in
  // blocks of lines along the storage rows elsewhere (for_each_line in
  // dram_image.cpp).
  template <typename F>
  void for_each_line(const sched::TensorInfo& t, F f) const;
  template <typename F>
  void for_each_value(const sched::TensorInfo& t, F f) const;

  const sched::Schedule& schedule_;
  std::uint64_t size_ = 0;
  std::unique_ptr<HugePageBuffer> data_;  // zero-filled; null in timing-only runs
};

}  // namespace tilesim::sim
