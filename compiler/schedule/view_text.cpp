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

}  // namespace

const char* const kTensorFields =
    "dram=ADDR, rank=R, batch=B, dims=[D,...], layout=LAYOUT, groups=G, view=KIND(NAME), the im2col fields "
    "kernel=, stride=, dilation=, pad=, out=, channel_stride=, pad_value=, the place fields axis=, offset=, or "
    "graph_output";

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
    const ViewKind kinds[] = {ViewKind::Transpose, ViewKind::Im2col, ViewKind::Relayout, ViewKind::Place};
    const auto* known =
        std::find_if(std::begin(kinds), std::end(kinds), [&](ViewKind k) { return kind == to_string(k); });
    if (open == std::string_view::npos || known == std::end(kinds) || value.size() < open + 3 || value.back() != ')') {
      throw FieldProblem{"bad field " + quoted(str(field)),
                         "view=transpose(NAME), view=im2col(NAME), view=relayout(NAME) or view=place(NAME)"};
    }
    t->view.kind = *known;
    shown_ = str(value.substr(open + 1, value.size() - open - 2));
  } else if (is_geometry(name)) {
    read_geometry(name, field, value, &t->view.im2col);
    geometry_.push_back(name);
  } else if (is_placement(name)) {
    read_placement(name, field, value, &t->view.place);
    placement_.push_back(name);
  } else {
    return false;
  }
  return true;
}

void ViewFieldReader::finish(const TensorInfo& t) const {
  check_fields(t, ViewKind::Im2col, kGeometry, geometry_, kGeometryForm);
  check_fields(t, ViewKind::Place, kPlacement, placement_, kPlacementForm);
}

}  // namespace tilesim::sched
