#include "sim/reference/window_reference.h"

namespace tilesim {

std::vector<double> conv2d_reference(const std::vector<std::int64_t>& xd, const std::vector<double>& x,
                                     const std::vector<std::int64_t>& wd, const std::vector<double>& w,
                                     const double* bias, const ir::Window& win) {
  const std::int64_t n = xd[0], c = xd[1], h = xd[2], wi = xd[3];
  const std::int64_t oc = wd[0], cg = wd[1], kh = wd[2], kw = wd[3];
  const std::int64_t oh = win.out_h(h), ow = win.out_w(wi), ocg = oc / win.group;
  std::vector<double> y(static_cast<std::size_t>(n * oc * oh * ow));
  std::size_t at = 0;
  for (std::int64_t b = 0; b < n; ++b) {
    for (std::int64_t o = 0; o < oc; ++o) {
      const std::int64_t c0 = o / ocg * cg;
      for (std::int64_t p = 0; p < oh; ++p) {
        for (std::int64_t q = 0; q < ow; ++q) {
          double sum = 0.0;
          for (std::int64_t ci = 0; ci < cg; ++ci) {
            for (std::int64_t r = 0; r < kh; ++r) {
              const std::int64_t ih = p * win.stride_h - win.pad_top + r * win.dilation_h;
              if (ih < 0 || ih >= h) continue;
              for (std::int64_t s = 0; s < kw; ++s) {
                const std::int64_t iw = q * win.stride_w - win.pad_left + s * win.dilation_w;
                if (iw < 0 || iw >= wi) continue;
                sum += x[static_cast<std::size_t>(((b * c + c0 + ci) * h + ih) * wi + iw)] *
                       w[static_cast<std::size_t>(((o * cg + ci) * kh + r) * kw + s)];
              }
            }
          }
          y[at++] = sum + (bias ? bias[o] : 0.0);
        }
      }
    }
  }
  return y;
}

}  // namespace tilesim
