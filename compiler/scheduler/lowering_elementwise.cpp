#include "compiler/scheduler/lowering_elementwise.h"

#include <stdexcept>

namespace tilesim::sched {

namespace {

ExecKind exec_kind(ir::OpKind kind) {
  switch (kind) {
    case ir::OpKind::Add:
      return ExecKind::Add;
    case ir::OpKind::Sub:
      return ExecKind::Sub;
    case ir::OpKind::Mul:
      return ExecKind::Mul;
    case ir::OpKind::Max:
      return ExecKind::Max;
    case ir::OpKind::Min:
      return ExecKind::Min;
    case ir::OpKind::Relu:
      return ExecKind::Relu;
    case ir::OpKind::Scale:
      return ExecKind::Scale;
    case ir::OpKind::Clip:
      return ExecKind::Clip;
    case ir::OpKind::LeakyRelu:
      return ExecKind::LeakyRelu;
    case ir::OpKind::Sigmoid:
      return ExecKind::Sigmoid;
    case ir::OpKind::Tanh:
      return ExecKind::Tanh;
    case ir::OpKind::HardSigmoid:
      return ExecKind::HardSigmoid;
    case ir::OpKind::HardSwish:
      return ExecKind::HardSwish;
    // ---- issue 14, element-wise ----
    case ir::OpKind::Div:
      return ExecKind::Div;
    case ir::OpKind::Sqrt:
      return ExecKind::Sqrt;
    case ir::OpKind::Reciprocal:
      return ExecKind::Reciprocal;
    case ir::OpKind::Exp:
      return ExecKind::Exp;
    case ir::OpKind::Neg:
      return ExecKind::Neg;
    case ir::OpKind::Erf:
      return ExecKind::Erf;
    case ir::OpKind::Pow:
      return ExecKind::Pow;
    case ir::OpKind::Gelu:
      return ExecKind::Gelu;
    case ir::OpKind::Where:
      return ExecKind::Where;
    default:
      throw std::logic_error(std::string("lower_elementwise: not an element-wise op: ") + ir::to_string(kind));
  }
}

// What the op's EXECs share: the operands' forms, or the constants.
ExecParams params_of(const ir::Op& op, const std::vector<TensorInfo>& tensors) {
  ExecParams params;
  const TensorInfo& out = tensors[op.output];
  if (ir::is_binary(op.kind)) {
    for (int k = 0; k < 2; ++k) params.form[k] = broadcast_form(out, tensors[op.inputs[k]]);
    if (op.kind == ir::OpKind::Where) params.param[0] = op.param[0];
  } else if (op.kind == ir::OpKind::Scale) {
    params.param[0] = op.scale;
  } else {
    for (int i = 0; i < 2; ++i) {
      if (param_name(exec_kind(op.kind), i)) params.param[i] = op.param[i];
    }
  }
  return params;
}

}  // namespace

const char* operator_text(ir::OpKind kind) {
  switch (kind) {
    case ir::OpKind::Sub:
      return " - ";
    case ir::OpKind::Mul:
      return " * ";
    case ir::OpKind::Max:
      return " max ";
    case ir::OpKind::Min:
      return " min ";
    case ir::OpKind::Div:
      return " / ";
    case ir::OpKind::Where:
      return " where ";
    default:
      return " + ";
  }
}

void lower_elementwise(const ir::Op& op, const std::vector<TensorInfo>& tensors, const TileSpace& space,
                       TileProgram& program) {
  const ExecKind kind = exec_kind(op.kind);
  const ExecParams params = params_of(op, tensors);
  const std::uint32_t index = intern_params(program.exec_params, params);
  const TensorInfo& out = tensors[op.output];
  const int operands = ir::is_binary(op.kind) ? 2 : 1;
  for (std::int64_t i = 0; i < out.tile_rows(); ++i) {
    for (std::int64_t j = 0; j < out.tile_cols(); ++j) {
      const TileRef tile{op.output, static_cast<std::int32_t>(i), static_cast<std::int32_t>(j)};
      TileExec e;
      e.kind = kind;
      e.params = index;
      e.dst = space.id(tile);
      for (int k = 0; k < operands; ++k) {
        const std::int32_t in = op.inputs[static_cast<std::size_t>(k)];
        const TileRef src = operands == 1 ? TileRef{in, tile.row, tile.col}
                                          : broadcast_tile(out, tensors[in], in, params.form[k], tile);
        if (!src.valid()) throw std::logic_error("lower_elementwise: " + tensors[in].name + " does not broadcast");
        e.src[k] = space.id(src);
      }
      program.execs.push_back(e);
    }
  }
}

}  // namespace tilesim::sched
