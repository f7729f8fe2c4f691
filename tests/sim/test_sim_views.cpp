// Gather views and storage layouts in the simulator, with the math: the
// values an im2col or relayout LOAD puts in SRAM, element by element against
// the definitions (tests/schedule/view_schedules.h), convolutions against a
// direct convolution, and exact cycles on the ideal machine. One simulation
// per TEST_CASE (SystemC elaborates once per process).
//
// The ideal machine: a transfer of b bytes costs 64 + ceil(b / 32) cycles, a
// matmul 64, an add 8.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>

#include "compiler/schedule/validator.h"
#include "kernels/kernel_set.h"
#include "sim/model/simulate.h"
#include "tests/schedule/view_schedules.h"

using namespace tilesim;
using namespace tilesim::sched::testing;
using sched::TensorLayout;

namespace {

HwConfig default_hw() {
  HwConfig hw;
  hw.name = "default";
  hw.sram.size_kib = 256;
  return hw;
}

sim::SimOptions with_math() {
  sim::SimOptions options;
  options.kernels = &kernels::select_kernels("auto");
  return options;
}

HostTensor values(const std::vector<std::int64_t>& dims, std::vector<float> data) {
  return HostTensor::from_dims(dims, std::move(data));
}

// Every element of output z ([1, P, Q]) is element (p, q) of im2col(x, g).
void check_im2col(const HostTensor& z, const std::vector<float>& x, const sched::Im2colGeometry& g) {
  REQUIRE(z.rows == std::int64_t{g.out_h} * g.out_w);
  REQUIRE(z.cols == std::int64_t{g.kernel_h} * g.kernel_w * g.channel_stride);
  int checked = 0;
  for (std::int64_t p = 0; p < z.rows; ++p) {
    for (std::int64_t q = 0; q < z.cols; ++q) {
      const float want = im2col_value(x, kImage, g, 0, p, q);
      INFO("element (" << p << ", " << q << ")");
      CHECK(z.at(p, q) == want);  // moved, not computed: exact, -inf included
      ++checked;
    }
  }
  CHECK(checked == z.rows * z.cols);
}

// y (NCHW) against a direct convolution, to float32 accumulation error.
void check_conv(const HostTensor& y, const std::vector<double>& want) {
  REQUIRE(y.data.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO("element " << i);
    CHECK(y.data[i] == Approx(want[i]).epsilon(1e-5).margin(1e-5));
  }
}

std::vector<float> weights(std::int64_t count) {
  std::vector<float> w(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) w[static_cast<std::size_t>(i)] = static_cast<float>(i % 13) / 4 - 1.5f;
  return w;
}

}  // namespace

// LOAD xcol (360 B gathered: 64 + 12 = 76), LOAD zero (4096 B: 192), EXEC
// add after uop 1 (268..276), STORE z after it (276..468): 468 cycles.
TEST_CASE("sim views: an im2col LOAD of an nhwc image holds its windows' elements", "[sim][views]") {
  Builder b(3 * sched::kTileBytes, "show");
  const auto x = b.laid_out("x", sched::TensorRole::Input, kImage, TensorLayout::Nhwc);
  const sched::Schedule s = shown(b, b.im2col("xcol", x, conv_s2()));
  REQUIRE(sched::validate(s) == std::vector<std::string>{});
  const std::vector<float> image = image_values(kImage);
  const auto r =
      sim::simulate(s, default_hw(),
                    {{"x", values(kImage, image)}, {"zero", values({1, 9, 27}, std::vector<float>(243))}}, with_math());
  check_im2col(r.outputs.at("z"), image, conv_s2());
  CHECK(r.stats.cycles == 468);
  CHECK(r.stats.bytes_loaded == 360 + 4096);
}

// A matrix-layout image (3 matrices [5,6]) under dilated windows that pad
// with -inf and put each kernel position in its own tile column: 9 tiles of
// [30,32], every one checked.
TEST_CASE("sim views: dilated pooling windows of a matrix-layout image, padded with -inf", "[sim][views]") {
  Builder b(3 * sched::kTileBytes, "pool");
  const auto x = b.laid_out("x", sched::TensorRole::Input, kImage, TensorLayout::Matrix);
  const sched::Schedule s = shown(b, b.im2col("xcol", x, pool_dilated()));
  REQUIRE(sched::validate(s) == std::vector<std::string>{});
  const std::vector<float> image = image_values(kImage);
  const auto r = sim::simulate(
      s, default_hw(), {{"x", values(kImage, image)}, {"zero", values({1, 30, 288}, std::vector<float>(30 * 288))}},
      with_math());
  check_im2col(r.outputs.at("z"), image, pool_dilated());
  CHECK(r.stats.bytes_loaded == s.bytes_loaded);
}

// y = im2col(x) @ w in nhwc: LOAD xcol 0..76, LOAD w 76..268, matmul
// 268..332, STORE y 332..524. The bound: compulsory the 360 bytes gathered
// from x, w's tile and y's: 8552 B / 32 = 267.25, 268 cycles.
TEST_CASE("sim views: a 3x3 stride-2 convolution as im2col and one matmul", "[sim][views]") {
  const sched::Schedule s = conv_schedule(TensorLayout::Nhwc, conv_s2());
  REQUIRE(sched::validate(s) == std::vector<std::string>{});
  const std::vector<float> image = image_values(kImage), w = weights(4 * 3 * 3 * 3);
  const auto r =
      sim::simulate(s, default_hw(), {{"x", values(kImage, image)}, {"w", values({4, 3, 3, 3}, w)}}, with_math());
  const HostTensor& y = r.outputs.at("y");
  CHECK(y.dims == std::vector<std::int64_t>{1, 4, 3, 3});
  check_conv(y, direct_conv(image, kImage, w, 4, 1, conv_s2()));
  CHECK(r.stats.cycles == 524);
  CHECK(r.stats.bound_dma_cycles == 268);
}

TEST_CASE("sim views: a depthwise convolution of a matrix-layout image (groups = channels)", "[sim][views]") {
  const sched::Schedule s = conv_schedule(TensorLayout::Matrix, conv_s2(), 3, 3);
  REQUIRE(sched::validate(s) == std::vector<std::string>{});
  const std::vector<float> image = image_values(kImage), w = weights(3 * 1 * 3 * 3);
  const auto r =
      sim::simulate(s, default_hw(), {{"x", values(kImage, image)}, {"w", values({3, 1, 3, 3}, w)}}, with_math());
  check_conv(r.outputs.at("y"), direct_conv(image, kImage, w, 3, 3, conv_s2()));
}

TEST_CASE("sim views: a dilated convolution", "[sim][views]") {
  const sched::Schedule s = conv_schedule(TensorLayout::Nhwc, conv_dilated());
  REQUIRE(sched::validate(s) == std::vector<std::string>{});
  const std::vector<float> image = image_values(kImage), w = weights(4 * 3 * 3 * 3);
  const auto r =
      sim::simulate(s, default_hw(), {{"x", values(kImage, image)}, {"w", values({4, 3, 3, 3}, w)}}, with_math());
  check_conv(r.outputs.at("y"), direct_conv(image, kImage, w, 4, 1, conv_dilated()));
}

// nhwc x [1,4,3,3] relaid out as [1,36] in NCHW order: z = x's values in
// their NCHW (row-major dims) order. Two tiles: 128 B (64 + 4 = 68 cycles)
// and 16 B (64 + 1 = 65).
TEST_CASE("sim views: a relayout shows an nhwc tensor flattened in NCHW order", "[sim][views]") {
  Builder b(3 * sched::kTileBytes, "flatten");
  const std::vector<std::int64_t> dims = {1, 4, 3, 3};
  const auto x = b.laid_out("x", sched::TensorRole::Input, dims, TensorLayout::Nhwc);
  const sched::Schedule s = shown(b, b.relayout("v", x, {1, 36}));
  REQUIRE(sched::validate(s) == std::vector<std::string>{});
  const std::vector<float> flat = image_values(dims);
  const auto r = sim::simulate(
      s, default_hw(), {{"x", values(dims, flat)}, {"zero", values({1, 36}, std::vector<float>(36))}}, with_math());
  const HostTensor& z = r.outputs.at("z");
  REQUIRE(z.data.size() == 36);
  for (std::size_t i = 0; i < 36; ++i) CHECK(z.data[i] == flat[i]);
  CHECK(r.stats.bytes_loaded == 128 + 16 + 2 * 4096);
}

// Concat along the channels (view_schedules.h, concat_schedule): y = pa + pb
// holds a's 40 channels then b's 24 at every pixel. On the ideal machine
// (docs/cycle-model.md: a transfer 64 + ceil(bytes / 32), an add 8; one DMA
// queue in order, each uOp after its dependency):
//   0 LOAD  pa(0,0) 1152 B   64 + 36 = 100     0 .. 100
//   1 LOAD  pb(0,0)    0 B   64 +  0 =  64   100 .. 164   (outside b: reads nothing)
//   2 EXEC  add y(0,0)                  8   164 .. 172   (after 1)
//   3 STORE y(0,0) 4096 B   64 + 128 = 192   172 .. 364   (after 2)
//   4 LOAD  pa(0,1)  288 B   64 +  9 =  73   364 .. 437   (DMA order)
//   5 LOAD  pb(0,1)  864 B   64 + 27 =  91   437 .. 528
//   6 EXEC  add y(0,1)                  8   528 .. 536
//   7 STORE y(0,1) 4096 B             192   536 .. 728
TEST_CASE("sim views: a concat of two nhwc images along the channels - exact values and cycles", "[sim][views]") {
  const sched::Schedule s = concat_schedule();
  REQUIRE(sched::validate(s) == std::vector<std::string>{});
  const std::vector<float> a = image_values(kConcatA), b = image_values(kConcatB);
  std::vector<float> b_shifted(b.size());
  for (std::size_t i = 0; i < b.size(); ++i) b_shifted[i] = b[i] + 100;  // tell them apart
  const auto r =
      sim::simulate(s, default_hw(), {{"a", values(kConcatA, a)}, {"b", values(kConcatB, b_shifted)}}, with_math());
  const HostTensor& y = r.outputs.at("y");  // NCHW [1,64,3,3]
  REQUIRE(y.data.size() == 64 * 9);
  for (std::size_t c = 0; c < 64; ++c) {
    for (std::size_t p = 0; p < 9; ++p) {
      INFO("channel " << c << ", pixel " << p);
      CHECK(y.data[c * 9 + p] == (c < 40 ? a[c * 9 + p] : b_shifted[(c - 40) * 9 + p]));
    }
  }
  CHECK(r.stats.cycles == 728);
  CHECK(r.stats.bytes_loaded == 1152 + 0 + 288 + 864);
}
