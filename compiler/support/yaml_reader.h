// Typed, strict reading of YAML documents written by users.
//
// Every value is read through MapReader, which knows the dotted key path, the
// line it came from (or the --set flag that overrode it) and what was expected,
// so no reader ever shows yaml-cpp's bare "bad conversion". Unknown keys,
// duplicate keys, wrong types and out-of-range values are all InputErrors.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tilesim::yaml {

class MapReader;

// A parsed YAML document plus where each of its values came from.
class Document {
 public:
  // Reads and parses FILE; InputError when unreadable, not UTF-8, or not YAML.
  static Document load_file(const std::string& path);
  // Parses text that claims to come from `name` (tests, generated documents).
  static Document parse(const std::string& text, const std::string& name);

  // Applies one "KEY.PATH=VALUE" override (the --set flag); the value is read
  // later exactly like a value from the file, and errors about it name the flag.
  void apply_override(const std::string& assignment);

  // The top-level mapping. `expected` describes it for the error when the
  // document is empty or is not a mapping.
  MapReader root(const std::string& expected) const;

  const std::string& file() const { return file_; }
  // "FILE:LINE", or the --set flag when the value at key_path came from one.
  std::string location(const YAML::Mark& mark, const std::string& key_path) const;

 private:
  Document(std::string file, YAML::Node root) : file_(std::move(file)), root_(std::move(root)) {}
  std::string file_;
  YAML::Node root_;
  std::vector<std::pair<std::string, std::string>> overrides_;  // key path, flag text
};

struct IntRule {
  std::int64_t min;
  std::int64_t max;
  const char* unit;  // e.g. "KiB"; empty when the value has no unit
};

struct NumberRule {
  double min_exclusive;  // the value must be greater than this
  double max;
  const char* unit;
  const char* expected = nullptr;  // what messages say was expected; nullptr: "a number > MIN and <= MAX"
};

// A NumberRule's min_exclusive for "zero or more": -denorm_min is the largest
// double below 0.0, so 0 passes the "greater than" test and every negative fails.
inline constexpr double kZeroOrMore = -std::numeric_limits<double>::denorm_min();

// One mapping node being read key by key. Keys read (even when absent) are
// the schema; finish() rejects every other key present as unknown.
class MapReader {
 public:
  MapReader(const Document& doc, YAML::Node node, YAML::Mark mark, std::string path);

  bool has(const std::string& key) const;

  std::string string(const std::string& key, const std::optional<std::string>& fallback);
  std::int64_t integer(const std::string& key, const IntRule& rule, const std::optional<std::int64_t>& fallback);
  double number(const std::string& key, const NumberRule& rule, const std::optional<double>& fallback);
  // A nested mapping. When absent and not required it reads as empty, so the
  // defaults of its keys apply.
  MapReader section(const std::string& key, bool required, const std::string& expected);

  // Every key/value pair, in file order, for mappings whose keys are names the
  // user chose (e.g. tensor names). Marks all keys as known.
  struct Entry {
    std::string key;
    YAML::Node value;
    YAML::Mark mark;
  };
  std::vector<Entry> entries();

  // One element of a sequence value, with the dotted path naming it ("ops[2]").
  struct Item {
    YAML::Node value;
    YAML::Mark mark;
    std::string path;
  };
  // The elements of the sequence at `key`. When absent and not required it
  // reads as empty; when absent and required finish() reports it. A value that
  // is not a sequence is an error.
  std::vector<Item> sequence(const std::string& key, bool required, const std::string& expected);
  // An element of a sequence read as a non-empty string, an integer or a
  // mapping, with the same messages (and strictness) as string(), integer()
  // and section(), located at the element's own line.
  std::string string_at(const Item& item, const std::string& expected) const;
  std::int64_t integer_at(const Item& item, const IntRule& rule) const;
  MapReader map_at(const Item& item, const std::string& expected) const;
  // Where a key of this map was given (the map's own mark when absent).
  YAML::Mark mark_of(const std::string& key) const;

  // Throws for the first key present that no read above asked for, then for
  // the first required key or section that was absent. Until finish() has
  // run, a value read for an absent required key is a placeholder: check
  // relations between values only after it.
  void finish() const;

  // Throws an InputError about `key` (of this map) that says `problem`.
  [[noreturn]] void fail(const std::string& key, const std::string& problem, const std::string& expected) const;
  [[noreturn]] void fail_at(const YAML::Mark& mark, const std::string& key, const std::string& problem,
                            const std::string& expected) const;

  std::string key_path(const std::string& key) const;
  const YAML::Mark& mark() const { return mark_; }

 private:
  struct Missing {
    std::string key;
    std::string problem;
    std::string expected;
  };
  const Entry* find(const std::string& key) const;
  const Entry* require_present(const std::string& key, const std::string& expected);
  void reject_unknown_keys() const;

  const Document* doc_;
  std::string path_;
  YAML::Mark mark_;
  std::vector<Entry> entries_;
  std::vector<std::string> known_;
  std::optional<Missing> missing_;
  bool absent_ = false;  // a required section that is missing: the parent reports it
};

// ", did you mean 'NAME'?" for the candidate closest to `word` (the rule used for
// unknown keys, except that a rewrite of the whole word is no typo), or "" when
// none is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

// "a mapping", "a sequence", "a scalar", "empty": for "is ..." messages.
std::string type_name(const YAML::Node& node);

// Parses a YAML scalar as a decimal integer; nullopt when it is not one.
std::optional<std::int64_t> parse_integer(const std::string& text, bool* out_of_range);

}  // namespace tilesim::yaml
