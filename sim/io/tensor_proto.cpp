#include "sim/io/tensor_proto.h"

#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

#include <onnx/onnx_pb.h>

#include "compiler/frontend/onnx_fields.h"
#include "compiler/frontend/onnx_tensor.h"
#include "compiler/support/input_error.h"
#include "sim/io/npy_header.h"
#include "sim/io/staged_file.h"

namespace tilesim {

namespace {

constexpr const char* kNotProto = "not an ONNX TensorProto";
constexpr const char* kExpectedProto = "a serialized onnx.TensorProto, as the ONNX backend test data stores it";
// protobuf refuses messages of 2 GiB and more.
constexpr std::uint64_t kMaxProtoBytes = INT_MAX;

[[noreturn]] void fail(const std::string& path, const std::string& problem, const std::string& expected) {
  throw InputError(path, "", problem, expected);
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

}  // namespace

HostTensor read_tensor_proto(const std::string& path, std::string* name) {
  const std::string bytes = read_whole_file(path);
  onnx::TensorProto proto;
  if (!proto.ParseFromString(bytes)) {
    throw InputError(path, kNotProto, "the bytes do not parse as one", kExpectedProto);
  }
  // protobuf keeps fields it does not know; a TensorProto file has none
  // (onnx_fields.h: later annotations aside).
  if (const auto unknown = frontend::first_unknown_field(proto)) {
    if (!unknown->name.empty()) {
      const frontend::Refusal refusal = frontend::refusal_for(*unknown);
      fail(path, refusal.problem, refusal.expected);
    }
    throw InputError(path, kNotProto,
                     "field number " + std::to_string(unknown->number) +
                         (unknown->path.empty() ? "" : " in " + unknown->path) + " is not a TensorProto field",
                     kExpectedProto);
  }

  if (const auto refusal = frontend::tensor_storage_refusal(proto, ".pb")) {
    fail(path, refusal->problem, refusal->expected);
  }

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

  if (const auto refusal = frontend::tensor_values_refusal(proto, elements)) {
    fail(path, refusal->problem, refusal->expected);
  }
  std::vector<float> data = frontend::tensor_values(proto, elements);
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
