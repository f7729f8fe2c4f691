#include "compiler/support/input_error.h"

#include <cstdint>
#include <cstdio>

namespace tilesim {

namespace {

// Bounds of the parts of a message; with the separators and four "(N bytes,
// M not shown)" notes they stay under kMaxMessageBytes.
constexpr std::size_t kMaxLocationChars = 512;
constexpr std::size_t kMaxKeyChars = 200;
constexpr std::size_t kMaxProblemChars = 1024;
constexpr std::size_t kMaxExpectedChars = 1024;
constexpr std::size_t kMaxWholeChars = kMaxMessageBytes - 64;  // a message formatted by the caller
constexpr const char* kEllipsis = "\xe2\x80\xa6";              // U+2026

// Length (1 to 4) of the valid UTF-8 sequence at text[i], or 0 when the bytes
// there are not one (overlong forms and surrogates included); *code_point
// receives its value.
std::size_t utf8_sequence(const std::string& text, std::size_t i, std::uint32_t* code_point) {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  }
  std::size_t length = 0;
  std::uint32_t smallest = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    smallest = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    smallest = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    smallest = 0x10000;
  } else {
    return 0;
  }
  *code_point = lead & (0x7Fu >> length);
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    *code_point = *code_point << 6 | (next & 0x3Fu);
  }
  const bool surrogate = *code_point >= 0xD800 && *code_point <= 0xDFFF;
  return *code_point < smallest || *code_point > 0x10FFFF || surrogate ? 0 : length;
}

// Characters that would break the line or let the text steer a terminal or
// reorder what is shown: C0 and C1 controls, DEL, line and paragraph
// separators, bidirectional marks, embeddings, overrides and isolates.
bool hidden(std::uint32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
         (c >= 0x2028 && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

std::string hex(char byte) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(byte));
  return buf;
}

// How text[i...] shows: one character as it is, or \xNN for each of its
// bytes. *consumed receives the bytes of text it stands for.
std::string next_shown(const std::string& text, std::size_t i, std::size_t* consumed) {
  std::uint32_t code_point = 0;
  const std::size_t length = utf8_sequence(text, i, &code_point);
  if (length == 0) {
    *consumed = 1;
    return hex(text[i]);
  }
  *consumed = length;
  if (!hidden(code_point)) return text.substr(i, length);
  std::string out;
  for (std::size_t k = 0; k < length; ++k) out += hex(text[i + k]);
  return out;
}

// The escaped text, at most max_chars long (whole characters only), and the
// number of bytes of `text` it leaves out.
struct Cut {
  std::string shown;
  std::size_t left_out = 0;
};

Cut cut(const std::string& text, std::size_t max_chars) {
  Cut result;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t consumed = 0;
    const std::string piece = next_shown(text, i, &consumed);
    if (result.shown.size() + piece.size() > max_chars) break;
    result.shown += piece;
    i += consumed;
  }
  result.left_out = text.size() - i;
  return result;
}

std::string left_out_note(std::size_t total, std::size_t left_out) {
  return " (" + std::to_string(total) + " bytes, " + std::to_string(left_out) + " not shown)";
}

std::string compose(const std::string& location, const std::string& key, const std::string& problem,
                    const std::string& expected) {
  std::string message = printable(location, kMaxLocationChars);
  if (!key.empty()) message += ": " + printable(key, kMaxKeyChars);
  message += ": " + printable(problem, kMaxProblemChars);
  if (!expected.empty()) message += " (expected " + printable(expected, kMaxExpectedChars) + ")";
  return message;
}

}  // namespace

InputError::InputError(const std::string& location, const std::string& key, const std::string& problem,
                       const std::string& expected)
    : std::runtime_error(compose(location, key, problem, expected)) {}

InputError::InputError(const std::string& message) : std::runtime_error(printable(message, kMaxWholeChars)) {}

std::string file_line(const std::string& file, int zero_based_line) {
  if (zero_based_line < 0) return file;
  return file + ":" + std::to_string(zero_based_line + 1);
}

std::string printable(const std::string& text, std::size_t max_chars) {
  const Cut c = cut(text, max_chars);
  if (c.left_out == 0) return c.shown;
  return c.shown + kEllipsis + left_out_note(text.size(), c.left_out);
}

std::string quoted(const std::string& text) {
  const Cut c = cut(text, kMaxShownChars);
  if (c.left_out == 0) return "'" + c.shown + "'";
  return "'" + c.shown + kEllipsis + "'" + left_out_note(text.size(), c.left_out);
}

}  // namespace tilesim
