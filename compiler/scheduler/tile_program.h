// The EXEC stream before SRAM allocation: every tile operation of the model
// in the order the compute unit will run it, with no addresses yet.
//
// Tiles are named by dense ids (TileSpace) so that the stream of a 4096^3
// matmul (~2 M EXECs) fits in ~50 MB and the allocator can index arrays.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/schedule/schedule.h"

namespace tilesim::sched {

using TileId = std::uint32_t;
inline constexpr TileId kNoTile = 0xFFFFFFFFu;

// Maps (tensor, row, col) to a dense id and back. The way back is a table
// (12 bytes a tile, beside the allocator's 20 of state a tile): the allocator
// asks it ~8 times per EXEC, and a search and a division each time were a
// tenth of compiling the large MLP.
class TileSpace {
 public:
  explicit TileSpace(const std::vector<TensorInfo>& tensors);
  TileId id(const TileRef& ref) const {
    return static_cast<TileId>(base_[ref.tensor] + ref.row * cols_[ref.tensor] + ref.col);
  }
  const TileRef& ref(TileId id) const { return refs_[id]; }
  std::size_t size() const { return refs_.size(); }

 private:
  std::vector<std::int64_t> base_;
  std::vector<std::int64_t> cols_;
  std::vector<TileRef> refs_;
};

struct TileExec {
  ExecKind kind = ExecKind::MatMul;
  bool zero_init = false;    // MatMul: first K step
  bool relu = false;         // MatMul: fused ReLU (last K step only)
  bool final_write = true;   // the destination tile is complete after this EXEC
  std::uint32_t params = 0;  // index in TileProgram::exec_params (Uop::params)
  TileId dst = kNoTile;
  TileId src[kMaxSrcs] = {kNoTile, kNoTile, kNoTile, kNoTile};  // as Uop::src
};

struct TileProgram {
  std::vector<TileExec> execs;
  // What TileExec::params index (intern_params adds to it); becomes the
  // schedule's exec_params as it is.
  std::vector<ExecParams> exec_params{ExecParams{}};
  // exec_layer[e]: the index in Schedule::layers of execs[e]'s layer. A
  // layer's EXECs are contiguous except where an attention group interleaves
  // its layers' (attention_order.h).
  std::vector<std::uint32_t> exec_layer;
  // LOADs + STOREs the loop nests expect, to size the uOp list once.
  std::int64_t estimated_transfers = 0;
};

}  // namespace tilesim::sched
