// The host reference's convolution, on cases small enough to add up by hand.
#include <catch2/catch.hpp>

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
