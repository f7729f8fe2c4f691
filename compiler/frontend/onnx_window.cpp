#include "compiler/frontend/onnx_window.h"

#include "compiler/support/input_error.h"

namespace tilesim::frontend {

namespace {

class WindowReader {
 public:
  WindowReader(const NodeAttributes& a, const std::string& file, const std::string& key)
      : a_(a), file_(file), key_(key) {}

  [[noreturn]] void fail(const std::string& problem, const std::string& expected) const {
    throw InputError(file_, key_, problem, expected);
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
    if (x.size() != 4) {
      fail("input is " + list_text(x) + ", a rank-" + std::to_string(x.size()) + " tensor",
           "a rank-4 image [N, C, H, W] (1-D and 3-D windows are not supported)");
    }
    const auto k = axes("kernel_shape", a_.kernel_shape, 2, 1, 0);
    if (a_.kernel_shape && k != kernel) {
      fail("attribute kernel_shape is " + list_text(k), "the weights' kernel " + list_text(kernel));
    }
    const auto strides = axes("strides", a_.strides, 2, 1, 1);
    const auto dilations = axes("dilations", a_.dilations, 2, 1, 1);
    ir::Window w;
    w.kernel_h = kernel[0];
    w.kernel_w = kernel[1];
    w.stride_h = strides[0];
    w.stride_w = strides[1];
    w.dilation_h = dilations[0];
    w.dilation_w = dilations[1];
    w.ceil_mode = a_.ceil_mode;
    w.count_include_pad = a_.count_include_pad;
    set_pads(w, x[2], x[3]);
    if (w.out_h(x[2]) < 1 || w.out_w(x[3]) < 1) {
      fail("the window (kernel " + list_text(kernel) + ", dilations " + list_text(dilations) + ") is larger than the " +
               "padded input " + list_text(x),
           "an output of at least one pixel");
    }
    return w;
  }

 private:
  void set_pads(ir::Window& w, std::int64_t h, std::int64_t wd) const {
    if (a_.auto_pad != "NOTSET" && a_.pads) {
      fail("has both auto_pad " + a_.auto_pad + " and pads " + list_text(*a_.pads), "one of them");
    }
    if (a_.auto_pad == "SAME_UPPER" || a_.auto_pad == "SAME_LOWER") {
      const bool upper = a_.auto_pad == "SAME_UPPER";
      same(h, w.kernel_h, w.stride_h, w.dilation_h, upper, &w.pad_top, &w.pad_bottom);
      same(wd, w.kernel_w, w.stride_w, w.dilation_w, upper, &w.pad_left, &w.pad_right);
      return;
    }
    const auto pads = axes("pads", a_.pads, 4, 0, 0);
    w.pad_top = pads[0];
    w.pad_left = pads[1];
    w.pad_bottom = pads[2];
    w.pad_right = pads[3];
  }

  static void same(std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t d, bool upper, std::int64_t* begin,
                   std::int64_t* end) {
    const std::int64_t out = (in + s - 1) / s;
    const std::int64_t total = std::max<std::int64_t>((out - 1) * s + (k - 1) * d + 1 - in, 0);
    *begin = upper ? total / 2 : total - total / 2;
    *end = total - *begin;
  }

  const NodeAttributes& a_;
  const std::string& file_;
  const std::string& key_;
};

}  // namespace

ir::Window onnx_window(const NodeAttributes& attributes, const std::vector<std::int64_t>& x,
                       const std::vector<std::int64_t>& kernel, const std::string& file, const std::string& key) {
  return WindowReader(attributes, file, key).read(x, kernel);
}

}  // namespace tilesim::frontend
