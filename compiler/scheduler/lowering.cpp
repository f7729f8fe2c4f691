#include "compiler/scheduler/lowering.h"

#include <sstream>
#include <stdexcept>

#include "compiler/scheduler/blocking.h"
#include "compiler/scheduler/lowering_elementwise.h"
#include "compiler/scheduler/lowering_pool.h"
#include "compiler/scheduler/lowering_rows.h"
#include "compiler/support/interrupt.h"

namespace tilesim::sched {

namespace {

TensorRole role_of(ir::TensorKind kind) {
  switch (kind) {
    case ir::TensorKind::Input:
      return TensorRole::Input;
    case ir::TensorKind::Param:
      return TensorRole::Param;
    case ir::TensorKind::Intermediate:
      return TensorRole::Intermediate;
    case ir::TensorKind::Output:
      return TensorRole::Output;
  }
  return TensorRole::Intermediate;
}

std::string shape_text(const TensorInfo& t) {
  std::ostringstream out;
  out << "[";
  if (!t.dims.empty()) {
    for (std::size_t i = 0; i < t.dims.size(); ++i) out << (i ? "," : "") << t.dims[i];
  } else if (t.rank == 1) {
    out << t.cols;
  } else if (t.rank == 2) {
    out << t.rows << "," << t.cols;
  }
  out << "]";
  return out.str();
}

TensorLayout layout_of(ir::Layout layout) {
  switch (layout) {
    case ir::Layout::Nchw:
      return TensorLayout::Nchw;
    case ir::Layout::Nhwc:
      return TensorLayout::Nhwc;
    case ir::Layout::ConvWeight:
      return TensorLayout::ConvWeight;
    case ir::Layout::Matrix:
      break;
  }
  return TensorLayout::Matrix;
}

Im2colGeometry geometry_of(const ir::Op& op) {
  const ir::Window& w = op.window;
  Im2colGeometry g;
  g.kernel_h = static_cast<std::int32_t>(w.kernel_h);
  g.kernel_w = static_cast<std::int32_t>(w.kernel_w);
  g.stride_h = static_cast<std::int32_t>(w.stride_h);
  g.stride_w = static_cast<std::int32_t>(w.stride_w);
  g.dilation_h = static_cast<std::int32_t>(w.dilation_h);
  g.dilation_w = static_cast<std::int32_t>(w.dilation_w);
  g.pad_top = static_cast<std::int32_t>(w.pad_top);
  g.pad_left = static_cast<std::int32_t>(w.pad_left);
  g.channel_stride = static_cast<std::int32_t>(w.channel_stride);
  g.pad_negative_infinity = w.pad_negative_infinity;
  return g;
}

// A Permute's or Slice's selection in the schedule's terms (issue 14).
Selection selection_of(const ir::Selection& in) {
  Selection s;
  s.from = in.from;
  for (const std::int64_t p : in.perm) s.perm.push_back(static_cast<std::int32_t>(p));
  s.axis = in.axis;
  s.start = in.start, s.step = in.step, s.count = in.count;
  return s;
}

std::string op_names(const ir::Op& op) {
  if (op.fused_from.empty()) return ir::to_string(op.kind);
  std::string names;
  for (const auto& name : op.fused_from) names += (names.empty() ? "" : "+") + name;
  return names;
}

// Emits the EXECs of one (possibly fused) matmul in the plan's loop nest,
// once per matrix of the stack (batch): A's and C's tile rows are offset by
// b * mt, B's by b * kt unless B is one matrix shared by the whole stack.
void lower_matmul(const ir::Op& op, const std::vector<TensorInfo>& tensors, const TileSpace& space,
                  const MatmulPlan& plan, std::int64_t mt, std::int64_t kt, std::int64_t nt, TileProgram& program) {
  const std::int32_t a = op.inputs[0], b = op.inputs[1], c = op.output;
  const std::int32_t bias = op.has_bias ? op.inputs[2] : -1;
  const bool scalar_bias = bias >= 0 && tensors[bias].is_scalar();
  const std::int32_t residual = op.has_residual ? op.inputs.back() : -1;  // C's shape: read at C's tile
  const std::int64_t batch = tensors[c].batch;
  const bool shared_b = tensors[b].batch == 1;
  // The last K step's fused activation (the others take the defaults).
  ExecParams activation;
  if (op.activation == ir::OpKind::Clip) activation.fused = ExecKind::Clip;
  if (op.activation == ir::OpKind::LeakyRelu) activation.fused = ExecKind::LeakyRelu;
  if (op.activation == ir::OpKind::Gelu) activation.fused = ExecKind::Gelu;  // issue 14
  activation.param[0] = activation.fused == ExecKind::MatMul ? 0.0f : op.param[0];
  activation.param[1] = activation.fused == ExecKind::Clip ? op.param[1] : 0.0f;
  const std::uint32_t last_params = intern_params(program.exec_params, activation);
  auto tile = [&](std::int32_t tensor, std::int64_t row, std::int64_t col) {
    return space.id(TileRef{tensor, static_cast<std::int32_t>(row), static_cast<std::int32_t>(col)});
  };
  for (std::int64_t m = 0; m < batch; ++m) {
    const std::int64_t a_row0 = m * mt, b_row0 = shared_b ? 0 : m * kt;
    // A grouped conv's block-diagonal weights: K steps of all-zero B tiles
    // are skipped, the first and last steps taken being those of the others.
    auto emit = [&](std::int64_t i, std::int64_t j, std::int64_t k) {
      if (is_structural_zero_tile(tensors[b], k, j)) return;
      TileExec e;
      e.kind = ExecKind::MatMul;
      e.zero_init = next_weight_step(tensors[b], 0, j) == k;
      e.final_write = next_weight_step(tensors[b], k + 1, j) == kt;
      e.relu = e.final_write && op.has_relu;
      e.params = e.final_write ? last_params : 0;
      e.dst = tile(c, a_row0 + i, j);
      e.src[0] = tile(a, a_row0 + i, k);
      e.src[1] = tile(b, b_row0 + k, j);
      if (e.final_write && bias >= 0) e.src[2] = tile(bias, 0, scalar_bias ? 0 : j);
      if (e.final_write && residual >= 0) e.src[3] = tile(residual, a_row0 + i, j);
      program.execs.push_back(e);
    };
    auto block = [&](std::int64_t i0, std::int64_t j0) {
      const std::int64_t i1 = std::min(mt, i0 + plan.block_m), j1 = std::min(nt, j0 + plan.block_n);
      for (std::int64_t k = 0; k < kt; ++k) {
        poll_interrupt();  // an 8192^3 matmul lowers 16 M EXECs
        if (plan.a_outer) {
          for (std::int64_t i = i0; i < i1; ++i)
            for (std::int64_t j = j0; j < j1; ++j) emit(i, j, k);
        } else {
          for (std::int64_t j = j0; j < j1; ++j)
            for (std::int64_t i = i0; i < i1; ++i) emit(i, j, k);
        }
      }
    };
    if (plan.blocks_along_rows) {
      for (std::int64_t i0 = 0; i0 < mt; i0 += plan.block_m)
        for (std::int64_t j0 = 0; j0 < nt; j0 += plan.block_n) block(i0, j0);
    } else {
      for (std::int64_t j0 = 0; j0 < nt; j0 += plan.block_n)
        for (std::int64_t i0 = 0; i0 < mt; i0 += plan.block_m) block(i0, j0);
    }
  }
}

}  // namespace

std::int64_t min_sram_tiles(const ir::Graph& graph) {
  std::int64_t need = 2;
  for (const ir::Op& op : graph.ops) {
    if (op.dead) continue;
    // A unary EXEC needs its operand and result: the starting 2.
    if (ir::is_activation(op.kind) || op.kind == ir::OpKind::Scale || ir::is_view_op(op.kind)) continue;
    // A row op: its operands and result (a layer_norm's x, statistics, gamma and beta).
    if (ir::is_row_op(op.kind)) {
      need = std::max<std::int64_t>(need, 1 + static_cast<std::int64_t>(op.inputs.size()));
      continue;
    }
    // A matmul's last K step: A, B and C, plus the bias and the residual tile when fused.
    const bool fused = op.kind == ir::OpKind::FusedMatMul;
    need = std::max<std::int64_t>(need, 3 + (fused && op.has_bias ? 1 : 0) + (fused && op.has_residual ? 1 : 0));
  }
  return need;
}

void LoweringPass::run(const ir::Graph& graph, Schedule& schedule, TileProgram& program) const {
  if (!graph.is_tiled()) throw std::logic_error("lowering needs a tiled graph");
  schedule.model = graph.name;
  schedule.tensors.clear();
  // Only tensors that live ops touch: fusion leaves its intermediates behind
  // with no producer and no tiles, and the schedule should not list them.
  std::vector<std::int32_t> index(graph.tensors.size(), -1);
  for (const ir::OpId op_id : graph.topological_order()) {
    const ir::Op& op = graph.ops[op_id];
    for (const ir::TensorId t : op.inputs) index[t] = 0;
    index[op.output] = 0;
  }
  std::vector<ir::Op> ops = graph.ops;  // with inputs/outputs renumbered
  for (std::size_t id = 0; id < graph.tensors.size(); ++id) {
    if (index[id] < 0) continue;
    index[id] = static_cast<std::int32_t>(schedule.tensors.size());
    const ir::Tensor& t = graph.tensors[id];
    TensorInfo info;
    info.name = t.name;
    info.role = role_of(t.kind);
    info.rank = t.shape.rank;
    info.rows = t.shape.rows;
    info.cols = t.shape.cols;
    info.padded_rows = t.padded_rows;
    info.padded_cols = t.padded_cols;
    info.batch = t.shape.batch();
    info.dims = t.shape.dims();
    info.layout = layout_of(t.shape.layout);
    info.groups = static_cast<std::int32_t>(t.shape.groups);
    schedule.tensors.push_back(info);
  }
  // A view op runs no EXEC: its output is a view the DMA engine reads from
  // the input's DRAM storage (the frontend allows Transpose of graph inputs
  // and params only; an im2col, relayout or place view of a computed tensor
  // makes the allocator store that tensor).
  for (const ir::OpId op_id : graph.live_ops()) {
    const ir::Op& op = graph.ops[op_id];
    if (!is_view_op(op.kind)) continue;
    TensorInfo& view = schedule.tensors[index[op.output]];
    const TensorInfo& source = schedule.tensors[index[op.inputs[0]]];
    if (op.kind == ir::OpKind::Transpose && source.role != TensorRole::Input && source.role != TensorRole::Param) {
      throw std::logic_error("lowering: Transpose of a computed tensor " + source.name);
    }
    view.view.of = index[op.inputs[0]];
    view.view.kind = op.kind == ir::OpKind::Transpose ? ViewKind::Transpose
                     : op.kind == ir::OpKind::Im2col  ? ViewKind::Im2col
                     : op.kind == ir::OpKind::Place   ? ViewKind::Place
                     : op.kind == ir::OpKind::Permute ? ViewKind::Permute
                     : op.kind == ir::OpKind::Slice   ? ViewKind::Slice
                                                      : ViewKind::Relayout;
    if (is_select(op.kind)) view.view.select = selection_of(op.select);
    if (op.kind == ir::OpKind::Place) view.view.place = {op.place.axis, static_cast<std::int32_t>(op.place.offset)};
    if (op.kind == ir::OpKind::Im2col) {
      view.view.im2col = geometry_of(op);
      const std::vector<std::int64_t>& x = source.dims;
      view.view.im2col.out_h = static_cast<std::int32_t>(op.window.out_h(x[2]));
      view.view.im2col.out_w = static_cast<std::int32_t>(op.window.out_w(x[3]));
    }
    view.role = source.role == TensorRole::Output ? TensorRole::Intermediate : source.role;
  }
  for (const ir::TensorId id : graph.outputs) schedule.tensors[index[id]].is_graph_output = true;
  for (ir::Op& op : ops) {
    if (op.dead) continue;
    for (ir::TensorId& t : op.inputs) t = index[t];
    op.output = index[op.output];
  }

  const TileSpace space(schedule.tensors);
  program.execs.clear();
  program.exec_layer.clear();
  schedule.layers.clear();
  std::vector<ir::OpId> layer_ids;
  for (const ir::OpId op_id : graph.topological_order()) {
    const ir::Op& op = ops[op_id];
    if (is_view_op(op.kind)) continue;
    layer_ids.push_back(op_id);
    LayerSummary layer;
    layer.name = schedule.tensors[op.output].name;
    layer.ops = op_names(op);
    const TensorInfo& out = schedule.tensors[op.output];
    const TensorInfo& x = schedule.tensors[op.inputs[0]];
    std::ostringstream shapes, tiles;
    if (op.kind == ir::OpKind::MatMul || op.kind == ir::OpKind::FusedMatMul) {
      const TensorInfo& w = schedule.tensors[op.inputs[1]];
      shapes << shape_text(x) << " @ " << shape_text(w);
      if (op.has_bias) shapes << " + " << shape_text(schedule.tensors[op.inputs[2]]);
      if (op.has_residual) shapes << " + " << shape_text(schedule.tensors[op.inputs.back()]);
      // One matrix of the stack; every matrix runs the same plan.
      MatmulShape shape{x.tile_rows_per_matrix(), x.tile_cols(), w.tile_cols(), op.has_bias, op.has_residual};
      const MatmulPlan plan = choose_matmul_plan(shape, sram_tiles_, costs_);
      tiles << (out.batch > 1 ? std::to_string(out.batch) + "x " : "") << "M" << shape.m_tiles << " K" << shape.k_tiles
            << " N" << shape.n_tiles;
      layer.plan = plan.describe();
      program.estimated_transfers += out.batch * (plan.estimated_loads + shape.m_tiles * shape.n_tiles);
      lower_matmul(op, schedule.tensors, space, plan, shape.m_tiles, shape.k_tiles, shape.n_tiles, program);
    } else if (ir::is_pool(op.kind)) {
      const Im2colGeometry& g = x.view.im2col;
      shapes << shape_text(schedule.tensors[x.view.of]) << " " << g.kernel_h << "x" << g.kernel_w << " window";
      tiles << out.tile_rows() << "x" << out.tile_cols() << " tiles, " << x.tile_cols() / out.tile_cols() << " steps";
      layer.plan = "row-major tiles";
      program.estimated_transfers += (x.tile_cols() + 1) * out.tile_rows();
      lower_pool(op, schedule.tensors, space, program);
    } else if (ir::is_row_op(op.kind)) {
      shapes << shape_text(x);
      tiles << out.tile_rows() << "x" << x.tile_cols() << " tiles";
      layer.plan = "row by row";
      program.estimated_transfers += 3 * x.tile_rows() * x.tile_cols();
      lower_rows(op, schedule.tensors, space, program);
    } else {
      shapes << shape_text(x);
      if (op.inputs.size() > 1) shapes << operator_text(op.kind) << shape_text(schedule.tensors[op.inputs[1]]);
      tiles << out.tile_rows() << "x" << out.tile_cols() << " tiles";
      layer.plan = "row-major tiles";
      program.estimated_transfers += 3 * out.tile_rows() * out.tile_cols();
      lower_elementwise(op, schedule.tensors, space, program);
    }
    shapes << " -> " << shape_text(out);
    layer.shapes = shapes.str();
    layer.tiles = tiles.str();
    program.exec_layer.resize(program.execs.size(), static_cast<std::uint32_t>(schedule.layers.size()));
    schedule.layers.push_back(layer);
  }
  if (attention_ == AttentionSchedule::Layered) return;
  for (const LayerRange& group : find_attention_groups(layer_ids, ops, schedule.tensors)) {
    interleave_rows(program, space, group);
    for (std::size_t l = group.first; l <= group.last; ++l) schedule.layers[l].plan += ", attention rows fused";
  }
}

}  // namespace tilesim::sched
