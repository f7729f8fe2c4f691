#include "sim/reference/window_reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace tilesim {

namespace {

// The output columns q whose tap at kernel column `tap` lies on the image:
// 0 <= q * stride - pad + tap * dilation < width, within [0, out).
std::pair<std::int64_t, std::int64_t> columns_on_image(std::int64_t width, std::int64_t out, std::int64_t stride,
                                                       std::int64_t pad, std::int64_t offset) {
  const std::int64_t low = pad - offset, high = width - 1 + pad - offset;  // q * stride in [low, high]
  const std::int64_t first = low <= 0 ? 0 : (low + stride - 1) / stride;
  const std::int64_t end = high < 0 ? 0 : std::min(out, high / stride + 1);
  return {first, std::max(first, end)};
}

}  // namespace

std::vector<double> conv2d_reference(const std::vector<std::int64_t>& xd, const std::vector<double>& x,
                                     const std::vector<std::int64_t>& wd, const std::vector<double>& w,
                                     const double* bias, const ir::Window& win) {
  const std::int64_t n = xd[0], c = xd[1], h = xd[2], wi = xd[3];
  const std::int64_t oc = wd[0], cg = wd[1], kh = wd[2], kw = wd[3];
  const std::int64_t oh = win.out_h(h), ow = win.out_w(wi), ocg = oc / win.group;
  std::vector<double> y(static_cast<std::size_t>(n * oc * oh * ow));
  // Each output plane takes its products tap by tap, in the order (c, kh,
  // kw), a row of outputs at a time: every output still sums its own products
  // in that order, and the innermost loop runs along a row of the image.
  for (std::int64_t b = 0; b < n; ++b) {
    for (std::int64_t o = 0; o < oc; ++o) {
      double* plane = y.data() + (b * oc + o) * oh * ow;
      const std::int64_t c0 = o / ocg * cg;
      for (std::int64_t ci = 0; ci < cg; ++ci) {
        const double* image = x.data() + (b * c + c0 + ci) * h * wi;
        for (std::int64_t r = 0; r < kh; ++r) {
          for (std::int64_t s = 0; s < kw; ++s) {
            const double weight = w[static_cast<std::size_t>(((o * cg + ci) * kh + r) * kw + s)];
            const std::int64_t offset = s * win.dilation_w;
            const auto [first, end] = columns_on_image(wi, ow, win.stride_w, win.pad_left, offset);
            for (std::int64_t p = 0; p < oh; ++p) {
              const std::int64_t ih = p * win.stride_h - win.pad_top + r * win.dilation_h;
              if (ih < 0 || ih >= h) continue;
              const std::int64_t row = ih * wi - win.pad_left + offset;  // + q * stride: on the image
              double* out = plane + p * ow;
              for (std::int64_t q = first; q < end; ++q) out[q] += image[row + q * win.stride_w] * weight;
            }
          }
        }
      }
      for (std::int64_t i = 0; i < oh * ow; ++i) plane[i] += bias ? bias[o] : 0.0;
    }
  }
  return y;
}

namespace {

// One window's reduction: the maximum of its input pixels (NaN if one is;
// -inf when it holds none), or their sum over the divisor ONNX gives.
struct WindowSum {
  double max = -std::numeric_limits<double>::infinity();
  double sum = 0.0;
  std::int64_t pixels = 0, pads = 0;  // taps on the image, and on its padding
  void add(double v) {
    max = std::isnan(v) || std::isnan(max) ? std::numeric_limits<double>::quiet_NaN() : std::max(max, v);
    sum += v;
    ++pixels;
  }
};

// Where tap r of output o lies: on the image (1), on its padding (0), or
// past the padding, which only a ceil_mode window reaches (-1).
int tap_place(std::int64_t at, std::int64_t in, std::int64_t pad_begin, std::int64_t pad_end) {
  if (at >= 0 && at < in) return 1;
  return at >= -pad_begin && at < in + pad_end ? 0 : -1;
}

}  // namespace

std::vector<double> pool2d_reference(const std::vector<std::int64_t>& xd, const std::vector<double>& x,
                                     const ir::Window& win, bool max) {
  const std::int64_t n = xd[0], c = xd[1], h = xd[2], wi = xd[3];
  const std::int64_t oh = win.out_h(h), ow = win.out_w(wi);
  std::vector<double> y(static_cast<std::size_t>(n * c * oh * ow));
  std::size_t at = 0;
  for (std::int64_t plane = 0; plane < n * c; ++plane) {
    const double* image = x.data() + plane * h * wi;
    for (std::int64_t p = 0; p < oh; ++p) {
      for (std::int64_t q = 0; q < ow; ++q) {
        WindowSum window;
        for (std::int64_t r = 0; r < win.kernel_h; ++r) {
          const std::int64_t ih = p * win.stride_h - win.pad_top + r * win.dilation_h;
          const int row = tap_place(ih, h, win.pad_top, win.pad_bottom);
          for (std::int64_t s = 0; s < win.kernel_w; ++s) {
            const std::int64_t iw = q * win.stride_w - win.pad_left + s * win.dilation_w;
            const int place = std::min(row, tap_place(iw, wi, win.pad_left, win.pad_right));
            if (place == 1) window.add(image[ih * wi + iw]);
            if (place == 0) ++window.pads;
          }
        }
        const std::int64_t count = window.pixels + (win.count_include_pad ? window.pads : 0);
        y[at++] = max ? window.max : window.sum / static_cast<double>(count);
      }
    }
  }
  return y;
}

}  // namespace tilesim
