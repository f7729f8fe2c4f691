// Internal to kernels/: the element-wise kernels (binary and unary) written
// once over a vector type V, and instantiated by avx2.cpp (V = 8 floats in a
// ymm register) and avx512.cpp (16 floats in a zmm register), each compiled
// with its own instruction-set flags. V provides:
//   Reg, Mask, kLanes; load(p), store(p, v), set1(f);
//   add, sub, mul, div, sqrt (correctly rounded);
//   max(a, b) = a > b ? a : b, min(a, b) = a < b ? a : b (the instructions' rule:
//     the second operand when either is NaN);
//   less(a, b), is_nan(a) -> Mask; select(mask, if_true, if_false);
//   abs(a); or_sign(t, x) (t with x's sign bit ORed in); pow2(n) (2^n for an
//     integral float n in [-127, 127], built in the exponent bits).
// Each function follows reference.cpp operation for operation (the same
// IEEE operations in the same order), so every set gives the same bits.
#pragma once

#include "kernels/kernel_set.h"
#include "kernels/tile.h"
#include "kernels/transcendental.h"

#include <cmath>

namespace tilesim::kernels::detail {

template <class V>
struct Elementwise {
  using Reg = typename V::Reg;
  static constexpr int N = kTileDim;

  template <Operand F>
  static Reg operand(const float* p, int r, int c) {
    if constexpr (F == Operand::Tile) return V::load(p + r * N + c);
    if constexpr (F == Operand::Row) return V::load(p + c);
    if constexpr (F == Operand::Col) return V::set1(p[r * N]);
    if constexpr (F == Operand::Scalar) return V::set1(p[0]);
  }

  template <BinaryOp Op>
  static Reg apply(Reg x, Reg y) {
    if constexpr (Op == BinaryOp::Add) return V::add(x, y);
    if constexpr (Op == BinaryOp::Sub) return V::sub(x, y);
    if constexpr (Op == BinaryOp::Mul) return V::mul(x, y);
    if constexpr (Op == BinaryOp::Div) return V::div(x, y);
    // max and min keep a NaN y by themselves; a NaN x is put back.
    if constexpr (Op == BinaryOp::Max) return V::select(V::is_nan(x), x, V::max(x, y));
    if constexpr (Op == BinaryOp::Min) return V::select(V::is_nan(x), x, V::min(x, y));
  }

  // Each element is read before it is written: out may alias an operand
  // read as a whole tile.
  template <BinaryOp Op, Operand Fx, Operand Fy>
  static void binary_tile(const float* x, const float* y, float* out) {
    for (int r = 0; r < N; ++r) {
      for (int c = 0; c < N; c += V::kLanes) {
        V::store(out + r * N + c, apply<Op>(operand<Fx>(x, r, c), operand<Fy>(y, r, c)));
      }
    }
  }

  using BinaryFn = void (*)(const float*, const float*, float*);

  template <BinaryOp Op, Operand Fx>
  static BinaryFn pick(Operand fy) {
    switch (fy) {
      case Operand::Tile:
        return binary_tile<Op, Fx, Operand::Tile>;
      case Operand::Row:
        return binary_tile<Op, Fx, Operand::Row>;
      case Operand::Col:
        return binary_tile<Op, Fx, Operand::Col>;
      case Operand::Scalar:
        break;
    }
    return binary_tile<Op, Fx, Operand::Scalar>;
  }

  template <BinaryOp Op>
  static BinaryFn pick(Operand fx, Operand fy) {
    switch (fx) {
      case Operand::Tile:
        return pick<Op, Operand::Tile>(fy);
      case Operand::Row:
        return pick<Op, Operand::Row>(fy);
      case Operand::Col:
        return pick<Op, Operand::Col>(fy);
      case Operand::Scalar:
        break;
    }
    return pick<Op, Operand::Scalar>(fy);
  }

  static void binary(BinaryOp op, const float* x, Operand fx, const float* y, Operand fy, float* out) {
    switch (op) {
      case BinaryOp::Add:
        return pick<BinaryOp::Add>(fx, fy)(x, y, out);
      case BinaryOp::Sub:
        return pick<BinaryOp::Sub>(fx, fy)(x, y, out);
      case BinaryOp::Mul:
        return pick<BinaryOp::Mul>(fx, fy)(x, y, out);
      case BinaryOp::Max:
        return pick<BinaryOp::Max>(fx, fy)(x, y, out);
      case BinaryOp::Div:
        return pick<BinaryOp::Div>(fx, fy)(x, y, out);
      case BinaryOp::Min:
        break;
    }
    pick<BinaryOp::Min>(fx, fy)(x, y, out);
  }

  // ---- unary functions ----
  static Reg clamp(Reg x, Reg lo, Reg hi) { return V::min(hi, V::max(lo, x)); }

  static Reg exp_bounded(Reg x) {
    const Reg n = V::sub(V::add(V::mul(x, V::set1(kLog2e)), V::set1(kRoundMagic)), V::set1(kRoundMagic));
    const Reg r = V::sub(V::sub(x, V::mul(n, V::set1(kLn2Hi))), V::mul(n, V::set1(kLn2Lo)));
    Reg p = V::set1(kExpPoly[0]);
    for (int i = 1; i < 6; ++i) p = V::add(V::mul(p, r), V::set1(kExpPoly[i]));
    const Reg poly = V::add(V::add(V::mul(p, V::mul(r, r)), r), V::set1(1.0f));
    // Below kExpMin n may leave the exponent range; those lanes become +0.
    const Reg result = V::mul(poly, V::pow2(V::max(V::set1(-127.0f), n)));
    return V::select(V::less(x, V::set1(kExpMin)), V::set1(0.0f), result);
  }

  static Reg sigmoid(Reg x) {
    const Reg e = exp_bounded(V::sub(V::set1(0.0f), V::abs(x)));
    const Reg d = V::add(V::set1(1.0f), e);
    return V::select(V::less(x, V::set1(0.0f)), V::div(e, d), V::div(V::set1(1.0f), d));
  }

  static Reg tanh(Reg x) {
    const Reg a = V::abs(x);
    const Reg z = V::mul(x, x);
    Reg p = V::set1(kTanhPoly[0]);
    for (int i = 1; i < 5; ++i) p = V::add(V::mul(p, z), V::set1(kTanhPoly[i]));
    const Reg small = V::add(V::mul(V::mul(p, z), x), x);
    const Reg e = exp_bounded(V::mul(V::set1(2.0f), V::min(V::set1(kTanhClamp), a)));
    const Reg t = V::sub(V::set1(1.0f), V::div(V::set1(2.0f), V::add(e, V::set1(1.0f))));
    return V::select(V::less(a, V::set1(kTanhSmall)), small, V::or_sign(t, x));
  }

  // ---- issue 14: exp over the whole range, erf, gelu (transcendental.h) ----
  static Reg exp_full(Reg x) {
    const Reg n = V::sub(V::add(V::mul(x, V::set1(kLog2e)), V::set1(kRoundMagic)), V::set1(kRoundMagic));
    const Reg r = V::sub(V::sub(x, V::mul(n, V::set1(kLn2Hi))), V::mul(n, V::set1(kLn2Lo)));
    Reg p = V::set1(kExpPoly[0]);
    for (int i = 1; i < 6; ++i) p = V::add(V::mul(p, r), V::set1(kExpPoly[i]));
    const Reg poly = V::add(V::add(V::mul(p, V::mul(r, r)), r), V::set1(1.0f));
    const Reg n1 = V::max(V::set1(-127.0f), V::min(V::set1(127.0f), n));
    const Reg result = V::mul(V::mul(poly, V::pow2(n1)), V::pow2(V::sub(n, n1)));
    const Reg big = V::select(V::less(V::set1(kExpHuge), x), V::set1(kInfinity), result);
    return V::select(V::less(x, V::set1(kExpMin)), V::set1(0.0f), big);
  }

  static Reg erf(Reg x) {
    const Reg a = V::abs(x);
    const Reg z = V::mul(x, x);
    Reg p = V::set1(kErfSmall[0]);
    for (int i = 1; i < 7; ++i) p = V::add(V::mul(p, z), V::set1(kErfSmall[i]));
    Reg q = V::set1(kErfLarge[0]);
    for (int i = 1; i < 9; ++i) q = V::add(V::mul(q, a), V::set1(kErfLarge[i]));
    const Reg large = V::sub(V::set1(1.0f), exp_full(V::sub(q, V::mul(a, a))));
    const Reg one = V::select(V::less(a, V::set1(kErfOne)), large, V::set1(1.0f));
    const Reg y = V::select(V::less(a, V::set1(1.0f)), V::mul(x, p), V::or_sign(one, x));
    return V::select(V::is_nan(x), x, y);
  }

  static Reg gelu(Reg x, bool tanh_form) {
    const Reg half = V::mul(x, V::set1(0.5f));
    if (!tanh_form) return V::mul(half, V::add(V::set1(1.0f), erf(V::mul(x, V::set1(kSqrtHalf)))));
    const Reg cube = V::mul(V::mul(x, x), x);
    const Reg inner = V::mul(V::set1(kGeluBeta), V::add(x, V::mul(V::set1(kGeluKappa), cube)));
    return V::mul(half, V::add(V::set1(1.0f), tanh(inner)));
  }

  template <UnaryOp Op>
  static Reg apply(Reg x, Reg a, Reg b) {
    if constexpr (Op == UnaryOp::Relu) return V::relu(x);
    if constexpr (Op == UnaryOp::Scale) return V::mul(x, a);
    if constexpr (Op == UnaryOp::Clip) return clamp(x, a, b);
    if constexpr (Op == UnaryOp::LeakyRelu) return V::select(V::less(x, V::set1(0.0f)), V::mul(a, x), x);
    if constexpr (Op == UnaryOp::Sigmoid) return sigmoid(x);
    if constexpr (Op == UnaryOp::Tanh) return tanh(x);
    if constexpr (Op == UnaryOp::HardSigmoid) return clamp(V::add(V::mul(a, x), b), V::set1(0.0f), V::set1(1.0f));
    if constexpr (Op == UnaryOp::Sqrt) return V::sqrt(x);
    if constexpr (Op == UnaryOp::Reciprocal) return V::div(V::set1(1.0f), x);
    if constexpr (Op == UnaryOp::Exp) return exp_full(x);
    if constexpr (Op == UnaryOp::Neg) return V::sub(V::set1(-0.0f), x);
    if constexpr (Op == UnaryOp::Erf) return erf(x);
    if constexpr (Op == UnaryOp::Gelu) return gelu(x, false);
    if constexpr (Op == UnaryOp::HardSwish) {
      const Reg t = V::add(V::mul(V::set1(kHardSwishAlpha), x), V::set1(kHardSwishBeta));
      return V::mul(x, clamp(t, V::set1(0.0f), V::set1(1.0f)));
    }
  }

  template <UnaryOp Op>
  static void unary_tile(const float* x, float a, float b, float* out) {
    const Reg av = V::set1(a), bv = V::set1(b);
#pragma GCC unroll 4
    for (int i = 0; i < kTileElems; i += V::kLanes) V::store(out + i, apply<Op>(V::load(x + i), av, bv));
  }

  static void gelu_tanh_tile(const float* x, float* out) {
    for (int i = 0; i < kTileElems; i += V::kLanes) V::store(out + i, gelu(V::load(x + i), true));
  }

  static void unary(UnaryOp op, const float* x, float a, float b, float* out) {
    switch (op) {
      case UnaryOp::Relu:
        return unary_tile<UnaryOp::Relu>(x, a, b, out);
      case UnaryOp::Scale:
        return unary_tile<UnaryOp::Scale>(x, a, b, out);
      case UnaryOp::Clip:
        return unary_tile<UnaryOp::Clip>(x, a, b, out);
      case UnaryOp::LeakyRelu:
        return unary_tile<UnaryOp::LeakyRelu>(x, a, b, out);
      case UnaryOp::Sigmoid:
        return unary_tile<UnaryOp::Sigmoid>(x, a, b, out);
      case UnaryOp::Tanh:
        return unary_tile<UnaryOp::Tanh>(x, a, b, out);
      case UnaryOp::HardSigmoid:
        return unary_tile<UnaryOp::HardSigmoid>(x, a, b, out);
      case UnaryOp::Sqrt:
        return unary_tile<UnaryOp::Sqrt>(x, a, b, out);
      case UnaryOp::Reciprocal:
        return unary_tile<UnaryOp::Reciprocal>(x, a, b, out);
      case UnaryOp::Exp:
        return unary_tile<UnaryOp::Exp>(x, a, b, out);
      case UnaryOp::Neg:
        return unary_tile<UnaryOp::Neg>(x, a, b, out);
      case UnaryOp::Erf:
        return unary_tile<UnaryOp::Erf>(x, a, b, out);
      case UnaryOp::Pow:  // the C library's powf, as the reference calls it
        for (int i = 0; i < kTileElems; ++i) out[i] = std::pow(x[i], a);
        return;
      case UnaryOp::Gelu:
        return a == 0.0f ? unary_tile<UnaryOp::Gelu>(x, a, b, out) : gelu_tanh_tile(x, out);
      case UnaryOp::HardSwish:
        break;
    }
    unary_tile<UnaryOp::HardSwish>(x, a, b, out);
  }
};

}  // namespace tilesim::kernels::detail
