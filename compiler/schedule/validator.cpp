#include "compiler/schedule/validator.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "compiler/schedule/tile_format.h"
#include "compiler/schedule/totals.h"
#include "compiler/schedule/validator_layers.h"
#include "compiler/schedule/validator_structure.h"
#include "compiler/schedule/view_gather.h"

namespace tilesim::sched {
namespace {

// A tile's symbolic value: which tile it is and how far it is computed. For an
// accumulating result the version is one past the last step applied (complete
// at Kt, or earlier when every B tile after it is a structural zero, which a
// matmul skips: tensor_view.h); every other tile is complete at version 1
// (inputs and params start so in DRAM).
constexpr std::int32_t kNever = -1;                                          // DRAM: never written
constexpr std::int32_t kAssumed = std::numeric_limits<std::int32_t>::max();  // reported; taken as right

struct Value {
  std::int64_t gid = -1;  // global tile index; -1: the slot holds nothing
  std::int32_t version = 0;
};

struct Slot {
  Value value;
  std::uint32_t writer = kNoUop;               // last uOp that wrote the slot
  std::uint32_t reader[2] = {kNoUop, kNoUop};  // per unit, latest reader since then
};

struct TileState {
  std::int32_t dram = kNever;    // version held in DRAM
  std::uint32_t store = kNoUop;  // first STORE
  std::uint32_t stores = 0;
};

struct TensorState {
  std::int64_t base = 0;          // gid of tile [0,0]
  std::int64_t stored_tiles = 0;  // distinct tiles stored
  int producer = -1;              // ExecKind of the EXECs writing it; -1: none seen
  std::uint32_t first_exec = kNoUop;
  std::int32_t a = -1, b = -1;  // matmul operand tensors
  std::int32_t kt = 1;          // matmul K steps
  std::uint32_t epilogue_uop = kNoUop;
  bool relu = false;
  std::int32_t bias = -1;
  ExecParams fused;                     // the fused activation and its constants
  std::uint32_t residual_uop = kNoUop;  // the first last-K-step EXEC, for the residual
  std::int32_t residual = -1;
};

int unit_index(Unit unit) { return unit == Unit::Dma ? 0 : 1; }

// What an accumulating kind's steps are called in messages.
const char* steps_word(ExecKind kind) { return kind == ExecKind::MatMul ? " K steps" : " steps"; }

// "clip min=0 max=6": a matmul's fused activation as the text form writes it.
std::string describe_fused(const ExecParams& f) {
  std::string text = to_string(f.fused);
  for (int i = 0; i < 2; ++i) {
    if (const char* name = param_name(f.fused, i)) text += std::string(" ") + name + "=" + format_scale(f.param[i]);
  }
  return text;
}

class Checker {
 public:
  Checker(const Schedule& s, std::size_t max_errors) : s_(s), max_(max_errors) {}

  std::vector<Problem> run() {
    if (max_ == 0) return {};
    if (!init_tensors()) return errors_;
    const std::int64_t capped = std::min<std::int64_t>(std::max<std::int64_t>(s_.sram_bytes, 0), std::int64_t{1} << 32);
    slots_.resize(static_cast<std::size_t>(capped / kTileBytes));
    for (std::uint32_t id = 0; id < s_.uops.size() && !full(); ++id) step(id);
    if (!full()) check_outputs();
    if (!full()) check_totals();
    return errors_;
  }

 private:
  const Schedule& s_;
  std::size_t max_;
  std::vector<Problem> errors_;
  std::vector<TensorState> tensors_;
  // DRAM tiles a STORE wrote, by gid; the others hold what they started with
  // (sparse: a tensor table may claim far more tiles than the uOps touch).
  std::unordered_map<std::int64_t, TileState> tiles_;
  std::vector<Slot> slots_;
  std::int64_t hb_[2] = {-1, -1};  // per unit: latest other-unit uOp known complete
  std::uint32_t current_ = 0;      // the uOp being checked
  // The tiles of X each gather-view tile reads, by the view tile's gid: a
  // range of gathered_tiles_ (one gather per distinct view tile loaded).
  std::unordered_map<std::int64_t, std::pair<std::size_t, std::size_t>> gathered_;
  std::vector<TileRef> gathered_tiles_, scratch_tiles_;
  std::unique_ptr<GatherScratch> scratch_;

  bool full() const { return errors_.size() >= max_; }
  void error(Subject subject, std::size_t index, std::string message) {
    if (!full()) errors_.push_back(Problem{subject, index, std::move(message)});
  }
  // A problem of the uOp being checked.
  void error(std::string message) { error(Subject::Uop, current_, std::move(message)); }
  // What DRAM tile `g` of `tensor` holds: inputs and params start complete.
  TileState dram_tile(std::int64_t g, std::int32_t tensor) const {
    const auto it = tiles_.find(g);
    if (it != tiles_.end()) return it->second;
    TileState fresh;
    if (is_source(info(tensor))) fresh.dram = 1;
    return fresh;
  }
  const TensorInfo& info(std::int32_t tensor) const { return s_.tensors[static_cast<std::size_t>(tensor)]; }
  std::string head(std::uint32_t id) const {
    return "uop " + std::to_string(id) + " " + format_uop_head(s_, s_.uops[id]);
  }
  std::string tile(const TileRef& t) const { return format_tile(s_, t); }
  std::int64_t gid(const TileRef& t) const {
    return tensors_[static_cast<std::size_t>(t.tensor)].base + t.row * info(t.tensor).tile_cols() + t.col;
  }
  Slot& slot(std::uint32_t addr) { return slots_[addr / kTileBytes]; }
  static bool is_source(const TensorInfo& t) {
    return !t.is_view() && (t.role == TensorRole::Input || t.role == TensorRole::Param);
  }
  static bool is_view(const TensorInfo& t) { return t.is_view(); }
  // The tile of X that a LOAD of view tile `t` reads transposed: (r, c) of
  // matrix b is X's (c, r) of matrix b.
  TileRef viewed(const TileRef& t) const {
    const TensorInfo& v = info(t.tensor);
    const TensorInfo& x = info(v.view.of);
    const std::int64_t mt = v.tile_rows_per_matrix();
    const std::int64_t row = t.row / mt * x.tile_rows_per_matrix() + t.col;
    return TileRef{v.view.of, static_cast<std::int32_t>(row), static_cast<std::int32_t>(t.row % mt)};
  }

  // ---- tensor table ----
  // The table's sizes are checked first, so the sums below cannot overflow.
  bool init_tensors() {
    for (Problem& p : structure::check_tensors(s_)) error(p.subject, p.index, std::move(p.text));
    if (!errors_.empty()) return false;
    std::int64_t base = 0;
    for (const TensorInfo& t : s_.tensors) {
      TensorState state;
      state.base = base;
      tensors_.push_back(state);
      base += t.tile_rows() * t.tile_cols();
    }
    return true;
  }

  // ---- symbolic values ----
  std::int32_t need(std::int32_t tensor) const {
    if (is_source(info(tensor)) || is_view(info(tensor))) return 1;
    const TensorState& t = tensors_[static_cast<std::size_t>(tensor)];
    if (t.producer < 0) return -1;
    return is_accumulating(static_cast<ExecKind>(t.producer)) ? t.kt : 1;
  }
  bool complete(const Value& v, std::int32_t tensor) const {
    if (v.version == kAssumed || v.version == need(tensor)) return true;
    return v.version >= 1 && next_step(tensor, v.version, col_of(v.gid, tensor)) == need(tensor);
  }
  std::int64_t col_of(std::int64_t gid, std::int32_t tensor) const {
    return (gid - tensors_[static_cast<std::size_t>(tensor)].base) % info(tensor).tile_cols();
  }
  // The first step at or after `step` that tile column `col` of `tensor`
  // needs: `step` itself, unless its producer is a matmul by a grouped
  // conv's weights whose B tiles (step.., col) are structural zeros.
  std::int32_t next_step(std::int32_t tensor, std::int32_t step, std::int64_t col) const {
    const TensorState& t = tensors_[static_cast<std::size_t>(tensor)];
    if (t.producer != static_cast<int>(ExecKind::MatMul) || t.b < 0 || step >= t.kt) return step;
    return static_cast<std::int32_t>(std::min<std::int64_t>(t.kt, next_weight_step(info(t.b), step, col)));
  }
  std::string describe(const Value& v) const {
    if (v.gid < 0) return "nothing";
    auto it = std::upper_bound(tensors_.begin(), tensors_.end(), v.gid,
                               [](std::int64_t g, const TensorState& t) { return g < t.base; });
    const auto tensor = static_cast<std::int32_t>(it - tensors_.begin() - 1);
    const std::int64_t local = v.gid - tensors_[static_cast<std::size_t>(tensor)].base;
    const std::int64_t cols = info(tensor).tile_cols();
    TileRef t{tensor, static_cast<std::int32_t>(local / cols), static_cast<std::int32_t>(local % cols)};
    std::string text = tile(t);
    const TensorState& st = tensors_[static_cast<std::size_t>(tensor)];
    if (st.producer >= 0 && is_accumulating(static_cast<ExecKind>(st.producer)) && !complete(v, tensor)) {
      text += " after " + std::to_string(v.version) + " of " + std::to_string(st.kt) +
              steps_word(static_cast<ExecKind>(st.producer));
    }
    return text;
  }

  // ---- structure ----
  bool check_ref(std::uint32_t id, const TileRef& t, const std::string& what) {
    return report(id, structure::check_tile(s_, t, what));
  }
  bool check_addr(std::uint32_t id, std::uint32_t addr, const std::string& what) {
    return report(id, structure::check_addr(s_, addr, what));
  }
  bool report(std::uint32_t id, const std::string& problem) {
    if (problem.empty()) return true;
    error(head(id) + ": " + problem);
    return false;
  }

  // ---- dependencies and hazards ----
  std::string brief(std::uint32_t id) const {
    return "uop " + std::to_string(id) + " (" + format_uop_head(s_, s_.uops[id]) + ")";
  }
  // What a hazard message expects: a dep ordering uop `id` after `other`.
  std::string missing_dep(std::uint32_t other) const {
    return " (expected a dependency on uop " + std::to_string(other) + " or a later " +
           to_string(s_.uops[other].unit()) + " uop)";
  }
  bool ordered(std::uint32_t other_uop, int own_unit) const {
    return unit_index(s_.uops[other_uop].unit()) == own_unit || static_cast<std::int64_t>(other_uop) <= hb_[own_unit];
  }
  void read_access(std::uint32_t id, int unit, std::uint32_t addr) {
    Slot& sl = slot(addr);
    if (sl.writer != kNoUop && !ordered(sl.writer, unit)) {
      error(brief(id) + " reads slot at " + format_addr(addr) + " while " + brief(sl.writer) + " may still write it" +
            missing_dep(sl.writer));
    }
    sl.reader[unit] = id;
  }
  void write_access(std::uint32_t id, int unit, std::uint32_t addr) {
    Slot& sl = slot(addr);
    const std::uint32_t reader = sl.reader[1 - unit];
    if (reader != kNoUop && !ordered(reader, unit)) {
      error(brief(id) + " writes slot at " + format_addr(addr) + " while " + brief(reader) + " may still read it" +
            missing_dep(reader));
    } else if (sl.writer != kNoUop && !ordered(sl.writer, unit)) {
      error(brief(id) + " writes slot at " + format_addr(addr) + " while " + brief(sl.writer) + " may still write it" +
            missing_dep(sl.writer));
    }
    sl.writer = id;
    sl.reader[0] = sl.reader[1] = kNoUop;
  }

  void step(std::uint32_t id) {
    current_ = id;
    const Uop& x = s_.uops[id];
    const int unit = unit_index(x.unit());
    if (x.dep != kNoUop) {
      const std::string other = unit == 0 ? "compute" : "dma";
      if (x.dep >= s_.uops.size()) {
        error(head(id) + ": dep " + std::to_string(x.dep) + " does not exist (expected an earlier uop of the " + other +
              " unit)");
      } else if (x.dep >= id) {
        error(head(id) + ": dep " + std::to_string(x.dep) + (x.dep == id ? " is itself" : " points forward") +
              " (expected an earlier uop of the " + other + " unit)");
      } else if (unit_index(s_.uops[x.dep].unit()) == unit) {
        error(head(id) + ": dep " + std::to_string(x.dep) + " (" + format_uop_head(s_, s_.uops[x.dep]) +
              ") is on the same unit (expected an earlier uop of the " + other + " unit)");
      } else {
        hb_[unit] = std::max<std::int64_t>(hb_[unit], x.dep);
      }
    }
    switch (x.kind) {
      case UopKind::Load:
        load(id, x, unit);
        break;
      case UopKind::Store:
        store(id, x, unit);
        break;
      case UopKind::Exec:
        exec(id, x, unit);
        break;
    }
  }

  // ---- the three kinds ----
  void load(std::uint32_t id, const Uop& x, int unit) {
    if (!check_ref(id, x.tile, "tile")) return;
    if (!check_addr(id, x.addr, "tile")) return;
    write_access(id, unit, x.addr);
    const std::int64_t g = gid(x.tile);
    if (is_view(info(x.tile.tensor))) {
      load_view(id, x, g);
      return;
    }
    Value v{g, dram_tile(g, x.tile.tensor).dram};
    if (v.version == kNever) {
      error(head(id) + ": " + tile(x.tile) +
            " was never stored to DRAM (expected an input, a param or a tile stored earlier)");
      v.version = kAssumed;
    }
    slot(x.addr).value = v;
  }

  // A transpose view's tile is X's, read transposed: X's tile must be complete
  // in DRAM.
  void load_view(std::uint32_t id, const Uop& x, std::int64_t g) {
    if (is_gather(info(x.tile.tensor))) {
      load_gather(id, x, g);
      return;
    }
    const TileRef src = viewed(x.tile);
    const std::int64_t xg = gid(src);
    const std::int32_t version = dram_tile(xg, src.tensor).dram;
    const std::string reads = tile(x.tile) + " reads " + tile(src) + " transposed";
    if (version == kNever) {
      error(head(id) + ": " + reads + ", which was never stored to DRAM (expected " + info(src.tensor).name +
            " an input, a param or stored earlier)");
    } else if (!complete(Value{xg, version}, src.tensor)) {
      error(head(id) + ": " + reads + ", which DRAM holds as " + describe(Value{xg, version}) + " (expected complete)");
    }
    slot(x.addr).value = Value{g, 1};
  }

  // A gather view's tile reads elements of X: every tile of X they lie in must
  // be complete in DRAM. The first that is not is reported.
  void load_gather(std::uint32_t id, const Uop& x, std::int64_t g) {
    auto [it, fresh] = gathered_.try_emplace(g);
    if (fresh) {
      if (!scratch_) scratch_ = std::make_unique<GatherScratch>();
      gathered_tiles(s_.tensors, x.tile, scratch_.get(), &scratch_tiles_);
      it->second = {gathered_tiles_.size(), scratch_tiles_.size()};
      gathered_tiles_.insert(gathered_tiles_.end(), scratch_tiles_.begin(), scratch_tiles_.end());
    }
    for (std::size_t i = it->second.first; i < it->second.first + it->second.second; ++i) {
      const TileRef src = gathered_tiles_[i];
      const std::int64_t xg = gid(src);
      const std::int32_t version = dram_tile(xg, src.tensor).dram;
      const std::string reads = tile(x.tile) + " gathers from " + tile(src);
      if (version == kNever) {
        error(head(id) + ": " + reads + ", which was never stored to DRAM (expected " + info(src.tensor).name +
              " an input, a param or stored earlier)");
        break;
      }
      if (!complete(Value{xg, version}, src.tensor)) {
        error(head(id) + ": " + reads + ", which DRAM holds as " + describe(Value{xg, version}) +
              " (expected complete)");
        break;
      }
    }
    slot(x.addr).value = Value{g, 1};
  }

  void store(std::uint32_t id, const Uop& x, int unit) {
    if (!check_ref(id, x.tile, "tile")) return;
    const TensorInfo& t = info(x.tile.tensor);
    if (is_view(t)) {
      error(head(id) + ": stores into view " + t.name + " of " + info(t.view.of).name +
            " (expected an intermediate or output tensor: a view has no storage and is never stored)");
      return;
    }
    if (is_source(t)) {
      error(head(id) + ": stores into " + to_string(t.role) + " tensor " + t.name +
            " (expected an intermediate or output tensor)");
      return;
    }
    if (!check_addr(id, x.addr, "tile")) return;
    read_access(id, unit, x.addr);
    const std::int64_t g = gid(x.tile);
    TileState& ts = tiles_.emplace(g, dram_tile(g, x.tile.tensor)).first->second;
    Value v = slot(x.addr).value;
    if (v.gid != g) {
      error(head(id) + ": slot at " + format_addr(x.addr) + " holds " + describe(v) + " (expected " + tile(x.tile) +
            ")");
      v = Value{g, kAssumed};
    } else if (t.is_graph_output && ts.stores > 0) {
      error(head(id) + ": output tile stored again (first by uop " + std::to_string(ts.store) +
            "; expected exactly one STORE)");
    } else if (t.is_graph_output && !complete(v, x.tile.tensor)) {
      error(head(id) + ": stores " + describe(v) +
            " (expected complete: an output is stored once, after its last EXEC)");
    }
    if (ts.stores++ == 0) {
      ts.store = id;
      ++tensors_[static_cast<std::size_t>(x.tile.tensor)].stored_tiles;
    }
    ts.dram = v.version;
  }

  void check_operand(std::uint32_t id, const Uop& x, int i) {
    const Value& v = slot(x.src_addr[i]).value;
    auto what = [&] { return structure::kOperand[i] + " at " + format_addr(x.src_addr[i]) + " holds "; };
    if (v.gid != gid(x.src[i])) {
      error(head(id) + ": " + what() + describe(v) + " (expected " + tile(x.src[i]) + ")");
    } else if (!complete(v, x.src[i].tensor)) {
      error(head(id) + ": " + what() + describe(v) + " (expected complete)");
    }
  }

  void exec(std::uint32_t id, const Uop& x, int unit) {
    if (!report(id, structure::check_exec(s_, x))) {
      // Taken as the intended result when its tile and slot are sound.
      if (structure::check_tile(s_, x.tile, "result").empty() && structure::check_addr(s_, x.addr, "result").empty()) {
        write_access(id, unit, x.addr);
        slot(x.addr).value = Value{gid(x.tile), kAssumed};
      }
      return;
    }
    const TensorInfo& c = info(x.tile.tensor);
    const bool matmul = x.exec == ExecKind::MatMul;
    const bool accumulating = is_accumulating(x.exec);
    if (is_view(c)) {
      error(head(id) + ": writes view " + c.name + " of " + info(c.view.of).name +
            " (expected an intermediate or output tensor: a view is only loaded)");
    } else if (is_source(c)) {
      error(head(id) + ": writes " + to_string(c.role) + " tensor " + c.name +
            " (expected an intermediate or output tensor)");
    }
    // A bad address is reported and its access skipped; the rest is still checked.
    const bool result_ok = check_addr(id, x.addr, accumulating ? "accumulator" : "result");
    bool src_ok[kMaxSrcs] = {false, false, false, false};
    for (int i = 0; i < kMaxSrcs; ++i) {
      if (x.src[i].valid()) src_ok[i] = check_addr(id, x.src_addr[i], structure::kOperand[i]);
    }
    for (int i = 0; i < kMaxSrcs && accumulating; ++i) {
      if (x.src[i].valid() && x.src_addr[i] == x.addr) {
        error(head(id) + ": accumulator at " + format_addr(x.addr) + " is also operand " + std::to_string(i) +
              "'s address (expected distinct slots: a " + to_string(x.exec) + " cannot run in place)");
        break;
      }
    }
    TensorState& ts = tensors_[static_cast<std::size_t>(x.tile.tensor)];
    const std::int32_t kt = accumulating ? structure::accumulation_steps(s_, x) : 1;
    if (ts.producer < 0) {
      ts.producer = static_cast<int>(x.exec);
      ts.first_exec = id;
      ts.a = x.src[0].tensor;
      ts.b = x.src[1].tensor;
      ts.kt = kt;
    } else if (ts.producer != static_cast<int>(x.exec)) {
      error(head(id) + ": " + c.name + " is written by " + format_uop_head(s_, s_.uops[ts.first_exec]) + " at uop " +
            std::to_string(ts.first_exec) + " (expected one kind of EXEC per tensor)");
    } else if (matmul && (ts.a != x.src[0].tensor || ts.b != x.src[1].tensor)) {
      error(head(id) + ": multiplies " + info(x.src[0].tensor).name + " by " + info(x.src[1].tensor).name +
            " but uop " + std::to_string(ts.first_exec) + " multiplies " + info(ts.a).name + " by " + info(ts.b).name +
            " (expected one matmul per tensor)");
    } else if ((is_pool(x.exec) || is_row_reduction(x.exec)) && ts.a != x.src[0].tensor) {
      const char* verb = is_pool(x.exec) ? " pools " : " reduces ";
      error(head(id) + ":" + verb + info(x.src[0].tensor).name + " but uop " + std::to_string(ts.first_exec) + verb +
            info(ts.a).name +
            (is_pool(x.exec) ? " (expected one pooling per tensor)" : " (expected one reduction per tensor)"));
    }
    for (int i = 0; i < kMaxSrcs; ++i) {
      if (src_ok[i]) read_access(id, unit, x.src_addr[i]);
    }
    for (int i = 0; i < kMaxSrcs; ++i) {
      if (src_ok[i]) check_operand(id, x, i);
    }
    if (is_row_apply(x.exec)) check_statistics(id, x);
    const std::int64_t g = gid(x.tile);
    std::int32_t version = 1;
    if (matmul) version = matmul_step(id, x, unit, kt, g, result_ok);
    if (is_pool(x.exec) || is_row_reduction(x.exec)) version = pool_step(id, x, unit, kt, g, result_ok);
    if (!result_ok) return;
    write_access(id, unit, x.addr);
    slot(x.addr).value = Value{g, version};
    const TileState tile_state = dram_tile(g, x.tile.tensor);
    if (c.is_graph_output && tile_state.stores > 0 && tile_state.dram != kAssumed &&
        complete(Value{g, tile_state.dram}, x.tile.tensor)) {
      error(head(id) + ": writes " + tile(x.tile) + " after uop " + std::to_string(tile_state.store) +
            " stored it (expected its one STORE after its last EXEC)");
    }
  }

  // An apply's operand 1: the statistics its own kind of reduction computes
  // (softmax_stats for softmax, layer_norm_stats for layer_norm), never an
  // input, a param or another EXEC's result of the same shape.
  void check_statistics(std::uint32_t id, const Uop& x) {
    const ExecKind want = x.exec == ExecKind::Softmax ? ExecKind::SoftmaxStats : ExecKind::LayerNormStats;
    const TensorInfo& t = info(x.src[1].tensor);
    const int producer = tensors_[static_cast<std::size_t>(x.src[1].tensor)].producer;
    if (producer == static_cast<int>(want)) return;
    const std::string by = is_source(t) || is_view(t) ? std::string("is ") + (is_view(t) ? "a view" : to_string(t.role))
                           : producer < 0             ? "is written by no EXEC before it"
                                          : std::string("is written by ") + to_string(static_cast<ExecKind>(producer));
    error(head(id) + ": operand 1 " + t.name + " " + by + " (expected the statistics of a " + to_string(want) + ")");
  }

  // Checks step k of kt of an accumulating EXEC: zero_init on the first step
  // it needs (or one before it that only structural zeros precede), and on
  // the others an accumulator holding the steps before, the skipped ones
  // being structural zeros.
  void accumulator_step(std::uint32_t id, const Uop& x, int unit, std::int32_t k, std::int32_t kt, std::int64_t g,
                        bool acc_ok) {
    const std::string word = x.exec == ExecKind::MatMul ? "K step " : "step ";
    const std::string of = " of " + std::to_string(kt);
    const std::int32_t first = next_step(x.tile.tensor, 0, x.tile.col);
    if (x.zero_init && k > first) {
      const std::string f = std::to_string(first);
      error(head(id) + ": zero_init on " + word + std::to_string(k) + of + " (expected it only on step" +
            (first == 0 ? " 0" : "s 0 to " + f + ": the weight tiles before step " + f + " are structural zeros") +
            ")");
    } else if (!x.zero_init && k == 0) {
      error(head(id) + ": " + word + "0" + of + " without zero_init (expected zero_init on step 0)");
    } else if (!x.zero_init && acc_ok) {
      read_access(id, unit, x.addr);
      const Value& v = slot(x.addr).value;
      const bool follows = v.version == kAssumed ||
                           (v.version >= 1 && v.version <= k && next_step(x.tile.tensor, v.version, x.tile.col) >= k);
      if (v.gid != g || !follows) {
        error(head(id) + ": accumulator at " + format_addr(x.addr) + " holds " + describe(v) + " (expected " +
              tile(x.tile) + " after " + std::to_string(k) + of + steps_word(x.exec) + ")");
      }
    }
  }

  // Checks one step of a pooling EXEC (its operands' places checked by
  // structure::check_pool); returns the accumulator's version after it.
  std::int32_t pool_step(std::uint32_t id, const Uop& x, int unit, std::int32_t kt, std::int64_t g, bool acc_ok) {
    const auto ct = static_cast<std::int32_t>(info(x.tile.tensor).tile_cols());
    const std::int32_t k = x.src[0].col / ct;
    accumulator_step(id, x, unit, k, kt, g, acc_ok);
    const bool last = k == kt - 1;
    TensorState& ts = tensors_[static_cast<std::size_t>(x.tile.tensor)];
    if (!last && x.src[1].valid()) {
      error(head(id) + ": divisors on step " + std::to_string(k) + " of " + std::to_string(kt) +
            " (expected them only on the last step, " + std::to_string(kt - 1) + ")");
    } else if (last) {
      const std::int32_t divisors = x.src[1].valid() ? x.src[1].tensor : -1;
      const ExecParams& p = s_.exec_params[x.params];
      if (ts.epilogue_uop == kNoUop) {
        ts.epilogue_uop = id;
        ts.bias = divisors;
        ts.fused = p;
      } else if (ts.bias != divisors || ts.fused.param[0] != p.param[0]) {
        error(head(id) + ": last step differs from uop " + std::to_string(ts.epilogue_uop) +
              " (expected the same scale and divisors on every tile of " + info(x.tile.tensor).name + ")");
      }
    }
    return k + 1;
  }

  // The last step tile column `col` of matmul result `tensor` needs.
  std::int32_t last_step(std::int32_t tensor, std::int64_t col) const {
    std::int32_t step = need(tensor) - 1;
    while (step > 0 && next_step(tensor, step, col) == need(tensor)) --step;
    return step;
  }

  // Checks one K step of a matmul; returns the accumulator's version after it.
  std::int32_t matmul_step(std::uint32_t id, const Uop& x, int unit, std::int32_t kt, std::int64_t g, bool acc_ok) {
    const std::int32_t k = x.src[0].col;
    const auto steps = [kt] { return " of " + std::to_string(kt); };
    accumulator_step(id, x, unit, k, kt, g, acc_ok);
    const bool last = next_step(x.tile.tensor, k + 1, x.tile.col) == kt;
    const ExecParams& fused = s_.exec_params[x.params];  // check_exec checked the index
    const bool activation = fused.fused != ExecKind::MatMul;
    residual_step(id, x, k, kt, last);
    if (!last && (x.relu || x.src[2].valid() || activation)) {
      const std::string what = x.relu ? "relu" : activation ? to_string(fused.fused) : "bias";
      error(head(id) + ": " + what + " on K step " + std::to_string(k) + steps() +
            " (expected the epilogue only on the last step, " + std::to_string(last_step(x.tile.tensor, x.tile.col)) +
            ")");
    } else if (last) {
      TensorState& ts = tensors_[static_cast<std::size_t>(x.tile.tensor)];
      const std::int32_t bias = x.src[2].valid() ? x.src[2].tensor : -1;
      if (ts.epilogue_uop == kNoUop) {
        ts.epilogue_uop = id;
        ts.relu = x.relu;
        ts.bias = bias;
        ts.fused = fused;
      } else if (ts.relu != x.relu || ts.bias != bias || ts.fused != fused) {
        auto text = [this](bool relu, const ExecParams& f, std::int32_t b) {
          std::string out = relu ? "relu" : "no relu";
          if (f.fused != ExecKind::MatMul) out = describe_fused(f);
          return out + (b >= 0 ? ", bias " + info(b).name : ", no bias");
        };
        error(head(id) + ": epilogue (" + text(x.relu, fused, bias) + ") differs from uop " +
              std::to_string(ts.epilogue_uop) + " (" + text(ts.relu, ts.fused, ts.bias) +
              ") (expected the same fused epilogue on every tile of " + info(x.tile.tensor).name + ")");
      }
    }
    return k + 1;
  }

  // The residual: only on the last K step, and the same tensor on every tile
  // of the result (none, or R).
  void residual_step(std::uint32_t id, const Uop& x, std::int32_t k, std::int32_t kt, bool last) {
    const std::string of = " of " + std::to_string(kt);
    if (!last) {
      if (!x.src[3].valid()) return;
      error(head(id) + ": residual on K step " + std::to_string(k) + of +
            " (expected the epilogue only on the last step, " + std::to_string(last_step(x.tile.tensor, x.tile.col)) +
            ")");
      return;
    }
    TensorState& ts = tensors_[static_cast<std::size_t>(x.tile.tensor)];
    const std::int32_t residual = x.src[3].valid() ? x.src[3].tensor : -1;
    if (ts.residual_uop == kNoUop) {
      ts.residual_uop = id;
      ts.residual = residual;
    } else if (ts.residual != residual) {
      auto text = [this](std::int32_t r) { return r >= 0 ? "residual " + info(r).name : std::string("no residual"); };
      error(head(id) + ": " + text(residual) + " differs from uop " + std::to_string(ts.residual_uop) + " (" +
            text(ts.residual) + ") (expected the same fused epilogue on every tile of " + info(x.tile.tensor).name +
            ")");
    }
  }

  // ---- the end ----
  // Only tensors with fewer distinct tiles stored than they have are walked.
  void check_outputs() {
    for (std::size_t i = 0; i < s_.tensors.size() && !full(); ++i) {
      const TensorInfo& t = s_.tensors[i];
      const TensorState& ts = tensors_[i];
      if (!t.is_graph_output || ts.stored_tiles == t.tile_rows() * t.tile_cols()) continue;
      for (std::int32_t r = 0; r < t.tile_rows() && !full(); ++r) {
        for (std::int32_t c = 0; c < t.tile_cols() && !full(); ++c) {
          const TileRef ref{static_cast<std::int32_t>(i), r, c};
          if (tiles_.count(gid(ref)) == 0) {
            error(Subject::Tensor, i,
                  "output " + tile(ref) + " is never stored (expected one STORE after its last EXEC)");
          }
        }
      }
    }
  }

  void check_total(const char* field, std::int64_t claimed, std::int64_t counted) {
    if (claimed == counted) return;
    error(Subject::Totals, 0,
          "schedule totals: " + std::string(field) + " = " + std::to_string(claimed) + " (expected " +
              std::to_string(counted) + ", counted from the uops)");
  }

  // The peak lies between the slots one uOp needs at once and all slots used.
  void check_peak(std::int64_t all_slots_bytes) {
    std::int64_t one_uop = 0;
    for (const Uop& x : s_.uops) one_uop = std::max(one_uop, structure::uop_slot_bytes(x));
    if (s_.sram_peak_bytes >= one_uop && s_.sram_peak_bytes <= all_slots_bytes) return;
    error(Subject::Totals, 0,
          "schedule totals: sram_peak_bytes = " + std::to_string(s_.sram_peak_bytes) + " (expected " +
              std::to_string(one_uop) + " to " + std::to_string(all_slots_bytes) +
              ": at least the slots one uop uses at once, at most all the slots the uops use)");
  }

  void check_totals() {
    const ScheduleTotals counted = count_totals(s_);
    check_total("loads", s_.loads, counted.loads);
    check_total("stores", s_.stores, counted.stores);
    check_total("execs", s_.execs, counted.execs);
    check_total("loads_eliminated", s_.loads_eliminated, counted.loads_eliminated);
    check_total("bytes_loaded", s_.bytes_loaded, counted.bytes_loaded);
    check_total("bytes_stored", s_.bytes_stored, counted.bytes_stored);
    check_total("compulsory_loads", s_.compulsory_loads, counted.compulsory_loads);
    check_total("compulsory_bytes", s_.compulsory_bytes, counted.compulsory_bytes);
    if (!full()) check_peak(counted.slots_used_bytes);
    if (full()) return;
    for (Problem& p : check_layers(s_, counted, max_ - errors_.size())) errors_.push_back(std::move(p));
  }
};

}  // namespace

std::vector<Problem> find_problems(const Schedule& schedule, std::size_t max_errors) {
  return Checker(schedule, max_errors).run();
}

std::vector<std::string> validate(const Schedule& schedule, std::size_t max_errors) {
  std::vector<std::string> texts;
  for (Problem& p : find_problems(schedule, max_errors)) texts.push_back(std::move(p.text));
  return texts;
}

void validate_or_throw(const Schedule& schedule) {
  const std::vector<std::string> problems = validate(schedule, 5);
  if (problems.empty()) return;
  std::string message = "internal error: invalid schedule for " + schedule.model + ":";
  for (const std::string& p : problems) message += "\n  " + p;
  if (problems.size() == 5) message += "\n  (first 5 problems shown)";
  throw std::runtime_error(message);
}

}  // namespace tilesim::sched
