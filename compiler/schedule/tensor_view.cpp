#include "compiler/schedule/tensor_view.h"

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>

#include "compiler/schedule/bit_words.h"
#include "compiler/schedule/schedule.h"

namespace tilesim::sched {

const char* to_string(TensorLayout layout) {
  switch (layout) {
    case TensorLayout::Matrix:
      return "matrix";
    case TensorLayout::Nchw:
      return "nchw";
    case TensorLayout::Nhwc:
      return "nhwc";
    case TensorLayout::ConvWeight:
      return "conv_weight";
  }
  return "?";
}

const char* to_string(ViewKind kind) {
  switch (kind) {
    case ViewKind::None:
      return "none";
    case ViewKind::Transpose:
      return "transpose";
    case ViewKind::Im2col:
      return "im2col";
    case ViewKind::Relayout:
      return "relayout";
    case ViewKind::Place:
      return "place";
    case ViewKind::Permute:
      return "permute";
    case ViewKind::Slice:
      return "slice";
  }
  return "?";
}

bool Im2colGeometry::operator==(const Im2colGeometry& o) const {
  return kernel_h == o.kernel_h && kernel_w == o.kernel_w && stride_h == o.stride_h && stride_w == o.stride_w &&
         dilation_h == o.dilation_h && dilation_w == o.dilation_w && pad_top == o.pad_top && pad_left == o.pad_left &&
         out_h == o.out_h && out_w == o.out_w && channel_stride == o.channel_stride &&
         pad_negative_infinity == o.pad_negative_infinity;
}

bool is_structural_zero_tile(const TensorInfo& t, std::int64_t tile_row, std::int64_t tile_col) {
  if (t.layout != TensorLayout::ConvWeight || t.groups <= 1 || t.dims.size() != 4) return false;
  const std::int64_t cg = t.dims[1], channels = cg * t.groups, ocg = t.dims[0] / t.groups;
  const std::int64_t r0 = tile_row * kTileDim, r1 = std::min(t.rows, r0 + kTileDim);
  const std::int64_t o0 = tile_col * kTileDim, o1 = std::min(t.cols, o0 + kTileDim);
  if (r0 >= r1 || o0 >= o1) return true;  // padding only
  if (r1 - r0 >= channels) return false;  // every channel, so every group
  // Row r holds channel r mod channels: one run of channels, or two when it wraps.
  const std::int64_t c0 = r0 % channels, c1 = (r1 - 1) % channels;
  const std::int64_t g0 = o0 / ocg, g1 = (o1 - 1) / ocg;  // the columns' groups
  auto meets = [&](std::int64_t first, std::int64_t last) { return first / cg <= g1 && last / cg >= g0; };
  if (c0 <= c1) return !meets(c0, c1);
  return !meets(c0, channels - 1) && !meets(0, c1);
}

std::int64_t next_weight_step(const TensorInfo& b, std::int64_t k, std::int64_t tile_col) {
  const std::int64_t k_steps = b.tile_rows();
  while (k < k_steps && is_structural_zero_tile(b, k, tile_col)) ++k;
  return k;
}

std::optional<std::array<std::int64_t, 3>> storage_shape(TensorLayout layout, const std::vector<std::int64_t>& dims,
                                                         std::int64_t groups) {
  const std::size_t rank = dims.size();
  switch (layout) {
    case TensorLayout::Matrix: {
      std::int64_t batch = 1;
      for (std::size_t i = 0; i + 2 < rank; ++i) batch *= dims[i];
      const std::int64_t rows = rank >= 2 ? dims[rank - 2] : 1;
      return std::array<std::int64_t, 3>{batch, rows, rank >= 1 ? dims[rank - 1] : 1};
    }
    case TensorLayout::Nchw:
      if (rank != 4) return std::nullopt;
      return std::array<std::int64_t, 3>{dims[0], dims[1], dims[2] * dims[3]};
    case TensorLayout::Nhwc:
      if (rank != 4) return std::nullopt;
      return std::array<std::int64_t, 3>{dims[0], dims[2] * dims[3], dims[1]};
    case TensorLayout::ConvWeight:
      if (rank != 4 || groups < 1 || dims[0] % groups != 0) return std::nullopt;
      return std::array<std::int64_t, 3>{1, dims[2] * dims[3] * dims[1] * groups, dims[0]};
  }
  return std::nullopt;
}

StorageCoord storage_coord(const TensorInfo& t, const std::int64_t* index) {
  const std::size_t rank = t.dims.empty() ? static_cast<std::size_t>(t.rank) : t.dims.size();
  switch (t.layout) {
    case TensorLayout::Nchw:
      return StorageCoord{index[0], index[1], index[2] * t.dims[3] + index[3]};
    case TensorLayout::Nhwc:
      return StorageCoord{index[0], index[2] * t.dims[3] + index[3], index[1]};
    case TensorLayout::ConvWeight: {
      const std::int64_t cg = t.dims[1], kw = t.dims[3];
      const std::int64_t channels = cg * t.groups, ocg = t.dims[0] / t.groups;
      return StorageCoord{0, (index[2] * kw + index[3]) * channels + index[0] / ocg * cg + index[1], index[0]};
    }
    case TensorLayout::Matrix:
      break;
  }
  if (rank <= 1) return StorageCoord{0, 0, rank == 1 ? index[0] : 0};
  std::int64_t matrix = 0;
  for (std::size_t i = 0; i + 2 < rank; ++i) matrix = matrix * t.dims[i] + index[i];
  return StorageCoord{matrix, index[rank - 2], index[rank - 1]};
}

bool storage_coord_is_affine(const TensorInfo& t) {
  return !(t.layout == TensorLayout::ConvWeight && t.groups > 1 && t.dims[0] / t.groups > 1);
}

namespace {

// true_index into `index` (true_dims(t).size() entries); false for padding.
bool true_index_into(const TensorInfo& t, const StorageCoord& at, std::int64_t* index) {
  if (at.matrix < 0 || at.matrix >= t.batch || at.row < 0 || at.row >= t.rows || at.col < 0 || at.col >= t.cols) {
    return false;
  }
  const auto set4 = [index](std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d) {
    index[0] = a, index[1] = b, index[2] = c, index[3] = d;
    return true;
  };
  switch (t.layout) {
    case TensorLayout::Nchw:
      return set4(at.matrix, at.row, at.col / t.dims[3], at.col % t.dims[3]);
    case TensorLayout::Nhwc:
      return set4(at.matrix, at.col, at.row / t.dims[3], at.row % t.dims[3]);
    case TensorLayout::ConvWeight: {
      const std::int64_t cg = t.dims[1], kw = t.dims[3], ocg = t.dims[0] / t.groups;
      const std::int64_t channels = cg * t.groups, pos = at.row / channels, c = at.row % channels;
      if (c / cg != at.col / ocg) return false;  // another group's channel
      return set4(at.col, c % cg, pos / kw, pos % kw);
    }
    case TensorLayout::Matrix:
      break;
  }
  const std::size_t rank = t.dims.empty() ? static_cast<std::size_t>(t.rank) : t.dims.size();
  if (rank == 0) return true;
  if (rank == 1) {
    index[0] = at.col;
    return true;
  }
  index[rank - 1] = at.col;
  index[rank - 2] = at.row;
  std::int64_t matrix = at.matrix;
  for (std::size_t i = rank - 2; i-- > 0;) {
    index[i] = matrix % t.dims[i];
    matrix /= t.dims[i];
  }
  return true;
}

}  // namespace

std::optional<std::vector<std::int64_t>> true_index(const TensorInfo& t, const StorageCoord& at) {
  std::vector<std::int64_t> index(true_dims(t).size());
  if (!true_index_into(t, at, index.data())) return std::nullopt;
  return index;
}

namespace {

// The dims a tensor has in true_index/storage_coord terms.
std::vector<std::int64_t> dims_of(const TensorInfo& t) {
  if (!t.dims.empty()) return t.dims;
  if (t.rank == 0) return {};
  if (t.rank == 1) return {t.cols};
  return {t.rows, t.cols};
}

GatheredElement source(const TensorInfo& x, const std::int64_t* index) {
  GatheredElement e;
  e.kind = GatheredElement::Source;
  e.at = storage_coord(x, index);
  return e;
}

// A view's and X's dims, and room for the indices of one element: made once
// per tile, so that gathering an element allocates nothing (with a vector
// per index and per dims list, malloc was half of a transformer's run).
struct GatherDims {
  GatherDims(const TensorInfo& v, const TensorInfo& x)
      : view(dims_of(v)),
        x_dims(dims_of(x)),
        selected(selected_dims(v.view.kind, v.view.select)),
        index(view.size()),
        b(selected.size()),
        a(v.view.select.from.size()),
        xi(x_dims.size()) {
    const ViewKind kind = v.view.kind;
    const bool select = kind == ViewKind::Permute || kind == ViewKind::Slice;
    // Along a storage row of a matrix or nchw view its elements are consecutive in row-major order.
    const bool consecutive = v.layout == TensorLayout::Matrix || v.layout == TensorLayout::Nchw;
    const bool matrices = v.layout == TensorLayout::Matrix && x.layout == TensorLayout::Matrix;
    by_rows = !view.empty() && (kind == ViewKind::Relayout ? consecutive : select && !selected.empty() && matrices);
    if (!by_rows || !select) return;
    // A's flat position is sum_k b[k] * weight[k] + offset (select_element's map, linear in B's index).
    const Selection& s = v.view.select;
    std::vector<std::int64_t> stride(s.from.size(), 1);
    for (std::size_t k = stride.size() - 1; k-- > 0;) stride[k] = stride[k + 1] * s.from[k + 1];
    weight = stride;
    if (kind == ViewKind::Permute) {
      for (std::size_t k = 0; k < weight.size(); ++k) weight[k] = stride[static_cast<std::size_t>(s.perm[k])];
    } else {
      const auto axis = static_cast<std::size_t>(s.axis);
      weight[axis] = s.step * stride[axis];
      offset = s.start * stride[axis];
    }
  }
  std::vector<std::int64_t> view, x_dims, selected;  // dims_of(v), dims_of(x), selected_dims (permute, slice)
  std::vector<std::int64_t> index, b, a, xi;         // the element's index in v, B, A and X
  bool by_rows = false;                              // row_runs applies
  std::vector<std::int64_t> weight;                  // permute, slice: A's flat step per digit of B
  std::int64_t offset = 0;
};

// Row-major flat position of `index` in `dims`, and back.
std::int64_t flatten(const std::vector<std::int64_t>& dims, const std::int64_t* index) {
  std::int64_t flat = 0;
  for (std::size_t i = 0; i < dims.size(); ++i) flat = flat * dims[i] + index[i];
  return flat;
}

void unflatten(const std::vector<std::int64_t>& dims, std::int64_t flat, std::int64_t* index) {
  for (std::size_t i = dims.size(); i-- > 0;) {
    index[i] = flat % dims[i];
    flat /= dims[i];
  }
}

GatheredElement relayout_element(const TensorInfo& v, const TensorInfo& x, const StorageCoord& at, GatherDims& d) {
  if (!true_index_into(v, at, d.index.data())) return GatheredElement{};
  unflatten(d.x_dims, flatten(d.view, d.index.data()), d.xi.data());
  return source(x, d.xi.data());
}

// X's element at the view's index moved back by the offset along the axis,
// or 0 outside X (and in the view's padding).
GatheredElement place_element(const TensorInfo& v, const TensorInfo& x, const StorageCoord& at, GatherDims& d) {
  if (!true_index_into(v, at, d.index.data())) return GatheredElement{};
  const auto axis = static_cast<std::size_t>(v.view.place.axis);
  const std::int64_t i = d.index[axis] - v.view.place.offset;
  if (i < 0 || i >= d.x_dims[axis]) return GatheredElement{};
  d.index[axis] = i;
  return source(x, d.index.data());
}

// The view's element -> B's (row-major) -> A's by the selection -> X's
// (row-major again).
GatheredElement select_element(const TensorInfo& v, const TensorInfo& x, const StorageCoord& at, GatherDims& d) {
  if (!true_index_into(v, at, d.index.data())) return GatheredElement{};
  const Selection& s = v.view.select;
  unflatten(d.selected, flatten(d.view, d.index.data()), d.b.data());
  if (v.view.kind == ViewKind::Permute) {
    for (std::size_t k = 0; k < d.b.size(); ++k) d.a[static_cast<std::size_t>(s.perm[k])] = d.b[k];
  } else {
    d.a = d.b;
    d.a[static_cast<std::size_t>(s.axis)] = s.start + s.step * d.b[static_cast<std::size_t>(s.axis)];
  }
  unflatten(d.x_dims, flatten(s.from, d.a.data()), d.xi.data());
  return source(x, d.xi.data());
}

// X's element at row-major flat position `flat`, X in matrix layout (what
// source() gives for unflatten(dims_of(x), flat)).
GatheredElement source_at(const std::vector<std::int64_t>& x_dims, std::int64_t flat) {
  GatheredElement e;
  e.kind = GatheredElement::Source;
  const std::size_t rank = x_dims.size();
  if (rank <= 1) {
    e.at = StorageCoord{0, 0, flat};
    return e;
  }
  const std::int64_t cols = x_dims[rank - 1], plane = x_dims[rank - 2] * cols;
  e.at = StorageCoord{flat / plane, flat % plane / cols, flat % cols};
  return e;
}

// The next index after `index` in row-major order of `dims` (past the last: 0).
void next_index(const std::vector<std::int64_t>& dims, std::int64_t* index) {
  for (std::size_t i = dims.size(); i-- > 0;) {
    if (++index[i] < dims[i]) return;
    index[i] = 0;
  }
}

// The runs of n elements of a relayout's row from X's element at row-major
// position flat, the first at tile element `at`: X's index advances like an
// odometer, and along X's last dim its storage position by one fixed step in
// every layout (a matrix's or nchw's w along a row, nhwc's w down a row), so
// a run lasts until that dim carries.
template <typename F>
void relayout_runs(const TensorInfo& x, std::int64_t flat, std::int64_t n, std::int32_t at, GatherDims& d, F f) {
  unflatten(d.x_dims, flat, d.xi.data());
  GatherRun run;
  run.at = at;
  if (d.x_dims.empty()) {  // a scalar X: one element
    run.count = 1, run.first = source(x, d.xi.data()).at;
    return f(run);
  }
  std::int64_t& last = d.xi[d.x_dims.size() - 1];
  for (std::int64_t c = 0; c < n;) {
    run.first = source(x, d.xi.data()).at;
    ++last;  // storage_coord is a formula: past the dim it still gives the step
    const StorageCoord next = storage_coord(x, d.xi.data());
    --last;
    run.step = next - run.first;
    run.count = static_cast<std::int32_t>(std::min(n - c, d.x_dims.back() - last));
    f(run);
    c += run.count, run.at += run.count;
    last += run.count - 1;
    next_index(d.x_dims, d.xi.data());
  }
}

// How many positions from X's storage position `at` on, one `step` apart,
// stay inside X's rows and columns, so that the next's position is `at`
// plus `step` (no carry); X in matrix layout.
std::int64_t steps_without_carry(const std::vector<std::int64_t>& x_dims, const StorageCoord& at,
                                 const StorageCoord& step) {
  std::int64_t steps = std::numeric_limits<std::int64_t>::max();
  if (x_dims.size() <= 1) return steps;  // one row: no carry
  const std::int64_t rows = x_dims[x_dims.size() - 2], cols = x_dims[x_dims.size() - 1];
  if (step.col > 0) steps = std::min(steps, (cols - 1 - at.col) / step.col + 1);
  if (step.row > 0) steps = std::min(steps, (rows - 1 - at.row) / step.row + 1);
  return steps;
}

// The runs of n elements of a permute's or slice's row from the view's element
// at row-major position flat_v, the first at tile element `at`. B's index
// advances like an odometer, and A's flat position (X's) by the weight of the
// digit that moved: by the last digit's weight w until that digit carries.
// Positions w apart have storage positions one fixed step apart (X's
// position of w itself) until X's column or row carries; a negative w
// (a slice stepping backwards) makes runs of one.
template <typename F>
void select_runs(std::int64_t flat_v, std::int64_t n, std::int32_t at, GatherDims& d, F f) {
  unflatten(d.selected, flat_v, d.b.data());
  std::int64_t flat = d.offset;
  for (std::size_t k = 0; k < d.b.size(); ++k) flat += d.b[k] * d.weight[k];
  const std::size_t last = d.b.size() - 1;
  const std::int64_t w = d.weight[last], last_count = d.selected[last];
  GatherRun run;
  run.at = at;
  run.step = w > 0 ? source_at(d.x_dims, w).at : StorageCoord{};
  for (std::int64_t c = 0; c < n;) {
    run.first = source_at(d.x_dims, flat).at;
    std::int64_t count = std::min(n - c, last_count - d.b[last]);
    count = w > 0 ? std::min(count, steps_without_carry(d.x_dims, run.first, run.step)) : 1;
    run.count = static_cast<std::int32_t>(count);
    f(run);
    c += count, run.at += run.count;
    d.b[last] += count, flat += count * w;
    for (std::size_t k = last; d.b[k] == d.selected[k] && k > 0;) {  // carry (past the view's end only when c == n)
      flat -= d.weight[k] * d.selected[k], d.b[k] = 0;
      --k;
      ++d.b[k], flat += d.weight[k];
    }
  }
}

// The runs of one row of a view gathered by rows (GatherDims::by_rows) from
// storage position `first` on: the elements inside the view, which along a
// row are consecutive in the view's row-major order.
template <typename F>
void row_runs(const TensorInfo& v, const TensorInfo& x, const StorageCoord& first, std::int32_t at, GatherDims& d,
              F f) {
  std::int64_t n = std::clamp<std::int64_t>(v.cols - first.col, 0, kTileDim);  // elements inside the view
  if (n == 0 || !true_index_into(v, first, d.index.data())) return;
  const std::int64_t flat_v = flatten(d.view, d.index.data());
  if (v.view.kind == ViewKind::Relayout) return relayout_runs(x, flat_v, n, at, d, f);
  select_runs(flat_v, n, at, d, f);
}

// row_runs of every row of tile `tile` of view v, gathered by rows.
template <typename F>
void for_each_row_run(const TensorInfo& v, const TensorInfo& x, const TileRef& tile, GatherDims& d, F f) {
  const std::int64_t mt = v.tile_rows_per_matrix();
  const std::int64_t matrix = tile.row / mt;
  const std::int64_t row0 = tile.row % mt * kTileDim, col0 = static_cast<std::int64_t>(tile.col) * kTileDim;
  for (std::int64_t r = 0; r < kTileDim; ++r) {
    row_runs(v, x, StorageCoord{matrix, row0 + r, col0}, static_cast<std::int32_t>(r * kTileDim), d, f);
  }
}

// X's storage position of image element (n, c, h, w) as three linear forms,
// per X's layout (storage_coord's arithmetic, without its switch per element);
// a conv_weight X, whose position is not linear in (n, c), asks storage_coord.
struct ImageCoords {
  explicit ImageCoords(const TensorInfo& x) : x_(x) {
    const std::int64_t channels = x.dims[1], width = x.dims[3];
    switch (x.layout) {
      case TensorLayout::Nchw:  // [n][c][h * W + w]
        matrix_ = {1, 0, 0, 0}, row_ = {0, 1, 0, 0}, col_ = {0, 0, width, 1};
        break;
      case TensorLayout::Nhwc:  // [n][h * W + w][c]
        matrix_ = {1, 0, 0, 0}, row_ = {0, 0, width, 1}, col_ = {0, 1, 0, 0};
        break;
      case TensorLayout::Matrix:  // [n * C + c][h][w]
        matrix_ = {channels, 1, 0, 0}, row_ = {0, 0, 1, 0}, col_ = {0, 0, 0, 1};
        break;
      case TensorLayout::ConvWeight:
        linear_ = false;
        break;
    }
  }
  // The storage step from channel c to c + 1 of one pixel (the same at every
  // pixel: each layout's position is linear in c).
  StorageCoord channel_step() const {
    const StorageCoord a = (*this)(0, 0, 0, 0), b = (*this)(0, 1, 0, 0);
    return b - a;
  }
  StorageCoord operator()(std::int64_t n, std::int64_t c, std::int64_t h, std::int64_t w) const {
    if (!linear_) {
      const std::int64_t index[4] = {n, c, h, w};
      return storage_coord(x_, index);
    }
    const auto form = [&](const std::array<std::int64_t, 4>& k) { return k[0] * n + k[1] * c + k[2] * h + k[3] * w; };
    return StorageCoord{form(matrix_), form(row_), form(col_)};
  }

 private:
  const TensorInfo& x_;
  bool linear_ = true;
  std::array<std::int64_t, 4> matrix_{}, row_{}, col_{};
};

// The columns [col0, col0 + 32) of an im2col view as runs along one kernel
// position each: n columns from tile column k on hold channels c, c + 1, ...
// of position pos (channels past X's are Zero). Every row of a tile has the
// same columns, so the same runs; at most 32.
struct ColumnRun {
  std::int64_t pos = 0, c = 0, k = 0, n = 0;
  std::int64_t dh = 0, dw = 0;  // kernel position pos's offset from the window's origin, in input pixels
};
struct ColumnRuns {
  std::array<ColumnRun, kTileDim> run;
  std::size_t count = 0;
};

ColumnRuns column_runs(const Im2colGeometry& g, std::int64_t col0) {
  ColumnRuns runs;
  const std::int64_t positions = static_cast<std::int64_t>(g.kernel_h) * g.kernel_w;
  std::int64_t pos = col0 / g.channel_stride, c = col0 % g.channel_stride;
  for (std::int64_t k = 0; k < kTileDim && pos < positions; ++pos, c = 0) {
    const std::int64_t n = std::min(kTileDim - k, g.channel_stride - c);
    runs.run[runs.count++] = ColumnRun{pos, c, k, n, pos / g.kernel_w * g.dilation_h, pos % g.kernel_w * g.dilation_w};
    k += n;
  }
  return runs;
}

// The input pixel (ih, iw) at the origin of output pixel `pixel`'s window
// (outside the image where the window meets the padding); kernel position
// pos reads the pixel its ColumnRun's (dh, dw) past it.
std::pair<std::int64_t, std::int64_t> window_origin(const Im2colGeometry& g, std::int64_t pixel) {
  return {pixel / g.out_w * g.stride_h - g.pad_top, pixel % g.out_w * g.stride_w - g.pad_left};
}

bool in_image(const TensorInfo& x, std::int64_t ih, std::int64_t iw) {
  return ih >= 0 && ih < x.dims[2] && iw >= 0 && iw < x.dims[3];
}

// What every run of an im2col view's tile shares.
struct Im2colTile {
  Im2colTile(const std::vector<TensorInfo>& tensors, const TileRef& tile)
      : v(tensors[static_cast<std::size_t>(tile.tensor)]),
        x(tensors[static_cast<std::size_t>(v.view.of)]),
        g(v.view.im2col),
        n(tile.row / v.tile_rows_per_matrix()),
        row0(tile.row % v.tile_rows_per_matrix() * kTileDim),
        rows(std::min<std::int64_t>(kTileDim, static_cast<std::int64_t>(g.out_h) * g.out_w - row0)),
        columns(column_runs(g, static_cast<std::int64_t>(tile.col) * kTileDim)),
        coords(x),
        pad(g.pad_negative_infinity ? GatheredElement::NegativeInfinity : GatheredElement::Zero) {}
  // The channels of column run `column` that X has (past them, the channel stride's gap).
  std::int64_t channels(const ColumnRun& column) const { return std::min(column.n, x.dims[1] - column.c); }
  const TensorInfo& v;
  const TensorInfo& x;
  const Im2colGeometry& g;
  std::int64_t n, row0, rows;  // the image, the tile's first output pixel, its output pixels
  ColumnRuns columns;
  ImageCoords coords;
  GatheredElement::Kind pad;
};

// im2col_runs' runs, each handed to f as it is found.
template <typename F>
void for_each_im2col_run(const Im2colTile& t, F f) {
  const StorageCoord step = t.coords.channel_step();
  // A row is one output pixel: its window's origin is fixed, and along the
  // row the channel advances and, past the channel stride, the kernel position.
  for (std::int64_t r = 0; r < t.rows; ++r) {
    const auto [oh, ow] = window_origin(t.g, t.row0 + r);
    for (std::size_t i = 0; i < t.columns.count; ++i) {
      const ColumnRun& column = t.columns.run[i];
      const std::int64_t count = t.channels(column);
      if (count <= 0) continue;
      const std::int64_t ih = oh + column.dh, iw = ow + column.dw;
      Im2colRun run;
      run.at = static_cast<std::int32_t>(r * kTileDim + column.k);
      run.count = static_cast<std::int32_t>(count);
      run.kind = in_image(t.x, ih, iw) ? GatheredElement::Source : t.pad;
      if (run.kind == GatheredElement::Source) {
        run.c = column.c, run.pixel = ih * t.x.dims[3] + iw;
        run.first = t.coords(t.n, column.c, ih, iw), run.step = step;
      }
      f(run);
    }
  }
}

// The pixels of one output row's windows down tile column k (channel c at
// one kernel position), tile rows [r, r + count): they lie stride_w apart
// along input row ih from iw on, inside the image for the rows [lo, hi) of
// the stretch and in the padding before and after.
struct ColumnStretch {
  std::int64_t c = 0, k = 0, r = 0, count = 0;
  std::int64_t ih = 0, iw = 0;
  std::int64_t lo = 0, hi = 0;
};

// Whether im2col_column_runs applies: X's channels apart in storage, and a
// tile row crossing kernel positions.
bool by_columns(const Im2colTile& t) { return t.columns.count > 1 && t.coords.channel_step() != StorageCoord{0, 0, 1}; }

// Every ColumnStretch of the tile, column by column.
template <typename F>
void for_each_column_stretch(const Im2colTile& t, F f) {
  const std::int64_t stride = t.g.stride_w, width = t.x.dims[3];
  for (std::size_t i = 0; i < t.columns.count; ++i) {
    const ColumnRun& column = t.columns.run[i];
    for (std::int64_t j = 0; j < t.channels(column); ++j) {
      // Down the column the output pixel advances, and along an output row
      // the window moves stride_w input pixels to the right.
      for (std::int64_t r = 0; r < t.rows;) {
        ColumnStretch s;
        s.c = column.c + j, s.k = column.k + j, s.r = r;
        s.count = std::min(t.rows - r, t.g.out_w - (t.row0 + r) % t.g.out_w);
        const auto [oh, ow] = window_origin(t.g, t.row0 + r);
        s.ih = oh + column.dh, s.iw = ow + column.dw;
        s.lo = s.hi = s.count;  // a row of the padding: all of it
        if (s.ih >= 0 && s.ih < t.x.dims[2]) {
          s.lo = std::min(s.count, s.iw >= 0 ? 0 : (-s.iw + stride - 1) / stride);
          s.hi = std::clamp<std::int64_t>(s.iw >= width ? 0 : (width - 1 - s.iw) / stride + 1, s.lo, s.count);
        }
        f(s);
        r += s.count;
      }
    }
  }
}

// A stretch's runs: the padding value's before and after the one inside the image.
void stretch_runs(const Im2colTile& t, const ColumnStretch& s, std::vector<GatherRun>* out) {
  const auto run = [&](GatheredElement::Kind kind, std::int64_t from, std::int64_t to) {
    if (from >= to) return;
    GatherRun g;
    g.at = static_cast<std::int32_t>((s.r + from) * kTileDim + s.k), g.at_step = static_cast<std::int32_t>(kTileDim);
    g.count = static_cast<std::int32_t>(to - from), g.kind = kind;
    if (kind == GatheredElement::Source) {
      const std::int64_t iw = s.iw + from * t.g.stride_w;
      g.first = t.coords(t.n, s.c, s.ih, iw);
      const StorageCoord next = t.coords(t.n, s.c, s.ih, iw + t.g.stride_w);  // the formula, past the image too
      g.step = next - g.first;
    }
    out->push_back(g);
  };
  run(t.pad, 0, s.lo);
  run(GatheredElement::Source, s.lo, s.hi);
  run(t.pad, s.hi, s.count);
}

// im2col_distinct_elements from the column stretches: a bit per (channel,
// input row, input column) over the input rows they reach, each row's
// columns grouped by their remainder modulo stride_w, so that a stretch (its
// pixels stride_w apart along one row) is one range of bits; nullopt when
// that bitmap would pass `max_bits`.
std::optional<std::int64_t> distinct_by_columns(const Im2colTile& t, std::uint64_t* bits, std::int64_t max_bits) {
  std::int64_t top = std::numeric_limits<std::int64_t>::max(), bottom = -1;  // the input rows reached
  for_each_column_stretch(t, [&](const ColumnStretch& s) {
    if (s.lo < s.hi) top = std::min(top, s.ih), bottom = std::max(bottom, s.ih);
  });
  if (bottom < 0) return 0;
  const std::int64_t stride = t.g.stride_w, per_class = (t.x.dims[3] + stride - 1) / stride;
  const std::int64_t rows = bottom - top + 1, row_bits = stride * per_class;
  if (t.x.dims[1] * rows * row_bits > max_bits) return std::nullopt;
  const auto words = static_cast<std::size_t>((t.x.dims[1] * rows * row_bits + 63) / 64);
  std::fill_n(bits, words, 0);
  for_each_column_stretch(t, [&](const ColumnStretch& s) {
    if (s.lo == s.hi) return;
    const std::int64_t iw = s.iw + s.lo * stride;  // inside the image: iw >= 0
    set_bit_run(bits, (s.c * rows + s.ih - top) * row_bits + iw % stride * per_class + iw / stride, s.hi - s.lo);
  });
  return count_bits(bits, words);
}

}  // namespace

std::vector<std::int64_t> selected_dims(ViewKind kind, const Selection& s) {
  std::vector<std::int64_t> b = s.from;
  if (kind == ViewKind::Permute) {
    for (std::size_t k = 0; k < b.size() && k < s.perm.size(); ++k) b[k] = s.from[static_cast<std::size_t>(s.perm[k])];
  } else if (kind == ViewKind::Slice && static_cast<std::size_t>(s.axis) < b.size()) {
    b[static_cast<std::size_t>(s.axis)] = s.count;
  }
  return b;
}

std::vector<std::int64_t> true_dims(const TensorInfo& t) { return dims_of(t); }

void im2col_runs(const std::vector<TensorInfo>& tensors, const TileRef& tile, std::vector<Im2colRun>* out) {
  out->clear();
  for_each_im2col_run(Im2colTile(tensors, tile), [out](const Im2colRun& run) { out->push_back(run); });
}

bool im2col_column_runs(const std::vector<TensorInfo>& tensors, const TileRef& tile, std::vector<GatherRun>* out,
                        std::vector<Im2colRun>* rows) {
  out->clear();
  const Im2colTile t(tensors, tile);
  if (!by_columns(t)) {
    if (rows) {
      rows->clear();
      for_each_im2col_run(t, [rows](const Im2colRun& run) { rows->push_back(run); });
    }
    return false;
  }
  for_each_column_stretch(t, [&](const ColumnStretch& s) { stretch_runs(t, s, out); });
  return true;
}

bool gather_runs(const std::vector<TensorInfo>& tensors, const TileRef& tile, std::vector<GatherRun>* out) {
  out->clear();
  const TensorInfo& v = tensors[static_cast<std::size_t>(tile.tensor)];
  if (v.view.kind == ViewKind::Im2col) return false;
  const TensorInfo& x = tensors[static_cast<std::size_t>(v.view.of)];
  GatherDims dims(v, x);
  if (!dims.by_rows) return false;
  for_each_row_run(v, x, tile, dims, [out](const GatherRun& run) { out->push_back(run); });
  return true;
}

void gather_tile(const std::vector<TensorInfo>& tensors, const TileRef& tile, GatheredTile* out) {
  const TensorInfo& v = tensors[static_cast<std::size_t>(tile.tensor)];
  const TensorInfo& x = tensors[static_cast<std::size_t>(v.view.of)];
  const std::int64_t mt = v.tile_rows_per_matrix();
  const std::int64_t matrix = tile.row / mt;
  const std::int64_t row0 = tile.row % mt * kTileDim, col0 = static_cast<std::int64_t>(tile.col) * kTileDim;
  if (v.view.kind == ViewKind::Im2col) {
    out->fill(GatheredElement{});
    for_each_im2col_run(Im2colTile(tensors, tile), [out](const Im2colRun& run) {
      for (std::int32_t j = 0; j < run.count; ++j) {
        GatheredElement& e = (*out)[static_cast<std::size_t>(run.at + j)];
        e.kind = run.kind;
        if (run.kind == GatheredElement::Source) e.at = run.element(j);
      }
    });
    return;
  }
  GatherDims dims(v, x);
  if (dims.by_rows) {
    out->fill(GatheredElement{});
    for_each_row_run(v, x, tile, dims, [out](const GatherRun& run) {
      for (std::int32_t j = 0; j < run.count; ++j) {
        (*out)[static_cast<std::size_t>(run.at + j * run.at_step)] =
            GatheredElement{GatheredElement::Source, run.element(j)};
      }
    });
    return;
  }
  for (std::int64_t r = 0; r < kTileDim; ++r) {
    for (std::int64_t c = 0; c < kTileDim; ++c) {
      const StorageCoord at{matrix, row0 + r, col0 + c};
      GatheredElement& e = (*out)[static_cast<std::size_t>(r * kTileDim + c)];
      if (v.view.kind == ViewKind::Relayout) {
        e = relayout_element(v, x, at, dims);
      } else if (v.view.kind == ViewKind::Place) {
        e = place_element(v, x, at, dims);
      } else if (v.view.kind == ViewKind::Permute || v.view.kind == ViewKind::Slice) {
        e = select_element(v, x, at, dims);
      } else {
        throw std::logic_error("gather_tile: " + v.name + " is not a gather view");
      }
    }
  }
}

namespace {

// Per input pixel, the union of the channel ranges that reach it, by sorting
// the ranges.
std::int64_t distinct_by_sorting(std::vector<PixelChannels>* ranges) {
  std::sort(ranges->begin(), ranges->end(), [](const PixelChannels& a, const PixelChannels& b) {
    return a.pixel != b.pixel ? a.pixel < b.pixel : a.first < b.first;
  });
  std::int64_t distinct = 0;
  for (std::size_t i = 0; i < ranges->size();) {
    const std::int64_t pixel = (*ranges)[i].pixel;
    std::int64_t covered = (*ranges)[i].first;  // channels below it are counted
    for (; i < ranges->size() && (*ranges)[i].pixel == pixel; ++i) {
      const PixelChannels& p = (*ranges)[i];
      distinct += std::max<std::int64_t>(0, p.end - std::max(p.first, covered));
      covered = std::max(covered, p.end);
    }
  }
  return distinct;
}

}  // namespace

std::int64_t im2col_distinct_elements(const std::vector<TensorInfo>& tensors, const TileRef& tile,
                                      std::vector<PixelChannels>* scratch) {
  // The pixels a tile's windows reach mostly span a few image rows: a bit per
  // (pixel, channel) among them, ranges set a word at a time, is a tenth of
  // the sort's time (a 7x7 conv of 3 channels: ~350 ranges a tile). Where the
  // LOAD reads the tile down its columns those runs are fewer (~40) too.
  constexpr std::int64_t kBitmapWords = 1024;
  std::array<std::uint64_t, kBitmapWords> bits;
  const Im2colTile t(tensors, tile);
  if (by_columns(t)) {
    if (const auto distinct = distinct_by_columns(t, bits.data(), kBitmapWords * 64)) return *distinct;
  }
  scratch->clear();
  std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = -1;  // the pixels reached
  for_each_im2col_run(t, [&](const Im2colRun& run) {
    if (run.kind != GatheredElement::Source) return;
    scratch->push_back(PixelChannels{run.pixel, run.c, run.c + run.count});
    lo = std::min(lo, run.pixel), hi = std::max(hi, run.pixel);
  });
  if (scratch->empty()) return 0;
  const std::int64_t channels = t.x.dims[1];  // every range lies in [0, channels)
  if ((hi - lo + 1) * channels > kBitmapWords * 64) return distinct_by_sorting(scratch);
  const auto words = static_cast<std::size_t>(((hi - lo + 1) * channels + 63) / 64);
  std::fill_n(bits.begin(), words, 0);
  for (const PixelChannels& p : *scratch)
    set_bit_run(bits.data(), (p.pixel - lo) * channels + p.first, p.end - p.first);
  return count_bits(bits.data(), words);
}

}  // namespace tilesim::sched
