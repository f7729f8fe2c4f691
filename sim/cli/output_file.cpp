#include "sim/cli/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "compiler/support/input_error.h"

namespace tilesim::cli {

void write_file_atomically(const std::string& path, const std::string& contents) {
  std::vector<char> temp(path.begin(), path.end());
  const std::string suffix = ".tmp-XXXXXX";
  temp.insert(temp.end(), suffix.begin(), suffix.end());
  temp.push_back('\0');
  const int fd = mkstemp(temp.data());
  if (fd < 0) {
    throw InputError(path, "", std::string("cannot create: ") + std::strerror(errno),
                     "a path in a writable folder");
  }
  const char* data = contents.data();
  std::size_t left = contents.size();
  while (left > 0) {
    const ssize_t n = write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      close(fd);
      unlink(temp.data());
      throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  fchmod(fd, 0644);
  if (close(fd) != 0 || std::rename(temp.data(), path.c_str()) != 0) {
    const int err = errno;
    unlink(temp.data());
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
  }
}

}  // namespace tilesim::cli
