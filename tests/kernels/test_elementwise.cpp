// add, bias_add and relu of every vector kernel set against the reference:
// bit for bit (they are exact in IEEE arithmetic), including signed zeros,
// infinities and NaN positions, on misaligned and aliased pointers.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "tests/kernels/tile_testing.h"

using namespace tilesim::kernels;
using namespace tilesim::kernels::testing;

namespace {

const float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();

// Random values with signed zeros, infinities and NaNs planted at the
// positions that straddle vector-lane boundaries.
void fill_with_specials(float* p, std::uint32_t seed, int rotate) {
  fill_random(p, kTileElems, seed);
  const float specials[] = {-0.0f, 0.0f, kInf, -kInf, kNaN, -kNaN, -1e-40f /* denormal */, 1e-40f};
  const auto& pos = special_positions();
  for (std::size_t i = 0; i < pos.size(); ++i) p[pos[i]] = specials[(i + rotate) % 8];
}

}  // namespace

TEST_CASE("kernels: add, bias_add and relu equal the reference bit for bit", "[kernels][elementwise]") {
  const KernelSet& ref = reference_kernels();
  for (const KernelSet* k : vector_kernel_sets()) {
    for (int offset = 0; offset <= 1; ++offset) {
      Buffer x(kTileElems, offset), y(kTileElems, offset), bias(N, offset);
      Buffer got(kTileElems, offset), want;
      for (int rotate = 0; rotate < 8; ++rotate) {
        fill_with_specials(x.data(), 70 + rotate, rotate);
        fill_with_specials(y.data(), 80 + rotate, rotate * 3 + 1);
        fill_random(bias.data(), N, 90 + rotate);
        bias[rotate] = -0.0f;
        bias[8 + rotate] = kInf;
        bias[16 + rotate] = kNaN;
        bias[31 - rotate] = -kInf;
        INFO(k->name << " offset=" << offset << " rotate=" << rotate);

        k->add(x.data(), y.data(), got.data());
        ref.add(x.data(), y.data(), want.data());
        CHECK(compare_exact(got.data(), want.data()) == "");

        k->bias_add(x.data(), bias.data(), got.data());
        ref.bias_add(x.data(), bias.data(), want.data());
        CHECK(compare_exact(got.data(), want.data()) == "");

        k->relu(x.data(), got.data());
        ref.relu(x.data(), want.data());
        CHECK(compare_exact(got.data(), want.data()) == "");

        for (const float factor : {0.25f, -3.0f, 0.0f, -0.0f, kInf}) {
          k->scale(x.data(), factor, got.data());
          ref.scale(x.data(), factor, want.data());
          CHECK(compare_exact(got.data(), want.data()) == "");
        }
      }
    }
  }
}

TEST_CASE("kernels: reference scale is one IEEE multiply per element", "[kernels][elementwise]") {
  Buffer x(kTileElems, 0), out(kTileElems, 0);
  fill_random(x.data(), kTileElems, 5);
  x[0] = -0.0f;
  x[1] = kInf;
  x[2] = kNaN;
  reference_kernels().scale(x.data(), -0.5f, out.data());
  CHECK(out[0] == 0.0f);
  CHECK_FALSE(std::signbit(out[0]));  // -0 * -0.5 = +0
  CHECK(out[1] == -kInf);
  CHECK(std::isnan(out[2]));
  for (int i = 3; i < kTileElems; ++i) CHECK(out[i] == x[i] * -0.5f);
  // in place: out == x
  reference_kernels().scale(x.data(), 2.0f, x.data());
  CHECK(x[1] == kInf);
}

TEST_CASE("kernels: signed zeros: relu(-0) is +0, -0 + -0 is -0", "[kernels][elementwise]") {
  for (const std::string& name : available_kernels()) {
    const KernelSet& k = select_kernels(name);
    Buffer x, y, bias(N), out;
    for (int i = 0; i < kTileElems; ++i) {
      x[i] = -0.0f;
      y[i] = (i % 2) ? -0.0f : 0.0f;
    }
    for (int c = 0; c < N; ++c) bias[c] = (c % 3) ? -0.0f : 0.0f;
    INFO(name);
    k.relu(x.data(), out.data());
    for (int i = 0; i < kTileElems; ++i)
      if (bits(out[i]) != bits(0.0f)) FAIL("relu(-0) at " << i);
    k.add(x.data(), y.data(), out.data());
    for (int i = 0; i < kTileElems; ++i)
      if (bits(out[i]) != bits((i % 2) ? -0.0f : 0.0f)) FAIL("-0 + y at " << i);
    k.bias_add(x.data(), bias.data(), out.data());
    for (int i = 0; i < kTileElems; ++i)
      if (bits(out[i]) != bits((i % N % 3) ? -0.0f : 0.0f)) FAIL("-0 + bias at " << i);
  }
}

TEST_CASE("kernels: NaN and infinities: relu keeps NaN and +inf, sends -inf to +0", "[kernels][elementwise]") {
  for (const std::string& name : available_kernels()) {
    const KernelSet& k = select_kernels(name);
    Buffer x, out;
    for (int i = 0; i < kTileElems; ++i) {
      const float v[] = {kNaN, -kNaN, kInf, -kInf, 2.5f, -2.5f};
      x[i] = v[i % 6];
    }
    INFO(name);
    k.relu(x.data(), out.data());
    for (int i = 0; i < kTileElems; ++i) {
      const bool ok = (i % 6 < 2)    ? std::isnan(out[i])
                      : (i % 6 == 2) ? out[i] == kInf
                      : (i % 6 == 4) ? out[i] == 2.5f
                                     : bits(out[i]) == bits(0.0f);
      if (!ok) FAIL("relu at " << i << " gave " << out[i]);
    }
  }
}

TEST_CASE("kernels: element-wise kernels work in place (out == x, out == y)", "[kernels][elementwise]") {
  const KernelSet& ref = reference_kernels();
  for (const std::string& name : available_kernels()) {
    const KernelSet& k = select_kernels(name);
    Buffer x, y, bias(N), io, want;
    fill_with_specials(x.data(), 101, 0);
    fill_random(y.data(), kTileElems, 102);
    fill_random(bias.data(), N, 103);
    INFO(name);

    ref.add(x.data(), y.data(), want.data());
    std::memcpy(io.data(), x.data(), kTileBytes);
    k.add(io.data(), y.data(), io.data());
    CHECK(compare_exact(io.data(), want.data()) == "");
    std::memcpy(io.data(), y.data(), kTileBytes);
    k.add(x.data(), io.data(), io.data());
    CHECK(compare_exact(io.data(), want.data()) == "");

    ref.bias_add(x.data(), bias.data(), want.data());
    std::memcpy(io.data(), x.data(), kTileBytes);
    k.bias_add(io.data(), bias.data(), io.data());
    CHECK(compare_exact(io.data(), want.data()) == "");

    ref.relu(x.data(), want.data());
    std::memcpy(io.data(), x.data(), kTileBytes);
    k.relu(io.data(), io.data());
    CHECK(compare_exact(io.data(), want.data()) == "");
  }
}
