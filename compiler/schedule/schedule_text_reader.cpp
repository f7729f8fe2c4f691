#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <istream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compiler/schedule/dram_placement.h"
#include "compiler/schedule/saturating.h"
#include "compiler/schedule/schedule_text.h"
#include "compiler/schedule/totals.h"
#include "compiler/schedule/view_text.h"
#include "compiler/support/input_error.h"

namespace tilesim::sched {
namespace {

std::string str(std::string_view view) { return std::string(view); }

// Longer lines are refused, not read into memory (a schedule line is ~60 bytes).
constexpr std::size_t kMaxLineBytes = std::size_t{1} << 20;
constexpr std::int64_t kMaxIndex = std::numeric_limits<std::int32_t>::max();

constexpr const char* kUopForm = "ID UNIT KIND TENSOR[ROW,COL]@ADDR ... deps=DEP, e.g. 3 dma LOAD x[0,1]@0x1000 deps=-";

class Reader {
 public:
  Reader(std::istream& in, const std::string& name, ScheduleLines& lines) : in_(in), name_(name), lines_(lines) {}

  Schedule run() {
    lines_ = ScheduleLines{};
    while (next_line()) {
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      tokenize();
      if (tokens_.empty() || tokens_[0][0] == '#') continue;
      if (!have_header_) {
        header();
      } else if (tokens_[0][0] >= '0' && tokens_[0][0] <= '9') {
        uop();
      } else {
        if (!s_.uops.empty())
          fail("", quoted(str(tokens_[0])) + " line after the first uop", "header lines before the uops");
        header_line();
      }
    }
    finish();
    return std::move(s_);
  }

 private:
  std::istream& in_;
  std::string name_;
  ScheduleLines& lines_;
  std::int64_t line_no_ = 0;
  std::string line_;
  std::vector<std::string_view> tokens_;
  Schedule s_;
  std::unordered_map<std::string, std::int32_t> names_;
  bool have_header_ = false;
  std::set<std::string> seen_;  // once-only header lines
  std::map<std::string, std::int64_t> totals_;
  std::int64_t uops_announced_ = -1;
  std::int64_t uops_line_ = 0;
  struct PendingView {
    std::size_t tensor;
    std::string of;
    std::int64_t line;
  };
  std::vector<PendingView> views_;  // view=KIND(NAME), resolved at the end (NAME may come later)
  std::vector<std::map<std::string, std::int64_t>> layer_figures_;  // the numbers each layer line gives
  bool uops_have_layer_ = false;                                    // uop 0 gives layer=, so all must
  std::int64_t first_dram_tensor_ = -1;  // the first tensor line without view= that gives dram=

  // std::getline, but a line over kMaxLineBytes is refused instead of read.
  bool next_line() {
    line_.clear();
    std::streambuf* buffer = in_.rdbuf();
    int c = buffer ? buffer->sbumpc() : EOF;
    if (c == EOF) return false;
    ++line_no_;
    for (; c != EOF && c != '\n'; c = buffer->sbumpc()) {
      if (line_.size() == kMaxLineBytes) {
        fail("", "line longer than " + std::to_string(kMaxLineBytes) + " bytes", "a schedule line");
      }
      line_ += static_cast<char>(c);
    }
    return true;
  }

  [[noreturn]] void fail(const std::string& key, const std::string& problem, const std::string& expected) const {
    throw InputError(name_ + ":" + std::to_string(line_no_), key, problem, expected);
  }

  // Whitespace-separated tokens, views into line_; "..." (with backslash
  // escapes) may sit inside one.
  void tokenize() {
    tokens_.clear();
    const std::string& line = line_;
    std::size_t i = 0;
    while (i < line.size()) {
      if (line[i] == ' ' || line[i] == '\t') {
        ++i;
        continue;
      }
      const std::size_t start = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
        if (line[i++] != '"') continue;
        while (i < line.size() && line[i] != '"') i += line[i] == '\\' && i + 1 < line.size() ? 2 : 1;
        if (i >= line.size()) fail("", "unterminated string " + quoted(line.substr(start)), "a closing '\"'");
        ++i;
      }
      tokens_.emplace_back(line.data() + start, i - start);
    }
  }

  // A bare word, or "..." with \" \\ \n \t \xNN escapes.
  std::string text_value(std::string_view raw, const std::string& key) const {
    if (raw.empty() || raw[0] != '"') {
      if (raw.find('"') != std::string_view::npos)
        fail(key, "stray quote in " + quoted(str(raw)), "a bare word or \"...\"");
      return str(raw);
    }
    if (raw.size() < 2 || raw.back() != '"')
      fail(key, "text after the closing quote in " + quoted(str(raw)), "\"...\"");
    std::string out;
    for (std::size_t i = 1; i + 1 < raw.size(); ++i) {
      if (raw[i] != '\\') {
        out += raw[i];
        continue;
      }
      const char e = raw[++i];
      if (e == 'n')
        out += '\n';
      else if (e == 't')
        out += '\t';
      else if (e == 'x' && i + 3 < raw.size() && std::isxdigit(static_cast<unsigned char>(raw[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(raw[i + 2]))) {
        out += static_cast<char>(std::stoi(str(raw.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else if (e == '"' || e == '\\')
        out += e;
      else
        fail(key, "bad escape in " + quoted(str(raw)), "\\\" \\\\ \\n \\t or \\xNN");
    }
    return out;
  }

  std::int64_t number(std::string_view text, const std::string& key, const std::string& what) const {
    std::int64_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || value < 0) {
      fail(key, "bad " + what + " " + quoted(str(text)), "a non-negative integer");
    }
    return value;
  }

  void once(const std::string& what) {
    if (!seen_.insert(what).second) fail("", "second '" + what + "' line", "one");
  }

  void arity(std::size_t n, const std::string& form) const {
    if (tokens_.size() != n) fail(str(tokens_[0]), "wrong number of fields", form);
  }

  // ---- header ----
  void header() {
    if (tokens_[0] != "tilesim-schedule") fail("", "missing header line", "'tilesim-schedule 1' first");
    arity(2, "tilesim-schedule 1");
    if (tokens_[1] != "1") fail("", "unsupported version " + quoted(str(tokens_[1])), "1");
    have_header_ = true;
  }

  void header_line() {
    const std::string what = str(tokens_[0]);
    if (what == "model") {
      once(what);
      arity(2, "model NAME");
      s_.model = text_value(tokens_[1], what);
    } else if (what == "sram_bytes") {
      once(what);
      arity(2, "sram_bytes BYTES");
      s_.sram_bytes = number(tokens_[1], what, "size");
      lines_.sram_bytes = line_no_;
    } else if (what == "dram_layout") {
      once(what);
      arity(2, "dram_layout row_major or dram_layout tile_major");
      const auto layout = parse_dram_layout(str(tokens_[1]));
      if (!layout) fail(what, "unknown layout " + quoted(str(tokens_[1])), "row_major or tile_major");
      s_.dram_layout = *layout;
    } else if (what == "tensor") {
      tensor();
    } else if (what == "totals") {
      once(what);
      totals_ = key_values(what,
                           {"loads", "stores", "execs", "loads_eliminated", "bytes_loaded", "bytes_stored",
                            "sram_peak_bytes", "compulsory_loads", "compulsory_bytes"},
                           {}, nullptr);
      lines_.totals = line_no_;
    } else if (what == "layer") {
      layer();
    } else if (what == "uops") {
      once(what);
      arity(2, "uops COUNT");
      uops_announced_ = number(tokens_[1], what, "count");
      uops_line_ = line_no_;
    } else {
      fail("", "unknown line " + quoted(what),
           "tilesim-schedule, model, sram_bytes, dram_layout, tensor, totals, layer, uops or a uop line");
    }
  }

  // KEY=VALUE fields after the first token; numbers for `ints`, text for `texts`.
  std::map<std::string, std::int64_t> key_values(const std::string& line_kind, const std::set<std::string>& ints,
                                                 const std::set<std::string>& texts,
                                                 std::map<std::string, std::string>* text_out) {
    std::map<std::string, std::int64_t> out;
    std::set<std::string> seen;
    for (std::size_t i = 1; i < tokens_.size(); ++i) {
      const std::size_t eq = tokens_[i].find('=');
      const std::string key = str(tokens_[i].substr(0, eq));
      if (eq == std::string_view::npos || (!ints.count(key) && !texts.count(key))) {
        std::string known;
        for (const auto* set : {&texts, &ints})
          for (const std::string& k : *set) known += (known.empty() ? "" : ", ") + k;
        fail(line_kind, "unknown field " + quoted(str(tokens_[i])), "KEY=VALUE with KEY one of " + known);
      }
      if (!seen.insert(key).second) fail(line_kind, "field " + key + " given twice", "each field once");
      const std::string_view value = tokens_[i].substr(eq + 1);
      if (ints.count(key))
        out[key] = number(value, line_kind, key);
      else
        (*text_out)[key] = text_value(value, line_kind);
    }
    return out;
  }

  void layer() {
    std::map<std::string, std::string> texts;
    auto ints = key_values(
        "layer", {"loads", "stores", "execs", "loads_eliminated", "dma_bytes", "sram_peak_bytes", "compulsory_bytes"},
        {"name", "ops", "shapes", "tiles", "plan"}, &texts);
    LayerSummary l;
    l.name = texts["name"], l.ops = texts["ops"], l.shapes = texts["shapes"];
    l.tiles = texts["tiles"], l.plan = texts["plan"];
    s_.layers.push_back(std::move(l));
    layer_figures_.push_back(std::move(ints));  // set in fill_layers, once the uOps are known
    lines_.layers.push_back(line_no_);
  }

  // [N] (rank 1) or [R,C]; returns the rank.
  int dims(std::string_view field, const std::string& prefix, std::int64_t& rows, std::int64_t& cols) const {
    const std::string key = "tensor " + std::to_string(s_.tensors.size());
    if (field.compare(0, prefix.size(), prefix) != 0 || field.size() < prefix.size() + 2 || field.back() != ']' ||
        field[prefix.size()] != '[') {
      fail(key, "bad field " + quoted(str(field)), prefix + "[ROWS,COLS] or " + prefix + "[COLS]");
    }
    const std::string_view inner = field.substr(prefix.size() + 1, field.size() - prefix.size() - 2);
    const std::size_t comma = inner.find(',');
    if (comma == std::string_view::npos) {
      rows = 1;
      cols = number(inner, key, "size");
      return 1;
    }
    rows = number(inner.substr(0, comma), key, "size");
    cols = number(inner.substr(comma + 1), key, "size");
    return 2;
  }

  void tensor() {
    const std::string form =
        "tensor INDEX NAME ROLE shape=[ROWS,COLS] padded=[ROWS,COLS] [dram=ADDR] [rank=R] [batch=B] [dims=[D,...]] "
        "[layout=LAYOUT [groups=G]] [view=KIND(NAME) [im2col or place fields]] [graph_output]";
    if (tokens_.size() < 6) fail("tensor", "wrong number of fields", form);
    const std::string key = "tensor " + std::to_string(s_.tensors.size());
    if (number(tokens_[1], "tensor", "index") != static_cast<std::int64_t>(s_.tensors.size())) {
      fail("tensor", "index " + quoted(str(tokens_[1])) + " out of sequence", std::to_string(s_.tensors.size()));
    }
    if (static_cast<std::int64_t>(s_.tensors.size()) >= kMaxIndex) {
      fail("tensor", "more than " + std::to_string(kMaxIndex) + " tensors", "fewer tensors");
    }
    TensorInfo t;
    t.name = text_value(tokens_[2], key);
    const bool control = std::any_of(t.name.begin(), t.name.end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) == 0x7f;
    });
    if (t.name.empty() || control || t.name.find_first_of("[]@\" ") != std::string::npos) {
      fail(key, "bad tensor name " + quoted(t.name),
           "a word without spaces, control characters, quotes, '[', ']' or '@'");
    }
    if (!names_.emplace(t.name, static_cast<std::int32_t>(s_.tensors.size())).second) {
      fail(key, "tensor name " + quoted(t.name) + " used twice", "unique names");
    }
    const std::string_view role = tokens_[3];
    if (role == "input")
      t.role = TensorRole::Input;
    else if (role == "param")
      t.role = TensorRole::Param;
    else if (role == "intermediate")
      t.role = TensorRole::Intermediate;
    else if (role == "output")
      t.role = TensorRole::Output;
    else
      fail(key, "unknown role " + quoted(str(role)), "input, param, intermediate or output");
    const int entries = dims(tokens_[4], "shape=", t.rows, t.cols);
    if (dims(tokens_[5], "padded=", t.padded_rows, t.padded_cols) != entries) {
      fail(key, "padded shape " + quoted(str(tokens_[5])) + " has another rank than " + quoted(str(tokens_[4])),
           "the same rank");
    }
    t.rank = entries;
    std::set<std::string> seen;
    ViewFieldReader view_fields;
    for (std::size_t i = 6; i < tokens_.size(); ++i) {
      const std::string_view field = tokens_[i];
      const std::string name = str(field.substr(0, field.find('=')));
      if (!seen.insert(name).second) fail(key, "field " + name + " given twice", "each field once");
      const std::string_view value = field.substr(std::min(field.size(), name.size() + 1));
      if (field == "graph_output") {
        t.is_graph_output = true;
      } else if (name == "rank" && name.size() < field.size()) {
        const std::int64_t rank = number(value, key, "rank");
        if (rank > 1000) fail(key, "bad rank " + quoted(str(value)), "a rank from 0 to 4");
        t.rank = static_cast<int>(rank);
      } else if (name == "batch" && name.size() < field.size()) {
        t.batch = number(value, key, "batch");
      } else if (name == "dims" && name.size() < field.size()) {
        t.dims = dim_list(value, key);
      } else if (name == "dram" && name.size() < field.size()) {
        t.dram_address = dram_address(value, key);
      } else if (name.size() >= field.size() || !view_field(view_fields, name, field, key, t)) {
        fail(key, "unknown field " + quoted(str(field)), kTensorFields);
      }
    }
    try {
      view_fields.finish(t);
    } catch (const FieldProblem& p) {
      fail(key, p.problem, p.expected);
    }
    if (t.is_view()) views_.push_back({s_.tensors.size(), view_fields.shown(), line_no_});
    if (t.dram_address && !seen.count("view") && first_dram_tensor_ < 0) {
      first_dram_tensor_ = static_cast<std::int64_t>(s_.tensors.size());
    }
    // rank= wins; else dims= gives it (dims=[]: rank 0); else shape=: 1 or 2.
    if (!seen.count("rank") && seen.count("dims")) t.rank = static_cast<int>(t.dims.size());
    s_.tensors.push_back(std::move(t));
    lines_.tensors.push_back(line_no_);
  }

  // A layout or view field (view_text.h): false for any other.
  bool view_field(ViewFieldReader& reader, const std::string& name, std::string_view field, const std::string& key,
                  TensorInfo& t) const {
    try {
      return reader.take(name, field, &t);
    } catch (const FieldProblem& p) {
      fail(key, p.problem, p.expected);
    }
  }

  // "[]" or "[D,D,...]" (the part after dims=).
  std::vector<std::int64_t> dim_list(std::string_view text, const std::string& key) const {
    if (text.size() < 2 || text.front() != '[' || text.back() != ']') {
      fail(key, "bad field " + quoted("dims=" + str(text)), "dims=[D,...] or dims=[]");
    }
    std::vector<std::int64_t> out;
    std::string_view inner = text.substr(1, text.size() - 2);
    while (!inner.empty()) {
      const std::size_t comma = inner.find(',');
      out.push_back(number(inner.substr(0, comma), key, "dim"));
      if (comma == std::string_view::npos) break;
      inner.remove_prefix(comma + 1);
      if (inner.empty()) fail(key, "bad field " + quoted("dims=" + str(text)), "dims=[D,...] or dims=[]");
    }
    return out;
  }

  // "0x" and 1 to 16 hex digits (the part after dram=).
  std::uint64_t dram_address(std::string_view text, const std::string& key) const {
    const bool ok = text.size() > 2 && text.size() <= 18 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
                    text.find_first_not_of("0123456789abcdefABCDEF", 2) == std::string_view::npos;
    if (!ok) fail(key, "bad field " + quoted("dram=" + str(text)), "dram=0x followed by 1 to 16 hex digits");
    return hex_value<std::uint64_t>(text.substr(2));
  }

  template <typename Int>
  static Int hex_value(std::string_view digits) {
    Int value = 0;
    for (char c : digits) {
      const int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (c | 0x20) - 'a' + 10;
      value = value * 16 + static_cast<Int>(digit);
    }
    return value;
  }

  // ---- uops ----
  std::uint32_t address(std::string_view text, const std::string& key) const {
    const bool ok = text.size() > 2 && text.size() <= 10 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
                    text.find_first_not_of("0123456789abcdefABCDEF", 2) == std::string_view::npos;
    if (!ok) fail(key, "bad address " + quoted(str(text)), "0x followed by 1 to 8 hex digits");
    return hex_value<std::uint32_t>(text.substr(2));
  }

  // A tile row or column: TileRef holds them in 32 bits.
  std::int32_t coordinate(std::string_view text, const std::string& key, const std::string& what) const {
    const std::int64_t value = number(text, key, what);
    if (value > kMaxIndex) {
      fail(key, what + " " + quoted(str(text)) + " too large", "at most " + std::to_string(kMaxIndex));
    }
    return static_cast<std::int32_t>(value);
  }

  void operand(std::string_view text, const std::string& key, TileRef& tile, std::uint32_t& addr) const {
    const std::size_t at = text.rfind('@');
    const std::size_t open = text.find('[');
    const std::size_t comma = text.find(',', open == std::string_view::npos ? 0 : open);
    if (at == std::string_view::npos || open == std::string_view::npos || open == 0 ||
        comma == std::string_view::npos || comma > at || at == 0 || text[at - 1] != ']') {
      fail(key, "bad operand " + quoted(str(text)), "TENSOR[ROW,COL]@ADDR, e.g. x[0,1]@0x1000");
    }
    const std::string tensor = str(text.substr(0, open));
    auto it = names_.find(tensor);
    if (it == names_.end()) fail(key, "unknown tensor " + quoted(tensor), "a name from a tensor line");
    tile.tensor = it->second;
    tile.row = coordinate(text.substr(open + 1, comma - open - 1), key, "tile row");
    tile.col = coordinate(text.substr(comma + 1, at - 1 - comma - 1), key, "tile column");
    addr = address(text.substr(at + 1), key);
  }

  void uop() {
    const std::string key = "uop " + str(tokens_[0]);
    const auto id = number(tokens_[0], "uop", "id");
    if (id != static_cast<std::int64_t>(s_.uops.size())) {
      fail("", "uop id " + quoted(str(tokens_[0])) + " out of sequence", std::to_string(s_.uops.size()));
    }
    if (s_.uops.size() >= kNoUop - 1) {
      fail("", "more than " + std::to_string(kNoUop - 1) + " uops", "fewer uops: ids are 32-bit");
    }
    if (tokens_.size() < 5) fail(key, "incomplete line", kUopForm);
    uop_layer(key);
    Uop x;
    const std::string kind = str(tokens_[2]);
    if (kind == "LOAD")
      x.kind = UopKind::Load;
    else if (kind == "STORE")
      x.kind = UopKind::Store;
    else if (kind == "EXEC")
      x.kind = UopKind::Exec;
    else
      fail(key, "unknown kind " + quoted(kind), "LOAD, STORE or EXEC");
    const std::string unit = str(tokens_[1]);
    if (unit != "dma" && unit != "compute") fail(key, "unknown unit " + quoted(unit), "dma or compute");
    if (unit != to_string(x.unit())) fail(key, kind + " does not run on the " + unit + " unit", to_string(x.unit()));
    const std::string_view deps = tokens_.back();
    if (deps.compare(0, 5, "deps=") != 0) fail(key, "missing deps= at the end", "deps=ID or deps=-");
    if (deps != "deps=-") {
      const std::int64_t dep = number(deps.substr(5), key, "dependency");
      if (dep >= kNoUop) fail(key, "dependency " + quoted(str(deps.substr(5))) + " too large", "a uop id");
      x.dep = static_cast<std::uint32_t>(dep);
    }
    if (x.kind != UopKind::Exec) {
      if (tokens_.size() != 5) fail(key, "wrong number of fields", "ID dma " + kind + " TENSOR[ROW,COL]@ADDR deps=DEP");
      operand(tokens_[3], key, x.tile, x.addr);
    } else {
      exec(key, x);
    }
    s_.uops.push_back(x);
    lines_.uops.push_back(line_no_);
  }

  // An optional last field layer=N, on every uOp or on none (uop 0 decides);
  // taken off the line's tokens.
  void uop_layer(const std::string& key) {
    const std::string_view last = tokens_.back();
    const bool given = last.compare(0, 6, "layer=") == 0;
    if (s_.uops.empty()) uops_have_layer_ = given;
    if (given != uops_have_layer_) {
      fail(key, given ? "layer= but uop 0 has none" : "no layer= but uop 0 has one",
           "layer=N at the end of every uop line, or of none");
    }
    if (!given) return;
    const std::int64_t layer = number(last.substr(6), key, "layer");
    if (layer >= static_cast<std::int64_t>(s_.layers.size())) {
      const std::size_t n = s_.layers.size();
      fail(key, "layer=" + std::to_string(layer) + " names no layer line: the file has " + std::to_string(n),
           n == 0 ? "a layer line for each layer, before the uops" : "a layer from 0 to " + std::to_string(n - 1));
    }
    s_.uop_layer.push_back(static_cast<std::uint32_t>(layer));
    tokens_.pop_back();
  }

  // Every kind to_string names (whatever is appended to ExecKind later).
  static std::optional<ExecKind> exec_kind(const std::string& text) {
    for (int k = 0; k <= std::numeric_limits<std::uint8_t>::max(); ++k) {
      if (text != "?" && text == to_string(static_cast<ExecKind>(k))) return static_cast<ExecKind>(k);
    }
    return std::nullopt;
  }

  // "ID compute EXEC add TENSOR[ROW,COL]@ADDR <- 2 operands, ... deps=DEP": the
  // form an EXEC line of `kind` takes, for messages.
  static std::string exec_form(ExecKind kind) {
    const int n = required_srcs(kind);
    std::string text = "ID compute EXEC " + std::string(to_string(kind)) + " TENSOR[ROW,COL]@ADDR <- " +
                       std::to_string(n) + (n == 1 ? " operand" : " operands");
    if (kind == ExecKind::MatMul) {
      text +=
          " [bias TENSOR[0,COL]@ADDR] [residual TENSOR[ROW,COL]@ADDR] [zero_init] [relu | clip min=NUMBER max=NUMBER | "
          "leaky_relu alpha=NUMBER | gelu tanh=0|1]";
    }
    if (kind == ExecKind::AvgPool) text += " [TENSOR[ROW,0]@ADDR:col (divisors, last step)]";
    if (kind == ExecKind::LayerNorm) text += " [TENSOR[0,COL]@ADDR (bias)]";
    if (is_pool(kind) || is_row_reduction(kind)) text += " [zero_init]";
    if (is_binary(kind)) text += ", each TENSOR[ROW,COL]@ADDR[:row|:col|:scalar]";
    for (int i = 0; i < 2; ++i) {
      if (const char* name = param_name(kind, i)) text += " " + std::string(name) + "=NUMBER";
    }
    return text + " deps=DEP";
  }

  void exec(const std::string& key, Uop& x) {
    const std::string ek = str(tokens_[3]);
    const auto kind = exec_kind(ek);
    if (!kind) {
      fail(key, "unknown EXEC kind " + quoted(ek),
           "matmul, add, sub, mul, max, min, relu, scale, clip, leaky_relu, sigmoid, tanh, hard_sigmoid, "
           "hard_swish, max_pool, avg_pool, reduce_sum, reduce_max, softmax_stats, softmax, layer_norm_stats, "
           "layer_norm, div, sqrt, reciprocal, exp, neg, erf, pow, gelu or where");
    }
    x.exec = *kind;
    const int operands = required_srcs(x.exec);
    // avg_pool: optional divisors; layer_norm: an optional bias.
    const int most = x.exec == ExecKind::AvgPool || x.exec == ExecKind::LayerNorm ? operands + 1 : operands;
    const std::string form = exec_form(x.exec);
    if (tokens_.size() < 7 || tokens_[5] != "<-") fail(key, "missing '<-' after the result", form);
    operand(tokens_[4], key, x.tile, x.addr);
    ExecParams params;
    ExecKind named = x.exec;  // whose constants follow: the kind's, or a matmul's fused activation's
    int n = 0;
    bool flags = false, given[2] = {false, false};
    for (std::size_t i = 6; i + 1 < tokens_.size(); ++i) {
      const std::string_view t = tokens_[i];
      const std::size_t eq = t.find('=');
      const bool fused = x.exec == ExecKind::MatMul && (t == "clip" || t == "leaky_relu" || t == "gelu");
      if (eq != std::string_view::npos && t.find('[') == std::string_view::npos) {
        const int p = param_index(named, t.substr(0, eq));
        if (p < 0 || given[p]) fail(key, "unexpected field " + quoted(str(t)), form);
        params.param[p] = number_value(t.substr(eq + 1), str(t.substr(0, eq)), key);
        given[p] = flags = true;
      } else if (t == "zero_init" || t == "relu") {
        bool& flag = t == "zero_init" ? x.zero_init : x.relu;
        const bool allowed = t == "zero_init" ? is_accumulating(x.exec) : x.exec == ExecKind::MatMul;
        if (!allowed || flag) fail(key, "unexpected flag " + str(t), form);
        flag = flags = true;
      } else if (fused) {
        if (named != ExecKind::MatMul) fail(key, "unexpected flag " + str(t), form);
        named = params.fused = *exec_kind(str(t));
        flags = true;
      } else if (flags) {
        fail(key, "operand " + quoted(str(t)) + " after the flags", form);
      } else if (t == "bias") {
        if (x.exec != ExecKind::MatMul || n != 2 || i + 2 >= tokens_.size()) fail(key, "misplaced 'bias'", form);
        operand(tokens_[++i], key, x.src[2], x.src_addr[2]);
        n = 3;
      } else if (t == "residual") {  // after the bias, if any
        if (x.exec != ExecKind::MatMul || n < 2 || n > 3 || i + 2 >= tokens_.size()) {
          fail(key, "misplaced 'residual'", form);
        }
        operand(tokens_[++i], key, x.src[3], x.src_addr[3]);
        n = 4;
      } else {
        if (n >= most) fail(key, "too many operands", form);
        std::string_view text = t;
        const std::size_t colon = t.rfind(':');
        if (colon != std::string_view::npos && colon > t.rfind('@')) {
          if (n >= 2) fail(key, "a form on operand " + std::to_string(n), form);  // only two forms
          params.form[n] = broadcast(t.substr(colon + 1), key);
          text = t.substr(0, colon);
        }
        operand(text, key, x.src[n], x.src_addr[n]);
        ++n;
      }
    }
    if (n < operands) fail(key, "too few operands", form);
    for (int p = 0; p < 2; ++p) {
      if (const char* name = param_name(named, p); name && !given[p]) {
        fail(key, "missing " + std::string(name) + "=NUMBER", form);
      }
    }
    x.params = intern_params(s_.exec_params, params);
  }

  static int param_index(ExecKind kind, std::string_view name) {
    for (int i = 0; i < 2; ++i) {
      const char* known = param_name(kind, i);
      if (known && name == known) return i;
    }
    return -1;
  }

  Broadcast broadcast(std::string_view text, const std::string& key) const {
    for (const Broadcast b : {Broadcast::Row, Broadcast::Col, Broadcast::Scalar}) {
      if (text == to_string(b)) return b;
    }
    fail(key, "unknown broadcast form " + quoted(str(text)), "row, col or scalar after an operand's address");
  }

  // A float as std::to_chars writes it ("0.5", "1e-07", "nan", "-inf"): read back exactly.
  float number_value(std::string_view text, const std::string& name, const std::string& key) const {
    float value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end) {
      fail(key, "bad " + name + " " + quoted(str(text)), "a number, e.g. " + name + "=0.5");
    }
    return value;
  }

  // ---- end of file ----
  void finish() {
    if (!have_header_) throw InputError(name_, "", "empty file", "'tilesim-schedule 1' on the first line");
    if (!seen_.count("sram_bytes")) throw InputError(name_, "", "missing 'sram_bytes' line", "sram_bytes BYTES");
    if (uops_announced_ >= 0 && uops_announced_ != static_cast<std::int64_t>(s_.uops.size())) {
      line_no_ = uops_line_;
      fail("uops",
           "announced " + std::to_string(uops_announced_) + " uop lines but the file has " +
               std::to_string(s_.uops.size()),
           "as many uop lines as announced");
    }
    for (const PendingView& v : views_) {
      auto it = names_.find(v.of);
      TensorView& view = s_.tensors[v.tensor].view;
      if (it == names_.end()) {
        line_no_ = v.line;
        fail("tensor " + std::to_string(v.tensor),
             "view=" + std::string(to_string(view.kind)) + " of unknown tensor " + quoted(v.of),
             "a name from a tensor line");
      }
      view.of = it->second;
    }
    place();
    const ScheduleTotals counted = count_totals(s_);
    fill_totals(counted);
    fill_layers(counted);
  }

  // Without dram= the tensors get the compiler's default placement; with it,
  // every tensor that is not a view gives its own (the validator checks them).
  void place() {
    if (first_dram_tensor_ < 0) {
      place_tensors(s_.tensors);
      return;
    }
    for (std::size_t i = 0; i < s_.tensors.size(); ++i) {
      const TensorInfo& t = s_.tensors[i];
      if (t.is_view() || t.dram_address) continue;
      line_no_ = lines_.tensors[i];
      fail("tensor " + std::to_string(i), "no dram= but tensor " + std::to_string(first_dram_tensor_) + " has one",
           "dram=ADDR on every tensor that is not a view, or on none");
    }
  }

  // The totals the file did not give, counted from the uOps (totals.h).
  void fill_totals(const ScheduleTotals& counted) {
    set_totals(s_, counted, true);
    const std::pair<const char*, std::int64_t*> fields[] = {{"loads", &s_.loads},
                                                            {"stores", &s_.stores},
                                                            {"execs", &s_.execs},
                                                            {"loads_eliminated", &s_.loads_eliminated},
                                                            {"bytes_loaded", &s_.bytes_loaded},
                                                            {"bytes_stored", &s_.bytes_stored},
                                                            {"sram_peak_bytes", &s_.sram_peak_bytes},
                                                            {"compulsory_loads", &s_.compulsory_loads},
                                                            {"compulsory_bytes", &s_.compulsory_bytes}};
    for (const auto& [key, field] : fields) {
      if (const auto it = totals_.find(key); it != totals_.end()) *field = it->second;
    }
  }

  // Each layer's figures as its line gives them; those it leaves out are
  // counted from its uOps when the uOps say their layer (sram_peak_bytes: the
  // schedule's), else 0.
  void fill_layers(const ScheduleTotals& counted) {
    for (std::size_t i = 0; i < s_.layers.size(); ++i) {
      LayerSummary& l = s_.layers[i];
      if (i < counted.layers.size()) {
        const LayerTotals& c = counted.layers[i];
        l.loads = c.loads, l.stores = c.stores, l.execs = c.execs, l.loads_eliminated = c.loads_eliminated;
        l.dma_bytes = saturating_add(c.bytes_loaded, c.bytes_stored);
        l.compulsory_bytes = c.compulsory_bytes;
        l.sram_peak_bytes = s_.sram_peak_bytes;
      }
      const std::pair<const char*, std::int64_t*> fields[] = {{"loads", &l.loads},
                                                              {"stores", &l.stores},
                                                              {"execs", &l.execs},
                                                              {"loads_eliminated", &l.loads_eliminated},
                                                              {"dma_bytes", &l.dma_bytes},
                                                              {"sram_peak_bytes", &l.sram_peak_bytes},
                                                              {"compulsory_bytes", &l.compulsory_bytes}};
      for (const auto& [key, field] : fields) {
        if (const auto it = layer_figures_[i].find(key); it != layer_figures_[i].end()) *field = it->second;
      }
    }
  }
};

}  // namespace

Schedule read_schedule_text(std::istream& in, const std::string& name, ScheduleLines* lines) {
  ScheduleLines ignored;
  return Reader(in, name, lines ? *lines : ignored).run();
}

}  // namespace tilesim::sched
