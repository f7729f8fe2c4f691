
#include "compiler/scheduler/sram_allocator.h"
#include "compiler/scheduler/eviction_heap.h"
#include "compiler/schedule/view_gather.h"
#include "compiler/support/huge_pages.h"
#include "compiler/support/interrupt.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace tilesim::sched {

namespace {

constexpr std::uint32_t kNever = 0xFFFFFFFFu;  // no further use
constexpr int kDstPosition = kMaxSrcs;         // next-use slot of the destination
constexpr int kPositions = kMaxSrcs + 1;       // sources, then the destination

std::uint32_t later(std::uint32_t a, std::uint32_t b) {
  if (a == kNoUop) return b;
  if (b == kNoUop) return a;
  return std::max(a, b);
}

// For every EXEC e and operand position p (0..3 sources, 4 destination), the
// index of the next EXEC after e that touches the same tile, or kNever.
std::vector<std::uint32_t> next_uses(const TileProgram& program, std::size_t tile_count) {
  const std::size_t n = program.execs.size();
  std::vector<std::uint32_t> next(kPositions * n, kNever);
  std::vector<std::uint32_t> last_seen(tile_count, kNever);
  for (std::size_t e = n; e-- > 0;) {
    if ((e & 0xFFFF) == 0) poll_interrupt();
    const TileExec& x = program.execs[e];
    const TileId tiles[kPositions] = {x.src[0], x.src[1], x.src[2], x.src[3], x.dst};
    for (int p = 0; p < kPositions; ++p) {
      if (tiles[p] != kNoTile) next[kPositions * e + p] = last_seen[tiles[p]];
    }
    for (int p = 0; p < kPositions; ++p) {
      if (tiles[p] != kNoTile) last_seen[tiles[p]] = static_cast<std::uint32_t>(e);
    }
  }
  return next;
}

class Allocator {
 public:
  Allocator(TileProgram& program, const TileSpace& space, const AllocatorOptions& options, Schedule& schedule)
      : program_(program),
        space_(space),
        options_(options),
        s_(schedule),
        slots_(static_cast<std::size_t>(options.sram_tiles)),
        tiles_(space.size()),
        live_(space.size()) {
    for (std::size_t slot = 0; slot < slots_.size(); ++slot) free_.push_back(static_cast<std::int32_t>(slot));
    for (std::size_t id = 0; id < tiles_.size(); ++id) {
      const TensorRole role = s_.tensors[space_.ref(static_cast<TileId>(id)).tensor].role;
      tiles_[id].in_dram = role == TensorRole::Input || role == TensorRole::Param;
    }
    // A tensor some view shows is read from DRAM: its tiles are stored when complete.
    stored_.resize(s_.tensors.size());
    for (std::size_t t = 0; t < s_.tensors.size(); ++t) {
      stored_[t] = stored_[t] || s_.tensors[t].is_graph_output;
      if (s_.tensors[t].is_view()) stored_[static_cast<std::size_t>(s_.tensors[t].view.of)] = true;
    }
  }

  void run() {
    const std::vector<std::uint32_t> next = next_uses(program_, tiles_.size());
    // Tiles are first used at their first EXEC; seed next_use for Belady.
    for (std::size_t e = program_.execs.size(); e-- > 0;) {
      const TileExec& x = program_.execs[e];
      for (const TileId t : {x.src[0], x.src[1], x.src[2], x.src[3], x.dst}) {
        if (t != kNoTile) tiles_[t].next_use = static_cast<std::uint32_t>(e);
      }
    }
    for (std::size_t e = 0; e < program_.execs.size(); ++e) {
      if ((e & 0xFFF) == 0) poll_interrupt();
      if ((e & 0xFFFF) == 0) release_read(next, e);
      layer_index_ = program_.exec_layer[e];
      layer_ = &s_.layers[layer_index_];
      exec(static_cast<std::uint32_t>(e), program_.execs[e], &next[kPositions * e]);
      flush_stores(static_cast<std::int64_t>(e));
      keep_slots_free(static_cast<std::uint32_t>(e));
    }
    flush_stores(-1);
    s_.sram_peak_bytes = peak_slots_ * kTileBytes;
  }

 private:
  struct TileState {
    std::int32_t slot = -1;
    std::uint32_t next_use = kNever;
    bool dirty = false;    // SRAM holds a value DRAM does not
    bool in_dram = false;  // DRAM holds the tile's current value
    // The layer whose EXEC wrote it: its STOREs belong there.
    std::uint32_t layer = 0;
  };
  struct SlotState {
    TileId tile = kNoTile;
    std::uint32_t compute_touch = kNoUop;  // last EXEC reading or writing it
    std::uint32_t compute_write = kNoUop;  // last EXEC writing it
    std::uint32_t dma_write = kNoUop;      // last LOAD into it
    std::uint32_t dma_touch = kNoUop;      // last LOAD into it or STORE from it
  };

  // The EXECs before `e`, their next uses and layers are not read again: their
  // pages go back to the system, so that the program shrinks as the uOp list
  // grows (a 4096^3 matmul's program and next uses are ~100 MB).
  void release_read(const std::vector<std::uint32_t>& next, std::size_t e) {
    release_pages(program_.execs.data(), program_.execs.data() + e);
    release_pages(program_.exec_layer.data(), program_.exec_layer.data() + e);
    release_pages(next.data(), next.data() + kPositions * e);
  }

  TileRef ref(TileId t) const { return space_.ref(t); }
  std::uint32_t addr(std::int32_t slot) const { return static_cast<std::uint32_t>(slot * kTileBytes); }
  std::uint32_t next_id() const { return static_cast<std::uint32_t>(s_.uops.size()); }

  void exec(std::uint32_t e, const TileExec& x, const std::uint32_t* next) {
    // Bring sources in (pinned: their next use is now e, the smallest).
    for (int p = 0; p < kMaxSrcs; ++p) {
      if (x.src[p] == kNoTile) continue;
      if (tiles_[x.src[p]].slot >= 0) {
        ++layer_->loads_eliminated;
      } else {
        load(x.src[p], e);
      }
    }
    const bool accumulate = is_accumulating(x.kind) && !x.zero_init;
    if (tiles_[x.dst].slot < 0) {
      if (accumulate) {
        load(x.dst, e);  // a partial sum that was spilled
      } else {
        place(x.dst, allocate(e));
      }
    }

    Uop u;
    u.kind = UopKind::Exec;
    u.exec = x.kind;
    u.zero_init = x.zero_init;
    u.relu = x.relu;
    u.params = x.params;
    u.tile = ref(x.dst);
    const std::int32_t dst_slot = tiles_[x.dst].slot;
    u.addr = addr(dst_slot);
    std::uint32_t dep = later(slots_[dst_slot].dma_touch, kNoUop);
    for (int p = 0; p < kMaxSrcs; ++p) {
      if (x.src[p] == kNoTile) continue;
      const std::int32_t slot = tiles_[x.src[p]].slot;
      u.src[p] = ref(x.src[p]);
      u.src_addr[p] = addr(slot);
      dep = later(dep, slots_[slot].dma_write);
    }
    u.dep = dep;
    const std::uint32_t id = emit(u, layer_index_);
    ++layer_->execs;
    tiles_[x.dst].layer = layer_index_;

    for (int p = 0; p < kMaxSrcs; ++p) {
      if (x.src[p] != kNoTile) slots_[tiles_[x.src[p]].slot].compute_touch = id;
    }
    slots_[dst_slot].compute_touch = id;
    slots_[dst_slot].compute_write = id;
    tiles_[x.dst].dirty = true;
    tiles_[x.dst].in_dram = false;

    // Advance next uses; release what is finished.
    for (int p = 0; p < kMaxSrcs; ++p) {
      if (x.src[p] != kNoTile) retire(x.src[p], next[p]);
    }
    const bool output = x.final_write && stored_[static_cast<std::size_t>(ref(x.dst).tensor)];
    if (output) pending_stores_.emplace_back(x.dst, static_cast<std::int64_t>(e) + options_.store_delay_execs);
    retire(x.dst, next[kDstPosition], output);
  }

  // After an access: the tile's next use is `next_use`. A tile with no further
  // use frees its slot, unless it is an output still waiting for its STORE.
  void retire(TileId t, std::uint32_t next_use, bool store_pending = false) {
    TileState& tile = tiles_[t];
    if (tile.slot < 0) return;  // the same tile twice in one EXEC, already retired
    tile.next_use = next_use;
    if (next_use != kNever) {
      push_live(t);
      return;
    }
    live_.erase(t);  // not evictable: done with, or waiting for its STORE
    if (!store_pending && !is_pending(t)) release(t);
  }

  bool is_pending(TileId t) const {
    return std::any_of(pending_stores_.begin(), pending_stores_.end(), [t](const auto& p) { return p.first == t; });
  }

  void release(TileId t) {
    live_.erase(t);
    TileState& tile = tiles_[t];
    slots_[tile.slot].tile = kNoTile;
    free_.push_back(tile.slot);
    tile.slot = -1;
  }

  void flush_stores(std::int64_t now) {
    while (!pending_stores_.empty() && (now < 0 || pending_stores_.front().second <= now)) {
      const TileId t = pending_stores_.front().first;
      pending_stores_.pop_front();
      finish_store(t);
    }
  }

  // The held-back STORE of output tile t (no longer pending), and its slot.
  void finish_store(TileId t) {
    if (tiles_[t].slot < 0) return;  // spilled (and so stored) already
    if (tiles_[t].dirty) store(t);
    if (tiles_[t].next_use == kNever) release(t);
  }

  // A view's LOAD reads the tensor X it shows from DRAM, so the held-back
  // STOREs of the tiles of X it reads go first (the DMA queue is in order).
  // Only those: the others (a conv's own output tiles, while its gathers read
  // the image) stay held back and the DMA does not block on them.
  void flush_stores_read_by(TileId view_tile) {
    const TileRef v = ref(view_tile);
    const std::int32_t of = s_.tensors[static_cast<std::size_t>(v.tensor)].view.of;
    const auto shows = [&](const auto& pending) { return ref(pending.first).tensor == of; };
    if (std::none_of(pending_stores_.begin(), pending_stores_.end(), shows)) return;
    if (!gather_) gather_ = std::make_unique<GatherScratch>();
    viewed_tiles(s_.tensors, v, gather_.get(), &read_);
    read_ids_.clear();
    for (const TileRef& r : read_) read_ids_.push_back(space_.id(r));  // ascending, as read_ is
    const auto read = [&](const auto& pending) {
      return std::binary_search(read_ids_.begin(), read_ids_.end(), pending.first);
    };
    for (const auto& pending : pending_stores_) {
      if (read(pending)) finish_store(pending.first);
    }
    pending_stores_.erase(std::remove_if(pending_stores_.begin(), pending_stores_.end(), read), pending_stores_.end());
  }

  void load(TileId t, std::uint32_t e) {
    if (s_.tensors[static_cast<std::size_t>(ref(t).tensor)].is_view()) flush_stores_read_by(t);
    const std::int32_t slot = allocate(e);
    const std::uint32_t id = transfer(UopKind::Load, t, slot, slots_[slot].compute_touch);
    slots_[slot].dma_write = id;
    place(t, slot);
    tiles_[t].dirty = false;
  }

  void store(TileId t) {
    const std::int32_t slot = tiles_[t].slot;
    transfer(UopKind::Store, t, slot, slots_[slot].compute_write);
    tiles_[t].dirty = false;
    tiles_[t].in_dram = true;
  }

  // Emits a LOAD or STORE of tile t at `slot` and counts its traffic in its
  // layer: a LOAD's is the EXEC's it feeds, a STORE's the one that computed
  // the tile (a spill or a held-back STORE may come during a later layer).
  std::uint32_t transfer(UopKind kind, TileId t, std::int32_t slot, std::uint32_t dep) {
    Uop u;
    u.kind = kind;
    u.tile = ref(t);
    u.addr = addr(slot);
    u.dep = dep;
    const std::uint32_t layer = kind == UopKind::Load ? layer_index_ : tiles_[t].layer;
    const std::uint32_t id = emit(u, layer);
    slots_[slot].dma_touch = id;
    const std::int64_t bytes = s_.tensors[u.tile.tensor].tile_transfer_bytes();
    LayerSummary& owner = s_.layers[layer];
    ++(kind == UopKind::Load ? owner.loads : owner.stores);
    owner.dma_bytes += bytes;
    return id;
  }

  void place(TileId t, std::int32_t slot) {
    tiles_[t].slot = slot;
    slots_[slot].tile = t;
    // Pinned for the current EXEC: next_use is the current index, the
    // smallest of all resident tiles, so Belady never picks it.
    push_live(t);
    const std::int64_t used = static_cast<std::int64_t>(slots_.size() - free_.size());
    peak_slots_ = std::max(peak_slots_, used);
    layer_->sram_peak_bytes = std::max(layer_->sram_peak_bytes, used * kTileBytes);
  }

  // Evicts ahead of need, so that a LOAD finds a slot whose last reader ran
  // long ago and need not wait for it. Only tiles not needed for a while are
  // evicted early; the pool is a small share of the SRAM.
  void keep_slots_free(std::uint32_t e) {
    while (static_cast<std::int64_t>(free_.size()) < options_.free_pool_tiles && !live_.empty()) {
      const std::uint32_t next_use = live_.top_key() >> 32;
      if (next_use != kNever && next_use < e + options_.free_pool_horizon_execs) return;
      const TileId t = pop_live();
      if (tiles_[t].dirty) store(t);
      release(t);
    }
  }

  std::int32_t allocate(std::uint32_t e) {
    if (free_.empty()) flush_stores(-1);
    if (!free_.empty()) {
      const std::int32_t slot = free_.front();
      free_.pop_front();
      return slot;
    }
    // Belady: the resident tile whose next use is furthest away.
    if (live_.empty()) throw std::logic_error("SRAM allocator: no slot can be freed");
    if ((live_.top_key() >> 32) <= e) {
      throw std::logic_error("SRAM allocator: every slot holds an operand of the current EXEC");
    }
    const TileId t = pop_live();
    if (tiles_[t].dirty) store(t);
    const std::int32_t slot = tiles_[t].slot;
    slots_[slot].tile = kNoTile;
    tiles_[t].slot = -1;
    return slot;
  }

  // Belady's order (eviction_heap.h): the resident tiles with a next use.
  static std::uint64_t live_key(std::uint32_t next_use, TileId t) { return std::uint64_t{next_use} << 32 | t; }
  void push_live(TileId t) { live_.set(t, live_key(tiles_[t].next_use, t)); }
  TileId pop_live() {
    const TileId t = live_.top();
    live_.erase(t);
    return t;
  }

  std::uint32_t emit(const Uop& u, std::uint32_t layer) {
    if (s_.uops.size() >= kNoUop - 1) throw std::length_error("schedule exceeds 4 billion uOps");
    s_.uops.push_back(u);
    s_.uop_layer.push_back(layer);
    return next_id() - 1;
  }

  TileProgram& program_;  // consumed: read once, front to back
  const TileSpace& space_;
  const AllocatorOptions& options_;
  Schedule& s_;
  std::vector<SlotState> slots_;
  std::vector<TileState> tiles_;
  EvictionHeap live_;  // resident tiles with a next use, furthest first
  std::deque<std::int32_t> free_;
  std::deque<std::pair<TileId, std::int64_t>> pending_stores_;  // tile, EXEC index due
  std::vector<bool> stored_;                                    // per tensor: its complete tiles go to DRAM
  std::unique_ptr<GatherScratch> gather_;                       // flush_stores_read_by's, made at first use
  std::vector<TileRef> read_;
  std::vector<TileId> read_ids_;
  LayerSummary* layer_ = nullptr;
  std::uint32_t layer_index_ = 0;  // layer_'s index in s_.layers
  std::int64_t peak_slots_ = 0;
};

}  // namespace

void allocate_and_emit(TileProgram&& program, const TileSpace& space, const AllocatorOptions& options,
                       Schedule& schedule) {
  schedule.exec_params = program.exec_params;
  Allocator(program, space, options, schedule).run();
}

}  // namespace tilesim::sched
