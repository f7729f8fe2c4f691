#include "sim/io/tensor_file.h"

#include "compiler/support/input_error.h"
#include "sim/io/npy.h"
#include "sim/io/tensor_proto.h"

namespace tilesim {

namespace {

enum class Format { Npy, Pb, Unknown };

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Format format_of(const std::string& path) {
  if (ends_with(path, ".npy")) return Format::Npy;
  if (ends_with(path, ".pb")) return Format::Pb;
  return Format::Unknown;
}

[[noreturn]] void unknown_format(const std::string& path) {
  const auto slash = path.find_last_of('/');
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  const auto dot = base.find_last_of('.');
  const std::string problem = dot == std::string::npos || dot == 0
                                  ? "has no file extension"
                                  : "extension " + quoted(base.substr(dot)) + " is not a tensor file";
  throw InputError(path, "", problem, "a .npy (NumPy) or .pb (ONNX TensorProto) file");
}

}  // namespace

bool is_tensor_file_name(const std::string& path) { return format_of(path) != Format::Unknown; }

HostTensor read_tensor_file(const std::string& path) {
  switch (format_of(path)) {
    case Format::Npy:
      return read_npy(path);
    case Format::Pb:
      return read_tensor_proto(path);
    case Format::Unknown:
      break;
  }
  unknown_format(path);
}

StagedFile stage_tensor_file(const std::string& path, const HostTensor& tensor, const std::string& name) {
  switch (format_of(path)) {
    case Format::Npy:
      return stage_npy(path, tensor);
    case Format::Pb:
      return stage_tensor_proto(path, tensor, name);
    case Format::Unknown:
      break;
  }
  unknown_format(path);
}

void write_tensor_file(const std::string& path, const HostTensor& tensor, const std::string& name) {
  stage_tensor_file(path, tensor, name).commit();
}

}  // namespace tilesim
