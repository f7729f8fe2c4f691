// Text outputs of the commands (stats.json, save files, schedules) are
// written whole or not at all, like the tensor files (sim/io/staged_file.h).
#pragma once

#include <string>

#include "sim/io/staged_file.h"

namespace tilesim::cli {

inline void write_file_atomically(const std::string& path, const std::string& contents) {
  write_atomically(path, {ByteSpan{contents.data(), contents.size()}});
}

}  // namespace tilesim::cli
