// Builds small schedules by hand for the validator and text-form tests.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/schedule/dram_placement.h"
#include "compiler/schedule/schedule.h"
#include "compiler/schedule/totals.h"

namespace tilesim::sched::testing {

inline TileRef T(std::int32_t tensor, std::int32_t row, std::int32_t col) { return TileRef{tensor, row, col}; }

struct Operand {
  TileRef tile;
  std::uint32_t addr = 0;
};

class Builder {
 public:
  explicit Builder(std::int64_t sram_bytes, std::string model = "test") {
    s_.model = std::move(model);
    s_.sram_bytes = sram_bytes;
  }

  // A tensor of true shape rows x cols (rank 1: cols only), padded to 32.
  std::int32_t tensor(const std::string& name, TensorRole role, std::int64_t rows, std::int64_t cols, int rank = 2) {
    TensorInfo t;
    t.name = name;
    t.role = role;
    t.rank = rank;
    t.rows = rank == 1 ? 1 : rows;
    t.cols = cols;
    t.padded_rows = rank == 1 ? 1 : (rows + 31) / 32 * 32;
    t.padded_cols = (cols + 31) / 32 * 32;
    t.is_graph_output = role == TensorRole::Output;
    s_.tensors.push_back(t);
    return static_cast<std::int32_t>(s_.tensors.size() - 1);
  }

  // A stack of matrices: true dims batch_dims + [rows, cols] (rank 3 or 4).
  std::int32_t stack(const std::string& name, TensorRole role, const std::vector<std::int64_t>& batch_dims,
                     std::int64_t rows, std::int64_t cols) {
    const std::int32_t id = tensor(name, role, rows, cols);
    TensorInfo& t = s_.tensors.back();
    t.rank = static_cast<int>(batch_dims.size()) + 2;
    t.dims = batch_dims;
    t.dims.push_back(rows);
    t.dims.push_back(cols);
    for (const std::int64_t d : batch_dims) t.batch *= d;
    return id;
  }

  // A scalar: rank 0 (dims []), or rank 1 of shape [1].
  std::int32_t scalar(const std::string& name, TensorRole role, int rank = 0) {
    const std::int32_t id = tensor(name, role, 1, 1, 1);
    s_.tensors.back().rank = rank;
    return id;
  }

  // A view: `of` with its last two dims swapped (an intermediate, no storage).
  std::int32_t view(const std::string& name, std::int32_t of) {
    TensorInfo t = s_.tensors.at(static_cast<std::size_t>(of));
    t.name = name;
    t.role = TensorRole::Intermediate;
    t.is_graph_output = false;
    std::swap(t.rows, t.cols);
    std::swap(t.padded_rows, t.padded_cols);
    if (!t.dims.empty()) std::swap(t.dims[t.dims.size() - 1], t.dims[t.dims.size() - 2]);
    t.view = sched::TensorView{sched::ViewKind::Transpose, of, {}, {}, {}};
    t.dram_address.reset();  // a view has no storage
    s_.tensors.push_back(t);
    return static_cast<std::int32_t>(s_.tensors.size() - 1);
  }

  // A tensor of true dims `dims` stored in `layout` (tensor_view.h): rank 4
  // for nhwc and conv_weight; rows, cols and batch from storage_shape().
  std::int32_t laid_out(const std::string& name, TensorRole role, const std::vector<std::int64_t>& dims,
                        TensorLayout layout, std::int32_t groups = 1) {
    const auto shape = storage_shape(layout, dims, groups).value();
    const std::int32_t id = tensor(name, role, shape[1], shape[2], dims.size() <= 1 ? 1 : 2);
    TensorInfo& t = s_.tensors.back();
    t.rank = static_cast<int>(dims.size());
    t.dims = dims;
    t.batch = shape[0];
    t.layout = layout;
    t.groups = groups;
    return id;
  }

  // An im2col view of image `of` ([N,C,H,W] dims): [N, OH*OW, KH*KW*S].
  std::int32_t im2col(const std::string& name, std::int32_t of, const Im2colGeometry& g) {
    const std::int64_t n = s_.tensors.at(static_cast<std::size_t>(of)).dims.at(0);
    const std::int32_t id =
        laid_out(name, TensorRole::Intermediate,
                 {n, std::int64_t{g.out_h} * g.out_w, std::int64_t{g.kernel_h} * g.kernel_w * g.channel_stride},
                 TensorLayout::Matrix);
    s_.tensors.back().view = TensorView{ViewKind::Im2col, of, g, {}, {}};
    return id;
  }

  // A relayout view of `of`: the same elements as true dims `dims` in `layout`.
  std::int32_t relayout(const std::string& name, std::int32_t of, const std::vector<std::int64_t>& dims,
                        TensorLayout layout = TensorLayout::Matrix) {
    const std::int32_t id = laid_out(name, TensorRole::Intermediate, dims, layout);
    s_.tensors.back().view = TensorView{ViewKind::Relayout, of, {}, {}, {}};
    return id;
  }

  // A place view of `of`: `of` at `offset` along `axis` of true dims `dims`
  // in `layout`, zero elsewhere.
  std::int32_t place(const std::string& name, std::int32_t of, const std::vector<std::int64_t>& dims, std::int32_t axis,
                     std::int32_t offset, TensorLayout layout = TensorLayout::Matrix) {
    const std::int32_t id = laid_out(name, TensorRole::Intermediate, dims, layout);
    s_.tensors.back().view = TensorView{ViewKind::Place, of, {}, Placement{axis, offset}, {}};
    return id;
  }

  // Issue 14: a permute or slice view of `of` with `select`, true dims `dims`.
  std::int32_t select(const std::string& name, std::int32_t of, ViewKind kind, const std::vector<std::int64_t>& dims,
                      const Selection& select) {
    const std::int32_t id = laid_out(name, TensorRole::Intermediate, dims, TensorLayout::Matrix);
    s_.tensors.back().view = TensorView{kind, of, {}, {}, select};
    return id;
  }

  std::uint32_t load(TileRef tile, std::uint32_t addr, std::uint32_t dep = kNoUop) {
    return transfer(UopKind::Load, tile, addr, dep);
  }
  std::uint32_t store(TileRef tile, std::uint32_t addr, std::uint32_t dep = kNoUop) {
    return transfer(UopKind::Store, tile, addr, dep);
  }

  std::uint32_t matmul(Operand c, Operand a, Operand b, bool zero_init, std::uint32_t dep = kNoUop, bool relu = false,
                       Operand bias = {}) {
    Uop x = exec(ExecKind::MatMul, c, {a, b, bias}, dep);
    x.zero_init = zero_init;
    x.relu = relu;
    return push(x);
  }
  // A binary EXEC reads each operand in the form its shape gives (as the
  // compiler does); set_params changes that.
  std::uint32_t elementwise(ExecKind kind, Operand y, std::vector<Operand> srcs, std::uint32_t dep = kNoUop) {
    Uop x = exec(kind, y, srcs, dep);
    if (is_binary(kind) && srcs.size() == 2) {
      ExecParams params;
      for (int k = 0; k < 2; ++k) params.form[k] = broadcast_form(info(y.tile.tensor), info(srcs[k].tile.tensor));
      x.params = intern_params(s_.exec_params, params);
    }
    return push(x);
  }

  // A unary EXEC with its constants.
  std::uint32_t unary(ExecKind kind, Operand y, Operand x, float p0, float p1 = 0.0f, std::uint32_t dep = kNoUop) {
    Uop u = exec(kind, y, {x}, dep);
    ExecParams params;
    params.param[0] = p0;
    params.param[1] = p1;
    u.params = intern_params(s_.exec_params, params);
    return push(u);
  }

  std::uint32_t scale(Operand y, Operand x, float factor, std::uint32_t dep = kNoUop) {
    return unary(ExecKind::Scale, y, x, factor, 0.0f, dep);
  }

  void set_params(std::uint32_t id, const ExecParams& params) {
    s_.uops.at(id).params = intern_params(s_.exec_params, params);
  }
  const ExecParams& params(std::uint32_t id) const { return s_.exec_params.at(s_.uops.at(id).params); }

  Uop& uop(std::uint32_t id) { return s_.uops.at(id); }
  Schedule& schedule() { return s_; }

  // The schedule with its totals counted from the uOps (sram_peak_bytes: the
  // slots used) and its tensors placed in DRAM as the compiler places them.
  Schedule done() {
    set_totals(s_, count_totals(s_), true);
    place_tensors(s_.tensors);
    return s_;
  }

 private:
  Schedule s_;

  const TensorInfo& info(std::int32_t t) const { return s_.tensors.at(static_cast<std::size_t>(t)); }

  std::uint32_t push(const Uop& x) {
    s_.uops.push_back(x);
    return static_cast<std::uint32_t>(s_.uops.size() - 1);
  }
  std::uint32_t transfer(UopKind kind, TileRef tile, std::uint32_t addr, std::uint32_t dep) {
    Uop x;
    x.kind = kind;
    x.tile = tile;
    x.addr = addr;
    x.dep = dep;
    return push(x);
  }
  static Uop exec(ExecKind kind, Operand y, const std::vector<Operand>& srcs, std::uint32_t dep) {
    Uop x;
    x.kind = UopKind::Exec;
    x.exec = kind;
    x.tile = y.tile;
    x.addr = y.addr;
    for (std::size_t i = 0; i < srcs.size() && i < 3; ++i) {
      x.src[i] = srcs[i].tile;
      x.src_addr[i] = srcs[i].addr;
    }
    x.dep = dep;
    return x;
  }
};

// Sets every uOp's dep to the latest conflicting access of the other unit (the
// tests' own resolver, for generated schedules; the scheduler has its own).
inline void resolve_deps(Schedule& s) {
  struct Slot {
    std::int64_t writer = -1;
    std::int64_t reader[2] = {-1, -1};
    int writer_unit = 0;
  };
  std::vector<Slot> slots(static_cast<std::size_t>(s.sram_bytes / kTileBytes));
  for (std::uint32_t id = 0; id < s.uops.size(); ++id) {
    Uop& x = s.uops[id];
    const int u = x.unit() == Unit::Dma ? 0 : 1;
    std::int64_t dep = -1;
    std::vector<std::uint32_t> reads;
    std::uint32_t write = 0;
    if (x.kind == UopKind::Load) write = x.addr;
    if (x.kind == UopKind::Store) reads.push_back(x.addr);
    if (x.kind == UopKind::Exec) {
      for (int i = 0; i < 3; ++i)
        if (x.src[i].valid()) reads.push_back(x.src_addr[i]);
      write = x.addr;
    }
    for (std::uint32_t a : reads) {
      Slot& sl = slots[a / kTileBytes];
      if (sl.writer >= 0 && sl.writer_unit != u) dep = std::max(dep, sl.writer);
      sl.reader[u] = id;
    }
    if (x.kind != UopKind::Store) {
      Slot& sl = slots[write / kTileBytes];
      dep = std::max(dep, sl.reader[1 - u]);
      if (sl.writer >= 0 && sl.writer_unit != u) dep = std::max(dep, sl.writer);
      sl.writer = id;
      sl.writer_unit = u;
      sl.reader[0] = sl.reader[1] = -1;
    }
    x.dep = dep < 0 ? kNoUop : static_cast<std::uint32_t>(dep);
  }
}

}  // namespace tilesim::sched::testing
