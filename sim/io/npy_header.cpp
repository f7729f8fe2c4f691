#include "sim/io/npy_header.h"

#include <cstdio>
#include <map>

#include "compiler/support/input_error.h"

namespace tilesim::npy {

namespace {

constexpr const char* kExpectedDict =
    "a Python dict literal like {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
constexpr const char* kExpectedKeys = "the keys 'descr', 'fortran_order' and 'shape'";
constexpr const char* kExpectedRank = "rank 0 () to rank 4 (a, b, rows, cols)";
constexpr int kMaxDepth = 16;  // NumPy never nests deeper than 3

// One Python literal. Dict items alternate key, value.
struct Value {
  enum class Kind { Str, Int, True, False, None, Tuple, List, Dict } kind = Kind::None;
  std::string text;         // Str: the content; Int: the digits with their sign
  std::int64_t number = 0;  // Int, when !too_large
  bool too_large = false;   // Int beyond 2^62 in magnitude
  std::vector<Value> items;
};

// A byte for a message: printable ASCII as is, anything else as \xNN.
std::string shown_byte(unsigned char c) {
  if (c >= 0x20 && c < 0x7f) return std::string(1, static_cast<char>(c));
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  return buf;
}

void append_repr(const Value& v, std::string& out) {
  switch (v.kind) {
    case Value::Kind::Str:
      out += '\'';
      for (const char c : v.text) {
        if (c == '\'' || c == '\\') out += '\\';
        out += shown_byte(static_cast<unsigned char>(c));
      }
      out += '\'';
      return;
    case Value::Kind::Int:
      out += v.text;
      return;
    case Value::Kind::True:
      out += "True";
      return;
    case Value::Kind::False:
      out += "False";
      return;
    case Value::Kind::None:
      out += "None";
      return;
    case Value::Kind::Tuple:
    case Value::Kind::List:
    case Value::Kind::Dict: {
      const bool dict = v.kind == Value::Kind::Dict;
      out += v.kind == Value::Kind::Tuple ? '(' : dict ? '{' : '[';
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i > 0) out += dict && i % 2 == 1 ? ": " : ", ";
        append_repr(v.items[i], out);
      }
      if (v.kind == Value::Kind::Tuple && v.items.size() == 1) out += ',';
      out += v.kind == Value::Kind::Tuple ? ')' : dict ? '}' : ']';
      return;
    }
  }
}

// The value as Python would print it, cut as every value in a message is
// (input_error.h). The header is at most 64 KiB, so the whole text is cheap.
std::string repr(const Value& v) {
  std::string out;
  append_repr(v, out);
  return printable(out);
}

class Parser {
 public:
  Parser(const std::string& text, const std::string& file) : text_(text), file_(file) {}

  Value parse_document() {
    skip_space();
    Value v = parse_value(0);
    skip_space();
    if (pos_ < text_.size()) fail("unexpected '" + shown_byte(peek()) + "' after the dict");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(file_, "header", "garbled: " + what + " at offset " + std::to_string(pos_), kExpectedDict);
  }
  unsigned char peek() const { return static_cast<unsigned char>(text_[pos_]); }
  void skip_space() {
    while (pos_ < text_.size() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++pos_;
  }

  Value parse_value(int depth) {
    if (depth > kMaxDepth) fail("nested too deeply");
    if (pos_ >= text_.size()) fail("ends early");
    const unsigned char c = peek();
    if (c == '{') return parse_sequence(Value::Kind::Dict, '}', depth);
    if (c == '(') return parse_sequence(Value::Kind::Tuple, ')', depth);
    if (c == '[') return parse_sequence(Value::Kind::List, ']', depth);
    if (c == '\'' || c == '"') return parse_string();
    if (c == '-' || c == '+' || (c >= '0' && c <= '9')) return parse_int();
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_') return parse_name();
    fail("unexpected '" + shown_byte(c) + "'");
  }

  // {k: v, ...}, (a, b, ...), [a, b, ...]; a trailing comma is allowed. "(x)"
  // without a comma is x itself, as in Python.
  Value parse_sequence(Value::Kind kind, char close, int depth) {
    Value v;
    v.kind = kind;
    ++pos_;
    bool comma = false;
    for (;;) {
      skip_space();
      if (pos_ >= text_.size()) fail("ends early");
      if (peek() == static_cast<unsigned char>(close)) break;
      v.items.push_back(parse_value(depth + 1));
      skip_space();
      if (kind == Value::Kind::Dict) {
        if (pos_ >= text_.size() || peek() != ':') fail("missing ':' after a dict key");
        ++pos_;
        skip_space();
        v.items.push_back(parse_value(depth + 1));
        skip_space();
      }
      if (pos_ >= text_.size()) fail("ends early");
      if (peek() == ',') {
        comma = true;
        ++pos_;
      } else if (peek() != static_cast<unsigned char>(close)) {
        fail("unexpected '" + shown_byte(peek()) + "'");
      }
    }
    ++pos_;
    if (kind == Value::Kind::Tuple && v.items.size() == 1 && !comma) return v.items.front();
    return v;
  }

  Value parse_string() {
    Value v;
    v.kind = Value::Kind::Str;
    const std::size_t start = pos_;
    const char quote = text_[pos_++];
    for (;;) {
      if (pos_ >= text_.size() || text_[pos_] == '\n' || (text_[pos_] == '\\' && pos_ + 1 >= text_.size())) {
        pos_ = start;
        fail("unterminated string");
      }
      const char c = text_[pos_++];
      if (c == quote) break;
      if (c != '\\') {
        v.text += c;
        continue;
      }
      const char escaped = text_[pos_++];
      v.text += escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped == 'r' ? '\r' : escaped == '0' ? '\0' : escaped;
    }
    return v;
  }

  Value parse_int() {
    Value v;
    v.kind = Value::Kind::Int;
    bool negative = false;
    if (peek() == '-' || peek() == '+') negative = text_[pos_++] == '-';
    const std::size_t digits = pos_;
    std::uint64_t magnitude = 0;
    while (pos_ < text_.size() && peek() >= '0' && peek() <= '9') {
      magnitude = magnitude * 10 + (peek() - '0');
      if (magnitude > (std::uint64_t{1} << 62)) {
        v.too_large = true;
        magnitude = std::uint64_t{1} << 62;
      }
      ++pos_;
    }
    if (pos_ == digits) fail("a sign without digits");
    v.text = (negative ? "-" : "") + text_.substr(digits, pos_ - digits);
    v.number = negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
    if (pos_ < text_.size() && (peek() == 'L' || peek() == 'l')) ++pos_;  // Python 2 long
    if (pos_ < text_.size() && (peek() == '.' || peek() == 'e' || peek() == 'E')) fail("a non-integer number");
    return v;
  }

  Value parse_name() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && ((peek() >= 'A' && peek() <= 'Z') || (peek() >= 'a' && peek() <= 'z') ||
                                   (peek() >= '0' && peek() <= '9') || peek() == '_')) {
      ++pos_;
    }
    const std::string name = text_.substr(start, pos_ - start);
    Value v;
    if (name == "True") {
      v.kind = Value::Kind::True;
    } else if (name == "False") {
      v.kind = Value::Kind::False;
    } else if (name == "None") {
      v.kind = Value::Kind::None;
    } else {
      pos_ = start;
      fail("unknown name " + quoted(name));
    }
    return v;
  }

  const std::string& text_;
  const std::string& file_;
  std::size_t pos_ = 0;
};

const char* kind_name(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::Str:
      return "a string";
    case Value::Kind::Int:
      return "an integer";
    case Value::Kind::True:
    case Value::Kind::False:
      return "a bool";
    case Value::Kind::None:
      return "None";
    case Value::Kind::Tuple:
      return "a tuple";
    case Value::Kind::List:
      return "a list";
    case Value::Kind::Dict:
      return "a dict";
  }
  return "a value";
}

int dtype_bytes(const Value& descr, const std::string& file) {
  if (descr.kind == Value::Kind::Str) {
    if (descr.text == "<f4") return 4;
    if (descr.text == "<f8") return 8;
    if (descr.text == ">f4" || descr.text == ">f8") {
      throw InputError(file, "", "dtype " + repr(descr) + " is big-endian",
                       "'<f4' or '<f8': little-endian float32 or float64; save with arr.astype('<f4')");
    }
    throw InputError(file, "", "dtype " + repr(descr) + " not supported", "'<f4' or '<f8'");
  }
  if (descr.kind == Value::Kind::List) {
    throw InputError(file, "", "dtype " + repr(descr) + " is a structured dtype", "'<f4' or '<f8'");
  }
  throw InputError(file, "", "dtype " + repr(descr) + " not supported", "'<f4' or '<f8'");
}

void check_fortran_order(const Value& order, const std::string& file) {
  if (order.kind == Value::Kind::False) return;
  if (order.kind == Value::Kind::True) {
    throw InputError(file, "", "fortran_order is True", "C order: save with np.ascontiguousarray");
  }
  throw InputError(file, "", "fortran_order is " + repr(order), "False");
}

void read_shape(const Value& shape, const std::string& file, Header& header) {
  const std::string text = repr(shape);
  if (shape.kind != Value::Kind::Tuple) {
    throw InputError(file, "", "shape is " + text + ", " + kind_name(shape.kind),
                     "a tuple: " + std::string(kExpectedRank));
  }
  for (const Value& dim : shape.items) {
    if (dim.kind != Value::Kind::Int) {
      throw InputError(file, "", "shape " + text + " has " + kind_name(dim.kind) + " as a dimension",
                       "integer dimensions: " + std::string(kExpectedRank));
    }
  }
  if (shape.items.size() > 4) {
    throw InputError(file, "", "shape " + text + " has rank " + std::to_string(shape.items.size()), kExpectedRank);
  }
  // Each dimension is at most 2^31 after the first check; the product
  // saturates at kMaxElements + 1 so it never overflows, and a zero anywhere
  // still makes it 0.
  bool too_large = false;
  for (const Value& dim : shape.items) {
    if (dim.number < 0) throw InputError(file, "", "shape " + text + " has a negative dimension", "sizes >= 0");
    too_large = too_large || dim.too_large || dim.number > kMaxElements;
  }
  std::int64_t elements = 1;
  if (!too_large) {
    for (const Value& dim : shape.items) {
      elements = dim.number != 0 && elements > kMaxElements / dim.number ? kMaxElements + 1 : elements * dim.number;
    }
  }
  if (too_large || elements > kMaxElements) {
    throw InputError(file, "", "shape " + text + " is too large",
                     "at most " + std::to_string(kMaxElements) + " (2^31) elements");
  }
  for (const Value& dim : shape.items) header.shape.push_back(dim.number);
  header.shape_text = text;
  header.elements = elements;
}

}  // namespace

Header parse_header(const std::string& text, const std::string& file) {
  const Value dict = Parser(text, file).parse_document();
  if (dict.kind != Value::Kind::Dict) {
    throw InputError(file, "header", "is " + std::string(kind_name(dict.kind)) + " " + repr(dict) + ", not a dict",
                     kExpectedDict);
  }
  std::map<std::string, const Value*> values;
  for (std::size_t i = 0; i < dict.items.size(); i += 2) {
    const Value& key = dict.items[i];
    if (key.kind != Value::Kind::Str) {
      throw InputError(file, "header", "key " + repr(key) + " is not a string", kExpectedKeys);
    }
    if (key.text != "descr" && key.text != "fortran_order" && key.text != "shape") {
      throw InputError(file, "header", "unknown key " + repr(key), kExpectedKeys);
    }
    if (!values.emplace(key.text, &dict.items[i + 1]).second) {
      throw InputError(file, "header", "key " + repr(key) + " is given twice",
                       kExpectedKeys + std::string(" once each"));
    }
  }
  for (const char* key : {"descr", "fortran_order", "shape"}) {
    if (values.count(key) == 0)
      throw InputError(file, "header", "missing key '" + std::string(key) + "'", kExpectedKeys);
  }
  Header header;
  header.item_bytes = dtype_bytes(*values["descr"], file);
  check_fortran_order(*values["fortran_order"], file);
  read_shape(*values["shape"], file, header);
  return header;
}

}  // namespace tilesim::npy
