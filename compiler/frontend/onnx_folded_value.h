// A constant the ONNX importer computes at import (onnx_constant_folding.h):
// its data type, dims and values, kept typed - INT64 shapes and indices stay
// exact integers, BOOL masks stay booleans - until a node tilesim computes
// reads it (then it becomes a float32 param). Also the strict reading of an
// initializer, a Constant's value or an attribute tensor into one, and the
// index arithmetic the folded ops share (row-major, NumPy broadcasting).
//
// Types: FLOAT (DOUBLE is read as FLOAT, as tilesim reads DOUBLE
// initializers), INT64, INT32 and BOOL (ints holds 0 or 1). Dims may be 0
// (an empty shape list), unlike a tensor of the graph.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/frontend/size_limits.h"

namespace onnx {
class TensorProto;
}

namespace tilesim::frontend {

using Dims = std::vector<std::int64_t>;

struct FoldedValue {
  int type = 0;  // an onnx::TensorProto data type: FLOAT, INT64, INT32 or BOOL
  Dims dims;
  std::vector<std::int64_t> ints;  // INT64, INT32 and BOOL
  std::vector<float> floats;       // FLOAT

  bool is_float() const;
  bool is_integer() const;  // INT64 or INT32
  std::int64_t count() const { return static_cast<std::int64_t>(is_float() ? floats.size() : ints.size()); }
};

// "INT64": a data type's name, or "type N" for a number no type has.
std::string data_type_text(int type);

// The product of dims that are each >= 0 and fit a tensor (size_limits.h).
std::int64_t element_count(const Dims& dims);

// `proto` as a FoldedValue, or why not: a data type other than FLOAT,
// DOUBLE, INT64, INT32 or BOOL, a negative dim, values stored elsewhere than
// in the one field of the type or raw_data, or not exactly as many as the
// dims give. `elements_refusal` (size_limits.h) is checked first.
std::optional<Refusal> read_folded(const onnx::TensorProto& proto, FoldedValue* out);

// The value as a TensorProto named `name` (float_data, int64_data or int32_data).
onnx::TensorProto to_proto(const FoldedValue& value, const std::string& name);

// The dims `a` and `b` broadcast to (NumPy's rule), or nothing.
std::optional<Dims> broadcast_dims(const Dims& a, const Dims& b);

// For each element of a tensor of dims `out`, row-major, the flat index
// base + sum(i_d * strides[d]) of another tensor.
std::vector<std::int64_t> strided_index(const Dims& out, const Dims& strides, std::int64_t base = 0);

// For each element of `out`, the flat index of the element of a tensor of
// dims `in` (which broadcast to `out`) it reads.
std::vector<std::int64_t> broadcast_index(const Dims& out, const Dims& in);

// Row-major strides of `dims`.
Dims strides_of(const Dims& dims);

// A value of `dims` holding `from`'s elements at `index`, of `from`'s type.
FoldedValue pick(const FoldedValue& from, const std::vector<std::int64_t>& index, Dims dims);

}  // namespace tilesim::frontend
