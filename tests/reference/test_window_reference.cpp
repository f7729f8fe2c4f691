// The host reference's convolution, on cases small enough to add up by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/reference/window_reference.h"

using tilesim::conv2d_reference;

TEST_CASE("reference conv: stride 2, pad 1 over a 3x3 image, by hand", "[reference]") {
  // x = 1..9 in a 3x3 image; w = [[1, 2], [3, 4]]; pads 1 all round, stride 2:
  // out 2x2, windows start at (-1,-1), (-1,1), (1,-1), (1,1).
  //  (0,0): only x(0,0)=1 under w(1,1)=4              -> 4
  //  (0,1): x(0,1)=2 * w(1,0)=3 + x(0,2)=3 * w(1,1)=4 -> 18
  //  (1,0): x(1,0)=4 * w(0,1)=2 + x(2,0)=7 * w(1,1)=4 -> 36
  //  (1,1): 5*1 + 6*2 + 8*3 + 9*4                     -> 77, + bias 0.5 everywhere
  tilesim::ir::Window win;
  win.kernel_h = win.kernel_w = 2;
  win.stride_h = win.stride_w = 2;
  win.pad_top = win.pad_left = win.pad_bottom = win.pad_right = 1;
  const std::vector<double> x{1, 2, 3, 4, 5, 6, 7, 8, 9}, w{1, 2, 3, 4};
  const double bias = 0.5;
  const auto y = conv2d_reference({1, 1, 3, 3}, x, {1, 1, 2, 2}, w, &bias, win);
  CHECK(y == std::vector<double>{4.5, 18.5, 36.5, 77.5});
}

TEST_CASE("reference conv: two groups read only their own channels", "[reference]") {
  // x: 2 channels of one pixel (3, 5); w: 2 outputs, 1 input channel each, 1x1.
  // group 2: out0 = 3 * 10, out1 = 5 * 100 (no cross terms).
  tilesim::ir::Window win;
  win.group = 2;
  const auto y = conv2d_reference({1, 2, 1, 1}, {3, 5}, {2, 1, 1, 1}, {10, 100}, nullptr, win);
  CHECK(y == std::vector<double>{30, 500});
}

TEST_CASE("reference conv: dilation 2 spreads the kernel", "[reference]") {
  // x = 0..24 in 5x5; w 2x2 of ones, dilation 2, no pad: out 3x3; out(0,0) =
  // x(0,0) + x(0,2) + x(2,0) + x(2,2) = 0 + 2 + 10 + 12 = 24; each step right adds 4, down adds 20.
  tilesim::ir::Window win;
  win.kernel_h = win.kernel_w = 2;
  win.dilation_h = win.dilation_w = 2;
  std::vector<double> x(25);
  for (int i = 0; i < 25; ++i) x[static_cast<std::size_t>(i)] = i;
  const auto y = conv2d_reference({1, 1, 5, 5}, x, {1, 1, 2, 2}, {1, 1, 1, 1}, nullptr, win);
  CHECK(y == std::vector<double>{24, 28, 32, 44, 48, 52, 64, 68, 72});
}

namespace {

// ONNX Conv's definition, output by output: the sum over (c, kh, kw), in that
// order, of the taps on the image, then the bias.
std::vector<double> conv_by_definition(const std::vector<std::int64_t>& xd, const std::vector<double>& x,
                                       const std::vector<std::int64_t>& wd, const std::vector<double>& w,
                                       const std::vector<double>& bias, const tilesim::ir::Window& win) {
  const std::int64_t oh = win.out_h(xd[2]), ow = win.out_w(xd[3]), ocg = wd[0] / win.group;
  std::vector<double> y;
  for (std::int64_t b = 0; b < xd[0]; ++b)
    for (std::int64_t o = 0; o < wd[0]; ++o)
      for (std::int64_t p = 0; p < oh; ++p)
        for (std::int64_t q = 0; q < ow; ++q) {
          double sum = 0.0;
          for (std::int64_t ci = 0; ci < wd[1]; ++ci)
            for (std::int64_t r = 0; r < wd[2]; ++r)
              for (std::int64_t s = 0; s < wd[3]; ++s) {
                const std::int64_t ih = p * win.stride_h - win.pad_top + r * win.dilation_h;
                const std::int64_t iw = q * win.stride_w - win.pad_left + s * win.dilation_w;
                if (ih < 0 || ih >= xd[2] || iw < 0 || iw >= xd[3]) continue;
                const std::int64_t c = o / ocg * wd[1] + ci;
                sum += x[static_cast<std::size_t>(((b * xd[1] + c) * xd[2] + ih) * xd[3] + iw)] *
                       w[static_cast<std::size_t>(((o * wd[1] + ci) * wd[2] + r) * wd[3] + s)];
              }
          y.push_back(sum + bias[static_cast<std::size_t>(o)]);
        }
  return y;
}

}  // namespace

TEST_CASE("reference conv: bit for bit the definition's sums, strides, dilations, uneven pads and groups",
          "[reference]") {
  // Values with long fractions, so that any other order of the sums rounds differently.
  const auto values = [](std::size_t n, double scale) {
    std::vector<double> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = std::sin(static_cast<double>(i) * 1.7 + scale) * scale;
    return v;
  };
  struct Case {
    std::int64_t kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, group;
  };
  const Case cases[] = {{3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                        {3, 2, 2, 3, 1, 2, 2, 0, 1, 2, 1},
                        {5, 5, 2, 2, 1, 1, 2, 2, 2, 2, 2},
                        {1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 4},
                        {2, 3, 1, 1, 3, 2, 0, 3, 3, 0, 1}};
  const std::vector<std::int64_t> xd = {2, 4, 9, 11};
  const std::vector<double> x = values(2 * 4 * 9 * 11, 3.1);
  for (const Case& k : cases) {
    tilesim::ir::Window win;
    win.kernel_h = k.kh, win.kernel_w = k.kw, win.stride_h = k.sh, win.stride_w = k.sw;
    win.dilation_h = k.dh, win.dilation_w = k.dw, win.group = k.group;
    win.pad_top = k.pt, win.pad_left = k.pl, win.pad_bottom = k.pb, win.pad_right = k.pr;
    const std::vector<std::int64_t> wd = {4, 4 / k.group, k.kh, k.kw};
    const std::vector<double> w = values(static_cast<std::size_t>(4 * wd[1] * k.kh * k.kw), 0.7);
    const std::vector<double> bias = values(4, 0.3);
    INFO("kernel " << k.kh << "x" << k.kw << " stride " << k.sh << "x" << k.sw << " dilation " << k.dh << "x" << k.dw
                   << " group " << k.group);
    CHECK(conv2d_reference(xd, x, wd, w, bias.data(), win) == conv_by_definition(xd, x, wd, w, bias, win));
  }
}
