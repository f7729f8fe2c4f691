#include "sim/io/tensor_proto.h"

#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

#include <onnx/onnx_pb.h>

#include "compiler/support/input_error.h"
#include "sim/io/staged_file.h"
#include "sim/io/npy_header.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "raw_data is little-endian, as is the host");

namespace tilesim {

namespace {

constexpr const char* kNotProto = "not an ONNX TensorProto";
constexpr const char* kExpectedProto = "a serialized onnx.TensorProto, as the ONNX backend test data stores it";
// protobuf refuses messages of 2 GiB and more.
constexpr std::uint64_t kMaxProtoBytes = INT_MAX;

[[noreturn]] void fail(const std::string& path, const std::string& problem, const std::string& expected) {
  throw InputError(path, "", problem, expected);
}

std::string data_type_name(int type) {
  const std::string& name = onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(type));
  return name.empty() ? std::to_string(type) : name;
}

std::string read_whole_file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode)) {
    fail(path, S_ISDIR(info.st_mode) ? "is a directory" : "is not a regular file", "a .pb file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot open: ") + std::strerror(errno), "a readable .pb file");
  in.seekg(0, std::ios::end);
  const std::streamoff end = in.tellg();
  in.seekg(0, std::ios::beg);
  if (end < 0 || !in) fail(path, "cannot determine the file size", "a regular .pb file");
  const auto size = static_cast<std::uint64_t>(end);
  if (size == 0) throw InputError(path, kNotProto, "the file is empty", kExpectedProto);
  if (size > kMaxProtoBytes) {
    throw InputError(path, kNotProto, "the file is " + std::to_string(size) + " bytes",
                     "at most 2147483647 bytes, protobuf's message limit");
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) {
    fail(path, "read failed after " + std::to_string(in.gcount()) + " of " + std::to_string(size) + " bytes",
         "a readable file");
  }
  return bytes;
}

// The typed value fields other than the one `type` uses, that hold values.
std::string stray_field(const onnx::TensorProto& proto, int type) {
  if (type != onnx::TensorProto::FLOAT && proto.float_data_size() > 0) return "float_data";
  if (type != onnx::TensorProto::DOUBLE && proto.double_data_size() > 0) return "double_data";
  if (proto.int32_data_size() > 0) return "int32_data";
  if (proto.int64_data_size() > 0) return "int64_data";
  if (proto.uint64_data_size() > 0) return "uint64_data";
  if (proto.string_data_size() > 0) return "string_data";
  return "";
}

}  // namespace

HostTensor read_tensor_proto(const std::string& path, std::string* name) {
  const std::string bytes = read_whole_file(path);
  onnx::TensorProto proto;
  if (!proto.ParseFromString(bytes)) {
    throw InputError(path, kNotProto, "the bytes do not parse as one", kExpectedProto);
  }
  // protobuf keeps fields it does not know; a TensorProto file has none.
  if (proto.unknown_fields().field_count() > 0) {
    throw InputError(
        path, kNotProto,
        "field number " + std::to_string(proto.unknown_fields().field(0).number()) + " is not a TensorProto field",
        kExpectedProto);
  }

  const int type = proto.data_type();
  if (type != onnx::TensorProto::FLOAT && type != onnx::TensorProto::DOUBLE) {
    fail(path, "data type " + data_type_name(type) + " is not supported", "FLOAT or DOUBLE");
  }
  if (proto.data_location() == onnx::TensorProto::EXTERNAL || proto.external_data_size() > 0) {
    fail(path, "the values are stored in an external file", "the values in the .pb file itself");
  }
  if (proto.has_segment()) fail(path, "is a segment of a larger tensor", "a whole tensor");

  std::vector<std::int64_t> dims(proto.dims().begin(), proto.dims().end());
  const std::string dims_shown = dims_text(dims);
  if (dims.size() > static_cast<std::size_t>(kMaxHostRank)) {
    fail(path, "dims " + dims_shown + " have rank " + std::to_string(dims.size()), "rank 0 to 4");
  }
  bool too_large = false;
  for (const std::int64_t d : dims) {
    if (d < 0) fail(path, "dims " + dims_shown + " have a negative dimension", "sizes >= 0");
    too_large = too_large || d > npy::kMaxElements;
  }
  std::int64_t elements = 1;
  for (const std::int64_t d : dims) {
    elements = d != 0 && elements > npy::kMaxElements / d ? npy::kMaxElements + 1 : elements * d;
  }
  if (too_large || elements > npy::kMaxElements) {
    fail(path, "dims " + dims_shown + " are too large",
         "at most " + std::to_string(npy::kMaxElements) + " (2^31) elements");
  }

  const bool is_float = type == onnx::TensorProto::FLOAT;
  const std::string type_name = data_type_name(type);
  const std::string typed_field = is_float ? "float_data" : "double_data";
  const std::string stray = stray_field(proto, type);
  if (!stray.empty()) {
    fail(path, "a " + type_name + " tensor with values in " + stray, typed_field + " or raw_data");
  }
  const int typed_count = is_float ? proto.float_data_size() : proto.double_data_size();
  const bool raw = proto.has_raw_data();
  if (raw && typed_count > 0) {
    fail(path, "values in both raw_data and " + typed_field, "the values in one of them");
  }
  const auto count = static_cast<std::size_t>(elements);
  const std::size_t item_bytes = is_float ? 4 : 8;
  if (raw) {
    const std::size_t have = proto.raw_data().size();
    if (have != count * item_bytes) {
      fail(path,
           "raw_data is " + std::to_string(have) + " bytes, dims " + dims_shown + " of " + type_name + " need " +
               std::to_string(count * item_bytes),
           "exactly the tensor's values");
    }
  } else if (static_cast<std::size_t>(typed_count) != count) {
    fail(path,
         typed_field + " holds " + std::to_string(typed_count) + " values, dims " + dims_shown + " need " +
             std::to_string(count),
         "exactly the tensor's values");
  }

  std::vector<float> data(count);
  if (raw) {
    const char* src = proto.raw_data().data();
    if (is_float) {
      if (count > 0) std::memcpy(data.data(), src, count * 4);  // memcpy from null is UB even for 0 bytes
    } else {
      for (std::size_t i = 0; i < count; ++i) {
        double v;
        std::memcpy(&v, src + i * 8, 8);
        data[i] = static_cast<float>(v);  // rounds to nearest; beyond the float range gives +-inf
      }
    }
  } else if (is_float) {
    std::copy(proto.float_data().begin(), proto.float_data().end(), data.begin());
  } else {
    for (std::size_t i = 0; i < count; ++i) data[i] = static_cast<float>(proto.double_data(static_cast<int>(i)));
  }
  if (name) *name = proto.name();
  return HostTensor::from_dims(std::move(dims), std::move(data));
}

StagedFile stage_tensor_proto(const std::string& path, const HostTensor& tensor, const std::string& name) {
  std::vector<std::int64_t> dims;
  try {
    dims = tensor.shape();
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("write_tensor_proto " + path + ": " + e.what());
  }
  std::int64_t elements = 1;
  for (const std::int64_t d : dims) elements *= d;
  if (tensor.data.size() != static_cast<std::size_t>(elements)) {
    throw std::invalid_argument("write_tensor_proto " + path + ": " + std::to_string(tensor.data.size()) +
                                " values for shape " + tensor.shape_text());
  }
  const std::uint64_t data_bytes = tensor.data.size() * sizeof(float);
  if (data_bytes + name.size() + 64 > kMaxProtoBytes) {
    throw std::runtime_error("cannot write " + path + ": " + std::to_string(data_bytes) +
                             " bytes of values are over protobuf's 2 GiB message limit");
  }
  onnx::TensorProto proto;
  for (const std::int64_t d : dims) proto.add_dims(d);
  proto.set_data_type(onnx::TensorProto::FLOAT);
  proto.set_name(name);
  proto.set_raw_data(reinterpret_cast<const char*>(tensor.data.data()), static_cast<std::size_t>(data_bytes));
  std::string bytes;
  if (!proto.SerializeToString(&bytes)) throw std::runtime_error("cannot write " + path + ": serializing failed");
  return stage_file(path, {{bytes.data(), bytes.size()}});
}

void write_tensor_proto(const std::string& path, const HostTensor& tensor, const std::string& name) {
  stage_tensor_proto(path, tensor, name).commit();
}

}  // namespace tilesim
