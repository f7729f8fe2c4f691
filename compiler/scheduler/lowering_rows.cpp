#include "compiler/scheduler/lowering_rows.h"

namespace tilesim::sched {

namespace {

ExecKind exec_kind(ir::OpKind kind) {
  switch (kind) {
    case ir::OpKind::ReduceSum:
      return ExecKind::ReduceSum;
    case ir::OpKind::ReduceMax:
      return ExecKind::ReduceMax;
    case ir::OpKind::SoftmaxStats:
      return ExecKind::SoftmaxStats;
    case ir::OpKind::Softmax:
      return ExecKind::Softmax;
    case ir::OpKind::LayerNormStats:
      return ExecKind::LayerNormStats;
    default:
      return ExecKind::LayerNorm;
  }
}

TileRef at(std::int32_t tensor, std::int64_t row, std::int64_t col) {
  return TileRef{tensor, static_cast<std::int32_t>(row), static_cast<std::int32_t>(col)};
}

}  // namespace

void lower_rows(const ir::Op& op, const std::vector<TensorInfo>& tensors, const TileSpace& space,
                TileProgram& program) {
  const ExecKind kind = exec_kind(op.kind);
  ExecParams params;
  if (kind == ExecKind::ReduceSum) params.param[0] = op.scale;
  if (kind == ExecKind::LayerNormStats) params.param[0] = op.param[0];
  const std::uint32_t index = intern_params(program.exec_params, params);
  const TensorInfo& out = tensors[op.output];
  const std::int32_t x = op.inputs[0];
  const std::int64_t ct = tensors[x].tile_cols();
  for (std::int64_t i = 0; i < out.tile_rows(); ++i) {
    if (is_row_reduction(kind)) {
      for (std::int64_t k = 0; k < ct; ++k) {
        TileExec e;
        e.kind = kind;
        e.params = index;
        e.zero_init = k == 0;
        e.final_write = k == ct - 1;
        e.dst = space.id(at(op.output, i, 0));
        e.src[0] = space.id(at(x, i, k));
        program.execs.push_back(e);
      }
      continue;
    }
    for (std::int64_t j = 0; j < out.tile_cols(); ++j) {
      TileExec e;
      e.kind = kind;
      e.params = index;
      e.dst = space.id(at(op.output, i, j));
      e.src[0] = space.id(at(x, i, j));
      e.src[1] = space.id(at(op.inputs[1], i, 0));
      for (std::size_t p = 2; p < op.inputs.size(); ++p) e.src[p] = space.id(at(op.inputs[p], 0, j));
      program.execs.push_back(e);
    }
  }
}

}  // namespace tilesim::sched
