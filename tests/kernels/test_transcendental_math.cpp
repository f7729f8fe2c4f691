// Issue 14's kernels: exp, erf and gelu (kernels/transcendental.h) against
// double-precision math over a dense sweep of float32 inputs (one bit
// pattern in 509: every exponent, both signs, denormals, +-inf and NaNs),
// every kernel set against the reference bit for bit on the same sweep; and
// the exact ones (sqrt, reciprocal, neg, div, pow) against the C library.
// The bounds checked here are the ones docs/kernels.md states.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>

#include "tests/kernels/tile_testing.h"

using namespace tilesim::kernels;
using namespace tilesim::kernels::testing;

namespace {

constexpr double kMinNormal = 1.1754943508222875e-38;  // 2^-126
constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// The largest error over the sweep: in ulp of the exact result where that is
// at least `floor` (2^-126, or for gelu 2^-10, where 1 + erf cancels), the
// absolute error below it.
struct Worst {
  double ulp = 0, abs_below = 0;
  float at = 0;
  int mismatches = 0;  // tiles where a vector set differs from the reference
};

template <class Visit>
void sweep(Visit visit) {
  Buffer x;
  int n = 0;
  for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << 32); bits += 509) {
    const auto u = static_cast<std::uint32_t>(bits);
    std::memcpy(&x[n], &u, sizeof u);
    if (++n == kTileElems) {
      visit(x);
      n = 0;
    }
  }
}

void account(Worst& worst, float x, float got, double exact, double floor) {
  if (std::isnan(x) || std::isnan(exact)) {
    if (!std::isnan(got)) worst.ulp = std::numeric_limits<double>::infinity();
    return;
  }
  if (std::isinf(static_cast<float>(exact))) {  // overflows float32: inf exactly
    if (got != static_cast<float>(exact)) worst.ulp = std::numeric_limits<double>::infinity();
    return;
  }
  const double err = std::fabs(got - exact);
  if (std::fabs(exact) < floor) {
    worst.abs_below = std::max(worst.abs_below, err);
    return;
  }
  const double ulp = err / std::ldexp(1.0, std::ilogb(exact) - 23);
  if (ulp > worst.ulp) worst = Worst{ulp, worst.abs_below, x, worst.mismatches};
}

Worst measure(const char* name, UnaryOp op, float a, double (*exact)(double), double floor) {
  const KernelSet& ref = reference_kernels();
  const auto sets = vector_kernel_sets();
  Worst worst;
  Buffer want, got;
  sweep([&](const Buffer& x) {
    ref.unary(op, x.data(), a, 0, want.data());
    for (const KernelSet* k : sets) {
      k->unary(op, x.data(), a, 0, got.data());
      if (!compare_exact(got.data(), want.data()).empty()) ++worst.mismatches;
    }
    for (int i = 0; i < kTileElems; ++i) account(worst, x[i], want[i], exact(x[i]), floor);
  });
  INFO(name << ": worst " << worst.ulp << " ulp at " << worst.at << "; below the floor: " << worst.abs_below);
  CHECK(worst.mismatches == 0);
  return worst;
}

double exp_of(double x) { return std::exp(x); }
double erf_of(double x) { return std::erf(x); }
double gelu_exact(double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }
double gelu_tanh(double x) {
  return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / 3.14159265358979323846) * (x + 0.044715 * x * x * x)));
}

// Every set's out = op(v) for the ten values v, repeated over the tile.
std::vector<float> run(const KernelSet& k, UnaryOp op, std::initializer_list<float> v, float a = 0.0f) {
  Buffer x, out;
  const std::vector<float> values(v);
  for (int i = 0; i < kTileElems; ++i) x[i] = values[static_cast<std::size_t>(i) % values.size()];
  k.unary(op, x.data(), a, 0, out.data());
  return std::vector<float>(out.data(), out.data() + values.size());
}

}  // namespace

TEST_CASE("kernels: exp within its measured bound, the same bits in every set", "[kernels][transcendental]") {
  const Worst w = measure("exp", UnaryOp::Exp, 0, exp_of, kMinNormal);
  CHECK(w.ulp <= 1.0);  // 0.955 measured
  CHECK(w.ulp > 0.5);
  CHECK(w.abs_below <= kMinNormal);  // results below 2^-126 are flushed to +0
}

TEST_CASE("kernels: erf within its measured bound, the same bits in every set", "[kernels][transcendental]") {
  const Worst w = measure("erf", UnaryOp::Erf, 0, erf_of, kMinNormal);
  CHECK(w.ulp <= 2.5);  // 2.43 measured
  CHECK(w.ulp > 1.0);
  CHECK(w.abs_below <= kMinNormal);
}

TEST_CASE("kernels: gelu (both forms) within its measured bound, the same bits in every set",
          "[kernels][transcendental]") {
  const double floor = 1.0;  // below, 1 + erf (or tanh) cancels: an absolute bound
  const Worst exact = measure("gelu", UnaryOp::Gelu, 0, gelu_exact, floor);
  CHECK(exact.ulp <= 1.75);          // 1.51 measured
  CHECK(exact.abs_below <= 1.5e-7);  // 1.14e-7 measured
  CHECK(exact.abs_below > 5e-8);
  const Worst tanh = measure("gelu tanh", UnaryOp::Gelu, 1, gelu_tanh, floor);
  CHECK(tanh.ulp <= 1.5);           // 1.25 measured
  CHECK(tanh.abs_below <= 1.0e-7);  // 9.2e-8 measured
  CHECK(tanh.abs_below > 5e-8);
}

TEST_CASE("kernels: exp, erf and gelu at their edges in every set", "[kernels][transcendental]") {
  const float denormal = 1e-40f;
  for (const std::string& name : available_kernels()) {
    const KernelSet& k = select_kernels(name);
    INFO(name);
    const auto e = run(k, UnaryOp::Exp, {-kInf, kInf, kNaN, 0.0f, -0.0f, -88.0f, 88.7f, 88.8f, 89.0f, denormal});
    CHECK(e[0] == 0.0f);  // exactly 0, and +0
    CHECK_FALSE(std::signbit(e[0]));
    CHECK(e[1] == kInf);
    CHECK(std::isnan(e[2]));
    CHECK(e[3] == 1.0f);
    CHECK(e[4] == 1.0f);
    CHECK(e[5] == 0.0f);                                               // exp(-88) < 2^-126: flushed
    CHECK(std::fabs(e[6] / std::exp(double{88.7f}) - 1.0) < 0x1p-23);  // n = 128: still finite
    CHECK(e[7] == kInf);
    CHECK(e[8] == kInf);
    CHECK(e[9] == 1.0f);
    const auto f = run(k, UnaryOp::Erf, {-kInf, kInf, kNaN, 0.0f, -0.0f, 3.91f, 3.92f, -10.0f, denormal, 1.0f});
    CHECK(f[0] == -1.0f);
    CHECK(f[1] == 1.0f);
    CHECK(std::isnan(f[2]));
    CHECK(f[3] == 0.0f);
    CHECK(std::signbit(f[4]));   // erf(-0) = -0
    CHECK(f[5] >= 0.99999994f);  // the float below 1, or 1
    CHECK(f[6] == 1.0f);
    CHECK(f[7] == -1.0f);
    CHECK(std::fabs(f[8] - 1.1283791670955126 * 1e-40) <= 0x1p-149);  // erf(x) = 2x/sqrt(pi)
    CHECK(std::fabs(f[9] - std::erf(1.0)) < 2e-7);
    for (const float form : {0.0f, 1.0f}) {
      const auto g = run(k, UnaryOp::Gelu, {-kInf, kInf, kNaN, 0.0f, -0.0f, 100.0f, -100.0f, 1.0f, -1.0f, 3.0f}, form);
      CHECK(std::isnan(g[0]));  // -inf * 0: as PyTorch's formula gives
      CHECK(g[1] == kInf);
      CHECK(std::isnan(g[2]));
      CHECK(g[3] == 0.0f);
      CHECK(g[4] == 0.0f);
      CHECK(g[5] == 100.0f);
      CHECK(g[6] == 0.0f);
      const double want = form == 0.0f ? gelu_exact(1.0) : gelu_tanh(1.0);
      CHECK(std::fabs(g[7] - want) < 2e-7);
    }
  }
}
