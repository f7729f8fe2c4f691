#include "compiler/frontend/onnx_math.h"

#include "compiler/frontend/onnx_node_importer.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <optional>

#include "compiler/frontend/image_layout.h"
#include "compiler/frontend/onnx_broadcast.h"

namespace tilesim::frontend {

namespace {

using ir::OpKind;
using ir::TensorId;

class MathImporter : NodeImporter {
 public:
  using NodeImporter::NodeImporter;

  bool run() {
    const std::string& op = node_.op_type();
    if (op == "Div") {
      divide();
    } else if (op == "Pow") {
      power();
    } else if (op == "Where") {
      where();
    } else if (op == "Gelu") {
      unary(OpKind::Gelu, attributes_.approximation == "tanh" ? 1.0f : 0.0f);
    } else if (const auto kind = unary_kind(op)) {
      unary(*kind);
    } else {
      return false;
    }
    return true;
  }

 private:
  static std::optional<OpKind> unary_kind(const std::string& op) {
    if (op == "Sqrt") return OpKind::Sqrt;
    if (op == "Reciprocal") return OpKind::Reciprocal;
    if (op == "Exp") return OpKind::Exp;
    if (op == "Neg") return OpKind::Neg;
    if (op == "Erf") return OpKind::Erf;
    return std::nullopt;
  }

  TensorId unary(OpKind kind, float p0 = 0.0f) {
    const TensorId x = b_.input_of(node_, 0);
    ir::Op op;
    op.kind = kind;
    op.inputs = {x};
    op.param[0] = p0;
    return b_.emit(std::move(op), out_, shape(x), key_);
  }

  // The value of a constant scalar operand, or nothing when it is computed.
  std::optional<float> scalar_constant(TensorId t) const {
    const ir::Tensor& tensor = b_.tensor(t);
    if (tensor.kind != ir::TensorKind::Param || tensor.values.size() != 1 || !tensor.shape.is_scalar()) {
      return std::nullopt;
    }
    return tensor.values[0];
  }

  void divide() {
    const TensorId a = b_.input_of(node_, 0), c = b_.input_of(node_, 1);
    if (b_.opset() < 7) refuse_if(legacy_broadcast_refusal("Div", shape(a), shape(c), attributes_, b_.opset()));
    const std::optional<float> divisor = scalar_constant(c);
    int exponent = 0;
    const bool power_of_two = divisor && std::isnormal(*divisor) && std::fabs(std::frexp(*divisor, &exponent)) == 0.5f;
    if (power_of_two && std::isnormal(1.0f / *divisor)) {
      emit(OpKind::Scale, {a}, out_, shape(a), 1.0f / *divisor);
      return;
    }
    frontend::combine(b_, OpKind::Div, a, c, out_, "Div", key_);
  }

  // The condition's values as a mask (1 where X is taken), in its dims.
  std::vector<float> condition_mask(std::vector<std::int64_t>& dims) const {
    const std::string& name = node_.input(0);
    const onnx::TensorProto* c = b_.constant(name);
    if (!c) {
      const bool input = b_.tensor(b_.input_of(node_, 0)).kind == ir::TensorKind::Input;
      fail("condition " + quoted(name) + (input ? " is a graph input" : " is computed by the graph"),
           "a constant condition (a BOOL initializer, or a Constant or one folded from them)");
    }
    if (c->data_type() != onnx::TensorProto::BOOL) fail("condition " + quoted(name) + " is not BOOL", "a BOOL tensor");
    dims.assign(c->dims().begin(), c->dims().end());
    std::int64_t count = 1;
    for (const std::int64_t d : dims) count *= d;
    const bool raw = !c->raw_data().empty();
    if ((raw ? static_cast<std::int64_t>(c->raw_data().size()) : c->int32_data_size()) != count) {
      fail("condition " + quoted(name) + " holds the wrong number of values", "one value per element of its dims");
    }
    std::vector<float> mask(static_cast<std::size_t>(count));
    for (std::int64_t i = 0; i < count; ++i) {
      const bool v = raw ? c->raw_data()[static_cast<std::size_t>(i)] != 0 : c->int32_data(static_cast<int>(i)) != 0;
      mask[static_cast<std::size_t>(i)] = v ? 1.0f : 0.0f;
    }
    return mask;
  }

  // Where(constant condition, X, Y) with one of X and Y a constant scalar:
  // the other where its mask says, the scalar elsewhere.
  void where() {
    std::vector<std::int64_t> dims;
    std::vector<float> mask = condition_mask(dims);
    const TensorId x = b_.input_of(node_, 1), y = b_.input_of(node_, 2);
    const std::optional<float> cy = scalar_constant(y), cx = scalar_constant(x);
    if (!cy && !cx) {
      fail("X " + quoted(b_.tensor(x).name) + " and Y " + quoted(b_.tensor(y).name) + " are both tensors",
           "one of X and Y a constant scalar (masking with a constant)");
    }
    if (!cy) {  // the computed one is Y: take it where the condition is false
      for (float& m : mask) m = 1.0f - m;
    }
    const TensorId value = cy ? x : y;
    const TensorId m = b_.add_param(b_.fresh(out_ + ".mask"), ir::Shape::from_dims(dims), std::move(mask), key_);
    const auto out = ir::broadcast(shape(value), shape(m));
    if (!out) refuse_if(broadcast_refusal("Where", shape(value), shape(m)));
    ir::Op op;
    op.kind = OpKind::Where;
    op.inputs = {value, m};
    op.param[0] = cy ? *cy : *cx;
    b_.emit(std::move(op), out_, *out, key_);
  }

  void power() {
    const TensorId x = b_.input_of(node_, 0), y = b_.input_of(node_, 1);
    const std::optional<float> exponent = scalar_constant(y);
    if (!exponent) {
      const bool input = b_.tensor(y).kind == ir::TensorKind::Input;
      const bool param = b_.tensor(y).kind == ir::TensorKind::Param;
      fail("exponent " + quoted(b_.tensor(y).name) +
               (param   ? " has shape " + ir::to_string(shape(y))
                : input ? std::string(" is a graph input")
                        : std::string(" is computed by the graph")),
           "a constant scalar exponent (an initializer or a Constant of shape [] or [1])");
    }
    if (*exponent == 2.0f) {
      emit(OpKind::Mul, {x, x}, out_, shape(x));
    } else if (*exponent == 0.5f) {
      unary(OpKind::Sqrt);
    } else {
      unary(OpKind::Pow, *exponent);
    }
  }
};

}  // namespace

bool import_math(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                 const std::string& key) {
  return MathImporter(builder, node, attributes, key).run();
}

}  // namespace tilesim::frontend
