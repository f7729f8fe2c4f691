// The process exit codes every tilesim command uses (documented in --help and docs/).
#pragma once

namespace tilesim::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitInternalError = 1,  // a bug or an environment failure (out of memory, disk full)
  kExitBadInput = 2,       // the user's files or command line are wrong
  kExitVerifyFailed = 3,   // --verify found outputs beyond tolerance
  kExitWriteFailed = 4,    // an output could not be written (disk full, I/O error); the old file is kept
};

}  // namespace tilesim::cli
