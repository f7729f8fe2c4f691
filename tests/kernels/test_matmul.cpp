// Every vector kernel set's matmul against the reference: random tiles with
// every epilogue, misaligned pointers, accumulation, aliasing, special values.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "tests/kernels/tile_testing.h"

using namespace tilesim::kernels;
using namespace tilesim::kernels::testing;

namespace {

// Runs `k.matmul` and the reference on the same inputs and compares.
std::string check_against_reference(const KernelSet& k, const float* a, const float* b, const float* c0,
                                    const MatmulEpilogue& ep, float* got, float* want) {
  std::memcpy(got, c0, kTileBytes);
  std::memcpy(want, c0, kTileBytes);
  k.matmul(a, b, got, ep);
  reference_kernels().matmul(a, b, want, ep);
  std::vector<double> exact, scale;
  matmul_double(a, b, c0, ep, 1, exact, scale);
  return compare_close(got, want, scale);
}

}  // namespace

TEST_CASE("kernels: there is at least one vector kernel set to test", "[kernels][matmul]") {
  if (vector_kernel_sets().empty()) WARN("no AVX2/AVX-512 on this CPU: only the reference is tested");
  CHECK(available_kernels().back() == "reference");
}

TEST_CASE("kernels: matmul matches the reference for every epilogue", "[kernels][matmul]") {
  for (const KernelSet* k : vector_kernel_sets()) {
    Buffer a, b, c0, bias(N), residual, got, want;
    std::uint32_t seed = 1000;
    // 0: none, 1: relu, 2: leaky_relu 0.1, 3: clip -0.5..1.5, 4: clip 0..6 (ReLU6)
    for (int zero_init = 0; zero_init < 2; ++zero_init)
      for (int with_bias = 0; with_bias < 2; ++with_bias)
        for (int with_residual = 0; with_residual < 2; ++with_residual)
          for (int act = 0; act < 5; ++act)
            for (int trial = 0; trial < 3; ++trial) {
              fill_random(a.data(), kTileElems, ++seed);
              fill_random(b.data(), kTileElems, ++seed);
              fill_random(c0.data(), kTileElems, ++seed, -4.0f, 4.0f);
              fill_random(bias.data(), N, ++seed, -4.0f, 4.0f);
              fill_random(residual.data(), kTileElems, ++seed, -4.0f, 4.0f);
              MatmulEpilogue ep{zero_init != 0, with_bias ? bias.data() : nullptr,
                                with_residual ? residual.data() : nullptr, act == 1};
              if (act == 2) ep.leaky_alpha = 0.1f;
              if (act >= 3) {
                ep.clip_lo = act == 3 ? -0.5f : 0.0f;
                ep.clip_hi = act == 3 ? 1.5f : 6.0f;
              }
              INFO(k->name << " zero_init=" << zero_init << " bias=" << with_bias << " residual=" << with_residual
                           << " activation=" << act << " trial=" << trial);
              CHECK(check_against_reference(*k, a.data(), b.data(), c0.data(), ep, got.data(), want.data()) == "");
            }
  }
}

TEST_CASE("kernels: matmul works on pointers that are not vector-aligned", "[kernels][matmul]") {
  for (const KernelSet* k : vector_kernel_sets()) {
    for (int offset = 1; offset <= 3; offset += 2) {
      Buffer a(kTileElems, offset), b(kTileElems, offset), c0(kTileElems, offset), bias(N, offset);
      Buffer residual(kTileElems, offset), got(kTileElems, offset), want;
      fill_random(a.data(), kTileElems, 31);
      fill_random(b.data(), kTileElems, 32);
      fill_random(c0.data(), kTileElems, 33);
      fill_random(bias.data(), N, 34);
      fill_random(residual.data(), kTileElems, 35);
      INFO(k->name << " offset=" << offset << " floats");
      for (const MatmulEpilogue& ep : {MatmulEpilogue{}, MatmulEpilogue{true, bias.data(), nullptr, true},
                                       MatmulEpilogue{true, bias.data(), residual.data(), false, -0.25f, -1.0f, 0.5f}})
        CHECK(check_against_reference(*k, a.data(), b.data(), c0.data(), ep, got.data(), want.data()) == "");
    }
  }
}

TEST_CASE("kernels: matmul_acc accumulates: two calls give C + 2*A*B", "[kernels][matmul]") {
  for (const KernelSet* k : vector_kernel_sets()) {
    Buffer a, b, c0, c;
    fill_random(a.data(), kTileElems, 41);
    fill_random(b.data(), kTileElems, 42);
    fill_random(c0.data(), kTileElems, 43, -8.0f, 8.0f);
    std::memcpy(c.data(), c0.data(), kTileBytes);
    matmul_acc(*k, a.data(), b.data(), c.data());
    matmul_acc(*k, a.data(), b.data(), c.data());
    std::vector<double> want, scale;
    matmul_double(a.data(), b.data(), c0.data(), MatmulEpilogue{}, 2, want, scale);
    INFO(k->name);
    CHECK(compare_close(c.data(), want, scale) == "");

    // ... and matmul_init really ignores what was in C.
    matmul_init(*k, a.data(), b.data(), c.data());
    matmul_double(a.data(), b.data(), c0.data(), MatmulEpilogue{true, nullptr, nullptr, false}, 1, want, scale);
    CHECK(compare_close(c.data(), want, scale) == "");
  }
}

TEST_CASE("kernels: matmul with C aliasing A or B sees the old tile", "[kernels][matmul]") {
  for (const std::string& name : available_kernels()) {
    const KernelSet& k = select_kernels(name);
    Buffer a, b, c, bias(N);
    fill_random(a.data(), kTileElems, 51);
    fill_random(b.data(), kTileElems, 52);
    fill_random(bias.data(), N, 53);
    const MatmulEpilogue ep{false, bias.data(), nullptr, true};
    std::vector<double> want, scale;
    INFO(name);

    matmul_double(a.data(), b.data(), a.data(), ep, 1, want, scale);  // C = A
    std::memcpy(c.data(), a.data(), kTileBytes);
    k.matmul(c.data(), b.data(), c.data(), ep);
    CHECK(compare_close(c.data(), want, scale) == "");

    matmul_double(a.data(), b.data(), b.data(), ep, 1, want, scale);  // C = B
    std::memcpy(c.data(), b.data(), kTileBytes);
    k.matmul(a.data(), c.data(), c.data(), ep);
    CHECK(compare_close(c.data(), want, scale) == "");
  }
}

TEST_CASE("kernels: matmul propagates NaN and infinity like the reference", "[kernels][matmul]") {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const KernelSet* k : vector_kernel_sets()) {
    Buffer a, b, c0, bias(N), got, want;
    fill_random(a.data(), kTileElems, 61, 0.5f, 1.0f);  // positive, so the infinities below
    fill_random(b.data(), kTileElems, 62, 0.5f, 1.0f);  // give +inf / -inf, not NaN
    fill_random(c0.data(), kTileElems, 63);
    fill_random(bias.data(), N, 64);
    a[3 * N + 5] = inf;    // row 3 of C -> +inf
    a[20 * N + 9] = -inf;  // row 20 -> -inf
    b[9 * N + 30] = nan;   // column 30 -> NaN (row 3 too: inf * NaN)
    b[5 * N + 11] = -inf;  // C[3][11] = inf*(-inf) + ... -> -inf; column 11 -> -inf
    c0[27 * N + 2] = nan;  // an old NaN in C stays
    bias[17] = inf;        // column 17 -> +inf, except where -inf: NaN
    for (int zero_init = 0; zero_init < 2; ++zero_init)
      for (int with_bias = 0; with_bias < 2; ++with_bias)
        for (int relu = 0; relu < 2; ++relu) {
          const MatmulEpilogue ep{zero_init != 0, with_bias ? bias.data() : nullptr, nullptr, relu != 0};
          std::memcpy(got.data(), c0.data(), kTileBytes);
          std::memcpy(want.data(), c0.data(), kTileBytes);
          k->matmul(a.data(), b.data(), got.data(), ep);
          reference_kernels().matmul(a.data(), b.data(), want.data(), ep);
          INFO(k->name << " zero_init=" << zero_init << " bias=" << with_bias << " relu=" << relu);
          int nans = 0, infs = 0;
          for (int i = 0; i < kTileElems; ++i) {
            nans += std::isnan(want[i]);
            infs += std::isinf(want[i]);
          }
          CHECK(nans >= N);      // the test really exercises the special values
          CHECK(infs >= N / 2);  // (relu turns the -inf column into zeros)
          // Finite elements: the random-tile tolerance, scaled by sum |terms|.
          std::vector<double> exact, scale;
          matmul_double(a.data(), b.data(), c0.data(), ep, 1, exact, scale);
          CHECK(compare_close(got.data(), want.data(), scale) == "");
        }
  }
}

TEST_CASE("kernels: matmul keeps signed zeros and relu turns -0 into +0", "[kernels][matmul]") {
  for (const KernelSet* k : vector_kernel_sets()) {
    Buffer a, b, c;
    for (int i = 0; i < kTileElems; ++i) {
      a[i] = -0.0f;
      b[i] = 1.0f;
    }
    INFO(k->name);
    // -0 + sum of (-0 * 1) = -0 exactly, in any order, with or without FMA.
    for (int i = 0; i < kTileElems; ++i) c[i] = -0.0f;
    matmul_acc(*k, a.data(), b.data(), c.data());
    for (int i = 0; i < kTileElems; ++i)
      if (bits(c[i]) != bits(-0.0f)) FAIL("C[" << i << "] is not -0");
    for (int i = 0; i < kTileElems; ++i) c[i] = -0.0f;
    matmul_acc_relu(*k, a.data(), b.data(), c.data());
    for (int i = 0; i < kTileElems; ++i)
      if (bits(c[i]) != bits(0.0f)) FAIL("relu(C[" << i << "]) is not +0");
  }
}
