// The row-reduction kernels (KernelSet::row): a row of 80 columns over three
// tiles (32, 32, 16 true columns) through the statistics steps and the
// apply, against double precision; every kernel set gives the reference's
// bits; -inf entries give exactly 0.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/kernel_set.h"

using namespace tilesim::kernels;

namespace {

constexpr int N = kTileDim;
constexpr int kCols = 80, kTiles = 3;
const float kInf = std::numeric_limits<float>::infinity();

// x[r][c] for the 80-column row r: deterministic values in [-8, 8); row 1
// -inf from column 40 on (a causal mask), row 2 -inf but at column 70.
float value(int r, int c) {
  if ((r == 1 && c >= 40) || (r == 2 && c != 70)) return -kInf;
  return static_cast<float>((r * 37 + c * 11) % 64) / 4.0f - 8.0f;
}

std::vector<float> tile_of(int t) {
  std::vector<float> x(kTileElems, 0.0f);
  for (int r = 0; r < N; ++r)
    for (int c = 0; c < N && t * N + c < kCols; ++c) x[r * N + c] = value(r, t * N + c);
  return x;
}

RowStep step(int t, float param) {
  RowStep s;
  s.cols = std::min(N, kCols - t * N);
  s.before = t * N;
  s.first = t == 0;
  s.last = t == kTiles - 1;
  s.param = param;
  return s;
}

// Softmax of the whole row through `k`: three stats steps, three applies.
std::vector<float> softmax(const KernelSet& k) {
  std::vector<float> stats(kTileElems, 0.0f), y(kTiles * kTileElems);
  for (int t = 0; t < kTiles; ++t) k.row(RowOp::SoftmaxStats, tile_of(t).data(), RowArgs{}, step(t, 0), stats.data());
  for (int t = 0; t < kTiles; ++t) {
    k.row(RowOp::Softmax, tile_of(t).data(), RowArgs{stats.data()}, step(t, 0), y.data() + t * kTileElems);
  }
  return y;
}

std::vector<float> layer_norm(const KernelSet& k, const std::vector<float>& gamma, const std::vector<float>& beta) {
  std::vector<float> stats(kTileElems, 0.0f), y(kTiles * kTileElems);
  for (int t = 0; t < kTiles; ++t) {
    k.row(RowOp::LayerNormStats, tile_of(t).data(), RowArgs{}, step(t, 1e-5f), stats.data());
  }
  for (int t = 0; t < kTiles; ++t) {
    const RowArgs args{stats.data(), gamma.data() + t * N, beta.data() + t * N};
    k.row(RowOp::LayerNorm, tile_of(t).data(), args, step(t, 0), y.data() + t * kTileElems);
  }
  return y;
}

double softmax_exact(int r, int c) {
  double m = -INFINITY, s = 0.0;
  for (int i = 0; i < kCols; ++i) m = std::max(m, static_cast<double>(value(r, i)));
  for (int i = 0; i < kCols; ++i) s += std::exp(static_cast<double>(value(r, i)) - m);
  return std::exp(static_cast<double>(value(r, c)) - m) / s;
}

float at(const std::vector<float>& y, int r, int c) { return y[(c / N) * kTileElems + r * N + c % N]; }

}  // namespace

TEST_CASE("row kernels: softmax over three tiles matches double precision, -inf gives 0", "[kernels][rows]") {
  const std::vector<float> y = softmax(reference_kernels());
  double worst = 0.0;
  for (int r = 0; r < N; ++r) {
    for (int c = 0; c < kCols; ++c) {
      const double want = softmax_exact(r, c);
      if (value(r, c) == -kInf) {
        INFO("row " << r << " col " << c);
        CHECK(at(y, r, c) == 0.0f);
        CHECK_FALSE(std::signbit(at(y, r, c)));
      }
      worst = std::max(worst, std::abs(at(y, r, c) - want) / want);
    }
  }
  CHECK(at(y, 2, 70) == 1.0f);  // the one finite entry of its row
  CHECK(worst < 2e-6);          // a few float32 ulps
}

TEST_CASE("row kernels: layer norm by Chan's merge matches double precision", "[kernels][rows]") {
  std::vector<float> gamma(kTiles * N), beta(kTiles * N);
  for (int c = 0; c < kTiles * N; ++c) {
    gamma[c] = 0.5f + static_cast<float>(c % 7) / 8.0f;
    beta[c] = static_cast<float>(c % 5) / 4.0f - 0.5f;
  }
  const std::vector<float> y = layer_norm(reference_kernels(), gamma, beta);
  for (int r : {0, 3, 31}) {
    double mean = 0.0, var = 0.0;
    for (int c = 0; c < kCols; ++c) mean += value(r, c);
    mean /= kCols;
    for (int c = 0; c < kCols; ++c) var += (value(r, c) - mean) * (value(r, c) - mean);
    var /= kCols;
    for (int c = 0; c < kCols; ++c) {
      const double want = (value(r, c) - mean) / std::sqrt(var + 1e-5) * gamma[c] + beta[c];
      INFO("row " << r << " col " << c);
      CHECK(std::abs(at(y, r, c) - want) < 2e-6 * (1.0 + std::abs(want)));
    }
  }
}

TEST_CASE("row kernels: reduce_sum scales on the last step, reduce_max keeps NaN", "[kernels][rows]") {
  std::vector<float> acc(kTileElems, 0.0f);
  for (int t = 0; t < kTiles; ++t) {
    reference_kernels().row(RowOp::Sum, tile_of(t).data(), RowArgs{}, step(t, 1.0f / kCols), acc.data());
  }
  double mean = 0.0;
  for (int c = 0; c < kCols; ++c) mean += value(0, c);
  CHECK(std::abs(acc[0] - mean / kCols) < 1e-6);
  std::vector<float> x = tile_of(0);
  x[5 * N + 3] = std::numeric_limits<float>::quiet_NaN();
  reference_kernels().row(RowOp::Max, x.data(), RowArgs{}, step(0, 0), acc.data());
  CHECK(std::isnan(acc[5 * N]));
  CHECK(acc[0] == 7.75f);
}

TEST_CASE("row kernels: every kernel set gives the reference's bits", "[kernels][rows]") {
  const std::vector<float> want = softmax(reference_kernels());
  const std::vector<float> g(kTiles * N, 1.5f), b(kTiles * N, 0.25f);
  const std::vector<float> want_ln = layer_norm(reference_kernels(), g, b);
  for (const std::string& name : available_kernels()) {
    INFO(name);
    const std::vector<float> got = softmax(select_kernels(name)), got_ln = layer_norm(select_kernels(name), g, b);
    // Bit for bit (the -inf rows' layer norms are NaN).
    CHECK(std::memcmp(got.data(), want.data(), want.size() * sizeof(float)) == 0);
    CHECK(std::memcmp(got_ln.data(), want_ln.data(), want_ln.size() * sizeof(float)) == 0);
  }
}
