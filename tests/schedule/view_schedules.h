// Hand-built schedules with storage layouts and gather views (im2col,
// relayout, place) for the schedule and simulator tests, and the direct
// computations their results are checked against (from the definitions, not
// through gather_tile).
//
// The image is x [1,3,5,6] (N, C, H, W), an input, in matrix layout (3
// matrices [5,6]) or in nhwc (one matrix [30,3]: row h*6 + w, col c); either
// way one 32x32 tile per matrix, the first tensor, so at DRAM address 0.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "compiler/schedule/schedule.h"
#include "tests/schedule/schedule_builder.h"

namespace tilesim::sched::testing {

inline const std::vector<std::int64_t> kImage = {1, 3, 5, 6};

// A 3x3 convolution, stride 2, pad 1: OH = (5 + 1 + 1 - 3) / 2 + 1 = 3,
// OW = (6 + 1 + 1 - 3) / 2 + 1 = 3 (floor), channels packed (S = C = 3).
inline Im2colGeometry conv_s2() {
  Im2colGeometry g;
  g.kernel_h = g.kernel_w = 3;
  g.stride_h = g.stride_w = 2;
  g.pad_top = g.pad_left = 1;
  g.out_h = g.out_w = 3;
  g.channel_stride = 3;
  return g;
}

// A 3x3 convolution with dilation 2 (a 5x5 reach), stride 1, pad 2 ("same"):
// OH = 5 + 4 - 5 + 1 = 5, OW = 6 + 4 - 5 + 1 = 6.
inline Im2colGeometry conv_dilated() {
  Im2colGeometry g;
  g.kernel_h = g.kernel_w = 3;
  g.dilation_h = g.dilation_w = 2;
  g.pad_top = g.pad_left = 2;
  g.out_h = 5;
  g.out_w = 6;
  g.channel_stride = 3;
  return g;
}

// The dilated windows as max pooling lowers them: each kernel position in
// its own tile column (S = 32) and -inf where a window leaves the image.
inline Im2colGeometry pool_dilated() {
  Im2colGeometry g = conv_dilated();
  g.channel_stride = 32;
  g.pad_negative_infinity = true;
  return g;
}

// x (input, in `layout`) -> xcol = im2col(x, g) -> y = xcol @ w, with w a
// conv_weight param [OC, 3 / groups, 3, 3] and y an nhwc output [1, OC, OH,
// OW]. One tile each (OH * OW <= 32, 27 <= 32 rows of w):
//   0 LOAD xcol[0,0]@0x0000   1 LOAD w[0,0]@0x1000
//   2 EXEC matmul y[0,0]@0x2000 <- xcol w zero_init (dep 1)   3 STORE y (dep 2)
inline Schedule conv_schedule(TensorLayout layout, const Im2colGeometry& g, std::int64_t out_channels = 4,
                              std::int32_t groups = 1) {
  Builder b(4 * kTileBytes, "conv");
  const auto x = b.laid_out("x", TensorRole::Input, kImage, layout);
  const auto w = b.laid_out("w", TensorRole::Param, {out_channels, 3 / groups, g.kernel_h, g.kernel_w},
                            TensorLayout::ConvWeight, groups);
  const auto xcol = b.im2col("xcol", x, g);
  const auto y = b.laid_out("y", TensorRole::Output, {1, out_channels, g.out_h, g.out_w}, TensorLayout::Nhwc);
  b.load(T(xcol, 0, 0), 0x0000);
  b.load(T(w, 0, 0), 0x1000);
  b.matmul({T(y, 0, 0), 0x2000}, {T(xcol, 0, 0), 0x0000}, {T(w, 0, 0), 0x1000}, true, 1);
  b.store(T(y, 0, 0), 0x2000, 2);
  return b.done();
}

// Shows every tile of view `v` (an intermediate of the builder) as an
// output z = v + zero, zero a param of v's shape: per tile, LOAD v, LOAD
// zero, EXEC add, STORE z, in slots 0x0000, 0x1000 and 0x2000, with the
// dependencies resolve_deps gives.
inline Schedule shown(Builder& b, std::int32_t v) {
  const TensorInfo view = b.schedule().tensors.at(static_cast<std::size_t>(v));
  const auto zero = b.laid_out("zero", TensorRole::Param, true_dims(view), TensorLayout::Matrix);
  const auto z = b.laid_out("z", TensorRole::Output, true_dims(view), TensorLayout::Matrix);
  for (std::int32_t r = 0; r < view.tile_rows(); ++r) {
    for (std::int32_t c = 0; c < view.tile_cols(); ++c) {
      b.load(T(v, r, c), 0x0000);
      b.load(T(zero, r, c), 0x1000);
      b.elementwise(ExecKind::Add, {T(z, r, c), 0x2000}, {{T(v, r, c), 0x0000}, {T(zero, r, c), 0x1000}});
      b.store(T(z, r, c), 0x2000);
    }
  }
  resolve_deps(b.schedule());
  return b.done();
}

// Runs of a gather view's tile (gather_runs, im2col_column_runs) spelled out
// element by element: Zero where no run is.
inline GatheredTile expand_runs(const std::vector<GatherRun>& runs) {
  GatheredTile tile;
  tile.fill(GatheredElement{});
  for (const GatherRun& run : runs) {
    for (std::int32_t j = 0; j < run.count; ++j) {
      tile[static_cast<std::size_t>(run.at + j * run.at_step)] = GatheredElement{run.kind, run.element(j)};
    }
  }
  return tile;
}

// Concat along the channels of two nhwc images, as the ONNX import lowers it:
// a [1,40,3,3] and b [1,24,3,3] (9 rows of 40 and 24 channels) placed at
// channel offsets 0 and 40 of y [1,64,3,3] (9 rows of 64: two tiles), y =
// pa + pb. pb's tile (0,0) (channels 0..31) lies wholly outside b: it reads
// nothing. Per tile of y: LOAD pa, LOAD pb, EXEC add, STORE y, in slots
// 0x0000, 0x1000 and 0x2000, with the dependencies resolve_deps gives.
inline const std::vector<std::int64_t> kConcatA = {1, 40, 3, 3}, kConcatB = {1, 24, 3, 3}, kConcatY = {1, 64, 3, 3};
inline Schedule concat_schedule() {
  Builder b(3 * kTileBytes, "concat");
  const auto a = b.laid_out("a", TensorRole::Input, kConcatA, TensorLayout::Nhwc);
  const auto c = b.laid_out("b", TensorRole::Input, kConcatB, TensorLayout::Nhwc);
  const auto pa = b.place("pa", a, kConcatY, 1, 0, TensorLayout::Nhwc);
  const auto pb = b.place("pb", c, kConcatY, 1, 40, TensorLayout::Nhwc);
  const auto y = b.laid_out("y", TensorRole::Output, kConcatY, TensorLayout::Nhwc);
  for (std::int32_t col = 0; col < 2; ++col) {
    b.load(T(pa, 0, col), 0x0000);
    b.load(T(pb, 0, col), 0x1000);
    b.elementwise(ExecKind::Add, {T(y, 0, col), 0x2000}, {{T(pa, 0, col), 0x0000}, {T(pb, 0, col), 0x1000}});
    b.store(T(y, 0, col), 0x2000);
  }
  resolve_deps(b.schedule());
  return b.done();
}

// Image values x[n][c][h][w], distinct and exact in float: (i % 97) / 8 - 6.
inline std::vector<float> image_values(const std::vector<std::int64_t>& dims) {
  std::int64_t count = 1;
  for (const std::int64_t d : dims) count *= d;
  std::vector<float> values(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) values[static_cast<std::size_t>(i)] = static_cast<float>(i % 97) / 8 - 6;
  return values;
}

// Element (p, q) of im2col matrix n of image x (values in NCHW order), from
// the definition in tensor_view.h.
inline float im2col_value(const std::vector<float>& x, const std::vector<std::int64_t>& dims, const Im2colGeometry& g,
                          std::int64_t n, std::int64_t p, std::int64_t q) {
  const std::int64_t channels = dims[1], height = dims[2], width = dims[3];
  const std::int64_t position = q / g.channel_stride, c = q % g.channel_stride;
  if (c >= channels) return 0.0f;
  const std::int64_t oh = p / g.out_w, ow = p % g.out_w, kh = position / g.kernel_w, kw = position % g.kernel_w;
  const std::int64_t ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
  const std::int64_t iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
  if (ih < 0 || ih >= height || iw < 0 || iw >= width) {
    return g.pad_negative_infinity ? -std::numeric_limits<float>::infinity() : 0.0f;
  }
  return x[static_cast<std::size_t>(((n * channels + c) * height + ih) * width + iw)];
}

// A direct grouped 2-D convolution in double: y [N, OC, OH, OW] (NCHW) of x
// [N, C, H, W] and w [OC, C / groups, KH, KW], no bias, zero padding.
inline std::vector<double> direct_conv(const std::vector<float>& x, const std::vector<std::int64_t>& dims,
                                       const std::vector<float>& w, std::int64_t out_channels, std::int32_t groups,
                                       const Im2colGeometry& g) {
  const std::int64_t n_images = dims[0], channels = dims[1], height = dims[2], width = dims[3];
  const std::int64_t cg = channels / groups, ocg = out_channels / groups;
  std::vector<double> y(static_cast<std::size_t>(n_images * out_channels * g.out_h * g.out_w), 0.0);
  for (std::int64_t n = 0; n < n_images; ++n)
    for (std::int64_t o = 0; o < out_channels; ++o)
      for (std::int64_t oh = 0; oh < g.out_h; ++oh)
        for (std::int64_t ow = 0; ow < g.out_w; ++ow) {
          double sum = 0;
          for (std::int64_t ci = 0; ci < cg; ++ci)
            for (std::int64_t kh = 0; kh < g.kernel_h; ++kh)
              for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
                const std::int64_t ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
                const std::int64_t iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
                if (ih < 0 || ih >= height || iw < 0 || iw >= width) continue;
                const std::int64_t c = o / ocg * cg + ci;
                sum +=
                    static_cast<double>(x[static_cast<std::size_t>(((n * channels + c) * height + ih) * width + iw)]) *
                    w[static_cast<std::size_t>(((o * cg + ci) * g.kernel_h + kh) * g.kernel_w + kw)];
              }
          y[static_cast<std::size_t>(((n * out_channels + o) * g.out_h + oh) * g.out_w + ow)] = sum;
        }
  return y;
}

}  // namespace tilesim::sched::testing
