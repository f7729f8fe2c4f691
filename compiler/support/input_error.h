// Bad input from the user: a file, a key in it, a command-line flag.
//
// Every reader throws InputError; the program prints "tilesim: error: " + what()
// as one line on stderr and exits with code 2. The message always has the form
//   LOCATION: KEY: what is wrong (what was expected)
// where LOCATION is "FILE:LINE", "FILE", or the flag that carried the value.
#pragma once

#include <stdexcept>
#include <string>

namespace tilesim {

class InputError : public std::runtime_error {
 public:
  // key may be empty when the problem is the file itself (unreadable, not YAML).
  InputError(const std::string& location, const std::string& key, const std::string& problem,
             const std::string& expected);
  // For messages already formatted by the caller.
  explicit InputError(const std::string& message);
};

// "FILE:LINE" for a 0-based line from a parser mark (negative: no line known).
std::string file_line(const std::string& file, int zero_based_line);

// Quotes a user-supplied value for a message, escaping control bytes so that the
// error stays on one line whatever the input holds.
std::string quoted(const std::string& text);

}  // namespace tilesim
