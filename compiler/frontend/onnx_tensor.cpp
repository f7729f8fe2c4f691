#include "compiler/frontend/onnx_tensor.h"

#include <onnx/onnx_pb.h>

#include <cstring>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "raw_data is little-endian, as is the host");

namespace tilesim::frontend {

namespace {

std::string data_type_name(int type) {
  if (!onnx::TensorProto_DataType_IsValid(type)) return std::to_string(type);
  return onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(type));
}

bool is_float(const onnx::TensorProto& proto) { return proto.data_type() == onnx::TensorProto::FLOAT; }

// The typed value fields other than the data type's own that hold values.
std::string stray_field(const onnx::TensorProto& proto) {
  const int type = proto.data_type();
  if (type != onnx::TensorProto::FLOAT && proto.float_data_size() > 0) return "float_data";
  if (type != onnx::TensorProto::DOUBLE && proto.double_data_size() > 0) return "double_data";
  if (proto.int32_data_size() > 0) return "int32_data";
  if (proto.int64_data_size() > 0) return "int64_data";
  if (proto.uint64_data_size() > 0) return "uint64_data";
  if (proto.string_data_size() > 0) return "string_data";
  return "";
}

std::string dims_shown(const onnx::TensorProto& proto) {
  std::string text = "[";
  for (int i = 0; i < proto.dims_size(); ++i) text += (i ? ", " : "") + std::to_string(proto.dims(i));
  return text + "]";
}

}  // namespace

std::optional<Refusal> tensor_storage_refusal(const onnx::TensorProto& proto, const std::string& file_kind) {
  const int type = proto.data_type();
  if (type != onnx::TensorProto::FLOAT && type != onnx::TensorProto::DOUBLE) {
    return Refusal{"data type " + data_type_name(type) + " is not supported", "FLOAT or DOUBLE"};
  }
  if (proto.data_location() == onnx::TensorProto::EXTERNAL || proto.external_data_size() > 0) {
    return Refusal{"the values are stored in an external file", "the values in the " + file_kind + " file itself"};
  }
  if (proto.has_segment()) return Refusal{"is a segment of a larger tensor", "a whole tensor"};
  return std::nullopt;
}

std::optional<Refusal> tensor_values_refusal(const onnx::TensorProto& proto, std::int64_t elements) {
  const std::string type_name = data_type_name(proto.data_type());
  const std::string typed_field = is_float(proto) ? "float_data" : "double_data";
  const std::string stray = stray_field(proto);
  if (!stray.empty())
    return Refusal{"a " + type_name + " tensor with values in " + stray, typed_field + " or raw_data"};
  const int typed_count = is_float(proto) ? proto.float_data_size() : proto.double_data_size();
  if (proto.has_raw_data() && typed_count > 0) {
    return Refusal{"values in both raw_data and " + typed_field, "the values in one of them"};
  }
  const auto count = static_cast<std::uint64_t>(elements);
  if (proto.has_raw_data()) {
    const std::uint64_t need = count * (is_float(proto) ? 4 : 8);
    if (proto.raw_data().size() != need) {
      return Refusal{"raw_data is " + std::to_string(proto.raw_data().size()) + " bytes, dims " + dims_shown(proto) +
                         " of " + type_name + " need " + std::to_string(need),
                     "exactly the tensor's values"};
    }
  } else if (static_cast<std::uint64_t>(typed_count) != count) {
    return Refusal{typed_field + " holds " + std::to_string(typed_count) + " values, dims " + dims_shown(proto) +
                       " need " + std::to_string(count),
                   "exactly the tensor's values"};
  }
  return std::nullopt;
}

std::vector<float> tensor_values(const onnx::TensorProto& proto, std::int64_t elements) {
  const auto count = static_cast<std::size_t>(elements);
  std::vector<float> data(count);
  if (proto.has_raw_data()) {
    const char* src = proto.raw_data().data();
    if (is_float(proto)) {
      if (count > 0) std::memcpy(data.data(), src, count * 4);  // memcpy from null is UB even for 0 bytes
    } else {
      for (std::size_t i = 0; i < count; ++i) {
        double v;
        std::memcpy(&v, src + i * 8, 8);
        data[i] = static_cast<float>(v);  // rounds to nearest; beyond the float range gives +-inf
      }
    }
  } else if (is_float(proto)) {
    std::copy(proto.float_data().begin(), proto.float_data().end(), data.begin());
  } else {
    for (std::size_t i = 0; i < count; ++i) data[i] = static_cast<float>(proto.double_data(static_cast<int>(i)));
  }
  return data;
}

}  // namespace tilesim::frontend
