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
