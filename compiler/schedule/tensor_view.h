// How a tensor's elements lie in its storage, and what a view shows.
//
// Every tensor has true dims (what the model and the user see, NCHW for
// images) and a storage form the hardware sees: a stack of `batch` matrices of
// rows x cols, each padded to tiles on its own (TensorInfo). The layout maps
// one to the other:
//   matrix       dims [..., R, C]: matrix = the leading dims flattened, row r,
//                col c (rank 0 and 1: one row). Row-major order of the dims is
//                row-major order of the storage, so files copy straight in.
//   nchw         dims [N, C, H, W]: matrix n, row c, col h*W + w: row-major
//                order too, without padding each channel's H x W to tiles
//                (images the user gives or gets).
//   nhwc         dims [N, C, H, W]: matrix n, row h*W + w, col c. What
//                convolutions and pooling produce: a pixel's channels lie side
//                by side, so an im2col gather reads them as one run.
//   conv_weight  dims [OC, Cg, KH, KW] of a convolution with G groups
//                (C = Cg*G input channels, OCg = OC/G): one matrix
//                [KH*KW*C, OC], element (o, ci, kh, kw) at row
//                (kh*KW + kw)*C + (o / OCg)*Cg + ci, col o; every other element
//                is zero (a group reads only its own channels). The GEMM
//                operand of the convolution, laid out once when the weights
//                are written to DRAM.
//
// A view has no storage: a LOAD of one of its tiles reads the elements of the
// tensor it shows (`of`), which must be in DRAM:
//   transpose    X with its last two dims swapped; tile (r, c) of matrix b is
//                X's tile (c, r) of matrix b, transposed (a transposing LOAD).
//   im2col       the GEMM operand of a convolution or pooling window over the
//                image X [N, C, H, W] (any layout): matrix n [OH*OW, KH*KW*S],
//                S = channel_stride >= C. Element (p, q): pixel p = oh*OW + ow,
//                kernel position q / S = kh*KW + kw, channel c = q % S; it reads
//                X (n, c, oh*sh - pad_top + kh*dh, ow*sw - pad_left + kw*dw),
//                or pad_value when that lies outside the image; c >= C and
//                positions past the matrix read 0. S = C packs the channels
//                (convolution: K = KH*KW*C, matching conv_weight's rows);
//                S = C padded to 32 puts each kernel position in its own tile
//                columns (pooling: tile column pos*Ct + j is channel block j).
//   relayout     the same elements in another shape and layout: element i of
//                the view in row-major order of its dims is element i of X in
//                row-major order of X's dims (Reshape, Flatten, Squeeze, and
//                nhwc -> matrix for a graph output).
//   place        X put at `offset` along axis `axis` of the view's true dims,
//                zero elsewhere (Concat: the sum of one place view per input).
//                X has the view's rank and dims but on the axis, where
//                offset + X's dim <= the view's; the element at true index i
//                reads X at i with i[axis] - offset when that lies in X, else
//                0 (never read from DRAM, like im2col's padding). Any layouts
//                (but conv_weight for the view).
// Issue 14 (views of computed tensors): permute and slice read X's elements
// in row-major order of its true dims as dims A (`from`, like a relayout;
// the same element count), select from A, and lay the result out in
// row-major order of the view's dims (again like a relayout), so one gather
// covers Reshape -> Transpose -> Reshape and Gather's rank drop:
//   permute      B[k] = A[perm[k]]; B's element b is A's element a with
//                a[perm[k]] = b[k] (Transpose of any permutation).
//   slice        B = A with B[axis] = count; b is A's element a with
//                a[axis] = start + step * b[axis] (step may be negative;
//                every index in [0, A[axis])): Slice, Split, Gather of one
//                index.
// The view's elements are B's in row-major order (the same element count).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tilesim::sched {

struct TensorInfo;
struct TileRef;

enum class TensorLayout : std::uint8_t { Matrix, Nchw, Nhwc, ConvWeight };
enum class ViewKind : std::uint8_t { None, Transpose, Im2col, Relayout, Place, Permute, Slice };
const char* to_string(TensorLayout layout);
const char* to_string(ViewKind kind);

struct Im2colGeometry {
  std::int32_t kernel_h = 1, kernel_w = 1;
  std::int32_t stride_h = 1, stride_w = 1;
  std::int32_t dilation_h = 1, dilation_w = 1;
  std::int32_t pad_top = 0, pad_left = 0;
  std::int32_t out_h = 1, out_w = 1;
  std::int32_t channel_stride = 1;     // S above
  bool pad_negative_infinity = false;  // pad_value: -inf (max pooling) or 0
  bool operator==(const Im2colGeometry& o) const;
  bool operator!=(const Im2colGeometry& o) const { return !(*this == o); }
};

// Where a place view puts X (text: axis=A offset=O).
struct Placement {
  std::int32_t axis = 0, offset = 0;
  bool operator==(const Placement& o) const { return axis == o.axis && offset == o.offset; }
  bool operator!=(const Placement& o) const { return !(*this == o); }
};

// What a permute or slice view selects (text: from=[A,...] perm=[p,...] |
// from=[A,...] slice=AXIS:START:STEP:COUNT).
struct Selection {
  std::vector<std::int64_t> from;  // A: the dims X's elements are read as
  std::vector<std::int32_t> perm;  // permute only
  std::int32_t axis = 0;           // slice only, and the three below
  std::int64_t start = 0, step = 1, count = 1;
  bool operator==(const Selection& o) const {
    return from == o.from && perm == o.perm && axis == o.axis && start == o.start && step == o.step && count == o.count;
  }
  bool operator!=(const Selection& o) const { return !(*this == o); }
};

// B: the dims a permute or slice view selects from A (see above).
std::vector<std::int64_t> selected_dims(ViewKind kind, const Selection& s);

struct TensorView {
  ViewKind kind = ViewKind::None;
  std::int32_t of = -1;   // the tensor shown (index into Schedule::tensors)
  Im2colGeometry im2col;  // im2col only
  Placement place;        // place only
  Selection select;       // permute and slice only
  bool is_view() const { return kind != ViewKind::None; }
  bool operator==(const TensorView& o) const {
    return kind == o.kind && of == o.of && im2col == o.im2col && place == o.place && select == o.select;
  }
  bool operator!=(const TensorView& o) const { return !(*this == o); }
};

// A position in a tensor's storage: matrix of the stack, row, col.
struct StorageCoord {
  std::int64_t matrix = 0, row = 0, col = 0;
  bool operator==(const StorageCoord& o) const { return matrix == o.matrix && row == o.row && col == o.col; }
  bool operator!=(const StorageCoord& o) const { return !(*this == o); }
  // The step from `o` to this position.
  StorageCoord operator-(const StorageCoord& o) const { return {matrix - o.matrix, row - o.row, col - o.col}; }
};

// The storage position of the element at true index `index` (dims.size()
// entries, each within its dim). Precondition: a consistent tensor
// (validator) that is not a view.
StorageCoord storage_coord(const TensorInfo& t, const std::int64_t* index);
// Whether storage_coord moves by one fixed storage step per unit of each
// index entry: every tensor but a grouped conv_weight whose groups hold more
// than one output channel each (its rows jump to the next group's channels
// at each group's first output channel).
bool storage_coord_is_affine(const TensorInfo& t);
// The inverse: the true index of a storage position, or nullopt for a
// padding position (or, in conv_weight, a structural zero).
std::optional<std::vector<std::int64_t>> true_index(const TensorInfo& t, const StorageCoord& at);
// Whether tile (tile_row, tile_col) of a grouped conv_weight tensor holds
// only structural zeros: each of its rows' channels belongs to a group other
// than each of its columns' output channels (the weights are block-diagonal
// over the groups). False for every other tensor, and for a tile with one
// element of its own group. A matmul skips the K steps of such B tiles.
bool is_structural_zero_tile(const TensorInfo& t, std::int64_t tile_row, std::int64_t tile_col);
// The first K step k' >= k of a matmul by B whose B tile (k', tile_col) is
// not structurally zero; `k_steps` (B's tile rows) when there is none.
std::int64_t next_weight_step(const TensorInfo& b, std::int64_t k, std::int64_t tile_col);

// The storage shape a layout gives true dims: {batch, rows, cols}; nullopt
// when the dims do not fit the layout (nchw, nhwc and conv_weight need rank 4,
// conv_weight OC divisible by groups).
std::optional<std::array<std::int64_t, 3>> storage_shape(TensorLayout layout, const std::vector<std::int64_t>& dims,
                                                         std::int64_t groups);

// A tensor's true dims: `dims` when given, else [cols] (rank 1), [] (rank 0)
// or [rows, cols] (a matrix without dims).
std::vector<std::int64_t> true_dims(const TensorInfo& t);

// Where each of a view tile's 32 x 32 elements comes from: a storage position
// of the shown tensor, or a constant (0 or -inf).
struct GatheredElement {
  enum Kind : std::uint8_t { Source, Zero, NegativeInfinity } kind = Zero;
  StorageCoord at;  // Source only
};
using GatheredTile = std::array<GatheredElement, 1024>;

// Fills *out for a LOAD of tile `tile` of an im2col, relayout, place,
// permute or slice view.
// Precondition: the view and the tensor it shows passed the validator.
void gather_tile(const std::vector<TensorInfo>& tensors, const TileRef& tile, GatheredTile* out);

// A stretch of a row (or a column) of a gather view's tile: `count` elements
// from tile element `at` on, `at_step` apart (row-major in the tile), hold
// X's elements at storage positions first, first + step, ... (kind Source),
// or all hold a constant (kind Zero or NegativeInfinity).
struct GatherRun {
  std::int32_t at = 0, count = 0;
  std::int32_t at_step = 1;  // tile elements from one element of the run to the next: 1 along a row, 32 down a column
  GatheredElement::Kind kind = GatheredElement::Source;
  StorageCoord first, step;  // Source only
  // The storage position of the run's j-th element (Source only).
  StorageCoord element(std::int64_t j) const {
    return StorageCoord{first.matrix + j * step.matrix, first.row + j * step.row, first.col + j * step.col};
  }
};

// The runs of tile `tile` of a permute, slice or relayout view that is
// gathered row by row (a permute or slice with the view and X in matrix
// layout; a relayout to a matrix or nchw view), in the tile's row-major order:
// gather_tile's Source elements, run by run, each run as long as X's storage
// position moves by one fixed step; every element no run covers is Zero (past
// the view). Replaces *out and returns true; for any other view returns false
// with *out empty (gather_tile then goes element by element). Same
// precondition as gather_tile.
bool gather_runs(const std::vector<TensorInfo>& tensors, const TileRef& tile, std::vector<GatherRun>* out);

// A run of an im2col view's tile along one kernel position: channels c,
// c + 1, ... of X's input pixel `pixel` (ih * W + iw); or, where the window
// meets the image's padding, the padding value (kind Zero or
// NegativeInfinity).
struct Im2colRun : GatherRun {
  std::int64_t c = 0, pixel = 0;  // Source only
};

// The runs of tile `tile` of an im2col view, in the tile's row-major order:
// gather_tile's elements, run by run; every element no run covers is Zero
// (channels past X's, a channel stride's gap, columns and rows past the
// view). Replaces *out. Same precondition as gather_tile.
void im2col_runs(const std::vector<TensorInfo>& tensors, const TileRef& tile, std::vector<Im2colRun>* out);

// The same elements as im2col_runs, as runs down the tile's columns (at_step
// 32): for each column (a kernel position and a channel), over the output
// pixels of each output row, whose windows' pixels at that kernel position
// lie stride_w apart along one input row, a run inside the image and runs of
// the padding value before and after it. Where X's channels are apart in
// storage and a tile row crosses several kernel positions (an nchw image of
// few channels: a 7x7 conv of 3 channels has ~350 row runs a tile, ~40 column
// runs), they are far fewer. Replaces *out and returns true; false with *out
// empty where the row runs are as few: X's channels adjacent in storage (each
// row run one copy) or one kernel position in a tile row, and then, given
// `rows`, replaces *rows with im2col_runs' runs (the tile's geometry worked
// out once for either). Same precondition.
bool im2col_column_runs(const std::vector<TensorInfo>& tensors, const TileRef& tile, std::vector<GatherRun>* out,
                        std::vector<Im2colRun>* rows = nullptr);

// The number of distinct Source elements gather_tile gives for tile `tile` of
// an im2col view, counted from the windows without gathering: an element is an
// input pixel and a channel, so the count is, over the pixels the tile's
// windows reach inside the image, the size of the union of the channel ranges
// that reach each. *scratch is reused between calls. Same precondition.
struct PixelChannels {
  std::int64_t pixel = 0, first = 0, end = 0;  // channels [first, end) of input pixel ih * W + iw
};
std::int64_t im2col_distinct_elements(const std::vector<TensorInfo>& tensors, const TileRef& tile,
                                      std::vector<PixelChannels>* scratch);

}  // namespace tilesim::sched
