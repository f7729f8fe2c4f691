#include "compiler/frontend/onnx_elementwise.h"

#include "compiler/frontend/onnx_node_importer.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "compiler/frontend/onnx_broadcast.h"
#include "compiler/frontend/onnx_image.h"
#include "compiler/support/input_error.h"

namespace tilesim::frontend {

namespace {

using ir::OpKind;
using ir::Shape;
using ir::TensorId;

constexpr float kInf = std::numeric_limits<float>::infinity();

class ElementwiseImporter : NodeImporter {
 public:
  using NodeImporter::NodeImporter;

  bool run() {
    const std::string& op = node_.op_type();
    if (op == "Add" || op == "Sub" || op == "Mul") {
      binary(op);
    } else if (op == "Max" || op == "Min") {
      variadic(op == "Max" ? OpKind::Max : OpKind::Min);
    } else if (op == "Clip" && b_.opset() < 11) {
      clip_attributes();
    } else if (op == "Clip") {
      clip_inputs();
    } else if (op == "Identity") {
      pass_through();
    } else if (op == "Dropout") {
      dropout();
    } else if (op == "Constant") {
      constant();
    } else {
      return activation(op);
    }
    return true;
  }

 private:
  TensorId emit_activation(OpKind kind, TensorId x, float p0 = 0.0f, float p1 = 0.0f) {
    ir::Op op;
    op.kind = kind;
    op.inputs = {x};
    op.param[0] = p0;
    op.param[1] = p1;
    return b_.emit(std::move(op), out_, shape(x), key_);
  }

  // `kind` of a and b into tensor `name`, their shapes broadcast (images in
  // their layout: onnx_image.h).
  TensorId combine(OpKind kind, TensorId a, TensorId c, const std::string& name) {
    return frontend::combine(b_, kind, a, c, name, node_.op_type(), key_);
  }

  void binary(const std::string& op) {
    const TensorId a = b_.input_of(node_, 0), c = b_.input_of(node_, 1);
    if (b_.opset() < 7) refuse_if(legacy_broadcast_refusal(op, shape(a), shape(c), attributes_, b_.opset()));
    const OpKind kind = op == "Add" ? OpKind::Add : op == "Sub" ? OpKind::Sub : OpKind::Mul;
    combine(kind, a, c, out_);
  }

  // Max and Min of n inputs: ((x0 op x1) op x2) ..., one input passing through.
  void variadic(OpKind kind) {
    TensorId acc = b_.input_of(node_, 0);
    const int n = node_.input_size();
    for (int i = 1; i < n; ++i) {
      const TensorId next = b_.input_of(node_, i);
      if (b_.opset() < 8 && shape(next) != shape(acc)) {
        fail(node_.op_type() + " of " + ir::to_string(shape(acc)) + " and " + ir::to_string(shape(next)) +
                 " in opset " + std::to_string(b_.opset()),
             "equal shapes (" + node_.op_type() + " broadcasts from opset 8)");
      }
      acc = combine(kind, acc, next, i + 1 == n ? out_ : b_.fresh(out_ + "." + std::to_string(i)));
    }
    if (n == 1) pass_through();
  }

  bool activation(const std::string& op) {
    const float alpha = attributes_.alpha;
    if (op == "Relu") {
      emit_activation(OpKind::Relu, b_.input_of(node_, 0));
    } else if (op == "LeakyRelu") {
      emit_activation(OpKind::LeakyRelu, b_.input_of(node_, 0), attributes_.alpha_given ? alpha : 0.01f);
    } else if (op == "Sigmoid") {
      emit_activation(OpKind::Sigmoid, b_.input_of(node_, 0));
    } else if (op == "Tanh") {
      emit_activation(OpKind::Tanh, b_.input_of(node_, 0));
    } else if (op == "HardSigmoid") {
      emit_activation(OpKind::HardSigmoid, b_.input_of(node_, 0), attributes_.alpha_given ? alpha : 0.2f,
                      attributes_.beta_given ? attributes_.beta : 0.5f);
    } else if (op == "HardSwish") {
      emit_activation(OpKind::HardSwish, b_.input_of(node_, 0));
    } else {
      return false;
    }
    return true;
  }

  // Clip-1 and Clip-6: bounds as attributes; Clip-6 gave them defaults of
  // -FLT_MAX and FLT_MAX (so it turns infinities into those).
  void clip_attributes() {
    const float far = b_.opset() >= 6 ? std::numeric_limits<float>::max() : kInf;
    const TensorId x = b_.input_of(node_, 0);
    emit_activation(OpKind::Clip, x, attributes_.clip_min.value_or(-far), attributes_.clip_max.value_or(far));
  }

  // A given bound of Clip-11 and later: a scalar tensor.
  TensorId bound(int index) const {
    const TensorId t = b_.input_of(node_, index);
    const char* name = index == 1 ? "min" : "max";
    if (!shape(t).is_scalar()) {
      fail(std::string(name) + " " + quoted(b_.tensor(t).name) + " has shape " + ir::to_string(shape(t)),
           "a scalar bound: [] or [1]");
    }
    return t;
  }

  bool is_constant(TensorId t) const {
    const ir::Tensor& tensor = b_.tensor(t);
    return tensor.kind == ir::TensorKind::Param && tensor.values.size() == 1;
  }

  float constant_bound(TensorId t, int index, float absent) const {
    if (t == ir::kNone) return absent;
    const float value = b_.tensor(t).values[0];
    if (std::isnan(value)) {
      fail(std::string(index == 1 ? "min" : "max") + " " + quoted(b_.tensor(t).name) + " is nan",
           "a number, -inf or inf");
    }
    return value;
  }

  void clip_inputs() {
    const TensorId x = b_.input_of(node_, 0);
    const TensorId lo = has_input(node_, 1) ? bound(1) : ir::kNone;
    const TensorId hi = has_input(node_, 2) ? bound(2) : ir::kNone;
    if ((lo == ir::kNone || is_constant(lo)) && (hi == ir::kNone || is_constant(hi))) {
      emit_activation(OpKind::Clip, x, constant_bound(lo, 1, -kInf), constant_bound(hi, 2, kInf));
      return;
    }
    // A bound given at run time: max(x, min), then min(., max), each keeping x's shape.
    TensorId y = x;
    for (const auto& [t, kind] : {std::pair{lo, OpKind::Max}, std::pair{hi, OpKind::Min}}) {
      if (t == ir::kNone) continue;
      const auto out = ir::broadcast(shape(y), shape(t));
      if (!out || out->dims() != shape(x).dims()) {
        fail("bound " + quoted(b_.tensor(t).name) + " of shape " + ir::to_string(shape(t)) + " for an input of shape " +
                 ir::to_string(shape(x)),
             "bounds that keep the input's shape");
      }
      const bool last = kind == OpKind::Min || hi == ir::kNone;
      y = combine(kind, y, t, last ? out_ : b_.fresh(out_ + ".clip_min"));
    }
  }

  // The output is the input: a second name, or a copy for a graph output.
  void pass_through() {
    const TensorId x = b_.input_of(node_, 0);
    if (!b_.is_graph_output(out_)) return b_.alias(out_, x, key_);
    copy(x);
  }

  void copy(TensorId x) {
    ir::Op copy;
    copy.kind = OpKind::Scale;
    copy.inputs = {x};
    copy.scale = 1.0f;  // x * 1 is x, bit for bit (NaN stays NaN, -0 stays -0)
    b_.emit(std::move(copy), out_, shape(x), key_);
  }

  void dropout() {
    const std::string inference = "tilesim runs inference";
    if (b_.opset() < 7 && !attributes_.is_test) {
      fail("is_test is 0, training mode, in opset " + std::to_string(b_.opset()), "is_test=1: " + inference);
    }
    if (has_input(node_, 1) && !b_.constant(node_.input(1))) b_.input_of(node_, 1);  // ratio: defined, unused
    if (has_input(node_, 2)) training_mode(node_.input(2));
    if (node_.output_size() == 2 && !node_.output(1).empty() && b_.is_read(node_.output(1))) {
      fail("its mask output " + quoted(node_.output(1)) + " is read",
           "the mask unused: in inference it is all true, a BOOL tensor tilesim does not compute");
    }
    pass_through();
  }

  // Dropout-12's training_mode: a constant false.
  void training_mode(const std::string& name) const {
    const std::string expected = "training_mode absent or a constant false: tilesim runs inference";
    const onnx::TensorProto* value = b_.constant(name);
    if (!value) fail("training_mode " + quoted(name) + " is not a constant", expected);
    const bool one = std::all_of(value->dims().begin(), value->dims().end(), [](std::int64_t d) { return d == 1; });
    const bool is_bool = value->data_type() == onnx::TensorProto::BOOL && one;
    const bool in_raw = is_bool && value->raw_data().size() == 1 && value->int32_data_size() == 0;
    const bool in_ints = is_bool && value->raw_data().empty() && value->int32_data_size() == 1;
    if (!in_raw && !in_ints) fail("training_mode " + quoted(name) + " is not one BOOL value", expected);
    if (in_raw ? value->raw_data()[0] != 0 : value->int32_data(0) != 0) {
      fail("training_mode " + quoted(name) + " is true", expected);
    }
  }

  void constant() {
    const onnx::AttributeProto& a = *attributes_.constant_value;
    onnx::TensorProto value;
    if (a.name() == "value") {
      value = a.t();
    } else if (a.name() == "value_float" || a.name() == "value_floats") {
      value.set_data_type(onnx::TensorProto::FLOAT);
      if (a.name() == "value_float") value.add_float_data(a.f());
      for (const float f : a.floats()) value.add_float_data(f);
      if (a.name() == "value_floats") value.add_dims(a.floats_size());
    } else if (a.name() == "value_int" || a.name() == "value_ints") {
      value.set_data_type(onnx::TensorProto::INT64);
      if (a.name() == "value_int") value.add_int64_data(a.i());
      for (const std::int64_t i : a.ints()) value.add_int64_data(i);
      if (a.name() == "value_ints") value.add_dims(a.ints_size());
    } else {
      fail("attribute " + quoted(a.name()) + " holds a " +
               (a.name() == "sparse_value" ? std::string("sparse tensor") : std::string("string")),
           "value, value_float, value_floats, value_int or value_ints");
    }
    // A graph output must be computed: the value under another name, copied.
    const bool output = b_.is_graph_output(out_);
    value.set_name(output ? b_.fresh(out_ + ".value") : out_);
    const TensorId id = b_.add_constant(value, key_);
    if (!output) return;
    if (id == ir::kNone) {
      const int type = value.data_type();
      fail("its value, a graph output, has data type " +
               (onnx::TensorProto_DataType_IsValid(type)
                    ? onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(type))
                    : "number " + std::to_string(type)),
           "FLOAT or DOUBLE");
    }
    copy(id);
  }
};

}  // namespace

bool import_elementwise(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                        const std::string& key) {
  return ElementwiseImporter(builder, node, attributes, key).run();
}

}  // namespace tilesim::frontend
