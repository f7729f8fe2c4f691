// Every file tilesim writes goes through here, so that an output is written
// whole or not at all, and only where the user asked.
//
// Contract:
//  * A destination that is a regular file, or does not exist yet, is written to
//    a temporary file created exclusively in the destination's folder
//    (".tilesim-tmp-XXXXXX", mkstemp: O_CREAT|O_EXCL, so never through a planted
//    symlink), flushed to disk (sync(), which commit() calls first) and renamed
//    over the destination by commit().
//    Until then the destination is untouched; a StagedFile destroyed before
//    commit() removes its temporary file, on every exit path.
//  * A destination that is a symlink to a regular file keeps its link: the
//    file it points to is replaced as above.
//  * A destination that exists but is not a regular file (a FIFO, a terminal,
//    /dev/null), or names a process's open file (/dev/stdout, /dev/stderr,
//    /dev/fd/N, /proc/*/fd/N, even when redirected to a regular file), is never
//    replaced: it is opened and written directly when staged, and commit() has
//    nothing left to do.
//  * A folder where a file is needed, a missing or unwritable folder, a name
//    too long for the file system: InputError (bad input, exit 2), raised by
//    check_output_path() before any work and again when staging.
//  * A failed or short write (disk full, file size limit, I/O error): WriteFailed,
//    with the temporary file removed and the destination untouched.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace tilesim {

struct ByteSpan {
  const char* data;
  std::size_t size;
};

// Writing an output failed midway (exit code kExitWriteFailed); what.() names
// the file and the system's reason, and says the destination was kept.
struct WriteFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class OutputStream;

class StagedFile {
 public:
  StagedFile() = default;
  StagedFile(StagedFile&& other) noexcept;
  StagedFile& operator=(StagedFile&& other) noexcept;
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;
  ~StagedFile();

  // Flushes the temporary file to disk (no-op when it is already, or for a
  // special file): a file must be on disk before it replaces the old one.
  // Throws WriteFailed, the temporary file removed, when the flush fails.
  void sync();
  // sync(), then renames the temporary file over the destination (no-op for a
  // special file or an already committed one). Throws WriteFailed when either fails.
  void commit();
  const std::string& path() const { return path_; }  // as the user named it

 private:
  friend class OutputStream;
  std::string path_;         // as given
  std::string destination_;  // the file the rename replaces (a symlink resolved)
  std::string temp_;         // empty: nothing to rename
  int fd_ = -1;              // the temporary file, open until sync()
};

// An output written piece by piece (a trace that grows during a run), with the
// same guarantees: opened (temporary file created) at construction, written by
// write(), and turned into a StagedFile by close(), not yet flushed to disk
// (so a traced run's simulation does not wait for the disk: the flush comes
// with the other outputs', when they are committed). Destroyed before close(),
// it removes its temporary file.
class OutputStream {
 public:
  explicit OutputStream(const std::string& path);
  OutputStream(OutputStream&&) = delete;
  ~OutputStream();
  void write(const char* data, std::size_t bytes);  // WriteFailed on error
  StagedFile close();                               // ready to sync() and commit()

 private:
  void fail(int err);
  StagedFile staged_;
  int fd_ = -1;
  bool special_ = false;
};

// Writes the concatenation of `parts` for `path` as the contract says (mode 0644).
StagedFile stage_file(const std::string& path, const std::vector<ByteSpan>& parts);

// stage_file + commit.
void write_atomically(const std::string& path, const std::vector<ByteSpan>& parts);

// The checks of the contract, made before any work so that a long run never
// ends by refusing to write its results: `path` names a file (not a folder)
// whose folder exists, or can be created (create_folder) under a writable
// folder, and takes new files (probed with a temporary file); its name fits
// the file system; an existing regular file is refused unless `overwrite`.
// Throws InputError naming `what` (e.g. "--stats-json s.json") and the problem.
void check_output_path(const std::string& path, bool overwrite, bool create_folder, const std::string& what);

}  // namespace tilesim
