#include "compiler/support/input_error.h"

#include <cstdio>

namespace tilesim {

namespace {

std::string compose(const std::string& location, const std::string& key, const std::string& problem,
                    const std::string& expected) {
  std::string message = location;
  if (!key.empty()) message += ": " + key;
  message += ": " + problem;
  if (!expected.empty()) message += " (expected " + expected + ")";
  return message;
}

}  // namespace

InputError::InputError(const std::string& location, const std::string& key, const std::string& problem,
                       const std::string& expected)
    : std::runtime_error(compose(location, key, problem, expected)) {}

InputError::InputError(const std::string& message) : std::runtime_error(message) {}

std::string file_line(const std::string& file, int zero_based_line) {
  if (zero_based_line < 0) return file;
  return file + ":" + std::to_string(zero_based_line + 1);
}

std::string quoted(const std::string& text) {
  constexpr std::size_t kMaxShown = 60;
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kMaxShown) out += "...";
  return out + "'";
}

}  // namespace tilesim
