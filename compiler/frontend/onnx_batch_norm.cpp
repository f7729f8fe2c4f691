#include "compiler/frontend/onnx_batch_norm.h"

#include "compiler/frontend/onnx_node_importer.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "compiler/frontend/onnx_image.h"
#include "compiler/support/input_error.h"

namespace tilesim::frontend {

namespace {

using ir::OpKind;
using ir::Shape;
using ir::TensorId;

const char* const kStatistics[] = {"scale", "B", "input_mean", "input_var"};
// The outputs' names: BatchNormalization-9's, then -14's (training_mode 1 only).
const char* const kOutputs[] = {"Y", "mean", "var", "saved_mean", "saved_var"};
const char* const kOutputs14[] = {"Y", "running_mean", "running_var"};

std::string number(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

bool fits_float(double value) { return std::isfinite(value) && std::abs(value) <= std::numeric_limits<float>::max(); }

class BatchNormImporter : NodeImporter {
 public:
  using NodeImporter::NodeImporter;

  void run() {
    check_inference();
    x_ = b_.input_of(node_, 0);
    const std::vector<std::int64_t> xd = shape(x_).dims();
    if (xd.size() < 2) fail("input is " + ir::to_string(shape(x_)), "[N, C, ...] with channels on axis 1");
    for (int i = 0; i < 4; ++i) stats_[i] = statistic(i + 1, xd[1]);
    per_channel();
    if (fold_into_conv() || fold_into_matmul()) return;
    scale_and_shift();
  }

 private:
  const std::vector<float>& mean() const { return stats_[2]; }
  const std::vector<float>& bias() const { return stats_[1]; }

  void check_inference() const {
    const std::string inference = "tilesim runs inference";
    if (b_.opset() < 7 && !attributes_.is_test) {
      fail("is_test is 0, training mode, in opset " + std::to_string(b_.opset()), "is_test=1: " + inference);
    }
    if (b_.opset() >= 14 && node_.output_size() > 3) {
      fail("has " + std::to_string(node_.output_size()) + " outputs",
           "1 to 3 outputs: Y, then optionally running_mean and running_var");
    }
    for (int i = 1; i < node_.output_size(); ++i) {
      const std::string& name = node_.output(i);
      if (name.empty() || !b_.is_read(name)) continue;
      const std::string what = b_.opset() >= 14 ? kOutputs14[i] : kOutputs[i];
      fail("its output " + std::to_string(i) + " " + quoted(name) + " (" + what + ") is read",
           "only Y read: the other outputs are training's statistics (" + inference + ")");
    }
  }

  // Statistic `index` (1-4): an initializer of [C] with finite values.
  std::vector<float> statistic(int index, std::int64_t channels) const {
    const std::string what = kStatistics[index - 1];
    const TensorId id = b_.input_of(node_, index);
    const ir::Tensor& t = b_.tensor(id);
    if (t.kind != ir::TensorKind::Param || t.values.empty()) {
      fail(what + " " + quoted(node_.input(index)) + " is computed by the graph or a graph input",
           "an initializer (constant statistics)");
    }
    if (t.shape.dims() != std::vector<std::int64_t>{channels}) {
      fail(what + " " + quoted(t.name) + " is " + ir::to_string(t.shape),
           "[" + std::to_string(channels) + "], one value per channel");
    }
    for (std::size_t c = 0; c < t.values.size(); ++c) {
      if (!std::isfinite(t.values[c])) {
        fail(what + " " + quoted(t.name) + " is " + number(t.values[c]) + " for channel " + std::to_string(c),
             "finite statistics");
      }
    }
    return t.values;
  }

  // s and t per channel, in double.
  void per_channel() {
    const std::vector<float>& scale = stats_[0];
    const std::vector<float>& var = stats_[3];
    const double epsilon = attributes_.epsilon;
    for (std::size_t c = 0; c < scale.size(); ++c) {
      const double v = static_cast<double>(var[c]) + epsilon;
      if (!(v > 0.0)) {
        fail("input_var " + quoted(node_.input(4)) + " is " + number(var[c]) + " for channel " + std::to_string(c) +
                 ", so var + epsilon is " + number(v),
             "var + epsilon > 0");
      }
      s_.push_back(scale[c] / std::sqrt(v));
      t_.push_back(bias()[c] - mean()[c] * s_.back());
      if (!fits_float(s_.back()) || !fits_float(t_.back())) {
        fail("channel " + std::to_string(c) + " scales by " + number(s_.back()) + " and shifts by " + number(t_.back()),
             "statistics whose scale / sqrt(var + epsilon) and B - mean * that fit float32");
      }
    }
  }

  // Whether tensor id is read once at most (by this node, or by the one op
  // the import made read it) and is no graph output.
  bool read_once(TensorId id) const {
    return b_.tensor(id).kind == ir::TensorKind::Intermediate && b_.readers(id) <= 1 && b_.tensor(id).users.size() <= 1;
  }

  bool is_constant(TensorId id) const {
    return b_.tensor(id).kind == ir::TensorKind::Param && !b_.tensor(id).values.empty();
  }

  // The op producing x when only this node reads x; kNone otherwise.
  ir::OpId sole_producer() const {
    const ir::OpId producer = b_.tensor(x_).producer;
    return producer != ir::kNone && read_once(x_) ? producer : ir::kNone;
  }

  // (c - mean) * s + B per element of a bias whose index i is channel i % C.
  std::vector<float> folded_bias(const std::vector<float>& c) const {
    std::vector<float> out(c.size());
    for (std::size_t i = 0; i < c.size(); ++i) {
      const std::size_t n = i % s_.size();
      out[i] = static_cast<float>((c[i] - static_cast<double>(mean()[n])) * s_[n] + bias()[n]);
    }
    return out;
  }

  bool fold_into_conv() {
    const ir::OpId conv = sole_producer();
    if (conv == ir::kNone || b_.op(conv).kind != OpKind::Conv) return false;
    std::vector<TensorId> inputs = b_.op(conv).inputs;
    const std::size_t oc = s_.size();
    std::vector<float> c(oc, 0.0f);
    if (inputs.size() > 2 && !is_constant(inputs[2])) return false;
    if (inputs.size() > 2) c = b_.tensor(inputs[2]).values;
    std::vector<float> w = b_.tensor(inputs[1]).values;
    const std::size_t per_channel = w.size() / oc;
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(w[i] * s_[i / per_channel]);
    b_.set_values(inputs[1], std::move(w));
    const TensorId folded =
        b_.add_param(b_.fresh(out_ + ".folded_bias"), Shape::from_dims({std::int64_t(oc)}), folded_bias(c), key_);
    inputs.resize(2);
    inputs.push_back(folded);
    b_.set_inputs(conv, std::move(inputs));
    b_.rename(x_, out_, key_);
    return true;
  }

  // A MatMul's rank-2 constant B read only by it, directly or through the
  // transpose of a Gemm's transB: the tensor to scale and whether its rows
  // (transposed) or its columns are the channels. kNone when there is none.
  std::pair<TensorId, bool> matmul_weights(ir::OpId matmul) const {
    TensorId w = b_.op(matmul).inputs[1];
    bool transposed = false;
    const ir::OpId producer = b_.tensor(w).producer;
    if (producer != ir::kNone && b_.op(producer).kind == OpKind::Transpose && b_.tensor(w).users.size() == 1 &&
        b_.readers(w) <= 1) {
      w = b_.op(producer).inputs[0];
      transposed = true;
    }
    const ir::Tensor& t = b_.tensor(w);
    const bool usable = is_constant(w) && t.shape.rank == 2 && t.shape.layout == ir::Layout::Matrix &&
                        b_.readers(w) <= 1 && t.users.size() == 1;
    const std::int64_t channels = transposed ? t.shape.rows : t.shape.cols;
    if (!usable || channels != static_cast<std::int64_t>(s_.size())) return {ir::kNone, false};
    return {w, transposed};
  }

  void scale_weights(TensorId w, bool transposed) {
    std::vector<float> values = b_.tensor(w).values;
    const auto cols = static_cast<std::size_t>(shape(w).cols);
    for (std::size_t i = 0; i < values.size(); ++i) {
      values[i] = static_cast<float>(values[i] * s_[transposed ? i / cols : i % cols]);
    }
    b_.set_values(w, std::move(values));
  }

  bool fold_into_matmul() {
    const ir::OpId producer = sole_producer();
    if (producer == ir::kNone || shape(x_).rank != 2 || shape(x_).layout != ir::Layout::Matrix) return false;
    if (b_.op(producer).kind == OpKind::MatMul) {
      const auto [w, transposed] = matmul_weights(producer);
      if (w == ir::kNone) return false;
      scale_weights(w, transposed);
      const TensorId t = b_.add_param(b_.fresh(out_ + ".folded_bias"), Shape::from_dims({std::int64_t(s_.size())}),
                                      std::vector<float>(t_.begin(), t_.end()), key_);
      combine(b_, OpKind::Add, x_, t, out_, "Add", key_);
      return true;
    }
    return b_.op(producer).kind == OpKind::Add && fold_into_bias_add(producer);
  }

  // x = p + c or c + p, p a MatMul's product only the Add reads, c constant.
  bool fold_into_bias_add(ir::OpId add) {
    std::vector<TensorId> inputs = b_.op(add).inputs;
    for (std::size_t k = 0; k < 2; ++k) {
      const TensorId p = inputs[k], c = inputs[1 - k];
      const ir::OpId matmul = b_.tensor(p).producer;
      if (matmul == ir::kNone || b_.op(matmul).kind != OpKind::MatMul || !read_once(p) || !is_constant(c)) continue;
      const Shape& cs = shape(c);
      const bool per_column = cs.rank <= 2 && cs.layout == ir::Layout::Matrix &&
                              cs.cols == static_cast<std::int64_t>(s_.size()) && shape(p) == shape(x_);
      if (!per_column && !cs.is_scalar()) continue;
      const auto [w, transposed] = matmul_weights(matmul);
      if (w == ir::kNone) continue;
      scale_weights(w, transposed);
      const std::vector<float> values =
          per_column ? b_.tensor(c).values : std::vector<float>(s_.size(), b_.tensor(c).values[0]);
      const Shape folded_shape = per_column ? cs : Shape::from_dims({std::int64_t(s_.size())});
      inputs[1 - k] = b_.add_param(b_.fresh(out_ + ".folded_bias"), folded_shape, folded_bias(values), key_);
      b_.set_inputs(add, std::move(inputs));
      b_.rename(x_, out_, key_);
      return true;
    }
    return false;
  }

  // Mul by s then Add of t, per channel in x's layout.
  void scale_and_shift() {
    const auto rank = static_cast<std::size_t>(shape(x_).rank);
    if (rank == 4) b_.store_as_image(x_);
    const Shape xs = shape(x_);
    const auto channels = static_cast<std::int64_t>(s_.size());
    Shape per_channel;
    if (xs.layout == ir::Layout::Nhwc || xs.layout == ir::Layout::Nchw) {
      per_channel = Shape::with_layout({1, channels, 1, 1}, xs.layout);
    } else {
      std::vector<std::int64_t> dims(rank - 1, 1);
      dims[0] = channels;
      per_channel = Shape::from_dims(dims);
    }
    const TensorId s =
        b_.add_param(b_.fresh(out_ + ".bn_scale"), per_channel, std::vector<float>(s_.begin(), s_.end()), key_);
    const TensorId t =
        b_.add_param(b_.fresh(out_ + ".bn_shift"), per_channel, std::vector<float>(t_.begin(), t_.end()), key_);
    const TensorId scaled = combine(b_, OpKind::Mul, x_, s, b_.fresh(out_ + ".bn_scaled"), "Mul", key_);
    combine(b_, OpKind::Add, scaled, t, out_, "Add", key_);
  }

  TensorId x_ = ir::kNone;
  std::vector<float> stats_[4];  // copies: add_param() grows the tensor table
  std::vector<double> s_, t_;
};

}  // namespace

void import_batch_norm(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                       const std::string& key) {
  BatchNormImporter(builder, node, attributes, key).run();
}

}  // namespace tilesim::frontend
