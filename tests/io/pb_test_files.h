// TensorProto bytes spelled out by hand for the .pb tests (protobuf wire
// format; onnx.proto field numbers), independent of the protobuf library the
// reader uses.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace tilesim::test::pb {

inline std::string varint(std::uint64_t n) {
  std::string out;
  do {
    const auto byte = static_cast<unsigned char>(n & 0x7f);
    n >>= 7;
    out += static_cast<char>(n ? byte | 0x80 : byte);
  } while (n);
  return out;
}

inline std::string field_varint(int field, std::uint64_t value) {
  return varint(static_cast<std::uint64_t>(field) << 3) + varint(value);
}

inline std::string field_bytes(int field, const std::string& data) {
  return varint(static_cast<std::uint64_t>(field) << 3 | 2) + varint(data.size()) + data;
}

template <typename T>
std::string le_bytes(const std::vector<T>& values) {
  std::string bytes(values.size() * sizeof(T), '\0');
  if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

inline constexpr int kFloat = 1;
inline constexpr int kDouble = 11;

inline std::string dims(const std::vector<std::int64_t>& d) {
  std::string out;
  for (const auto v : d) out += field_varint(1, static_cast<std::uint64_t>(v));
  return out;
}

// A TensorProto: dims, data_type, name and the values in one field.
inline std::string float_raw(const std::vector<std::int64_t>& d, const std::vector<float>& v,
                             const std::string& name = "t") {
  return dims(d) + field_varint(2, kFloat) + field_bytes(8, name) + field_bytes(9, le_bytes(v));
}
inline std::string float_data(const std::vector<std::int64_t>& d, const std::vector<float>& v,
                              const std::string& name = "t") {
  return dims(d) + field_varint(2, kFloat) + field_bytes(4, le_bytes(v)) + field_bytes(8, name);
}
inline std::string double_raw(const std::vector<std::int64_t>& d, const std::vector<double>& v,
                              const std::string& name = "t") {
  return dims(d) + field_varint(2, kDouble) + field_bytes(8, name) + field_bytes(9, le_bytes(v));
}
inline std::string double_data(const std::vector<std::int64_t>& d, const std::vector<double>& v,
                               const std::string& name = "t") {
  return dims(d) + field_varint(2, kDouble) + field_bytes(10, le_bytes(v)) + field_bytes(8, name);
}

}  // namespace tilesim::test::pb
