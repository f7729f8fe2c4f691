// The folded ops that compute values: Cast, ConstantOfShape, Range, Where,
// Equal, Less, Greater, Add, Sub, Mul and Div (onnx_fold_node.h). Integer
// arithmetic is exact: a result outside its type's range is refused, never
// wrapped.
#include <onnx/onnx_pb.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "compiler/frontend/onnx_fold_node.h"
#include "compiler/support/input_error.h"

namespace tilesim::frontend {

namespace {

constexpr int kFloat = onnx::TensorProto::FLOAT;
constexpr int kInt64 = onnx::TensorProto::INT64;
constexpr int kInt32 = onnx::TensorProto::INT32;
constexpr int kBool = onnx::TensorProto::BOOL;

std::string number_text(double v) {
  std::ostringstream text;
  text << v;
  return text.str();
}

// Whether `v` fits integer type `type` (BOOL: any value, cast to v != 0).
bool fits(long double v, int type) {
  if (type == kInt32)
    return v >= std::numeric_limits<std::int32_t>::min() && v <= std::numeric_limits<std::int32_t>::max();
  return v >= -9223372036854775808.0L && v < 9223372036854775808.0L;
}

double element(const FoldedValue& v, std::size_t i) {
  return v.is_float() ? static_cast<double>(v.floats[i]) : static_cast<double>(v.ints[i]);
}

FoldedValue cast(FoldNode& n) {
  const FoldedValue& x = n.value(0, "input", true);
  if (!n.attributes().to) n.fail("has no attribute 'to'", "the data type to cast to");
  int to = *n.attributes().to;
  if (to == onnx::TensorProto::DOUBLE) to = kFloat;  // tilesim computes in float32
  if (to != kFloat && to != kInt64 && to != kInt32 && to != kBool) {
    n.fail("to is " + data_type_text(*n.attributes().to), "FLOAT, DOUBLE, INT64, INT32 or BOOL");
  }
  FoldedValue y;
  y.type = to;
  y.dims = x.dims;
  for (std::size_t i = 0; i < static_cast<std::size_t>(x.count()); ++i) {
    if (to == kFloat) {
      y.floats.push_back(x.is_float() ? x.floats[i] : static_cast<float>(x.ints[i]));
    } else if (to == kBool) {
      y.ints.push_back(x.is_float() ? x.floats[i] != 0.0f : x.ints[i] != 0);
    } else {
      const long double v = x.is_float() ? std::trunc(static_cast<long double>(x.floats[i])) : x.ints[i];
      if (!fits(v, to)) {  // NaN fits nothing
        n.fail(n.shown(0, "input") + " holds " + number_text(element(x, i)) + " at position " + std::to_string(i),
               "values " + data_type_text(to) + " can hold");
      }
      y.ints.push_back(static_cast<std::int64_t>(v));
    }
  }
  return y;
}

FoldedValue constant_of_shape(FoldNode& n) {
  const Dims shape = n.ints(0, "input");
  for (const std::int64_t d : shape) {
    if (d < 0) n.fail("input " + list_text(shape) + " has " + std::to_string(d), "dims >= 0");
  }
  FoldedValue fill;
  fill.type = kFloat;
  fill.floats = {0.0f};
  if (const onnx::AttributeProto* value = n.attributes().constant_value) {
    if (const auto refusal = read_folded(value->t(), &fill)) n.fail("value " + refusal->problem, refusal->expected);
    if (fill.count() != 1) n.fail("value has " + std::to_string(fill.count()) + " elements", "one value");
  }
  n.reserve(shape);
  const auto count = static_cast<std::size_t>(element_count(shape));
  fill.dims = shape;
  if (fill.is_float()) fill.floats.assign(count, fill.floats[0]);
  if (!fill.is_float()) fill.ints.assign(count, fill.ints[0]);
  return fill;
}

// start, start + delta, ... while before limit: ONNX's Range, whose float
// values are accumulated in float32 (the op's function body).
FoldedValue range(FoldNode& n) {
  const FoldedValue& start = n.value(0, "start");
  const char* names[] = {"start", "limit", "delta"};
  for (int i = 0; i < 3; ++i) {
    const FoldedValue& v = n.value(i, names[i]);
    if (v.type != start.type || v.type == kBool) {
      n.fail(n.shown(i, names[i]) + " has data type " + data_type_text(v.type) + " and start " +
                 data_type_text(start.type),
             "start, limit and delta of one type: FLOAT, INT64 or INT32");
    }
    if (!v.dims.empty()) n.fail(n.shown(i, names[i]) + " has shape " + list_text(v.dims), "a scalar");
    if (!std::isfinite(element(v, 0)))
      n.fail(n.shown(i, names[i]) + " is " + number_text(element(v, 0)), "a finite number");
  }
  const FoldedValue &limit = n.value(1, "limit"), &delta = n.value(2, "delta");
  if (element(delta, 0) == 0) n.fail(n.shown(2, "delta") + " is 0", "a delta other than 0");
  long double steps = 0;  // ceil((limit - start) / delta), exact for integers
  if (start.is_float()) {
    steps = std::ceil((static_cast<long double>(limit.floats[0]) - start.floats[0]) / delta.floats[0]);
  } else {
    const __int128 span = static_cast<__int128>(limit.ints[0]) - start.ints[0], d = delta.ints[0];
    const __int128 q = span / d;
    steps = static_cast<long double>(q + ((span % d != 0 && (span % d > 0) == (d > 0)) ? 1 : 0));
  }
  steps = std::max<long double>(steps, 0);
  const std::int64_t most = std::numeric_limits<std::int64_t>::max();
  const auto count = steps >= static_cast<long double>(most) ? most : static_cast<std::int64_t>(steps);
  n.reserve({count});
  FoldedValue out;
  out.type = start.type;
  out.dims = {count};
  float next = start.is_float() ? start.floats[0] : 0.0f;
  for (std::int64_t i = 0; i < count; ++i) {
    if (start.is_float()) {
      out.floats.push_back(next);
      next += delta.floats[0];
    } else {
      out.ints.push_back(start.ints[0] + i * delta.ints[0]);
    }
  }
  return out;
}

// The inputs' dims broadcast (NumPy's rule); before opset 7 they must be equal.
Dims broadcast_all(FoldNode& n, const std::vector<const FoldedValue*>& inputs) {
  Dims out = inputs[0]->dims;
  for (std::size_t i = 1; i < inputs.size(); ++i) {
    const std::optional<Dims> next = broadcast_dims(out, inputs[i]->dims);
    if (!next || (n.opset() < 7 && inputs[i]->dims != out)) {
      std::string shapes;
      for (std::size_t j = 0; j < inputs.size(); ++j) shapes += (j ? " and " : "") + list_text(inputs[j]->dims);
      n.fail("inputs of shapes " + shapes + " do not broadcast",
             n.opset() < 7 ? "equal shapes (broadcasting is folded from opset 7)"
                           : "shapes that broadcast (NumPy's rule)");
    }
    out = *next;
  }
  n.reserve(out);
  return out;
}

FoldedValue where(FoldNode& n) {
  const FoldedValue& c = n.value(0, "condition", true);
  const FoldedValue& x = n.value(1, "X", true);
  const FoldedValue& y = n.value(2, "Y", true);
  if (c.type != kBool) n.fail(n.shown(0, "condition") + " has data type " + data_type_text(c.type), "BOOL");
  if (x.type != y.type) {
    n.fail("X has data type " + data_type_text(x.type) + " and Y " + data_type_text(y.type), "X and Y of one type");
  }
  const Dims out = broadcast_all(n, {&c, &x, &y});
  const auto ci = broadcast_index(out, c.dims), xi = broadcast_index(out, x.dims), yi = broadcast_index(out, y.dims);
  std::vector<std::int64_t> flat(ci.size());
  FoldedValue both = x;  // X's elements, then Y's: one pick of either
  both.floats.insert(both.floats.end(), y.floats.begin(), y.floats.end());
  both.ints.insert(both.ints.end(), y.ints.begin(), y.ints.end());
  for (std::size_t i = 0; i < ci.size(); ++i) flat[i] = c.ints[ci[i]] ? xi[i] : x.count() + yi[i];
  return pick(both, flat, out);
}

// a op b of integers, exact, or nothing when it overflows INT64 (or divides by 0).
std::optional<std::int64_t> integer_op(const std::string& op, std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (op == "Add" && !__builtin_add_overflow(a, b, &r)) return r;
  if (op == "Sub" && !__builtin_sub_overflow(a, b, &r)) return r;
  if (op == "Mul" && !__builtin_mul_overflow(a, b, &r)) return r;
  if (op == "Div" && b != 0 && !(a == std::numeric_limits<std::int64_t>::min() && b == -1)) return a / b;  // truncates
  return std::nullopt;
}

float float_op(const std::string& op, float a, float b) {
  if (op == "Add") return a + b;
  if (op == "Sub") return a - b;
  if (op == "Mul") return a * b;
  return a / b;
}

template <typename T>
bool compare(const std::string& op, T a, T b) {
  return op == "Equal" ? a == b : op == "Less" ? a < b : a > b;
}

FoldedValue binary(FoldNode& n) {
  const std::string& op = n.op();
  const FoldedValue& a = n.value(0, "A", true);
  const FoldedValue& b = n.value(1, "B", true);
  const bool comparison = op == "Equal" || op == "Less" || op == "Greater";
  if (a.type != b.type || (a.type == kBool && op != "Equal")) {
    n.fail("A has data type " + data_type_text(a.type) + " and B " + data_type_text(b.type),
           std::string("A and B of one type: FLOAT, INT64 or INT32") + (op == "Equal" ? " or BOOL" : ""));
  }
  FoldedValue out;
  out.type = comparison ? kBool : a.type;
  out.dims = broadcast_all(n, {&a, &b});
  const auto ai = broadcast_index(out.dims, a.dims), bi = broadcast_index(out.dims, b.dims);
  for (std::size_t i = 0; i < ai.size(); ++i) {
    const auto ia = static_cast<std::size_t>(ai[i]), ib = static_cast<std::size_t>(bi[i]);
    if (comparison) {
      out.ints.push_back(a.is_float() ? compare(op, a.floats[ia], b.floats[ib]) : compare(op, a.ints[ia], b.ints[ib]));
    } else if (a.is_float()) {
      out.floats.push_back(float_op(op, a.floats[ia], b.floats[ib]));
    } else {
      const std::optional<std::int64_t> r = integer_op(op, a.ints[ia], b.ints[ib]);
      if (!r || !fits(static_cast<long double>(*r), a.type)) {
        n.fail(std::to_string(a.ints[ia]) + " " + op + " " + std::to_string(b.ints[ib]) +
                   (r                                ? " is outside " + data_type_text(a.type)
                    : op == "Div" && b.ints[ib] == 0 ? " divides by 0"
                                                     : " overflows INT64"),
               "integer arithmetic with an exact " + data_type_text(a.type) + " result");
      }
      out.ints.push_back(*r);
    }
  }
  return out;
}

}  // namespace

FoldedValue fold_math_op(FoldNode& n) {
  const std::string& op = n.op();
  if (op == "Cast") return cast(n);
  if (op == "ConstantOfShape") return constant_of_shape(n);
  if (op == "Range") return range(n);
  if (op == "Where") return where(n);
  return binary(n);
}

}  // namespace tilesim::frontend
