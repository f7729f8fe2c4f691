#include "compiler/passes/gelu_pass.h"

#include <cmath>
#include <vector>

namespace tilesim::passes {

namespace {

using ir::Graph;
using ir::kNone;
using ir::OpId;
using ir::OpKind;
using ir::TensorId;

class Matcher {
 public:
  explicit Matcher(const Graph& g) : g_(g) {}

  // The op of `kind` writing `t` when t may disappear inside the pattern.
  const ir::Op* inner(TensorId t, OpKind kind) {
    const ir::Tensor& tensor = g_.tensors[t];
    if (tensor.kind != ir::TensorKind::Intermediate || tensor.users.size() != 1 || tensor.producer == kNone) {
      return nullptr;
    }
    const ir::Op& op = g_.ops[tensor.producer];
    if (op.dead || op.kind != kind) return nullptr;
    chain_.push_back(tensor.producer);
    return &op;
  }

  bool is_constant(TensorId t, float value) const {
    const ir::Tensor& c = g_.tensors[t];
    return c.kind == ir::TensorKind::Param && c.values.size() == 1 && c.shape.is_scalar() && near(c.values[0], value);
  }

  // y when `op` is y * value, value * y, or a Scale of y by value; else kNone.
  TensorId scaled(const ir::Op& op, float value) const {
    if (op.kind == OpKind::Scale) return near(op.scale, value) ? op.inputs[0] : kNone;
    return other(op, OpKind::Mul, value);
  }

  // y when the binary `op` of `kind` is y op value or value op y; else kNone.
  TensorId other(const ir::Op& op, OpKind kind, float value) const {
    if (op.kind != kind || op.inputs.size() != 2) return kNone;
    if (is_constant(op.inputs[1], value)) return op.inputs[0];
    if (is_constant(op.inputs[0], value)) return op.inputs[1];
    return kNone;
  }

  // The x such that `t` = x * 0.5 (a Mul or Scale producing t inside the pattern).
  TensorId half_of(TensorId t) {
    for (OpKind kind : {OpKind::Mul, OpKind::Scale}) {
      const std::size_t mark = chain_.size();
      if (const ir::Op* op = inner(t, kind)) {
        if (const TensorId x = scaled(*op, 0.5f); x != kNone) return x;
      }
      chain_.resize(mark);
    }
    return kNone;
  }

  std::vector<OpId> chain_;

 private:
  static bool near(float a, float b) { return std::fabs(a - b) <= 1e-6f * std::fabs(b); }
  const Graph& g_;
};

// Whether `t` = x^3 (x * (x * x), (x * x) * x, or Pow(x, 3)).
bool is_cube(Matcher& m, TensorId t, TensorId x) {
  const std::size_t mark = m.chain_.size();
  if (const ir::Op* pow = m.inner(t, OpKind::Pow)) {
    if (pow->inputs[0] == x && pow->param[0] == 3.0f) return true;
  } else if (const ir::Op* mul = m.inner(t, OpKind::Mul)) {
    for (int k = 0; k < 2; ++k) {
      if (mul->inputs[static_cast<std::size_t>(k)] != x) continue;
      const ir::Op* square = m.inner(mul->inputs[static_cast<std::size_t>(1 - k)], OpKind::Mul);
      if (square && square->inputs[0] == x && square->inputs[1] == x) return true;
    }
  }
  m.chain_.resize(mark);
  return false;
}

// Whether `t` = 1 + Erf(x / sqrt 2) (form 0) or 1 + Tanh(...) (form 1) of this x.
bool is_phi_sum(Matcher& m, TensorId t, TensorId x, int form) {
  const ir::Op* add = m.inner(t, OpKind::Add);
  const TensorId inside = add ? m.other(*add, OpKind::Add, 1.0f) : kNone;
  if (inside == kNone) return false;
  if (form == 0) {
    const ir::Op* erf = m.inner(inside, OpKind::Erf);
    if (!erf) return false;
    const ir::Op* div = m.inner(erf->inputs[0], OpKind::Div);
    if (div) return div->inputs[0] == x && m.is_constant(div->inputs[1], 1.41421356f);
    // no Div: x * (1 / sqrt 2)
    const ir::Op* mul = m.inner(erf->inputs[0], OpKind::Mul);
    if (!mul) mul = m.inner(erf->inputs[0], OpKind::Scale);
    return mul && m.scaled(*mul, 0.70710678f) == x;
  }
  const ir::Op* tanh = m.inner(inside, OpKind::Tanh);
  const ir::Op* scale = tanh ? m.inner(tanh->inputs[0], OpKind::Mul) : nullptr;
  const TensorId sum = scale ? m.scaled(*scale, 0.7978845608f) : kNone;
  const ir::Op* add_cube = sum != kNone ? m.inner(sum, OpKind::Add) : nullptr;
  if (!add_cube || add_cube->inputs.size() != 2) return false;
  const std::size_t k = add_cube->inputs[0] == x ? 1 : 0;
  if (add_cube->inputs[1 - k] != x) return false;
  const ir::Op* kappa = m.inner(add_cube->inputs[k], OpKind::Mul);
  const TensorId cube = kappa ? m.scaled(*kappa, 0.044715f) : kNone;
  return cube != kNone && is_cube(m, cube, x);
}

// The x and form when op `last` ends a GELU pattern; x kNone otherwise.
TensorId match(const Graph& g, const ir::Op& last, int form, std::vector<OpId>& chain) {
  if (last.kind != OpKind::Mul || last.inputs.size() != 2) return kNone;
  for (int k = 0; k < 2; ++k) {
    Matcher m(g);
    const TensorId a = last.inputs[static_cast<std::size_t>(k)], b = last.inputs[static_cast<std::size_t>(1 - k)];
    // (x * phi_sum) * 0.5
    if (m.is_constant(b, 0.5f)) {
      const ir::Op* mul = m.inner(a, OpKind::Mul);
      for (int j = 0; mul && j < 2; ++j) {
        const std::size_t mark = m.chain_.size();
        const TensorId x = mul->inputs[static_cast<std::size_t>(j)];
        if (is_phi_sum(m, mul->inputs[static_cast<std::size_t>(1 - j)], x, form)) {
          chain = m.chain_;
          return x;
        }
        m.chain_.resize(mark);
      }
      continue;
    }
    // (x * 0.5) * phi_sum
    const TensorId x = m.half_of(a);
    if (x != kNone && is_phi_sum(m, b, x, form)) {
      chain = m.chain_;
      return x;
    }
  }
  return kNone;
}

}  // namespace

void GeluPass::run(Graph& g) {
  g.relink();
  for (ir::Op& last : g.ops) {
    if (last.dead) continue;
    for (int form = 0; form < 2; ++form) {
      std::vector<OpId> chain;
      const TensorId x = match(g, last, form, chain);
      if (x == kNone) continue;
      for (const OpId id : chain) {
        g.ops[id].dead = true;
        g.tensors[g.ops[id].output].dead = true;
      }
      last.kind = OpKind::Gelu;
      last.inputs = {x};
      last.param[0] = static_cast<float>(form);
      last.param[1] = 0.0f;
      g.relink();
      break;
    }
  }
}

}  // namespace tilesim::passes
