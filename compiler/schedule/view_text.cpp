#include "compiler/schedule/view_text.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>

#include "compiler/support/input_error.h"

namespace tilesim::sched {
namespace {

constexpr std::int64_t kMaxField = std::numeric_limits<std::int32_t>::max();

// The im2col fields, in the order the writer prints them.
constexpr const char* kGeometry[] = {"kernel", "stride", "dilation", "pad", "out", "channel_stride", "pad_value"};
constexpr const char* kGeometryForm =
    "kernel=, stride=, dilation=, pad=, out=, channel_stride= and pad_value= with view=im2col(NAME)";
// The place fields, in the order the writer prints them.
constexpr const char* kPlacement[] = {"axis", "offset"};
constexpr const char* kPlacementForm = "axis= and offset= with view=place(NAME)";

std::string str(std::string_view text) { return std::string(text); }

std::string axb(std::int32_t a, std::int32_t b) { return std::to_string(a) + "x" + std::to_string(b); }

// A decimal from 0 to 2147483647, or nothing.
bool field_number(std::string_view text, std::int32_t* out) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < 0 || value > kMaxField) return false;
  *out = static_cast<std::int32_t>(value);
  return true;
}

// "AxB": two such numbers.
void read_pair(const std::string& name, std::string_view field, std::string_view value, std::int32_t* a,
               std::int32_t* b) {
  const std::size_t x = value.find('x');
  if (x == std::string_view::npos || !field_number(value.substr(0, x), a) || !field_number(value.substr(x + 1), b)) {
    throw FieldProblem{"bad field " + quoted(str(field)), name + "=AxB with A and B integers from 0 to " +
                                                              std::to_string(kMaxField) + ", e.g. " + name + "=3x3"};
  }
}

bool is_geometry(const std::string& name) {
  for (const char* g : kGeometry) {
    if (name == g) return true;
  }
  return false;
}

void read_geometry(const std::string& name, std::string_view field, std::string_view value, Im2colGeometry* g) {
  if (name == "kernel") return read_pair(name, field, value, &g->kernel_h, &g->kernel_w);
  if (name == "stride") return read_pair(name, field, value, &g->stride_h, &g->stride_w);
  if (name == "dilation") return read_pair(name, field, value, &g->dilation_h, &g->dilation_w);
  if (name == "pad") return read_pair(name, field, value, &g->pad_top, &g->pad_left);
  if (name == "out") return read_pair(name, field, value, &g->out_h, &g->out_w);
  if (name == "channel_stride") {
    if (!field_number(value, &g->channel_stride)) {
      throw FieldProblem{"bad field " + quoted(str(field)),
                         "channel_stride=S with S an integer from 0 to " + std::to_string(kMaxField)};
    }
    return;
  }
  if (value != "0" && value != "-inf") {
    throw FieldProblem{"bad field " + quoted(str(field)), "pad_value=0 or pad_value=-inf"};
  }
  g->pad_negative_infinity = value == "-inf";
}

bool is_placement(const std::string& name) { return name == kPlacement[0] || name == kPlacement[1]; }

void read_placement(const std::string& name, std::string_view field, std::string_view value, Placement* p) {
  if (!field_number(value, name == "axis" ? &p->axis : &p->offset)) {
    throw FieldProblem{"bad field " + quoted(str(field)),
                       name + "=N with N an integer from 0 to " + std::to_string(kMaxField)};
  }
}

// Each of `fields` among `read` when the view is `kind`, and none of them otherwise.
template <std::size_t N>
void check_fields(const TensorInfo& t, ViewKind kind, const char* const (&fields)[N],
                  const std::vector<std::string>& read, const char* form) {
  const std::string view = std::string("view=") + to_string(kind);
  if (t.view.kind == kind) {
    for (const char* f : fields) {
      if (std::find(read.begin(), read.end(), f) == read.end())
        throw FieldProblem{view + " without " + std::string(f) + "=", form};
    }
  } else if (!read.empty()) {
    throw FieldProblem{read.front() + "= without " + view + "(NAME)",
                       std::string("the ") + to_string(kind) + " fields only with " + view + "(NAME)"};
  }
}

// --- issue 14: the permute and slice fields ---

std::string list_text(const std::vector<std::int64_t>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + std::to_string(values[i]);
  return out + "]";
}

// A decimal from -2147483648 to 2147483647, or nothing.
bool signed_number(std::string_view text, std::int64_t* out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return !text.empty() && ec == std::errc() && ptr == end && *out >= std::numeric_limits<std::int32_t>::min() &&
         *out <= kMaxField;
}

// "[N,...]" or "[]" of numbers from 0 to 2147483647.
bool number_list(std::string_view text, std::vector<std::int64_t>* out) {
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return false;
  std::string_view inner = text.substr(1, text.size() - 2);
  out->clear();
  while (!inner.empty()) {
    const std::size_t comma = inner.find(',');
    std::int32_t n = 0;
    if (!field_number(inner.substr(0, comma), &n)) return false;
    out->push_back(n);
    if (comma == std::string_view::npos) return true;
    inner.remove_prefix(comma + 1);
    if (inner.empty()) return false;
  }
  return true;
}

// slice=AXIS:START:STEP:COUNT.
bool slice_fields(std::string_view text, Selection* s) {
  std::int64_t parts[4] = {};
  for (int i = 0; i < 4; ++i) {
    const std::size_t colon = i < 3 ? text.find(':') : text.size();
    if (colon == std::string_view::npos || !signed_number(text.substr(0, colon), &parts[i])) return false;
    text.remove_prefix(std::min(text.size(), colon + 1));
  }
  if (parts[0] < 0 || parts[1] < 0 || parts[3] < 0) return false;
  s->axis = static_cast<std::int32_t>(parts[0]);
  s->start = parts[1], s->step = parts[2], s->count = parts[3];
  return true;
}

void read_selection(const std::string& name, std::string_view field, std::string_view value, Selection* s) {
  std::vector<std::int64_t> list;
  if (name == "slice") {
    if (slice_fields(value, s)) return;
    throw FieldProblem{"bad field " + quoted(str(field)),
                       "slice=AXIS:START:STEP:COUNT with AXIS, START and COUNT integers from 0 to " +
                           std::to_string(kMaxField) + " and STEP from -2147483648 to " + std::to_string(kMaxField)};
  }
  if (!number_list(value, &list)) {
    throw FieldProblem{"bad field " + quoted(str(field)),
                       name + "=[N,...] with each N an integer from 0 to " + std::to_string(kMaxField)};
  }
  if (name == "from") {
    s->from = list;
  } else {
    s->perm.assign(list.begin(), list.end());
  }
}

std::string selection_fields(const TensorInfo& t) {
  const Selection& s = t.view.select;
  std::string out = " from=" + list_text(s.from);
  if (t.view.kind == ViewKind::Permute) {
    return out + " perm=" + list_text(std::vector<std::int64_t>(s.perm.begin(), s.perm.end()));
  }
  return out + " slice=" + std::to_string(s.axis) + ":" + std::to_string(s.start) + ":" + std::to_string(s.step) + ":" +
         std::to_string(s.count);
}

// from= with permute and slice, perm= with permute, slice= with slice.
void check_selection(const TensorInfo& t, const std::vector<std::string>& read) {
  const ViewKind kind = t.view.kind;
  const bool selects = kind == ViewKind::Permute || kind == ViewKind::Slice;
  const std::string view = std::string("view=") + to_string(kind);
  const auto has = [&](const char* f) { return std::find(read.begin(), read.end(), f) != read.end(); };
  const char* own = kind == ViewKind::Permute ? "perm" : "slice";
  if (selects) {
    for (const char* f : {"from", own}) {
      if (!has(f)) {
        throw FieldProblem{view + " without " + f + "=", kind == ViewKind::Permute
                                                             ? "from= and perm= with view=permute(NAME)"
                                                             : "from= and slice= with view=slice(NAME)"};
      }
    }
  }
  for (const std::string& f : read) {
    if (selects && (f == "from" || f == own)) continue;
    const std::string where = f == "from"   ? "view=permute(NAME) or view=slice(NAME)"
                              : f == "perm" ? "view=permute(NAME)"
                                            : "view=slice(NAME)";
    throw FieldProblem{f + "= with " + (t.is_view() ? view + "(NAME)" : std::string("no view")),
                       f + "= only with " + where};
  }
}

}  // namespace

const char* const kTensorFields =
    "dram=ADDR, rank=R, batch=B, dims=[D,...], layout=LAYOUT, groups=G, view=KIND(NAME), the im2col fields "
    "kernel=, stride=, dilation=, pad=, out=, channel_stride=, pad_value=, the place fields axis=, offset=, the "
    "permute and slice fields from=, perm=, slice=, or graph_output";

std::string layout_fields(const TensorInfo& t) {
  std::string out;
  if (t.layout != TensorLayout::Matrix) out += std::string(" layout=") + to_string(t.layout);
  if (t.layout == TensorLayout::ConvWeight || t.groups != 1) out += " groups=" + std::to_string(t.groups);
  return out;
}

std::string view_fields(const TensorInfo& t, const std::string& shown) {
  if (!t.is_view()) return "";
  std::string out = std::string(" view=") + to_string(t.view.kind) + "(" + shown + ")";
  if (t.view.kind == ViewKind::Place) {
    return out + " axis=" + std::to_string(t.view.place.axis) + " offset=" + std::to_string(t.view.place.offset);
  }
  if (t.view.kind == ViewKind::Permute || t.view.kind == ViewKind::Slice) return out + selection_fields(t);
  if (t.view.kind != ViewKind::Im2col) return out;
  const Im2colGeometry& g = t.view.im2col;
  return out + " kernel=" + axb(g.kernel_h, g.kernel_w) + " stride=" + axb(g.stride_h, g.stride_w) +
         " dilation=" + axb(g.dilation_h, g.dilation_w) + " pad=" + axb(g.pad_top, g.pad_left) +
         " out=" + axb(g.out_h, g.out_w) + " channel_stride=" + std::to_string(g.channel_stride) +
         " pad_value=" + (g.pad_negative_infinity ? "-inf" : "0");
}

bool ViewFieldReader::take(const std::string& name, std::string_view field, TensorInfo* t) {
  const std::string_view value = field.substr(name.size() + 1);
  if (name == "layout") {
    if (value == "matrix") {
      t->layout = TensorLayout::Matrix;
    } else if (value == "nchw") {
      t->layout = TensorLayout::Nchw;
    } else if (value == "nhwc") {
      t->layout = TensorLayout::Nhwc;
    } else if (value == "conv_weight") {
      t->layout = TensorLayout::ConvWeight;
    } else {
      throw FieldProblem{"unknown layout " + quoted(str(value)),
                         "layout=matrix, layout=nchw, layout=nhwc or layout=conv_weight"};
    }
  } else if (name == "groups") {
    if (!field_number(value, &t->groups)) {
      throw FieldProblem{"bad field " + quoted(str(field)),
                         "groups=G with G an integer from 0 to " + std::to_string(kMaxField)};
    }
  } else if (name == "view") {
    const std::size_t open = value.find('(');
    const std::string kind = str(value.substr(0, open));
    const ViewKind kinds[] = {ViewKind::Transpose, ViewKind::Im2col,  ViewKind::Relayout,
                              ViewKind::Place,     ViewKind::Permute, ViewKind::Slice};
    const auto* known =
        std::find_if(std::begin(kinds), std::end(kinds), [&](ViewKind k) { return kind == to_string(k); });
    if (open == std::string_view::npos || known == std::end(kinds) || value.size() < open + 3 || value.back() != ')') {
      throw FieldProblem{"bad field " + quoted(str(field)),
                         "view=transpose(NAME), view=im2col(NAME), view=relayout(NAME), view=place(NAME), "
                         "view=permute(NAME) or view=slice(NAME)"};
    }
    t->view.kind = *known;
    shown_ = str(value.substr(open + 1, value.size() - open - 2));
  } else if (is_geometry(name)) {
    read_geometry(name, field, value, &t->view.im2col);
    geometry_.push_back(name);
  } else if (is_placement(name)) {
    read_placement(name, field, value, &t->view.place);
    placement_.push_back(name);
  } else if (name == "from" || name == "perm" || name == "slice") {
    read_selection(name, field, value, &t->view.select);
    selection_.push_back(name);
  } else {
    return false;
  }
  return true;
}

void ViewFieldReader::finish(const TensorInfo& t) const {
  check_fields(t, ViewKind::Im2col, kGeometry, geometry_, kGeometryForm);
  check_fields(t, ViewKind::Place, kPlacement, placement_, kPlacementForm);
  check_selection(t, selection_);
}

}  // namespace tilesim::sched
