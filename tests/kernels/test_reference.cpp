// The reference kernels against the test's own double-precision loops and
// the semantics written in kernels/kernel_set.h.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "tests/kernels/tile_testing.h"

using namespace tilesim::kernels;
using namespace tilesim::kernels::testing;

TEST_CASE("kernels: reference matmul matches a double-precision triple loop, every epilogue", "[kernels][reference]") {
  const KernelSet& ref = reference_kernels();
  Buffer a, b, c0, c, bias(N), residual;
  std::vector<double> want, scale;
  std::uint32_t seed = 100;
  for (int zero_init = 0; zero_init < 2; ++zero_init) {
    for (int with_bias = 0; with_bias < 4; ++with_bias) {  // bit 0: bias, bit 1: residual
      for (int relu = 0; relu < 4; ++relu) {               // 2: leaky_relu 0.5, 3: clip -0.25..0.75
        fill_random(a.data(), kTileElems, ++seed);
        fill_random(b.data(), kTileElems, ++seed);
        fill_random(c0.data(), kTileElems, ++seed);
        fill_random(bias.data(), N, ++seed);
        fill_random(residual.data(), kTileElems, ++seed);
        std::memcpy(c.data(), c0.data(), kTileBytes);
        MatmulEpilogue ep{zero_init != 0, with_bias & 1 ? bias.data() : nullptr,
                          with_bias & 2 ? residual.data() : nullptr, relu == 1};
        if (relu == 2) ep.leaky_alpha = 0.5f;
        if (relu == 3) {
          ep.clip_lo = -0.25f;
          ep.clip_hi = 0.75f;
        }
        ref.matmul(a.data(), b.data(), c.data(), ep);
        matmul_double(a.data(), b.data(), c0.data(), ep, 1, want, scale);
        INFO("zero_init=" << zero_init << " bias|residual=" << with_bias << " relu=" << relu);
        CHECK(compare_close(c.data(), want, scale) == "");
      }
    }
  }
}

TEST_CASE("kernels: reference matmul with values spread over many magnitudes", "[kernels][reference]") {
  // Cancellation-heavy data: the tolerance is relative to sum |terms|, not
  // to the result, so it must hold here too.
  Buffer a, b, c;
  fill_random(a.data(), kTileElems, 7, -1.0f, 1.0f);
  fill_random(b.data(), kTileElems, 8, -1.0f, 1.0f);
  for (int i = 0; i < kTileElems; ++i) {
    a[i] = std::ldexp(a[i], (i * 7) % 21 - 10);
    b[i] = std::ldexp(b[i], (i * 11) % 17 - 8);
  }
  fill_random(c.data(), kTileElems, 9, -100.0f, 100.0f);
  std::vector<double> want, scale;
  matmul_double(a.data(), b.data(), c.data(), MatmulEpilogue{}, 1, want, scale);
  reference_kernels().matmul(a.data(), b.data(), c.data(), MatmulEpilogue{});
  CHECK(compare_close(c.data(), want, scale) == "");
}

TEST_CASE("kernels: reference element-wise kernels follow the written semantics", "[kernels][reference]") {
  const KernelSet& ref = reference_kernels();
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Buffer x, y, bias(N), out;
  fill_random(x.data(), kTileElems, 21);
  fill_random(y.data(), kTileElems, 22);
  fill_random(bias.data(), N, 23);
  x[0] = -0.0f;
  x[1] = 0.0f;
  x[2] = nan;
  x[3] = inf;
  x[4] = -inf;
  x[5] = -nan;
  y[0] = -0.0f;
  y[1] = -0.0f;

  ref.unary(UnaryOp::Relu, x.data(), 0, 0, out.data());
  CHECK(bits(out[0]) == bits(0.0f));  // relu(-0) = +0
  CHECK(bits(out[1]) == bits(0.0f));
  CHECK(std::isnan(out[2]));
  CHECK(out[3] == inf);
  CHECK(bits(out[4]) == bits(0.0f));
  CHECK(std::isnan(out[5]));
  for (int i = 6; i < kTileElems; ++i) {
    const float want = x[i] > 0 ? x[i] : 0.0f;
    if (bits(out[i]) != bits(want)) FAIL("relu at " << i);
  }

  ref.binary(BinaryOp::Add, x.data(), Operand::Tile, y.data(), Operand::Tile, out.data());
  CHECK(bits(out[0]) == bits(-0.0f));  // -0 + -0 = -0
  CHECK(bits(out[1]) == bits(0.0f));   // +0 + -0 = +0
  CHECK(std::isnan(out[2]));
  CHECK(out[3] == inf);
  CHECK(out[4] == -inf);
  for (int i = 6; i < kTileElems; ++i)
    if (bits(out[i]) != bits(x[i] + y[i])) FAIL("add at " << i);

  // A bias row: the Row form of the second operand.
  ref.binary(BinaryOp::Add, x.data(), Operand::Tile, bias.data(), Operand::Row, out.data());
  for (int r = 0; r < N; ++r)
    for (int col = 0; col < N; ++col) {
      const int i = r * N + col;
      const float want = x[i] + bias[col];
      const bool ok = std::isnan(want) ? std::isnan(out[i]) : bits(out[i]) == bits(want);
      if (!ok) FAIL("add of a bias row at [" << r << "][" << col << "]");
    }
}
