#include "compiler/frontend/onnx_folded_value.h"

#include <onnx/onnx_pb.h>

#include <cstring>

#include "compiler/frontend/onnx_tensor.h"

namespace tilesim::frontend {

namespace {

bool is_int_type(int type) {
  return type == onnx::TensorProto::INT64 || type == onnx::TensorProto::INT32 || type == onnx::TensorProto::BOOL;
}

// Little-endian integers of `width` bytes (8, 4 or 1) from raw_data.
std::vector<std::int64_t> raw_values(const std::string& raw, std::size_t width) {
  std::vector<std::int64_t> values(raw.size() / width);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (width == 8) {
      std::memcpy(&values[i], raw.data() + i * 8, 8);
    } else if (width == 4) {
      std::int32_t v;
      std::memcpy(&v, raw.data() + i * 4, 4);
      values[i] = v;
    } else {
      values[i] = raw[i] != 0;
    }
  }
  return values;
}

std::optional<Refusal> read_ints(const onnx::TensorProto& proto, std::int64_t count, FoldedValue* out) {
  const int type = proto.data_type();
  const bool int64 = type == onnx::TensorProto::INT64;
  const std::size_t width = int64 ? 8 : type == onnx::TensorProto::INT32 ? 4 : 1;
  const std::string field = int64 ? "int64_data" : "int32_data";
  const int typed = int64 ? proto.int64_data_size() : proto.int32_data_size();
  const int stray = proto.float_data_size() + proto.double_data_size() + proto.uint64_data_size() +
                    proto.string_data_size() + (int64 ? proto.int32_data_size() : proto.int64_data_size());
  const auto need = static_cast<std::uint64_t>(count);
  const bool raw = proto.has_raw_data();
  if (stray > 0 || (raw && typed > 0) || (raw ? proto.raw_data().size() != need * width : typed != count)) {
    return Refusal{"does not hold its " + std::to_string(count) + " " + data_type_text(type) + " values in one place",
                   "exactly as many values as its dims give, in raw_data or " + field};
  }
  if (raw) {
    out->ints = raw_values(proto.raw_data(), width);
  } else if (int64) {
    out->ints.assign(proto.int64_data().begin(), proto.int64_data().end());
  } else {
    out->ints.assign(proto.int32_data().begin(), proto.int32_data().end());
    if (type == onnx::TensorProto::BOOL) {
      for (std::int64_t& v : out->ints) v = v != 0;
    }
  }
  return std::nullopt;
}

}  // namespace

bool FoldedValue::is_float() const { return type == onnx::TensorProto::FLOAT; }

bool FoldedValue::is_integer() const { return type == onnx::TensorProto::INT64 || type == onnx::TensorProto::INT32; }

std::string data_type_text(int type) {
  if (!onnx::TensorProto_DataType_IsValid(type)) return "type " + std::to_string(type);
  return onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(type));
}

std::int64_t element_count(const Dims& dims) {
  std::int64_t n = 1;
  for (const std::int64_t d : dims) n *= d;
  return n;
}

std::optional<Refusal> read_folded(const onnx::TensorProto& proto, FoldedValue* out) {
  const int type = proto.data_type();
  const bool floating = type == onnx::TensorProto::FLOAT || type == onnx::TensorProto::DOUBLE;
  if (!floating && !is_int_type(type)) {
    return Refusal{"has data type " + data_type_text(type), "FLOAT, DOUBLE, INT64, INT32 or BOOL"};
  }
  out->dims.assign(proto.dims().begin(), proto.dims().end());
  for (const std::int64_t d : out->dims) {
    if (d < 0) return Refusal{"has a dimension of " + std::to_string(d), "dimensions >= 0"};
  }
  if (auto refusal = elements_refusal(proto.name(), out->dims)) return refusal;
  if (proto.data_location() == onnx::TensorProto::EXTERNAL || proto.external_data_size() > 0) {
    return Refusal{"its values are stored in an external file", "the values in the .onnx file itself"};
  }
  const std::int64_t count = element_count(out->dims);
  out->type = floating ? static_cast<int>(onnx::TensorProto::FLOAT) : type;
  if (!floating) return read_ints(proto, count, out);
  if (auto refusal = tensor_storage_refusal(proto, ".onnx")) return refusal;
  if (auto refusal = tensor_values_refusal(proto, count)) return refusal;
  out->floats = tensor_values(proto, count);
  return std::nullopt;
}

onnx::TensorProto to_proto(const FoldedValue& value, const std::string& name) {
  onnx::TensorProto proto;
  proto.set_name(name);
  proto.set_data_type(value.type);
  for (const std::int64_t d : value.dims) proto.add_dims(d);
  if (value.is_float()) {
    proto.mutable_float_data()->Add(value.floats.begin(), value.floats.end());
  } else if (value.type == onnx::TensorProto::INT64) {
    proto.mutable_int64_data()->Add(value.ints.begin(), value.ints.end());
  } else {
    for (const std::int64_t v : value.ints) proto.add_int32_data(static_cast<std::int32_t>(v));
  }
  return proto;
}

std::optional<Dims> broadcast_dims(const Dims& a, const Dims& b) {
  Dims out(std::max(a.size(), b.size()));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::int64_t da = i < out.size() - a.size() ? 1 : a[i - (out.size() - a.size())];
    const std::int64_t db = i < out.size() - b.size() ? 1 : b[i - (out.size() - b.size())];
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Dims strides_of(const Dims& dims) {
  Dims strides(dims.size(), 1);
  for (std::size_t i = dims.size(); i-- > 1;) strides[i - 1] = strides[i] * dims[i];
  return strides;
}

std::vector<std::int64_t> strided_index(const Dims& out, const Dims& strides, std::int64_t base) {
  std::vector<std::int64_t> index(static_cast<std::size_t>(element_count(out)));
  Dims at(out.size(), 0);
  std::int64_t offset = base;
  for (std::int64_t& i : index) {
    i = offset;
    for (std::size_t d = out.size(); d-- > 0;) {  // the next element, as an odometer turns
      offset += strides[d];
      if (++at[d] < out[d]) break;
      offset -= strides[d] * out[d];
      at[d] = 0;
    }
  }
  return index;
}

std::vector<std::int64_t> broadcast_index(const Dims& out, const Dims& in) {
  const Dims in_strides = strides_of(in);
  Dims strides(out.size(), 0);
  const std::size_t lead = out.size() - in.size();
  for (std::size_t d = 0; d < in.size(); ++d) strides[lead + d] = in[d] == 1 ? 0 : in_strides[d];
  return strided_index(out, strides);
}

FoldedValue pick(const FoldedValue& from, const std::vector<std::int64_t>& index, Dims dims) {
  FoldedValue out;
  out.type = from.type;
  out.dims = std::move(dims);
  if (from.is_float()) {
    out.floats.reserve(index.size());
    for (const std::int64_t i : index) out.floats.push_back(from.floats[static_cast<std::size_t>(i)]);
  } else {
    out.ints.reserve(index.size());
    for (const std::int64_t i : index) out.ints.push_back(from.ints[static_cast<std::size_t>(i)]);
  }
  return out;
}

}  // namespace tilesim::frontend
