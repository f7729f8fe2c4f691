// The DRAM's bytes: every tensor of the schedule with storage at its byte
// address, padded to tiles with zeros, row-major (each matrix of a stack on
// its own, rows of padded_cols floats). No SystemC: the DRAM module holds one.
//
// Contract: a tensor is placed at base(t); a view has no storage (its LOADs
// read the tensor it shows). for_each_span(tile) gives the byte ranges a LOAD
// or STORE of that tile touches, in order: 32 rows of 128 B (one row for a
// bias, 4 B for a scalar). In timing-only runs there are no bytes, only
// addresses.
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

class DramImage {
 public:
  DramImage(const sched::Schedule& schedule, bool with_data);

  std::uint64_t base(std::int32_t tensor) const { return base_[static_cast<std::size_t>(tensor)]; }
  std::uint64_t size_bytes() const { return size_; }
  unsigned char* data() { return data_.get(); }

  // Inputs and params from `inputs` (true shape); everything else stays zero.
  void write_inputs(const std::map<std::string, HostTensor>& inputs);
  HostTensor read_tensor(std::int32_t tensor) const;

  // The tensor that holds a tile's bytes and the tile's coordinates there: the
  // tile itself, or for a view's tile (r, c) the shown tensor's (c, r) of the
  // same matrix.
  sched::TileRef stored_tile(const sched::TileRef& tile) const;
  // f(address, bytes) for each contiguous range of a stored tile, in order.
  template <typename F>
  void for_each_span(const sched::TileRef& stored, F f) const {
    const sched::TensorInfo& t = schedule_.tensors[static_cast<std::size_t>(stored.tensor)];
    if (t.is_scalar()) return f(base(stored.tensor), std::uint64_t{4});
    const std::uint64_t row_bytes = static_cast<std::uint64_t>(t.padded_cols) * 4;
    const std::int64_t rows = t.rank <= 1 ? 1 : sched::kTileDim;
    std::uint64_t at = base(stored.tensor) + static_cast<std::uint64_t>(stored.row) * sched::kTileDim * row_bytes +
                       static_cast<std::uint64_t>(stored.col) * sched::kTileDim * 4;
    for (std::int64_t r = 0; r < rows; ++r, at += row_bytes) f(at, std::uint64_t{sched::kTileDim * 4});
  }

 private:
  struct FreeDeleter {
    void operator()(unsigned char* p) const { std::free(p); }
  };
  const sched::Schedule& schedule_;
  std::vector<std::uint64_t> base_;
  std::uint64_t size_ = 0;
  std::unique_ptr<unsigned char, FreeDeleter> data_;
};

}  // namespace tilesim::sim
