#include "compiler/schedule/totals.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "compiler/schedule/bit_words.h"
#include "compiler/schedule/saturating.h"
#include "compiler/schedule/transfer_bytes.h"
#include "compiler/schedule/view_gather.h"

namespace tilesim::sched {
namespace {

std::size_t slot_of(std::uint32_t addr) { return addr / kTileBytes; }

// One more than the highest slot any uOp names (at most 2^20: addresses are 32-bit).
std::size_t slots_named(const Schedule& s) {
  const std::int64_t extent = sram_extent_bytes(s);  // the highest address + kTileBytes
  return extent == 0 ? 0 : slot_of(static_cast<std::uint32_t>(extent - kTileBytes)) + 1;
}

// A DRAM tile as (tensor, row, col), hashed. Rows are 64-bit: a view maps
// onto its source's rows, which a schedule the validator rejects may put
// anywhere (the arithmetic wraps; such a schedule is refused anyway).
struct DramTile {
  std::int32_t tensor;
  std::uint64_t row;
  std::int32_t col;
  bool operator==(const DramTile& o) const { return tensor == o.tensor && row == o.row && col == o.col; }
};
struct DramTileHash {
  std::size_t operator()(const DramTile& t) const {
    return std::hash<std::uint64_t>()(t.row * 0x9E3779B97F4A7C15ull ^ (static_cast<std::uint64_t>(t.tensor) << 32) ^
                                      static_cast<std::uint32_t>(t.col));
  }
};

// Padded tiles of `t` (batch x tile rows x tile columns), saturating.
std::int64_t tile_count(const TensorInfo& t) {
  const std::int64_t rows_per_matrix = t.rank <= 1 ? 1 : t.padded_rows / kTileDim;
  return saturating_mul(saturating_mul(t.batch, rows_per_matrix), t.padded_cols / kTileDim);
}

// Which elements of one tile of X gathers read: bit row * 32 + col. A run
// of neighbours along a row is a few word masks (std::bitset sets one bit at
// a time, with a bounds check: most of the totals' time on an im2col view).
class TileBits {
  static_assert(kTileDim == 32, "two rows of a tile a 64-bit word");

 public:
  void set(std::int64_t bit) { words_[static_cast<std::size_t>(bit >> 6)] |= std::uint64_t{1} << (bit & 63); }
  // Bits first, first + stride, ..., n of them, all inside the tile.
  void set(std::int64_t first, std::int64_t n, std::int64_t stride) {
    if (stride == kTileDim) {  // down a column (an nchw X's channels): two rows a word
      std::int64_t k = 0;
      if (n > 0 && (first & 63) >= kTileDim) set(first), k = 1;
      for (; k + 1 < n; k += 2) {
        const std::int64_t bit = first + k * kTileDim;  // in the word's lower row
        words_[static_cast<std::size_t>(bit >> 6)] |= (std::uint64_t{1} << (bit & 63)) * (1 + (std::uint64_t{1} << 32));
      }
      if (k < n) set(first + k * kTileDim);
      return;
    }
    if (stride != 1) {  // the bits of one word gathered in a register: one store a word, not one a bit
      if (n <= 0) return;
      std::int64_t word = first >> 6;
      std::uint64_t mask = 0;
      for (std::int64_t k = 0, bit = first; k < n; ++k, bit += stride) {
        if (bit >> 6 != word) words_[static_cast<std::size_t>(word)] |= mask, mask = 0, word = bit >> 6;
        mask |= std::uint64_t{1} << (bit & 63);
      }
      words_[static_cast<std::size_t>(word)] |= mask;
      return;
    }
    set_bit_run(words_.data(), first, n);
  }
  std::int64_t count() const { return count_bits(words_.data(), words_.size()); }

 private:
  std::array<std::uint64_t, kTileDim * kTileDim / 64> words_{};
};

class Counter {
 public:
  Counter(const Schedule& s, const TransferBytes& bytes)
      : s_(s), bytes_(bytes), used_(slots_named(s), false), loaded_(used_.size(), false) {
    for (std::size_t i = 0; i < s.tensors.size(); ++i)
      gatherable_.push_back(gatherable(s, static_cast<std::int32_t>(i)));
    index_dense_tiles();
  }

  ScheduleTotals run() {
    const bool layered = s_.layers_known();
    if (layered) t_.layers.resize(s_.layers.size());
    for (std::size_t i = 0; i < s_.uops.size(); ++i) {
      const Uop& x = s_.uops[i];
      // A layer out of range (an invalid schedule) counts in no layer.
      layer_ = layered && s_.uop_layer[i] < t_.layers.size() ? &t_.layers[s_.uop_layer[i]] : nullptr;
      touch(x.addr);
      if (x.kind == UopKind::Exec) {
        exec(x);
        continue;
      }
      const std::int64_t bytes = bytes_(x.tile);
      if (x.kind == UopKind::Load) {
        ++t_.loads;
        t_.bytes_loaded = saturating_add(t_.bytes_loaded, bytes);
        loaded_[slot_of(x.addr)] = true;
      } else {
        ++t_.stores;
        t_.bytes_stored = saturating_add(t_.bytes_stored, bytes);
      }
      if (layer_) transfer_in_layer(x, bytes);
    }
    t_.slots_used_bytes = slots_used_ * kTileBytes;
    const auto add_compulsory = [this](const Use& use) {
      const std::int64_t bytes = use.elements ? static_cast<std::int64_t>(use.elements->count()) * 4 : use.bytes;
      t_.compulsory_bytes = saturating_add(t_.compulsory_bytes, bytes);
    };
    for (const auto& [tile, use] : compulsory_) add_compulsory(use);
    for (const Use& use : dense_uses_) {
      if (use.seen) add_compulsory(use);
    }
    for (const TensorInfo& t : s_.tensors) {
      if (!t.is_graph_output) continue;
      t_.compulsory_bytes = saturating_add(t_.compulsory_bytes, saturating_mul(tile_count(t), t.tile_transfer_bytes()));
    }
    return t_;
  }

 private:
  const Schedule& s_;
  const TransferBytes& bytes_;
  ScheduleTotals t_;
  std::vector<bool> used_;  // slots any uOp touched
  std::int64_t slots_used_ = 0;
  std::vector<bool> loaded_;  // slots a LOAD wrote that no EXEC has read since
  // An input or param tile some EXEC reads: whole (a LOAD of it, or of a
  // transpose view), or only the elements gathers read from it.
  struct Use {
    std::int64_t bytes = 0;              // whole: its tile_transfer_bytes()
    std::unique_ptr<TileBits> elements;  // gathered only: which
    bool seen = false;                   // (dense_uses_ only) counted
  };
  std::unordered_map<DramTile, Use, DramTileHash> compulsory_;  // the tiles dense_index() has no place for
  // The input and param tiles inside their tensors, one entry each, indexed
  // by dense_index(): a 4096^3 matmul reads them ~4 M times, too many for a hash.
  struct DenseTensor {
    std::int64_t base = -1;  // its first entry; -1: none
    std::int64_t cols = 0;   // tiles of a row
    std::uint64_t rows = 0;  // rows of tiles, every matrix of the stack
  };
  std::vector<DenseTensor> dense_;  // per tensor
  std::vector<Use> dense_uses_;
  std::vector<bool> dense_brought_in_;
  std::vector<bool> gatherable_;                         // per tensor
  std::unordered_set<DramTile, DramTileHash> gathered_;  // gather-view tiles counted
  std::unique_ptr<GatheredTile> scratch_;
  std::vector<Im2colRun> runs_;         // scratch of read_gathered
  std::vector<GatherRun> column_runs_;  // the same
  // Input and param tiles (and gather-view tiles of them) some LOAD has
  // brought in: a layer's compulsory bytes are its first LOADs of them
  // (dense_brought_in_ for those dense_index() places).
  std::unordered_set<DramTile, DramTileHash> brought_in_;
  LayerTotals* layer_ = nullptr;  // the current uOp's, if known

  const TensorInfo* tensor(std::int32_t index) const {
    if (index < 0 || static_cast<std::size_t>(index) >= s_.tensors.size()) return nullptr;
    return &s_.tensors[static_cast<std::size_t>(index)];
  }
  void touch(std::uint32_t addr) {
    if (used_[slot_of(addr)]) return;
    used_[slot_of(addr)] = true;
    ++slots_used_;
  }

  // A LOAD or STORE in its layer; its compulsory bytes as totals.h defines them.
  void transfer_in_layer(const Uop& x, std::int64_t bytes) {
    LayerTotals& l = *layer_;
    if (x.kind == UopKind::Store) {
      ++l.stores;
      l.bytes_stored = saturating_add(l.bytes_stored, bytes);
      const TensorInfo* t = tensor(x.tile.tensor);
      if (t && t->is_graph_output) l.compulsory_bytes = saturating_add(l.compulsory_bytes, bytes);
      return;
    }
    ++l.loads;
    l.bytes_loaded = saturating_add(l.bytes_loaded, bytes);
    const std::optional<DramTile> source = source_tile(x.tile);
    if (source && bring_in(*source)) l.compulsory_bytes = saturating_add(l.compulsory_bytes, bytes);
  }

  // Whether `tile` is brought in for the first time.
  bool bring_in(const DramTile& tile) {
    const std::int64_t at = dense_index(tile);
    if (at < 0) return brought_in_.insert(tile).second;
    if (dense_brought_in_[static_cast<std::size_t>(at)]) return false;
    dense_brought_in_[static_cast<std::size_t>(at)] = true;
    return true;
  }

  // Input and param tensors that are not views get dense entries, while all
  // of them together stay under 2^26 tiles (1 GiB of entries).
  void index_dense_tiles() {
    constexpr std::int64_t kMaxDenseTiles = std::int64_t{1} << 26;
    std::int64_t total = 0;
    for (const TensorInfo& t : s_.tensors) {
      const bool dense = !t.is_view() && (t.role == TensorRole::Input || t.role == TensorRole::Param) &&
                         t.padded_cols >= 0 && t.padded_rows >= 0 && tile_count(t) <= kMaxDenseTiles - total;
      DenseTensor d;
      if (dense && tile_count(t) > 0) {
        d = DenseTensor{total, t.padded_cols / kTileDim,
                        static_cast<std::uint64_t>(tile_count(t) / (t.padded_cols / kTileDim))};
        total += tile_count(t);
      }
      dense_.push_back(d);
    }
    dense_uses_.resize(static_cast<std::size_t>(total));
    dense_brought_in_.resize(static_cast<std::size_t>(total), false);
  }

  // The dense entry of `tile`, -1 when it has none (another kind of tensor, or
  // a place outside its tensor that an invalid schedule may name).
  std::int64_t dense_index(const DramTile& tile) const {
    if (tile.tensor < 0 || static_cast<std::size_t>(tile.tensor) >= dense_.size()) return -1;
    const DenseTensor& d = dense_[static_cast<std::size_t>(tile.tensor)];
    if (d.base < 0 || tile.col < 0 || tile.col >= d.cols || tile.row >= d.rows) return -1;
    return d.base + static_cast<std::int64_t>(tile.row) * d.cols + tile.col;
  }

  // The input or param tile in DRAM a LOAD of `tile` brings in (a transpose
  // view's as the tile it shows; a gather view's tile as itself); nullopt for any other.
  std::optional<DramTile> source_tile(const TileRef& tile) const {
    const TensorInfo* t = tensor(tile.tensor);
    if (!t || tile.row < 0 || tile.col < 0) return std::nullopt;
    DramTile dram{tile.tensor, static_cast<std::uint64_t>(tile.row), tile.col};
    if (t->is_view()) {
      const TensorInfo* x = tensor(t->view.of);
      if (!x || x->is_view()) return std::nullopt;
      if (t->view.kind == ViewKind::Transpose) {
        const std::int64_t mt = t->rank <= 1 ? 1 : t->padded_rows / kTileDim;
        if (mt < 1 || x->padded_rows < 0) return std::nullopt;
        const auto x_mt = static_cast<std::uint64_t>(x->rank <= 1 ? 1 : x->padded_rows / kTileDim);
        dram = DramTile{t->view.of,
                        static_cast<std::uint64_t>(tile.row / mt) * x_mt + static_cast<std::uint64_t>(tile.col),
                        static_cast<std::int32_t>(tile.row % mt)};
      }
      t = x;
    }
    if (t->role != TensorRole::Input && t->role != TensorRole::Param) return std::nullopt;
    return dram;
  }

  void exec(const Uop& x) {
    ++t_.execs;
    if (layer_) ++layer_->execs;
    for (int i = 0; i < kMaxSrcs; ++i) {
      if (!x.src[i].valid()) continue;
      const std::size_t slot = slot_of(x.src_addr[i]);
      touch(x.src_addr[i]);
      if (loaded_[slot]) {
        loaded_[slot] = false;
      } else {
        ++t_.loads_eliminated;
        if (layer_) ++layer_->loads_eliminated;
      }
      read_from_dram(x.src[i]);
    }
    // A partial sum loaded back is consumed by the step that accumulates on it;
    // the result's slot holds the EXEC's value from now on.
    loaded_[slot_of(x.addr)] = false;
  }

  // Counts the input or param tile an EXEC operand stands for, once.
  void read_from_dram(const TileRef& tile) {
    const TensorInfo* t = tensor(tile.tensor);
    if (!t || tile.row < 0 || tile.col < 0) return;
    DramTile dram{tile.tensor, static_cast<std::uint64_t>(tile.row), tile.col};
    if (is_gather(*t)) {
      read_gathered(tile, *t);
      return;
    }
    if (t->is_view()) {
      const TensorInfo* x = tensor(t->view.of);
      const std::int64_t mt = t->rank <= 1 ? 1 : t->padded_rows / kTileDim;
      if (!x || x->is_view() || mt < 1 || x->padded_rows < 0) return;
      const auto x_mt = static_cast<std::uint64_t>(x->rank <= 1 ? 1 : x->padded_rows / kTileDim);
      // View tile (r, c) of matrix b is X's tile (c, r) of matrix b.
      dram =
          DramTile{t->view.of, static_cast<std::uint64_t>(tile.row / mt) * x_mt + static_cast<std::uint64_t>(tile.col),
                   static_cast<std::int32_t>(tile.row % mt)};
      t = x;
    }
    count_compulsory(dram, *t);
  }

  // The entry of an input or param tile, counted as a compulsory load once.
  Use& use(const DramTile& tile) {
    const std::int64_t at = dense_index(tile);
    if (at >= 0) {
      Use& u = dense_uses_[static_cast<std::size_t>(at)];
      if (!u.seen) ++t_.compulsory_loads;
      u.seen = true;
      return u;
    }
    auto [it, fresh] = compulsory_.try_emplace(tile);
    if (fresh) ++t_.compulsory_loads;
    return it->second;
  }

  void count_compulsory(const DramTile& tile, const TensorInfo& t) {
    if (t.role != TensorRole::Input && t.role != TensorRole::Param) return;
    Use& u = use(tile);
    u.bytes = t.tile_transfer_bytes();
    u.elements.reset();
  }

  // A gather view's tile stands for the elements of X it gathers: their tiles
  // count as compulsory loads, their bytes (not the whole tiles': a gather
  // moves only its elements) as compulsory bytes, unless a whole-tile read
  // of the same tile counts it whole.
  void read_gathered(const TileRef& tile, const TensorInfo& v) {
    if (!gatherable_[static_cast<std::size_t>(tile.tensor)] || tile.row >= v.tile_rows() || tile.col >= v.tile_cols()) {
      return;
    }
    const TensorInfo& x = s_.tensors[static_cast<std::size_t>(v.view.of)];
    if (x.role != TensorRole::Input && x.role != TensorRole::Param) return;
    if (!gathered_.insert(DramTile{tile.tensor, static_cast<std::uint64_t>(tile.row), tile.col}).second) return;
    ElementMarker mark(*this, v.view.of, x.tile_rows_per_matrix());
    if (v.view.kind == ViewKind::Im2col) {  // run by run: no tile of 1 024 elements written and read back
      const auto mark_runs = [&mark](const auto& runs) {
        for (const GatherRun& run : runs) {
          if (run.kind == GatheredElement::Source) mark.run(run);
        }
      };
      // Down the columns where those runs are fewer (an nchw image of few channels).
      if (im2col_column_runs(s_.tensors, tile, &column_runs_, &runs_)) return mark_runs(column_runs_);
      return mark_runs(runs_);
    }
    if (!scratch_) scratch_ = std::make_unique<GatheredTile>();
    gather_tile(s_.tensors, tile, scratch_.get());
    for (const GatheredElement& e : *scratch_) {
      if (e.kind == GatheredElement::Source) mark(e.at);
    }
  }

  // Marks elements of X as read, in their tiles' entries; neighbouring
  // elements mostly lie in one tile of X, whose entry it keeps.
  class ElementMarker {
   public:
    ElementMarker(Counter& counter, std::int32_t x, std::int64_t per_matrix)
        : counter_(counter), x_(x), per_matrix_(per_matrix) {}
    void operator()(const StorageCoord& at) {
      if (TileBits* bits = elements_of(at)) bits->set(bit(at));
    }
    // An im2col run's elements, a stretch inside one tile of X at a time
    // (for an nchw X a row run goes down a column of X and a column run along
    // a row, for an nhwc X a row run along a row).
    void run(const GatherRun& run) {
      const StorageCoord& step = run.step;
      const bool forward = step.matrix == 0 && step.row >= 0 && step.col >= 0;
      for (std::int64_t j = 0; j < run.count;) {
        const StorageCoord at = run.element(j);
        std::int64_t n = forward ? run.count - j : 1;  // elements from j on in at's tile
        if (forward && step.row > 0) n = std::min(n, ceil_div(kTileDim - at.row % kTileDim, step.row));
        if (forward && step.col > 0) n = std::min(n, ceil_div(kTileDim - at.col % kTileDim, step.col));
        if (auto* bits = elements_of(at)) {
          const std::int64_t first = bit(at), stride = step.row * kTileDim + step.col;
          bits->set(first, n, stride);
        }
        j += n;
      }
    }

   private:
    static std::int64_t bit(const StorageCoord& at) { return at.row % kTileDim * kTileDim + at.col % kTileDim; }
    static std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }
    // The element bits of at's tile of X; nullptr when the tile is read whole.
    TileBits* elements_of(const StorageCoord& at) {
      const DramTile key{x_, static_cast<std::uint64_t>(at.matrix * per_matrix_ + at.row / kTileDim),
                         static_cast<std::int32_t>(at.col / kTileDim)};
      if (!(key == last_)) u_ = &counter_.use(key), last_ = key;
      if (u_->bytes > 0) return nullptr;
      if (!u_->elements) u_->elements = std::make_unique<TileBits>();
      return u_->elements.get();
    }

    Counter& counter_;
    const std::int32_t x_;
    const std::int64_t per_matrix_;
    DramTile last_{-1, 0, 0};
    Use* u_ = nullptr;
  };
};

}  // namespace

ScheduleTotals count_totals(const Schedule& schedule) { return count_totals(schedule, TransferBytes(schedule)); }

ScheduleTotals count_totals(const Schedule& schedule, const TransferBytes& bytes) {
  return Counter(schedule, bytes).run();
}

void set_totals(Schedule& schedule, const ScheduleTotals& totals, bool with_peak) {
  schedule.loads = totals.loads;
  schedule.stores = totals.stores;
  schedule.execs = totals.execs;
  schedule.loads_eliminated = totals.loads_eliminated;
  schedule.bytes_loaded = totals.bytes_loaded;
  schedule.bytes_stored = totals.bytes_stored;
  if (with_peak) schedule.sram_peak_bytes = totals.slots_used_bytes;
  schedule.compulsory_loads = totals.compulsory_loads;
  schedule.compulsory_bytes = totals.compulsory_bytes;
}

}  // namespace tilesim::sched
