#include "compiler/passes/fusion_pass.h"

namespace tilesim::passes {

namespace {

using ir::Graph;
using ir::kNone;
using ir::OpId;
using ir::OpKind;
using ir::TensorId;
using ir::TensorKind;

// The one live op reading `t` when it may be folded into its producer, else kNone.
OpId sole_user(const Graph& g, TensorId t) {
  const ir::Tensor& tensor = g.tensors[t];
  if (tensor.kind != TensorKind::Intermediate || tensor.users.size() != 1) return kNone;
  return tensor.users.front();
}

// The bias operand when `add` is "t + bias" or "bias + t" (addition commutes
// exactly), a bias being one row added to every row without growing t: [c]
// or [1, c] of t's width, or a scalar ([] or [1]); else kNone.
TensorId bias_of(const Graph& g, OpId add, TensorId t) {
  const ir::Op& op = g.ops[add];
  if (op.kind != OpKind::Add || op.inputs.size() != 2 || op.inputs[0] == op.inputs[1]) return kNone;
  if (op.inputs[0] != t && op.inputs[1] != t) return kNone;
  const TensorId bias = op.inputs[0] == t ? op.inputs[1] : op.inputs[0];
  const ir::Shape& shape = g.tensors[bias].shape;
  const bool row = shape.rows == 1 && shape.batch() == 1 && shape.cols == g.tensors[t].shape.cols;
  if (!row && !shape.is_scalar()) return kNone;
  return bias;
}

// The residual operand when `add` is "t + r" or "r + t": r has exactly t's
// shape and layout (true dims and storage, so tile (i, j) of r lines up with
// tile (i, j) of t) and zero padding, so the sum's padding stays zero: not t
// itself, and not a max-pooling window view (its padding reads -inf); else kNone.
TensorId residual_of(const Graph& g, OpId add, TensorId t) {
  const ir::Op& op = g.ops[add];
  if (op.kind != OpKind::Add || op.inputs.size() != 2 || op.inputs[0] == op.inputs[1]) return kNone;
  if (op.inputs[0] != t && op.inputs[1] != t) return kNone;
  const TensorId r = op.inputs[0] == t ? op.inputs[1] : op.inputs[0];
  if (g.tensors[r].shape != g.tensors[t].shape) return kNone;
  const OpId producer = g.tensors[r].producer;
  if (producer != kNone && g.ops[producer].kind == OpKind::Im2col && g.ops[producer].window.pad_negative_infinity) {
    return kNone;
  }
  return r;
}

// An activation the matmul's output stage applies: ReLU, or a Clip or
// LeakyRelu that maps 0 to 0 (clip bounds around 0), so the product's zero
// padding stays zero. GELU (issue 14) maps 0 to 0 in both forms.
bool fusable_activation(const ir::Op& op) {
  if (op.kind == OpKind::LeakyRelu || op.kind == OpKind::Gelu) return true;
  return op.kind == OpKind::Clip && op.param[0] <= 0.0f && op.param[1] >= 0.0f;
}

void absorb(Graph& g, ir::Op& fused, OpId next) {
  g.tensors[fused.output].dead = true;
  fused.output = g.ops[next].output;
  fused.fused_from.push_back(ir::to_string(g.ops[next].kind));
  g.ops[next].dead = true;
}

}  // namespace

void FusionPass::run(Graph& g) {
  g.relink();
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    if (g.ops[i].dead || g.ops[i].kind != OpKind::MatMul) continue;
    ir::Op fused = g.ops[i];
    fused.fused_from = {"matmul"};

    OpId next = sole_user(g, fused.output);
    if (next == kNone) continue;
    const TensorId bias = bias_of(g, next, fused.output);
    if (bias != kNone) {
      absorb(g, fused, next);
      fused.inputs.push_back(bias);
      fused.has_bias = true;
      next = sole_user(g, fused.output);
    }
    const TensorId residual = next == kNone ? kNone : residual_of(g, next, fused.output);
    if (residual != kNone) {
      absorb(g, fused, next);
      fused.inputs.push_back(residual);
      fused.has_residual = true;
      next = sole_user(g, fused.output);
    }
    if (next != kNone && g.ops[next].kind == OpKind::Relu) {
      absorb(g, fused, next);
      fused.has_relu = true;
    } else if (next != kNone && fusable_activation(g.ops[next])) {
      fused.activation = g.ops[next].kind;
      fused.param[0] = g.ops[next].param[0];
      fused.param[1] = g.ops[next].param[1];
      absorb(g, fused, next);
    }
    if (!fused.has_bias && !fused.has_residual && !fused.has_relu && fused.activation == OpKind::MatMul) continue;
    fused.kind = OpKind::FusedMatMul;
    g.ops[i] = std::move(fused);
    g.relink();  // the next matmul's checks see this one's rewiring
  }
}

}  // namespace tilesim::passes
