// The validator's checks of a pooling EXEC's operands (schedule.h: max_pool,
// avg_pool): the im2col view it reduces and the tile of it each step reads,
// and an average's reciprocal counts. Declared in validator_structure.h.
#include "compiler/schedule/tile_format.h"
#include "compiler/schedule/validator_structure.h"

namespace tilesim::sched::structure {
namespace {

const TensorInfo& info(const Schedule& s, std::int32_t tensor) { return s.tensors[static_cast<std::size_t>(tensor)]; }

// The result an im2col view of image X reduces to: nhwc [N, C, OH, OW] with
// C padded to the view's channel stride, and the view's padding value the
// kind's (-inf for max).
std::string check_pooled_view(const Schedule& s, const Uop& x) {
  const TensorInfo& y = info(s, x.tile.tensor);
  const TensorInfo& v = info(s, x.src[0].tensor);
  const std::string what = kOperand[0] + " " + v.name;
  if (v.view.kind != ViewKind::Im2col) return what + " is not an im2col view (expected the windows to pool)";
  const Im2colGeometry& g = v.view.im2col;
  const std::vector<std::int64_t>& image = info(s, v.view.of).dims;  // check_view: [N, C, H, W]
  const std::vector<std::int64_t> want{image[0], image[1], g.out_h, g.out_w};
  if (y.layout != TensorLayout::Nhwc || y.dims != want) {
    return y.name + " is " + std::string(to_string(y.layout)) + " " + list(y.dims) + " (expected nhwc " + list(want) +
           ": the windows of " + info(s, v.view.of).name + ")";
  }
  if (g.channel_stride != y.padded_cols) {
    return what + " has channel_stride " + num(g.channel_stride) + " (expected " + num(y.padded_cols) +
           ": each kernel position in its own tile columns)";
  }
  const bool max = x.exec == ExecKind::MaxPool;
  if (g.pad_negative_infinity != max) {
    return what + " pads with " + (g.pad_negative_infinity ? "-inf" : "0") + " (expected " + (max ? "-inf" : "0") +
           " for " + to_string(x.exec) + ")";
  }
  return "";
}

// An average's divisors: [OH*OW, 1] (one matrix), read as a column.
std::string check_divisors(const Schedule& s, const Uop& x) {
  const TensorInfo& y = info(s, x.tile.tensor);
  const TensorInfo& d = info(s, x.src[1].tensor);
  if (d.is_view() || d.batch != 1 || d.rows != y.rows || d.cols != 1) {
    return kOperand[1] + " " + d.name + " is " + list(true_dims(d)) + " (expected the divisors [" + num(y.rows) +
           ", 1] of " + y.name + ")";
  }
  if (s.exec_params[x.params].form[1] != Broadcast::Col) {
    return kOperand[1] + " " + d.name + " read as " + to_string(s.exec_params[x.params].form[1]) +
           " (expected col: one divisor per row)";
  }
  const TileRef want = broadcast_tile(y, d, x.src[1].tensor, Broadcast::Col, x.tile);
  if (x.src[1] != want) {
    return kOperand[1] + " is " + format_tile(s, x.src[1]) + " (expected " + format_tile(s, want) + ")";
  }
  return "";
}

}  // namespace

std::int32_t accumulation_steps(const Schedule& s, const Uop& x) {
  const std::int64_t cols = info(s, x.src[0].tensor).tile_cols();
  if (x.exec == ExecKind::MatMul) return static_cast<std::int32_t>(cols);
  return static_cast<std::int32_t>(cols / info(s, x.tile.tensor).tile_cols());
}

std::string check_pool(const Schedule& s, const Uop& x) {
  if (std::string problem = check_pooled_view(s, x); !problem.empty()) return problem;
  const TensorInfo& y = info(s, x.tile.tensor);
  const std::int64_t ct = y.tile_cols();
  if (x.src[0].row != x.tile.row || x.src[0].col % ct != x.tile.col) {
    const TileRef want{x.src[0].tensor, x.tile.row, static_cast<std::int32_t>(x.src[0].col / ct * ct + x.tile.col)};
    return kOperand[0] + " is " + format_tile(s, x.src[0]) + " (expected " + format_tile(s, want) + ": step " +
           num(x.src[0].col / ct) + " of " + format_tile(s, x.tile) + ")";
  }
  if (x.exec == ExecKind::AvgPool && x.src[1].valid()) return check_divisors(s, x);
  if (s.exec_params[x.params].form[1] != Broadcast::Tile) {
    return kOperand[1] + " read as " + to_string(s.exec_params[x.params].form[1]) +
           " without divisors (expected no form)";
  }
  return "";
}

}  // namespace tilesim::sched::structure
