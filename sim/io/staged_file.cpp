#include "sim/io/staged_file.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "compiler/support/input_error.h"

namespace tilesim {

namespace fs = std::filesystem;

namespace {

enum class Kind { New, Regular, Special };

// Where the bytes for `path` really go.
struct Destination {
  Kind kind = Kind::New;
  std::string file;  // `path`, or the regular file a symlink points to
};

std::string folder_of(const std::string& file) {
  const fs::path parent = fs::path(file).parent_path();
  return parent.empty() ? "." : parent.string();
}

// The nearest existing folder at or above `folder`.
fs::path existing_ancestor(const fs::path& folder, const std::string& path) {
  fs::path at = folder;
  std::error_code ec;
  while (!fs::exists(at, ec)) {
    if (!at.has_parent_path() || at.parent_path() == at) break;
    at = at.parent_path();
  }
  if (!fs::exists(at, ec)) at = ".";
  if (!fs::is_directory(at, ec)) {
    throw InputError(path, "", at.string() + " is not a folder", "a path whose folders are folders");
  }
  return at;
}

// /dev/stdout, /dev/fd/3, /proc/self/fd/1: a process's open file, which may
// be a regular file it was redirected to; written into, never replaced.
bool names_open_file(const std::string& path) {
  const std::string p = fs::path(path).lexically_normal().string();
  for (const char* prefix : {"/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/"}) {
    if (p.rfind(prefix, 0) == 0) return true;
  }
  return p.rfind("/proc/", 0) == 0 && p.find("/fd/") != std::string::npos;
}

// The descriptor a path names in this process (/dev/stdout: 1), or -1. Written
// through a duplicate, it shares the offset: a stdout redirected to a file
// keeps what was printed before.
int own_descriptor(const std::string& path) {
  const std::string p = fs::path(path).lexically_normal().string();
  if (p == "/dev/stdout") return 1;
  if (p == "/dev/stderr") return 2;
  for (const char* prefix : {"/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/"}) {
    const std::string pre = prefix;
    if (p.rfind(pre, 0) == 0 && p.size() > pre.size() &&
        p.find_first_not_of("0123456789", pre.size()) == std::string::npos && p.size() - pre.size() < 9) {
      return std::stoi(p.substr(pre.size()));
    }
  }
  return -1;
}

Destination resolve(const std::string& path) {
  if (names_open_file(path)) return {Kind::Special, path};
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENAMETOOLONG) return {Kind::New, path};  // (check_name_length says why)
    if (errno == ENOTDIR) existing_ancestor(folder_of(path), path);          // names the file on the way
    throw InputError(path, "", std::string("cannot use as an output: ") + std::strerror(errno), "a writable file name");
  }
  const bool link = S_ISLNK(st.st_mode);
  if (link && ::stat(path.c_str(), &st) != 0) {
    throw InputError(path, "", "is a symbolic link to nothing; not writing through it",
                     "a regular file, a new name, or a link to an existing file");
  }
  if (S_ISDIR(st.st_mode)) throw InputError(path, "", "is a folder", "a file name");
  if (!S_ISREG(st.st_mode)) return {Kind::Special, path};  // opened through the link, if any
  if (!link) return {Kind::Regular, path};
  // The link stays; the regular file it leads to is replaced.
  char* target = ::realpath(path.c_str(), nullptr);
  if (!target) throw InputError(path, "", std::string("cannot resolve: ") + std::strerror(errno), "a usable link");
  const std::string file = target;
  std::free(target);
  return {Kind::Regular, file};
}

[[noreturn]] void cannot_create(const std::string& path, const std::string& folder, int err) {
  if (err == ENOSPC || err == EDQUOT || err == EIO) {
    throw WriteFailed("cannot write " + path + ": " + std::strerror(err));
  }
  throw InputError(path, "", "cannot create a file in " + folder + ": " + std::strerror(err), "a writable folder");
}

// A new exclusive temporary file in `folder`; its name goes to `temp`.
int make_temp(const std::string& folder, std::string& temp) {
  std::string name = folder + "/.tilesim-tmp-XXXXXX";
  const int fd = ::mkstemp(name.data());
  if (fd >= 0) temp = name;
  return fd;
}

void check_name_length(const std::string& path, const std::string& file, const fs::path& ancestor) {
  const long name_max = ::pathconf(ancestor.c_str(), _PC_NAME_MAX);
  const std::size_t limit = name_max > 0 ? static_cast<std::size_t>(name_max) : NAME_MAX;
  for (const fs::path& part : fs::path(file)) {
    if (part.string().size() > limit) {
      throw InputError(path, "",
                       "a name in it is " + std::to_string(part.string().size()) +
                           " bytes long, more than the file system's " + std::to_string(limit),
                       "names of at most " + std::to_string(limit) + " bytes");
    }
  }
  if (file.size() >= PATH_MAX) {
    throw InputError(path, "", "the path is " + std::to_string(file.size()) + " bytes long",
                     "a path shorter than " + std::to_string(PATH_MAX) + " bytes");
  }
}

}  // namespace

StagedFile::StagedFile(StagedFile&& other) noexcept
    : path_(std::move(other.path_)),
      destination_(std::move(other.destination_)),
      temp_(std::move(other.temp_)),
      fd_(other.fd_) {
  other.temp_.clear();
  other.fd_ = -1;
}

StagedFile& StagedFile::operator=(StagedFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    if (!temp_.empty()) ::unlink(temp_.c_str());
    path_ = std::move(other.path_);
    destination_ = std::move(other.destination_);
    temp_ = std::move(other.temp_);
    fd_ = other.fd_;
    other.temp_.clear();
    other.fd_ = -1;
  }
  return *this;
}

StagedFile::~StagedFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

void StagedFile::sync() {
  if (fd_ < 0) return;
  const int fd = fd_;
  fd_ = -1;
  int err = ::fsync(fd) != 0 ? errno : 0;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0) return;
  ::unlink(temp_.c_str());
  temp_.clear();
  throw WriteFailed("cannot write " + path_ + ": " + std::strerror(err) + "; " + path_ + " is unchanged");
}

void StagedFile::commit() {
  sync();
  if (temp_.empty()) return;
  if (std::rename(temp_.c_str(), destination_.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp_.c_str());
    temp_.clear();
    throw WriteFailed("cannot write " + path_ + ": " + std::strerror(err) + "; " + path_ + " is unchanged");
  }
  temp_.clear();
}

OutputStream::OutputStream(const std::string& path) {
  const Destination to = resolve(path);
  staged_.path_ = path;
  staged_.destination_ = to.file;
  if (to.kind == Kind::Special) {
    special_ = true;
    const int own = own_descriptor(path);
    fd_ = own >= 0 ? ::fcntl(own, F_DUPFD_CLOEXEC, 0) : ::open(to.file.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd_ < 0) throw InputError(path, "", std::string("cannot open: ") + std::strerror(errno), "a writable file");
    return;
  }
  const std::string folder = folder_of(to.file);
  std::error_code ec;
  fs::create_directories(folder, ec);  // "exists or can be created" was checked before the work
  fd_ = make_temp(folder, staged_.temp_);
  if (fd_ < 0) cannot_create(path, folder, errno);
  ::fchmod(fd_, 0644);
}

OutputStream::~OutputStream() {
  if (fd_ >= 0) ::close(fd_);
}

void OutputStream::fail(int err) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  const std::string path = staged_.path_;
  const bool kept = !special_;
  staged_ = StagedFile();  // removes the temporary file
  throw WriteFailed("cannot write " + path + ": " + std::strerror(err) + (kept ? "; " + path + " is unchanged" : ""));
}

void OutputStream::write(const char* data, std::size_t bytes) {
  while (bytes > 0) {
    const ssize_t n = ::write(fd_, data, bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(n < 0 ? errno : ENOSPC);
    data += n;
    bytes -= static_cast<std::size_t>(n);
  }
}

StagedFile OutputStream::close() {
  const int fd = fd_;
  fd_ = -1;
  if (!special_) {
    staged_.fd_ = fd;  // flushed and closed by sync()
  } else if (::close(fd) != 0) {
    fail(errno);
  }
  return std::move(staged_);
}

StagedFile stage_file(const std::string& path, const std::vector<ByteSpan>& parts) {
  OutputStream out(path);
  for (const ByteSpan& part : parts) out.write(part.data, part.size);
  StagedFile staged = out.close();
  staged.sync();  // one descriptor at a time, however many outputs a run stages
  return staged;
}

void write_atomically(const std::string& path, const std::vector<ByteSpan>& parts) { stage_file(path, parts).commit(); }

void check_output_path(const std::string& path, bool overwrite, bool create_folder, const std::string& what) {
  if (path.empty()) throw InputError(what, "", "an empty file name", "a file name");
  const Destination to = resolve(path);
  if (to.kind == Kind::Regular && !overwrite) {
    throw InputError(path, "", "exists; not overwriting it", "a new file, or --force");
  }
  if (to.kind == Kind::Special) {
    if (::access(to.file.c_str(), W_OK) != 0) {
      throw InputError(path, "", std::string("cannot write: ") + std::strerror(errno), "a writable file");
    }
    return;
  }
  const fs::path folder = folder_of(to.file);
  std::error_code ec;
  if (!create_folder && !fs::is_directory(folder, ec)) {
    throw InputError(path, "", "folder " + folder.string() + " does not exist", "an existing folder");
  }
  const fs::path ancestor = existing_ancestor(folder, path);
  check_name_length(path, to.file, ancestor);
  std::string temp;
  const int fd = make_temp(ancestor.string(), temp);
  if (fd < 0) cannot_create(path, ancestor.string(), errno);
  ::close(fd);
  ::unlink(temp.c_str());
}

}  // namespace tilesim
