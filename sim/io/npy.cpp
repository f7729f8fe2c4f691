#include "sim/io/npy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "compiler/support/input_error.h"
#include "sim/io/npy_header.h"
#include "sim/io/staged_file.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the .npy code assumes a little-endian host");

namespace tilesim {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicBytes = 6;
constexpr const char* kMagicShown = "\\x93NUMPY";
// No float array needs a longer header; a longer one is hostile or garbage.
constexpr std::uint64_t kMaxHeaderBytes = 65536;
constexpr std::size_t kChunkElements = 1 << 16;  // float64 values converted per read

[[noreturn]] void fail(const std::string& path, const std::string& problem, const std::string& expected) {
  throw InputError(path, "", problem, expected);
}

void read_exactly(std::ifstream& in, char* out, std::size_t bytes, const std::string& path) {
  if (!in.read(out, static_cast<std::streamsize>(bytes))) {
    fail(path, "read failed after " + std::to_string(in.gcount()) + " of " + std::to_string(bytes) + " bytes",
         "a readable file");
  }
}

std::uint64_t little_endian(const unsigned char* bytes, int count) {
  std::uint64_t value = 0;
  for (int i = count - 1; i >= 0; --i) value = value << 8 | bytes[i];
  return value;
}

}  // namespace

HostTensor read_npy(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode)) {
    fail(path, S_ISDIR(info.st_mode) ? "is a directory" : "is not a regular file", "a .npy file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot open: ") + std::strerror(errno), "a readable .npy file");
  in.seekg(0, std::ios::end);
  const std::streamoff end = in.tellg();
  in.seekg(0, std::ios::beg);
  if (end < 0 || !in) fail(path, "cannot determine the file size", "a regular .npy file");
  const auto size = static_cast<std::uint64_t>(end);

  // Magic (6 bytes), version (2), header length (2 in 1.0, 4 in 2.0 and 3.0).
  unsigned char prefix[12] = {};
  const std::size_t prefix_read = static_cast<std::size_t>(std::min<std::uint64_t>(size, sizeof prefix));
  read_exactly(in, reinterpret_cast<char*>(prefix), prefix_read, path);
  if (size == 0) throw InputError(path, "not a NumPy file", "the file is empty", kMagicShown);
  if (size < kMagicBytes || std::memcmp(prefix, kMagic, kMagicBytes) != 0) {
    throw InputError(path, "not a NumPy file", "bad magic", kMagicShown);
  }
  const std::string truncated_prefix = "header truncated: the file ends at byte " + std::to_string(size);
  if (size < 8) fail(path, truncated_prefix, "a format version after the magic");
  const int major = prefix[6];
  const int minor = prefix[7];
  if (major < 1 || major > 3 || minor != 0) {
    fail(path, "format version " + std::to_string(major) + "." + std::to_string(minor) + " not supported",
         "1.0, 2.0 or 3.0");
  }
  const int length_bytes = major == 1 ? 2 : 4;
  const std::uint64_t header_start = 8 + static_cast<std::uint64_t>(length_bytes);
  if (size < header_start) {
    fail(path, truncated_prefix, std::to_string(length_bytes) + " bytes of header length after the version");
  }
  const std::uint64_t header_bytes = little_endian(prefix + 8, length_bytes);
  if (header_bytes > kMaxHeaderBytes) {
    fail(path, "header length " + std::to_string(header_bytes) + " is too long",
         "at most " + std::to_string(kMaxHeaderBytes) + " bytes");
  }
  if (header_bytes > size - header_start) {
    fail(path,
         "header truncated: the header length is " + std::to_string(header_bytes) + " bytes but only " +
             std::to_string(size - header_start) + " follow",
         "the whole header");
  }
  std::string header_text(static_cast<std::size_t>(header_bytes), '\0');
  in.seekg(static_cast<std::streamoff>(header_start));
  read_exactly(in, header_text.data(), header_text.size(), path);
  const npy::Header header = npy::parse_header(header_text, path);

  // Sizes: elements <= 2^31 and item_bytes <= 8, so nothing overflows.
  const std::uint64_t available = size - header_start - header_bytes;
  const std::uint64_t needed = static_cast<std::uint64_t>(header.elements) * header.item_bytes;
  if (available < needed) {
    fail(path,
         "data is " + std::to_string(available) + " bytes, shape " + header.shape_text + " needs " +
             std::to_string(needed),
         "the whole array");
  }
  if (available > needed) {
    fail(path,
         "data is " + std::to_string(available) + " bytes, shape " + header.shape_text + " needs " +
             std::to_string(needed) + ": " + std::to_string(available - needed) + " trailing bytes",
         "the file to end with the array");
  }

  const auto elements = static_cast<std::size_t>(header.elements);
  HostTensor tensor = HostTensor::from_dims(header.shape, std::vector<float>(elements));
  if (header.item_bytes == 4) {
    read_exactly(in, reinterpret_cast<char*>(tensor.data.data()), elements * 4, path);
  } else {
    // float64 -> float32 rounds to nearest; beyond the float range gives +-inf.
    std::vector<double> chunk(std::min(elements, kChunkElements));
    for (std::size_t done = 0; done < elements;) {
      const std::size_t n = std::min(elements - done, chunk.size());
      read_exactly(in, reinterpret_cast<char*>(chunk.data()), n * 8, path);
      for (std::size_t i = 0; i < n; ++i) tensor.data[done + i] = static_cast<float>(chunk[i]);
      done += n;
    }
  }
  return tensor;
}

std::string npy_header_bytes(const HostTensor& tensor) {
  const std::vector<std::int64_t> dims = tensor.shape();
  std::string shape = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) shape += (i ? ", " : "") + std::to_string(dims[i]);
  shape += dims.size() == 1 ? ",)" : ")";
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  // Magic, version, length, dict, spaces, '\n': a multiple of 64 bytes in all,
  // so the data starts aligned (what NumPy itself writes).
  const std::size_t unpadded = kMagicBytes + 2 + 2 + dict.size() + 1;
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict += '\n';
  std::string bytes(kMagic, kMagicBytes);
  bytes += '\x01';
  bytes += '\x00';
  bytes += static_cast<char>(dict.size() & 0xff);
  bytes += static_cast<char>(dict.size() >> 8);
  return bytes + dict;
}

StagedFile stage_npy(const std::string& path, const HostTensor& tensor) {
  std::int64_t elements = 0;
  try {
    elements = tensor.element_count();
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("write_npy " + path + ": " + e.what());
  }
  if (elements < 0 || tensor.data.size() != static_cast<std::size_t>(elements)) {
    throw std::invalid_argument("write_npy " + path + ": " + std::to_string(tensor.data.size()) + " values for shape " +
                                tensor.shape_text());
  }
  const std::string header = npy_header_bytes(tensor);

  return stage_file(path, {{header.data(), header.size()},
                           {reinterpret_cast<const char*>(tensor.data.data()), tensor.data.size() * sizeof(float)}});
}

void write_npy(const std::string& path, const HostTensor& tensor) { stage_npy(path, tensor).commit(); }

}  // namespace tilesim
