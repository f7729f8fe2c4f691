// The element-wise kernels: binary ops in every operand form and the unary
// ops of every vector kernel set against the reference, bit for bit
// (including signed zeros, infinities and NaN positions, on misaligned and
// aliased pointers), and the reference against the definitions written in
// kernels/kernel_set.h and docs/kernels.md. Sigmoid and tanh against double
// precision: test_transcendental.cpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "tests/kernels/tile_testing.h"

using namespace tilesim::kernels;
using namespace tilesim::kernels::testing;

namespace {

const float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();

constexpr BinaryOp kBinaryOps[] = {BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul,
                                   BinaryOp::Max, BinaryOp::Min, BinaryOp::Div};
constexpr Operand kForms[] = {Operand::Tile, Operand::Row, Operand::Col, Operand::Scalar};
constexpr const char* kFormNames[] = {"tile", "row", "col", "scalar"};

// Random values with signed zeros, infinities and NaNs planted at the
// positions that straddle vector-lane boundaries (and so in row 0, column 0
// and element [0][0], which the broadcast forms read).
void fill_with_specials(float* p, std::uint32_t seed, int rotate) {
  fill_random(p, kTileElems, seed);
  const float specials[] = {-0.0f, 0.0f, kInf, -kInf, kNaN, -kNaN, -1e-40f /* denormal */, 1e-40f};
  const auto& pos = special_positions();
  for (std::size_t i = 0; i < pos.size(); ++i) p[pos[i]] = specials[(i + rotate) % 8];
  for (int r = 0; r < N; r += 5) p[r * N] = specials[(r + rotate) % 8];
}

// The element an operand in `form` supplies at (r, c), as kernel_set.h says.
float read(const float* p, Operand form, int r, int c) {
  switch (form) {
    case Operand::Tile:
      return p[r * N + c];
    case Operand::Row:
      return p[c];
    case Operand::Col:
      return p[r * N];
    case Operand::Scalar:
      break;
  }
  return p[0];
}

// The definitions of kernel_set.h, written out again here.
float defined(BinaryOp op, float x, float y) {
  switch (op) {
    case BinaryOp::Add:
      return x + y;
    case BinaryOp::Sub:
      return x - y;
    case BinaryOp::Mul:
      return x * y;
    case BinaryOp::Max:
      return std::isnan(x) || std::isnan(y) ? kNaN : (x > y ? x : y);
    case BinaryOp::Div:
      return x / y;
    case BinaryOp::Min:
      break;
  }
  return std::isnan(x) || std::isnan(y) ? kNaN : (x < y ? x : y);
}

struct UnaryCase {
  UnaryOp op;
  float a, b;
  const char* name;
};

// The exact unary ops with constants that exercise their edges.
const UnaryCase kExactUnary[] = {
    {UnaryOp::Relu, 0, 0, "relu"},
    {UnaryOp::Scale, -0.5f, 0, "scale -0.5"},
    {UnaryOp::Scale, kInf, 0, "scale inf"},
    {UnaryOp::Clip, 0.0f, 6.0f, "clip 0 6"},
    {UnaryOp::Clip, -kInf, 0.25f, "clip -inf 0.25"},
    {UnaryOp::Clip, -0.5f, kInf, "clip -0.5 inf"},
    {UnaryOp::Clip, 1.0f, -1.0f, "clip 1 -1 (min > max)"},
    {UnaryOp::LeakyRelu, 0.01f, 0, "leaky_relu 0.01"},
    {UnaryOp::LeakyRelu, -2.0f, 0, "leaky_relu -2"},
    {UnaryOp::HardSigmoid, 0.2f, 0.5f, "hard_sigmoid 0.2 0.5"},
    {UnaryOp::HardSigmoid, -3.0f, 0.0f, "hard_sigmoid -3 0"},
    {UnaryOp::HardSwish, 0, 0, "hard_swish"},
    // issue 14
    {UnaryOp::Sqrt, 0, 0, "sqrt"},
    {UnaryOp::Reciprocal, 0, 0, "reciprocal"},
    {UnaryOp::Neg, 0, 0, "neg"},
    {UnaryOp::Pow, 3.0f, 0, "pow 3"},
    {UnaryOp::Pow, -1.5f, 0, "pow -1.5"},
};

float clamp(float t, float lo, float hi) {
  if (std::isnan(t)) return t;
  return std::min(std::max(t, lo), hi);
}

float defined(const UnaryCase& u, float x) {
  switch (u.op) {
    case UnaryOp::Relu:
      return std::isnan(x) ? x : (x > 0 ? x : 0.0f);
    case UnaryOp::Scale:
      return x * u.a;
    case UnaryOp::Clip:
      return clamp(x, u.a, u.b);
    case UnaryOp::LeakyRelu:
      return x < 0 ? u.a * x : x;
    case UnaryOp::HardSigmoid:
      return clamp(u.a * x + u.b, 0.0f, 1.0f);
    case UnaryOp::HardSwish:
      return x * clamp(x * (1.0f / 6.0f) + 0.5f, 0.0f, 1.0f);
    case UnaryOp::Sqrt:
      return std::sqrt(x);
    case UnaryOp::Reciprocal:
      return 1.0f / x;
    case UnaryOp::Neg:
      return -x;
    case UnaryOp::Pow:
      return std::pow(x, u.a);
    default:
      return kNaN;
  }
}

// Equal as numbers (so -0 == +0), NaN where NaN is expected.
bool same_value(float got, float want) { return std::isnan(want) ? std::isnan(got) : got == want; }

}  // namespace

TEST_CASE("kernels: every binary op in every operand form equals the reference bit for bit", "[kernels][elementwise]") {
  const KernelSet& ref = reference_kernels();
  for (const KernelSet* k : vector_kernel_sets()) {
    for (int offset = 0; offset <= 1; ++offset) {
      Buffer x(kTileElems, offset), y(kTileElems, offset), got(kTileElems, offset), want;
      for (int rotate = 0; rotate < 4; ++rotate) {
        fill_with_specials(x.data(), 70 + rotate, rotate);
        fill_with_specials(y.data(), 80 + rotate, rotate * 3 + 1);
        for (const BinaryOp op : kBinaryOps) {
          for (int fx = 0; fx < 4; ++fx) {
            for (int fy = 0; fy < 4; ++fy) {
              INFO(k->name << " offset=" << offset << " rotate=" << rotate << " op=" << static_cast<int>(op) << " "
                           << kFormNames[fx] << " " << kFormNames[fy]);
              k->binary(op, x.data(), kForms[fx], y.data(), kForms[fy], got.data());
              ref.binary(op, x.data(), kForms[fx], y.data(), kForms[fy], want.data());
              CHECK(compare_exact(got.data(), want.data()) == "");
            }
          }
        }
      }
    }
  }
}

TEST_CASE("kernels: the reference reads each operand in its form and applies the op's definition",
          "[kernels][elementwise]") {
  Buffer x, y, out;
  fill_with_specials(x.data(), 11, 2);
  fill_with_specials(y.data(), 12, 5);
  for (const BinaryOp op : kBinaryOps) {
    for (int fx = 0; fx < 4; ++fx) {
      for (int fy = 0; fy < 4; ++fy) {
        reference_kernels().binary(op, x.data(), kForms[fx], y.data(), kForms[fy], out.data());
        int bad = 0;
        for (int r = 0; r < N; ++r) {
          for (int c = 0; c < N; ++c) {
            const float want = defined(op, read(x.data(), kForms[fx], r, c), read(y.data(), kForms[fy], r, c));
            if (!same_value(out[r * N + c], want) && bad++ == 0) {
              FAIL_CHECK("op " << static_cast<int>(op) << " " << kFormNames[fx] << " " << kFormNames[fy] << " at [" << r
                               << "][" << c << "]: got " << out[r * N + c] << ", want " << want);
            }
          }
        }
      }
    }
  }
}

TEST_CASE("kernels: max and min give NaN when either operand is NaN, in every set", "[kernels][elementwise]") {
  for (const std::string& name : available_kernels()) {
    const KernelSet& k = select_kernels(name);
    Buffer x, y, out;
    for (int i = 0; i < kTileElems; ++i) {
      const float v[] = {kNaN, 1.0f, -kInf, kNaN, 2.0f};
      const float w[] = {1.0f, kNaN, kNaN, kNaN, -3.0f};
      x[i] = v[i % 5];
      y[i] = w[i % 5];
    }
    INFO(name);
    for (const BinaryOp op : {BinaryOp::Max, BinaryOp::Min}) {
      k.binary(op, x.data(), Operand::Tile, y.data(), Operand::Tile, out.data());
      for (int i = 0; i < kTileElems; ++i) {
        const float want = i % 5 < 4 ? kNaN : (op == BinaryOp::Max ? 2.0f : -3.0f);
        if (!same_value(out[i], want)) FAIL("op " << static_cast<int>(op) << " at " << i << " gave " << out[i]);
      }
    }
  }
}

TEST_CASE("kernels: every unary op equals the reference bit for bit", "[kernels][elementwise]") {
  const KernelSet& ref = reference_kernels();
  std::vector<UnaryCase> cases(std::begin(kExactUnary), std::end(kExactUnary));
  cases.push_back({UnaryOp::Sigmoid, 0, 0, "sigmoid"});
  cases.push_back({UnaryOp::Tanh, 0, 0, "tanh"});
  for (const KernelSet* k : vector_kernel_sets()) {
    for (int offset = 0; offset <= 1; ++offset) {
      Buffer x(kTileElems, offset), got(kTileElems, offset), want;
      for (int rotate = 0; rotate < 8; ++rotate) {
        fill_with_specials(x.data(), 30 + rotate, rotate);
        for (int i = 0; i < kTileElems; i += 3) x[i] *= 20.0f;  // both sides of every bend
        for (const UnaryCase& u : cases) {
          INFO(k->name << " offset=" << offset << " rotate=" << rotate << " " << u.name);
          k->unary(u.op, x.data(), u.a, u.b, got.data());
          ref.unary(u.op, x.data(), u.a, u.b, want.data());
          CHECK(compare_exact(got.data(), want.data()) == "");
        }
      }
    }
  }
}

TEST_CASE("kernels: the reference's exact unary ops follow their definitions", "[kernels][elementwise]") {
  Buffer x, out;
  fill_with_specials(x.data(), 41, 3);
  for (int i = 0; i < kTileElems; i += 2) x[i] *= 12.0f;
  for (const UnaryCase& u : kExactUnary) {
    reference_kernels().unary(u.op, x.data(), u.a, u.b, out.data());
    int bad = 0;
    for (int i = 0; i < kTileElems; ++i) {
      if (!same_value(out[i], defined(u, x[i])) && bad++ == 0) {
        FAIL_CHECK(u.name << " of " << x[i] << ": got " << out[i] << ", want " << defined(u, x[i]));
      }
    }
  }
}

TEST_CASE("kernels: signed zeros, infinities and NaN in the unary ops", "[kernels][elementwise]") {
  for (const std::string& name : available_kernels()) {
    const KernelSet& k = select_kernels(name);
    Buffer x, out;
    const float v[] = {-0.0f, 0.0f, kInf, -kInf, kNaN};
    for (int i = 0; i < kTileElems; ++i) x[i] = v[i % 5];
    INFO(name);
    const auto check = [&](UnaryOp op, float a, float b, const float(&want)[5], const char* what) {
      k.unary(op, x.data(), a, b, out.data());
      for (int i = 0; i < 5; ++i) {
        const bool ok = std::isnan(want[i]) ? std::isnan(out[i]) : bits(out[i]) == bits(want[i]);
        if (!ok) FAIL(what << " of " << v[i] << " gave " << out[i] << ", want " << want[i]);
      }
    };
    check(UnaryOp::Relu, 0, 0, {0.0f, 0.0f, kInf, 0.0f, kNaN}, "relu");
    check(UnaryOp::Clip, 0.0f, 6.0f, {-0.0f, 0.0f, 6.0f, 0.0f, kNaN}, "clip(0, 6)");
    check(UnaryOp::Clip, -kInf, kInf, {-0.0f, 0.0f, kInf, -kInf, kNaN}, "clip(-inf, inf)");
    check(UnaryOp::LeakyRelu, 0.1f, 0, {-0.0f, 0.0f, kInf, -kInf, kNaN}, "leaky_relu(0.1)");
    check(UnaryOp::HardSigmoid, 0.2f, 0.5f, {0.5f, 0.5f, 1.0f, 0.0f, kNaN}, "hard_sigmoid");
    check(UnaryOp::HardSwish, 0, 0, {-0.0f, 0.0f, kInf, kNaN, kNaN}, "hard_swish");  // -inf * 0
    check(UnaryOp::Sigmoid, 0, 0, {0.5f, 0.5f, 1.0f, 0.0f, kNaN}, "sigmoid");
    check(UnaryOp::Tanh, 0, 0, {0.0f, 0.0f, 1.0f, -1.0f, kNaN}, "tanh");
  }
}

TEST_CASE("kernels: reference scale is one IEEE multiply per element", "[kernels][elementwise]") {
  Buffer x(kTileElems, 0), out(kTileElems, 0);
  fill_random(x.data(), kTileElems, 5);
  x[0] = -0.0f;
  x[1] = kInf;
  x[2] = kNaN;
  reference_kernels().unary(UnaryOp::Scale, x.data(), -0.5f, 0, out.data());
  CHECK(out[0] == 0.0f);
  CHECK_FALSE(std::signbit(out[0]));  // -0 * -0.5 = +0
  CHECK(out[1] == -kInf);
  CHECK(std::isnan(out[2]));
  for (int i = 3; i < kTileElems; ++i) CHECK(out[i] == x[i] * -0.5f);
  // in place: out == x
  reference_kernels().unary(UnaryOp::Scale, x.data(), 2.0f, 0, x.data());
  CHECK(x[1] == kInf);
}

TEST_CASE("kernels: signed zeros: -0 + -0 is -0, -0 plus a row of +-0", "[kernels][elementwise]") {
  for (const std::string& name : available_kernels()) {
    const KernelSet& k = select_kernels(name);
    Buffer x, y, bias(N), out;
    for (int i = 0; i < kTileElems; ++i) {
      x[i] = -0.0f;
      y[i] = (i % 2) ? -0.0f : 0.0f;
    }
    for (int c = 0; c < N; ++c) bias[c] = (c % 3) ? -0.0f : 0.0f;
    INFO(name);
    k.binary(BinaryOp::Add, x.data(), Operand::Tile, y.data(), Operand::Tile, out.data());
    for (int i = 0; i < kTileElems; ++i)
      if (bits(out[i]) != bits((i % 2) ? -0.0f : 0.0f)) FAIL("-0 + y at " << i);
    k.binary(BinaryOp::Add, x.data(), Operand::Tile, bias.data(), Operand::Row, out.data());
    for (int i = 0; i < kTileElems; ++i)
      if (bits(out[i]) != bits((i % N % 3) ? -0.0f : 0.0f)) FAIL("-0 + bias at " << i);
  }
}

TEST_CASE("kernels: element-wise kernels work in place (out == x, out == y)", "[kernels][elementwise]") {
  const KernelSet& ref = reference_kernels();
  for (const std::string& name : available_kernels()) {
    const KernelSet& k = select_kernels(name);
    Buffer x, y, row(N), io, want;
    fill_with_specials(x.data(), 101, 0);
    fill_random(y.data(), kTileElems, 102);
    fill_random(row.data(), N, 103);
    INFO(name);
    for (const BinaryOp op : kBinaryOps) {
      ref.binary(op, x.data(), Operand::Tile, y.data(), Operand::Tile, want.data());
      std::memcpy(io.data(), x.data(), kTileBytes);
      k.binary(op, io.data(), Operand::Tile, y.data(), Operand::Tile, io.data());
      CHECK(compare_exact(io.data(), want.data()) == "");
      std::memcpy(io.data(), y.data(), kTileBytes);
      k.binary(op, x.data(), Operand::Tile, io.data(), Operand::Tile, io.data());
      CHECK(compare_exact(io.data(), want.data()) == "");
      // The whole-tile operand in place beside a broadcast one.
      ref.binary(op, row.data(), Operand::Row, x.data(), Operand::Tile, want.data());
      std::memcpy(io.data(), x.data(), kTileBytes);
      k.binary(op, row.data(), Operand::Row, io.data(), Operand::Tile, io.data());
      CHECK(compare_exact(io.data(), want.data()) == "");
    }
    for (const UnaryOp op : {UnaryOp::Relu, UnaryOp::Clip, UnaryOp::Sigmoid, UnaryOp::Tanh, UnaryOp::HardSwish}) {
      ref.unary(op, x.data(), -1.0f, 2.0f, want.data());
      std::memcpy(io.data(), x.data(), kTileBytes);
      k.unary(op, io.data(), -1.0f, 2.0f, io.data());
      CHECK(compare_exact(io.data(), want.data()) == "");
    }
  }
}
