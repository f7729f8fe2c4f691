#include "compiler/support/yaml_reader.h"

#include <yaml-cpp/depthguard.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "compiler/support/input_error.h"
#include "compiler/support/number_format.h"

namespace tilesim::yaml {

namespace {

// Configs and models are small; a bigger "YAML" file is a mistake (a tensor
// dump, a log), and yaml-cpp would hold it all in memory several times over.
constexpr std::size_t kMaxDocumentBytes = 16u << 20;

// Returns the 0-based line of the first byte that is not valid UTF-8, or -1.
int first_invalid_utf8_line(const std::string& text, unsigned char* bad_byte) {
  int line = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    int extra = 0;
    if (c == '\n') ++line;
    if (c < 0x80) {
      extra = 0;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
    } else {
      *bad_byte = c;
      return line;
    }
    if (extra > 0 && i + extra >= text.size()) {  // sequence cut off by the end of the file
      *bad_byte = c;
      return line;
    }
    for (int k = 1; k <= extra; ++k) {
      const auto cont = static_cast<unsigned char>(text[i + k]);
      if ((cont & 0xC0) != 0x80) {  // the sequence that c starts is broken
        *bad_byte = c;
        return line;
      }
    }
    i += 1 + extra;
  }
  return -1;
}

bool is_quoted_string(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  return tag == "!" || tag == "tag:yaml.org,2002:str";
}

std::string int_expected(const IntRule& rule) {
  std::string text = "an integer";
  if (rule.max == std::numeric_limits<std::int64_t>::max()) {
    text += " >= " + std::to_string(rule.min);
  } else {
    text += " from " + std::to_string(rule.min) + " to " + std::to_string(rule.max);
  }
  if (rule.unit && *rule.unit) text += std::string(", in ") + rule.unit;
  return text;
}

std::string number_expected(const NumberRule& rule) {
  if (rule.expected) return rule.expected;
  std::string text = "a number > " + format_number(rule.min_exclusive);
  if (std::isfinite(rule.max)) text += " and <= " + format_number(rule.max);
  if (rule.unit && *rule.unit) text += std::string(", in ") + rule.unit;
  return text;
}

// Levenshtein distance, to suggest the key a typo meant.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

bool valid_key_segment(const std::string& segment) {
  if (segment.empty()) return false;
  return std::all_of(segment.begin(), segment.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

}  // namespace

std::string type_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Null:
      return "empty";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Undefined:
      break;
  }
  return "undefined";
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  // The distance costs length x length: a word longer than a message shows
  // is no typo to suggest for, and a candidate whose length alone differs by
  // more than a typo may is not worth measuring (names of megabytes would
  // otherwise take hours).
  if (word.size() > kMaxShownChars) return "";
  const std::size_t max_typo = std::max<std::size_t>(2, word.size() / 3);
  std::size_t best = std::numeric_limits<std::size_t>::max();
  std::string suggestion;
  for (const auto& name : candidates) {
    if (name.size() > word.size() + max_typo || word.size() > name.size() + max_typo) continue;
    const std::size_t distance = edit_distance(word, name);
    if (distance < best) {
      best = distance;
      suggestion = name;
    }
  }
  // A candidate as different as a complete rewrite is no typo ('z' for 'x').
  if (suggestion.empty() || best == 0 || best >= word.size() || best > max_typo) return "";
  return ", did you mean " + tilesim::quoted(suggestion) + "?";
}

std::optional<std::int64_t> parse_integer(const std::string& text, bool* out_of_range) {
  *out_of_range = false;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;
  if (begin == end) return std::nullopt;
  std::int64_t value = 0;
  const auto result = std::from_chars(begin, end, value);
  if (result.ptr != end) return std::nullopt;
  if (result.ec == std::errc::result_out_of_range) {
    *out_of_range = true;
    return std::nullopt;
  }
  if (result.ec != std::errc()) return std::nullopt;
  return value;
}

// ---------------------------------------------------------------- Document

Document Document::load_file(const std::string& path) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    throw InputError(path, "", std::string("cannot read: ") + std::strerror(EISDIR), "a readable YAML file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(path, "", std::string("cannot open: ") + std::strerror(errno), "a readable YAML file");
  }
  std::string text;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxDocumentBytes) {
      throw InputError(path, "", "file is larger than 16 MiB", "a YAML file of a few KiB");
    }
  }
  if (in.bad()) {
    throw InputError(path, "", std::string("cannot read: ") + std::strerror(errno), "a readable YAML file");
  }
  return parse(text, path);
}

Document Document::parse(const std::string& text, const std::string& name) {
  unsigned char bad = 0;
  const int bad_line = first_invalid_utf8_line(text, &bad);
  if (bad_line >= 0) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", bad);
    throw InputError(file_line(name, bad_line), "", std::string("byte ") + hex + " is not valid UTF-8",
                     "a UTF-8 YAML text file");
  }
  if (text.find('\0') != std::string::npos) {
    throw InputError(name, "", "contains a NUL byte", "a YAML text file");
  }
  try {
    return Document(name, YAML::Load(text));
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own text for this is "bad file".
    throw InputError(file_line(name, e.mark.line), "", "nested more than " + std::to_string(e.depth()) + " levels deep",
                     "a YAML document of reasonable depth");
  } catch (const YAML::Exception& e) {
    throw InputError(file_line(name, e.mark.line), "", "not valid YAML: " + e.msg, "a YAML document");
  }
}

void Document::apply_override(const std::string& assignment) {
  // The flag as messages show it: a value of megabytes is cut (input_error.h).
  const std::string flag = "--set " + printable(assignment);
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == assignment.size()) {
    throw InputError(flag, "", "malformed override", "KEY.PATH=VALUE, e.g. sram.size_kib=64");
  }
  const std::string path = assignment.substr(0, equals);
  const std::string value = assignment.substr(equals + 1);

  std::vector<std::string> segments;
  std::stringstream split(path);
  for (std::string segment; std::getline(split, segment, '.');) segments.push_back(segment);
  if (path.back() == '.' || segments.empty() || !std::all_of(segments.begin(), segments.end(), valid_key_segment)) {
    throw InputError(flag, path, "malformed key path", "dot-separated key names such as sram.size_kib");
  }

  if (!root_.IsMap() && !root_.IsNull()) {
    throw InputError(flag, path, "the document is not a mapping", "a YAML mapping to override");
  }
  YAML::Node cursor = root_;
  std::string walked;
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    walked += (walked.empty() ? "" : ".") + segments[i];
    YAML::Node next = cursor[segments[i]];
    if (next.IsDefined() && !next.IsNull() && !next.IsMap()) {
      throw InputError(flag, walked, "is " + type_name(next) + ", not a section",
                       "a key path that follows the document's sections");
    }
    if (!next.IsMap()) next = YAML::Node(YAML::NodeType::Map);
    cursor[segments[i]] = next;
    cursor.reset(next);
  }
  cursor[segments.back()] = value;
  overrides_.emplace_back(path, flag);
}

MapReader Document::root(const std::string& expected) const {
  if (!root_.IsMap()) {
    const std::string what = root_.IsNull() ? "the document is empty" : "the document is " + type_name(root_);
    throw InputError(file_line(file_, root_.Mark().line < 0 ? 0 : root_.Mark().line), "", what, expected);
  }
  return MapReader(*this, root_, root_.Mark(), "");
}

std::string Document::location(const YAML::Mark& mark, const std::string& key_path) const {
  // The latest override of the same key wins, as it did when it was applied.
  for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it) {
    if (it->first == key_path) return it->second;
  }
  if (mark.line >= 0) return file_line(file_, mark.line);
  // A node without a mark was made by an override deeper down this path.
  for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it) {
    if (it->first.compare(0, key_path.size() + 1, key_path + ".") == 0) return it->second;
  }
  return file_;
}

// ---------------------------------------------------------------- MapReader

MapReader::MapReader(const Document& doc, YAML::Node node, YAML::Mark mark, std::string path)
    : doc_(&doc), path_(std::move(path)), mark_(mark) {
  if (!node.IsMap()) return;  // absent or null section: no entries
  // Copies, not references: yaml-cpp's iterator hands out a temporary pair.
  for (const auto& pair : node) {
    const YAML::Node key_node = pair.first;
    const std::string key_text = key_node.IsScalar() ? key_node.Scalar() : std::string();
    if (!key_node.IsScalar()) {
      fail_at(key_node.Mark(), path_.empty() ? "(key)" : path_ + ".(key)", "a key is " + type_name(key_node),
              "plain key names");
    }
    if (const Entry* first = find(key_text)) {
      fail_at(key_node.Mark(), key_path(key_text),
              "duplicate key (first given on line " + std::to_string(first->mark.line + 1) + ")", "each key once");
    }
    entries_.push_back(Entry{key_text, pair.second, key_node.Mark()});
  }
}

std::string MapReader::key_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

const MapReader::Entry* MapReader::find(const std::string& key) const {
  for (const Entry& entry : entries_) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

bool MapReader::has(const std::string& key) const { return find(key) != nullptr; }

void MapReader::fail(const std::string& key, const std::string& problem, const std::string& expected) const {
  const Entry* entry = find(key);
  fail_at(entry ? entry->mark : mark_, key_path(key), problem, expected);
}

void MapReader::fail_at(const YAML::Mark& mark, const std::string& key, const std::string& problem,
                        const std::string& expected) const {
  throw InputError(doc_->location(mark, key), key, problem, expected);
}

const MapReader::Entry* MapReader::require_present(const std::string& key, const std::string& expected) {
  const Entry* entry = find(key);
  if (!entry) {
    // Reported by finish(), after unknown keys: a missing key is often the
    // other half of a typo, and "did you mean" is the better message.
    if (!missing_ && !absent_) missing_ = Missing{key, "missing required key", expected};
    return nullptr;
  }
  if (entry->value.IsNull()) fail(key, "has no value", expected);
  return entry;
}

std::string MapReader::string(const std::string& key, const std::optional<std::string>& fallback) {
  known_.push_back(key);
  const std::string expected = "a string";
  if (!has(key) && fallback) return *fallback;
  const Entry* entry = require_present(key, expected);
  if (!entry) return std::string();
  if (!entry->value.IsScalar()) fail(key, "is " + type_name(entry->value), expected);
  if (entry->value.Scalar().empty()) fail(key, "is an empty string", "a non-empty string");
  return entry->value.Scalar();
}

std::int64_t MapReader::integer(const std::string& key, const IntRule& rule,
                                const std::optional<std::int64_t>& fallback) {
  known_.push_back(key);
  const std::string expected = int_expected(rule);
  if (!has(key) && fallback) return *fallback;
  const Entry* entry = require_present(key, expected);
  if (!entry) return rule.min;
  if (!entry->value.IsScalar()) fail(key, "is " + type_name(entry->value), expected);
  const std::string& text = entry->value.Scalar();
  if (is_quoted_string(entry->value)) fail(key, quoted(text) + " is a string", expected);
  bool out_of_range = false;
  const auto value = parse_integer(text, &out_of_range);
  if (out_of_range) fail(key, quoted(text) + " is out of range", expected);
  if (!value) fail(key, quoted(text) + " is not an integer", expected);
  if (*value < rule.min) fail(key, printable(text) + " is too small", expected);
  if (*value > rule.max) fail(key, printable(text) + " is too large", expected);
  return *value;
}

double MapReader::number(const std::string& key, const NumberRule& rule, const std::optional<double>& fallback) {
  known_.push_back(key);
  const std::string expected = number_expected(rule);
  if (!has(key) && fallback) return *fallback;
  const Entry* entry = require_present(key, expected);
  if (!entry) return rule.max;
  if (!entry->value.IsScalar()) fail(key, "is " + type_name(entry->value), expected);
  const std::string& text = entry->value.Scalar();
  if (is_quoted_string(entry->value)) fail(key, quoted(text) + " is a string", expected);
  // Plain decimal notation only: strtod would also take "nan", "inf" and hex.
  const bool decimal = !text.empty() && text.find_first_not_of("0123456789+-.eE") == std::string::npos &&
                       text.find_first_of("0123456789") != std::string::npos;
  char* end = nullptr;
  errno = 0;
  const double value = decimal ? std::strtod(text.c_str(), &end) : 0.0;
  if (!decimal || end != text.c_str() + text.size()) {
    fail(key, quoted(text) + " is not a number", expected);
  }
  if (errno == ERANGE || !std::isfinite(value)) fail(key, quoted(text) + " is out of range", expected);
  if (!(value > rule.min_exclusive)) fail(key, printable(text) + " is too small", expected);
  if (value > rule.max) fail(key, printable(text) + " is too large", expected);
  return value;
}

MapReader MapReader::section(const std::string& key, bool required, const std::string& expected) {
  known_.push_back(key);
  const Entry* entry = find(key);
  if (!entry) {
    if (required && !missing_ && !absent_) {
      missing_ = Missing{key, "missing required section", expected};
    }
    MapReader empty(*doc_, YAML::Node(), mark_, key_path(key));
    empty.absent_ = required || absent_;  // its own missing keys are this one's problem
    return empty;
  }
  if (!entry->value.IsMap()) fail(key, "is " + type_name(entry->value), expected);
  return MapReader(*doc_, entry->value, entry->mark, key_path(key));
}

std::vector<MapReader::Entry> MapReader::entries() {
  for (const Entry& entry : entries_) known_.push_back(entry.key);
  return entries_;
}

void MapReader::finish() const {
  reject_unknown_keys();
  if (missing_) fail(missing_->key, missing_->problem, missing_->expected);
}

void MapReader::reject_unknown_keys() const {
  for (const Entry& entry : entries_) {
    if (std::find(known_.begin(), known_.end(), entry.key) != known_.end()) continue;
    std::vector<std::string> names = known_;
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    fail_at(entry.mark, key_path(entry.key), "unknown key" + did_you_mean(entry.key, names),
            "one of: " + join(names, ", "));
  }
}

// ---------------------------------------------------------------- sequences

std::vector<MapReader::Item> MapReader::sequence(const std::string& key, bool required, const std::string& expected) {
  known_.push_back(key);
  std::vector<Item> items;
  if (!has(key) && !required) return items;
  const Entry* entry = require_present(key, expected);
  if (!entry) return items;
  if (!entry->value.IsSequence()) fail(key, "is " + type_name(entry->value), expected);
  const std::string path = key_path(key);
  std::size_t index = 0;
  for (const auto& element : entry->value) {
    const YAML::Mark element_mark = element.Mark().line >= 0 ? element.Mark() : entry->mark;
    items.push_back(Item{element, element_mark, path + "[" + std::to_string(index++) + "]"});
  }
  return items;
}

std::string MapReader::string_at(const Item& item, const std::string& expected) const {
  if (item.value.IsNull()) fail_at(item.mark, item.path, "has no value", expected);
  if (!item.value.IsScalar()) fail_at(item.mark, item.path, "is " + type_name(item.value), expected);
  if (item.value.Scalar().empty()) fail_at(item.mark, item.path, "is an empty string", expected);
  return item.value.Scalar();
}

std::int64_t MapReader::integer_at(const Item& item, const IntRule& rule) const {
  const std::string expected = int_expected(rule);
  if (item.value.IsNull()) fail_at(item.mark, item.path, "has no value", expected);
  if (!item.value.IsScalar()) fail_at(item.mark, item.path, "is " + type_name(item.value), expected);
  const std::string& text = item.value.Scalar();
  if (is_quoted_string(item.value)) fail_at(item.mark, item.path, quoted(text) + " is a string", expected);
  bool out_of_range = false;
  const auto value = parse_integer(text, &out_of_range);
  if (out_of_range) fail_at(item.mark, item.path, quoted(text) + " is out of range", expected);
  if (!value) fail_at(item.mark, item.path, quoted(text) + " is not an integer", expected);
  if (*value < rule.min) fail_at(item.mark, item.path, printable(text) + " is too small", expected);
  if (*value > rule.max) fail_at(item.mark, item.path, printable(text) + " is too large", expected);
  return *value;
}

MapReader MapReader::map_at(const Item& item, const std::string& expected) const {
  if (!item.value.IsMap()) fail_at(item.mark, item.path, "is " + type_name(item.value), expected);
  return MapReader(*doc_, item.value, item.mark, item.path);
}

YAML::Mark MapReader::mark_of(const std::string& key) const {
  const Entry* entry = find(key);
  return entry ? entry->mark : mark_;
}

}  // namespace tilesim::yaml
