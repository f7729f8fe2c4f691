// Bad input from the user: a file, a key in it, a command-line flag.
//
// Every reader throws InputError; the program prints "tilesim: error: " + what()
// as one line on stderr and exits with code 2. The message always has the form
//   LOCATION: KEY: what is wrong (what was expected)
// where LOCATION is "FILE:LINE", "FILE", or the flag that carried the value.
//
// A message is always one short line, whatever the input holds (the rule is
// written once, here, and in docs/reliability.md):
// - every byte of a control character (C0, DEL, the C1 range U+0080-U+009F),
//   of a line or paragraph separator or a bidirectional override, and every
//   byte that is not valid UTF-8 shows as \xNN, so a file's content can
//   neither break the line nor drive the terminal;
// - a value shown with quoted() or printable() keeps its first
//   kMaxShownChars characters (after escaping) and then says how much it
//   left out: 'aaaa…' (1048576 bytes, 1048512 not shown);
// - the constructor applies both rules to each part again (location, key,
//   problem, expected each have a bound below), so no message exceeds
//   kMaxMessageBytes even when a caller pasted user text in unquoted.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace tilesim {

// Characters of one user value shown in a message before it is cut.
inline constexpr std::size_t kMaxShownChars = 64;
// Longest what() of any InputError, in bytes.
inline constexpr std::size_t kMaxMessageBytes = 4096;

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

// A user-supplied value for a message, in single quotes: escaped and cut as
// described above, e.g. 'a\x0ab' or 'aaaa…' (1048576 bytes, 1048512 not shown).
std::string quoted(const std::string& text);

// The same without quotes, cut after `max_chars` characters: for values that
// a message shows bare (a number as written, a command-line flag).
std::string printable(const std::string& text, std::size_t max_chars = kMaxShownChars);

}  // namespace tilesim
