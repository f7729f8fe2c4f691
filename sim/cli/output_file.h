// Output files are written whole or not at all: to a temporary name in the
// same folder, then renamed over the target, so an interrupted run never
// leaves a half file that looks complete.
#pragma once

#include <string>

namespace tilesim::cli {

// Throws InputError when the folder cannot take the file (missing, not
// writable), std::runtime_error when writing fails midway (disk full).
void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace tilesim::cli
