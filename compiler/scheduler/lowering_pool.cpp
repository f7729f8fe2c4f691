#include "compiler/scheduler/lowering_pool.h"

#include <stdexcept>

namespace tilesim::sched {

void lower_pool(const ir::Op& op, const std::vector<TensorInfo>& tensors, const TileSpace& space,
                TileProgram& program) {
  const TensorInfo& out = tensors[op.output];
  const TensorInfo& view = tensors[op.inputs[0]];
  const std::int64_t ct = out.tile_cols();
  if (view.view.kind != ViewKind::Im2col || view.view.im2col.channel_stride != out.padded_cols ||
      view.tile_cols() % ct != 0 || view.tile_rows() != out.tile_rows()) {
    throw std::logic_error("lower_pool: " + view.name + " is not the im2col view of " + out.name);
  }
  const std::int64_t steps = view.tile_cols() / ct;
  const bool average = op.kind == ir::OpKind::AveragePool;
  ExecParams params;
  if (average) params.param[0] = op.scale;
  const std::uint32_t index = intern_params(program.exec_params, params);
  const bool divided = average && op.inputs.size() > 1;
  params.form[1] = Broadcast::Col;  // the last step's, reading the divisors
  const std::uint32_t last_index = divided ? intern_params(program.exec_params, params) : index;
  for (std::int64_t i = 0; i < out.tile_rows(); ++i) {
    for (std::int64_t j = 0; j < ct; ++j) {
      const TileRef tile{op.output, static_cast<std::int32_t>(i), static_cast<std::int32_t>(j)};
      for (std::int64_t k = 0; k < steps; ++k) {
        TileExec e;
        e.kind = average ? ExecKind::AvgPool : ExecKind::MaxPool;
        e.params = k == steps - 1 ? last_index : index;
        e.zero_init = k == 0;
        e.final_write = k == steps - 1;
        e.dst = space.id(tile);
        e.src[0] = space.id(TileRef{op.inputs[0], tile.row, static_cast<std::int32_t>(k * ct + j)});
        if (divided && e.final_write) {
          e.src[1] = space.id(broadcast_tile(out, tensors[op.inputs[1]], op.inputs[1], Broadcast::Col, tile));
        }
        program.execs.push_back(e);
      }
    }
  }
}

}  // namespace tilesim::sched
