#include "sim/io/output_names.h"

#include "compiler/support/input_error.h"

namespace tilesim {

namespace {

bool kept(char c, bool first) {
  if (c == '.') return !first;
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace

std::string output_file_name(const std::string& tensor_name, const std::string& extension) {
  if (tensor_name.empty()) throw InputError("output", "", "a graph output has an empty name", "a named output");
  static const char kHex[] = "0123456789ABCDEF";
  std::string file;
  for (std::size_t i = 0; i < tensor_name.size(); ++i) {
    const char c = tensor_name[i];
    if (kept(c, i == 0)) {
      file += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      file += '%';
      file += kHex[byte >> 4];
      file += kHex[byte & 0xF];
    }
  }
  return file + "." + extension;
}

}  // namespace tilesim
