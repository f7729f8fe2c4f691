// The validator's table checks of storage layouts and views
// (validator_structure.h: check_layout, check_view). Every figure is checked
// before it is multiplied, or multiplied with saturation.
#include <string>
#include <vector>

#include "compiler/frontend/model_loader.h"
#include "compiler/schedule/saturating.h"
#include "compiler/schedule/validator_structure.h"

namespace tilesim::sched::structure {
namespace {

std::string layout_name(TensorLayout layout) { return std::string(to_string(layout)); }

// "a matrix", "an nchw", "an nhwc", "a conv_weight" (as the letters are read).
std::string a_layout(TensorLayout layout) {
  const bool vowel_sound = layout == TensorLayout::Nchw || layout == TensorLayout::Nhwc;
  return (vowel_sound ? "an " : "a ") + layout_name(layout);
}

std::string axb(std::int64_t a, std::int64_t b) { return num(a) + "x" + num(b); }

// The product of `dims`, saturating.
std::int64_t product(const std::vector<std::int64_t>& dims) {
  std::int64_t n = 1;
  for (const std::int64_t d : dims) n = saturating_mul(n, d);
  return n;
}

// nchw, nhwc and conv_weight: rank 4, dims [N,C,H,W] or [OC,Cg,KH,KW],
// storage as storage_shape() gives it.
std::string check_image_layout(const TensorInfo& t) {
  const bool nhwc = t.layout == TensorLayout::Nhwc || t.layout == TensorLayout::Nchw;
  const std::string layout = "layout " + layout_name(t.layout);
  const std::string form = nhwc ? "[N,C,H,W]" : "[OC,Cg,KH,KW]";
  if (t.rank != 4) return layout + " on a rank-" + num(t.rank) + " tensor (expected rank 4: dims " + form + ")";
  if (t.dims.empty()) return layout + " without dims (expected dims=" + form + ")";
  const std::string dims = "dims " + list(t.dims);
  if (t.dims.size() != 4) return dims + " (expected 4 dims for a rank-4 tensor)";
  for (const std::int64_t d : t.dims) {
    if (d < 1) return dims + " (expected positive dims)";
  }
  if (product(t.dims) > frontend::kMaxTensorElements) {
    return dims + " hold " + count(product(t.dims)) + " elements (expected at most " +
           num(frontend::kMaxTensorElements) + " (2^31))";
  }
  if (!nhwc && (t.groups < 1 || t.dims[0] % t.groups != 0)) {
    return "groups " + num(t.groups) + " with " + num(t.dims[0]) + " output channels (expected a divisor of " +
           num(t.dims[0]) + ")";
  }
  const auto shape = storage_shape(t.layout, t.dims, t.groups);  // in range: checked above
  if ((*shape)[0] == t.batch && (*shape)[1] == t.rows && (*shape)[2] == t.cols) return "";
  const std::string why = t.layout == TensorLayout::Nhwc ? "nhwc stores [N,C,H,W] as N matrices [H*W, C]"
                          : t.layout == TensorLayout::Nchw
                              ? "nchw stores [N,C,H,W] as N matrices [C, H*W]"
                              : "conv_weight stores [OC,Cg,KH,KW] of G groups as one matrix [KH*KW*Cg*G, OC]";
  return "shape " + pair(t.rows, t.cols) + " batch " + num(t.batch) + " (expected " + pair((*shape)[1], (*shape)[2]) +
         " batch " + num((*shape)[0]) + " for " + dims + ": " + why + ")";
}

std::string check_transpose(const TensorInfo& v, const TensorInfo& x) {
  if (x.layout != TensorLayout::Matrix) {
    return "transpose of " + x.name + ", " + a_layout(x.layout) + " tensor (expected a matrix-layout tensor)";
  }
  if (v.layout != TensorLayout::Matrix) {
    return "layout " + layout_name(v.layout) + " on a transpose view (expected matrix)";
  }
  if (x.rank < 2 || x.rank > 4) {
    return "view of " + x.name + ", a rank-" + num(x.rank) + " tensor (expected a tensor of rank 2 to 4)";
  }
  if (v.rank != x.rank) {
    return "rank " + num(v.rank) + " view of rank-" + num(x.rank) + " tensor " + x.name + " (expected the same rank)";
  }
  if (v.batch != x.batch) {
    return "view of " + x.name + " has batch " + num(v.batch) + " (expected " + num(x.batch) + ", the same stack)";
  }
  if (v.rows != x.cols || v.cols != x.rows || v.padded_rows != x.padded_cols || v.padded_cols != x.padded_rows) {
    return "shape " + pair(v.rows, v.cols) + " padded " + pair(v.padded_rows, v.padded_cols) + " (expected " +
           pair(x.cols, x.rows) + " padded " + pair(x.padded_cols, x.padded_rows) + ", " + x.name + " transposed)";
  }
  if (!v.dims.empty() && !x.dims.empty()) {
    std::vector<std::int64_t> want = x.dims;
    std::swap(want[want.size() - 1], want[want.size() - 2]);
    if (v.dims != want) {
      return "dims " + list(v.dims) + " (expected " + list(want) + ", the dims of " + x.name + " transposed)";
    }
  }
  return "";
}

// The fewest windows along one axis: those that fit in `size` image elements
// after `pad` of padding before them, with no padding after them.
std::int64_t fewest_windows(std::int64_t size, std::int64_t pad, std::int64_t kernel, std::int64_t dilation,
                            std::int64_t stride) {
  const std::int64_t span = dilation * (kernel - 1) + 1;
  return size + pad >= span ? (size + pad - span) / stride + 1 : 1;
}

// The geometry alone, then against X's channels and image.
std::string check_geometry(const Im2colGeometry& g, const TensorInfo& x) {
  const std::pair<const char*, const std::int32_t*> positive[] = {
      {"kernel", &g.kernel_h}, {"stride", &g.stride_h}, {"dilation", &g.dilation_h}, {"out", &g.out_h}};
  for (const auto& [name, hw] : positive) {
    if (hw[0] < 1 || hw[1] < 1) {
      return std::string("im2col ") + name + "=" + axb(hw[0], hw[1]) +
             " (expected positive kernel, stride, dilation and out)";
    }
  }
  if (g.pad_top < 0 || g.pad_left < 0) return "im2col pad=" + axb(g.pad_top, g.pad_left) + " (expected pads >= 0)";
  const std::int64_t channels = x.dims[1], height = x.dims[2], width = x.dims[3];
  if (g.channel_stride < channels) {
    return "im2col channel_stride=" + num(g.channel_stride) + " is less than the " + num(channels) + " channels of " +
           x.name + " (expected at least " + num(channels) + ")";
  }
  const std::int64_t rows = fewest_windows(height, g.pad_top, g.kernel_h, g.dilation_h, g.stride_h);
  const std::int64_t cols = fewest_windows(width, g.pad_left, g.kernel_w, g.dilation_w, g.stride_w);
  if (g.out_h >= rows && g.out_w >= cols) return "";
  return "im2col out=" + axb(g.out_h, g.out_w) + " (expected at least " + axb(rows, cols) + ": the windows of kernel " +
         axb(g.kernel_h, g.kernel_w) + ", stride " + axb(g.stride_h, g.stride_w) + ", dilation " +
         axb(g.dilation_h, g.dilation_w) + " and pad " + axb(g.pad_top, g.pad_left) + " that fit in the " +
         axb(height, width) + " image of " + x.name + " with no padding after them)";
}

std::string check_im2col(const TensorInfo& v, const TensorInfo& x) {
  if (v.layout != TensorLayout::Matrix) {
    return "layout " + layout_name(v.layout) + " on an im2col view (expected matrix: the view is a GEMM operand)";
  }
  if (x.rank != 4 || x.dims.size() != 4) {
    return "im2col of " + x.name + ", a rank-" + num(x.rank) + " tensor" + (x.dims.empty() ? " without dims" : "") +
           " (expected an image [N,C,H,W] with its dims)";
  }
  const Im2colGeometry& g = v.view.im2col;
  if (const std::string p = check_geometry(g, x); !p.empty()) return p;
  const std::vector<std::int64_t> want = {x.dims[0], std::int64_t{g.out_h} * g.out_w,
                                          saturating_mul(std::int64_t{g.kernel_h} * g.kernel_w, g.channel_stride)};
  if (v.rank == 3 && v.batch == want[0] && v.rows == want[1] && v.cols == want[2] &&
      (v.dims.empty() || v.dims == want)) {
    return "";
  }
  const std::string has = v.dims.empty()
                              ? "rank " + num(v.rank) + ", shape " + pair(v.rows, v.cols) + " batch " + num(v.batch)
                              : "dims " + list(v.dims);
  return has + " (expected dims " + list(want) + ": im2col of " + x.name + " is [N, OH*OW, KH*KW*channel_stride])";
}

// The true dims a relayout maps in row-major order: they must be known.
std::string relayout_dims(const TensorInfo& t, const std::string& what) {
  if (t.rank <= 2 || !t.dims.empty()) return "";
  return what + ", a rank-" + num(t.rank) + " tensor without dims (expected dims: a relayout keeps the order of the " +
         "true dims)";
}

std::int64_t elements(const TensorInfo& t) {
  if (!t.dims.empty()) return product(t.dims);
  return t.rank <= 1 ? t.cols : saturating_mul(t.rows, t.cols);
}

std::string check_relayout(const TensorInfo& v, const TensorInfo& x) {
  if (v.layout == TensorLayout::ConvWeight) {
    return "layout conv_weight on a relayout view (expected matrix, nchw or nhwc)";
  }
  if (std::string p = relayout_dims(v, "relayout view"); !p.empty()) return p;
  if (std::string p = relayout_dims(x, "relayout of " + x.name); !p.empty()) return p;
  if (elements(v) == elements(x)) return "";
  return "relayout of " + x.name + " has " + count(elements(v)) + " elements (expected " + count(elements(x)) +
         ", the elements of " + x.name + ")";
}

// X at offset along the axis of the view: the same rank and, off the axis,
// the same dims; on it, X's dim ends within the view's.
std::string check_place(const TensorInfo& v, const TensorInfo& x) {
  if (v.layout == TensorLayout::ConvWeight) return "layout conv_weight on a place view (expected matrix, nchw or nhwc)";
  if (std::string p = relayout_dims(v, "place view"); !p.empty()) return p;
  if (std::string p = relayout_dims(x, "place of " + x.name); !p.empty()) return p;
  const std::vector<std::int64_t> vd = true_dims(v), xd = true_dims(x);
  if (vd.size() != xd.size()) {
    return "place of " + x.name + ", a rank-" + num(x.rank) + " tensor, in a rank-" + num(v.rank) +
           " view (expected the same rank)";
  }
  const std::int64_t axis = v.view.place.axis, offset = v.view.place.offset;
  if (axis >= static_cast<std::int64_t>(vd.size())) {
    return "place axis=" + num(axis) + " in a rank-" + num(v.rank) + " view (expected an axis from 0 to " +
           num(static_cast<std::int64_t>(vd.size()) - 1) + ")";
  }
  for (std::size_t i = 0; i < vd.size(); ++i) {
    if (i != static_cast<std::size_t>(axis) && vd[i] != xd[i]) {
      return "place of " + x.name + " " + list(xd) + " in dims " + list(vd) + " (expected the same dims but on axis " +
             num(axis) + ")";
    }
  }
  const std::int64_t size = xd[static_cast<std::size_t>(axis)], room = vd[static_cast<std::size_t>(axis)];
  if (size > room) {
    return "place of " + x.name + " " + list(xd) + " in dims " + list(vd) + " (expected at most the view's " +
           num(room) + " on axis " + num(axis) + ")";
  }
  if (offset + size <= room) return "";
  return "place offset=" + num(offset) + " puts the " + num(size) + " elements of " + x.name + " on axis " + num(axis) +
         " past the view's " + num(room) + " (expected an offset from 0 to " + num(room - size) + ")";
}

// --- issue 14: permute and slice views ---

// from= holds X's elements as dims of at least 1.
std::string check_from(const std::string& what, const Selection& s, const TensorInfo& x) {
  const std::string from = what + " from=" + list(s.from);
  if (s.from.empty() || s.from.size() > 8) return from + " (expected 1 to 8 dims)";
  for (const std::int64_t d : s.from) {
    if (d < 1) return from + " (expected dims of at least 1)";
  }
  if (product(s.from) == elements(x)) return "";
  return from + " holds " + count(product(s.from)) + " elements (expected " + count(elements(x)) +
         ", the elements of " + x.name + ")";
}

std::string check_perm(const Selection& s) {
  const auto rank = static_cast<std::int32_t>(s.from.size());
  std::vector<bool> seen(s.from.size(), false);
  bool ok = static_cast<std::int32_t>(s.perm.size()) == rank;
  for (std::size_t k = 0; ok && k < s.perm.size(); ++k) {
    const std::int32_t p = s.perm[k];
    ok = p >= 0 && p < rank && !seen[static_cast<std::size_t>(p)];
    if (ok) seen[static_cast<std::size_t>(p)] = true;
  }
  if (ok) return "";
  return "permute perm=" + list(std::vector<std::int64_t>(s.perm.begin(), s.perm.end())) + " (expected each of 0 to " +
         num(rank - 1) + " once: a permutation of the " + num(rank) + " dims of from=)";
}

// Every index start + step * i, i < count, lies in [0, A[axis]).
std::string check_slice(const Selection& s) {
  const auto rank = static_cast<std::int64_t>(s.from.size());
  if (s.axis >= rank) return "slice axis " + num(s.axis) + " (expected an axis from 0 to " + num(rank - 1) + ")";
  if (s.step == 0) return "slice step 0 (expected a step other than 0)";
  if (s.count < 1) return "slice count " + num(s.count) + " (expected at least 1)";
  const std::int64_t dim = s.from[static_cast<std::size_t>(s.axis)];
  std::int64_t last = 0;  // the last index read, when it has an int64
  const bool overflow =
      __builtin_mul_overflow(s.step, s.count - 1, &last) || __builtin_add_overflow(last, s.start, &last);
  if (s.start >= 0 && s.start < dim && !overflow && last >= 0 && last < dim) return "";
  const std::string reads = s.start < 0 || s.start >= dim ? "reads index " + num(s.start)
                            : overflow                    ? "reads indices past int64"
                                                          : "reads index " + num(last);
  return "slice start " + num(s.start) + " step " + num(s.step) + " count " + num(s.count) + " " + reads + " on axis " +
         num(s.axis) + " of from=" + list(s.from) + " (expected indices from 0 to " + num(dim - 1) + ")";
}

// X read as dims A, selected to B, laid out as the view's dims.
std::string check_select(const TensorInfo& v, const TensorInfo& x) {
  const std::string what = to_string(v.view.kind);
  if (v.layout == TensorLayout::ConvWeight) return "layout conv_weight on a " + what + " view (expected matrix)";
  if (std::string p = relayout_dims(v, what + " view"); !p.empty()) return p;
  if (std::string p = relayout_dims(x, what + " of " + x.name); !p.empty()) return p;
  const Selection& s = v.view.select;
  if (std::string p = check_from(what, s, x); !p.empty()) return p;
  if (std::string p = v.view.kind == ViewKind::Permute ? check_perm(s) : check_slice(s); !p.empty()) return p;
  const std::int64_t selected = product(selected_dims(v.view.kind, s));
  if (elements(v) == selected) return "";
  return what + " view has " + count(elements(v)) + " elements (expected " + count(selected) + ", the elements of " +
         list(selected_dims(v.view.kind, s)) + " it selects)";
}

}  // namespace

std::string check_layout(const TensorInfo& t) {
  if (t.groups != 1 && t.layout != TensorLayout::ConvWeight) {
    return "groups " + num(t.groups) + " on " + a_layout(t.layout) +
           " tensor (expected groups only on a conv_weight tensor)";
  }
  if (t.layout == TensorLayout::Matrix) return check_dims(t);
  return check_image_layout(t);
}

std::string check_view(const Schedule& s, std::size_t index, const TensorInfo& v) {
  const std::int32_t of = v.view.of;
  const std::int64_t n = static_cast<std::int64_t>(s.tensors.size());
  if (of < 0 || of >= n) {
    return "view of tensor index " + num(of) + " out of range (expected 0.." + num(n - 1) + ")";
  }
  if (static_cast<std::size_t>(of) == index) return "view of itself (expected a view of another tensor)";
  const TensorInfo& x = s.tensors[static_cast<std::size_t>(of)];
  if (x.is_view()) {
    return "view of " + x.name + ", which is itself a view (expected a view of a tensor with storage)";
  }
  std::string problem;
  if (v.view.kind == ViewKind::Transpose) {
    problem = check_transpose(v, x);
  } else if (tensor_problems(s, static_cast<std::size_t>(of)).empty()) {
    problem = v.view.kind == ViewKind::Im2col                                      ? check_im2col(v, x)
              : v.view.kind == ViewKind::Place                                     ? check_place(v, x)
              : v.view.kind == ViewKind::Permute || v.view.kind == ViewKind::Slice ? check_select(v, x)
                                                                                   : check_relayout(v, x);
  }
  if (!problem.empty()) return problem;
  if (v.is_graph_output) return "a view is a graph output (expected views only to be loaded, never stored)";
  return "";
}

}  // namespace tilesim::sched::structure
