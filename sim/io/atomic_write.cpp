#include "sim/io/atomic_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "compiler/support/input_error.h"

namespace tilesim {

namespace {

void write_all(int fd, const char* data, std::size_t bytes, const std::string& path, const char* temp) {
  while (bytes > 0) {
    const ssize_t n = ::write(fd, data, bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      ::close(fd);
      ::unlink(temp);
      throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
    }
    data += n;
    bytes -= static_cast<std::size_t>(n);
  }
}

}  // namespace

void write_atomically(const std::string& path, const std::vector<ByteSpan>& parts) {
  std::vector<char> temp(path.begin(), path.end());
  const std::string suffix = ".tmp-XXXXXX";
  temp.insert(temp.end(), suffix.begin(), suffix.end());
  temp.push_back('\0');
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    throw InputError(path, "", std::string("cannot create: ") + std::strerror(errno), "a path in a writable folder");
  }
  for (const ByteSpan& part : parts) write_all(fd, part.data, part.size, path, temp.data());
  ::fchmod(fd, 0644);
  if (::close(fd) != 0 || std::rename(temp.data(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.data());
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
  }
}

}  // namespace tilesim
