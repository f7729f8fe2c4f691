#include "compiler/frontend/onnx_window.h"

#include "compiler/frontend/window_ops.h"

namespace tilesim::frontend {

namespace {

class WindowReader {
 public:
  WindowReader(const NodeAttributes& a, const GraphBuilder& b, const std::string& key) : a_(a), b_(b), key_(key) {}

  [[noreturn]] void fail(const std::string& problem, const std::string& expected) const {
    b_.fail(key_, problem, expected);
  }

  // A per-axis attribute: `count` values, each at least `min`; `fallback` when absent.
  std::vector<std::int64_t> axes(const char* name, const std::optional<std::vector<std::int64_t>>& values,
                                 std::size_t count, std::int64_t min, std::int64_t fallback) const {
    if (!values) return std::vector<std::int64_t>(count, fallback);
    if (values->size() != count) {
      const bool three_d = count == 2 && values->size() == 3;
      fail(std::string("attribute ") + name + " is " + list_text(*values) + (three_d ? " (a 3-D window)" : ""),
           std::to_string(count) + " values for a 2-D window over [N, C, H, W]");
    }
    for (const std::int64_t v : *values) {
      if (v < min)
        fail(std::string("attribute ") + name + " is " + list_text(*values), "values >= " + std::to_string(min));
    }
    return *values;
  }

  ir::Window read(const std::vector<std::int64_t>& x, const std::vector<std::int64_t>& kernel) const {
    require_image(b_, x, key_);
    const auto k = axes("kernel_shape", a_.kernel_shape, 2, 1, 0);
    if (a_.kernel_shape && k != kernel) {
      fail("attribute kernel_shape is " + list_text(k), "the weights' kernel " + list_text(kernel));
    }
    WindowSettings s;
    s.kernel = kernel;
    s.strides = axes("strides", a_.strides, 2, 1, 1);
    s.dilations = axes("dilations", a_.dilations, 2, 1, 1);
    s.ceil_mode = a_.ceil_mode;
    s.count_include_pad = a_.count_include_pad;
    s.pads = pads(s, x[2], x[3]);
    return make_window(b_, s, x, key_);
  }

 private:
  // [top, left, bottom, right] from pads or auto_pad.
  std::vector<std::int64_t> pads(const WindowSettings& s, std::int64_t h, std::int64_t wd) const {
    if (a_.auto_pad != "NOTSET" && a_.pads) {
      fail("has both auto_pad " + a_.auto_pad + " and pads " + list_text(*a_.pads), "one of them");
    }
    if (a_.auto_pad == "SAME_UPPER" || a_.auto_pad == "SAME_LOWER") {
      const bool upper = a_.auto_pad == "SAME_UPPER";
      std::vector<std::int64_t> p(4, 0);
      same(h, s.kernel[0], s.strides[0], s.dilations[0], upper, &p[0], &p[2]);
      same(wd, s.kernel[1], s.strides[1], s.dilations[1], upper, &p[1], &p[3]);
      return p;
    }
    return axes("pads", a_.pads, 4, 0, 0);
  }

  static void same(std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t d, bool upper, std::int64_t* begin,
                   std::int64_t* end) {
    const std::int64_t out = (in + s - 1) / s;
    const std::int64_t total = std::max<std::int64_t>((out - 1) * s + (k - 1) * d + 1 - in, 0);
    *begin = upper ? total / 2 : total - total / 2;
    *end = total - *begin;
  }

  const NodeAttributes& a_;
  const GraphBuilder& b_;
  const std::string& key_;
};

}  // namespace

ir::Window onnx_window(const NodeAttributes& attributes, const std::vector<std::int64_t>& x,
                       const std::vector<std::int64_t>& kernel, const GraphBuilder& builder, const std::string& key) {
  return WindowReader(attributes, builder, key).read(x, kernel);
}

}  // namespace tilesim::frontend
