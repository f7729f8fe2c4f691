// The text of a tensor line's layout and view fields (docs/schedule-format.md,
// "Text form"), written and read in one place:
//
//   layout=nhwc | layout=conv_weight groups=G      (matrix: no field)
//   view=transpose(X) | view=relayout(X)
//   view=im2col(X) kernel=KHxKW stride=SHxSW dilation=DHxDW pad=TOPxLEFT
//                  out=OHxOW channel_stride=S pad_value=0|-inf
//   view=place(X) axis=A offset=O
//   view=permute(X) from=[A,...] perm=[P,...]
//   view=slice(X) from=[A,...] slice=AXIS:START:STEP:COUNT   (STEP may be < 0)
//
// The im2col geometry fields come with view=im2col(X), all seven, and on no
// other line; axis= and offset= with view=place(X), both, and on no other;
// from= with view=permute(X) and view=slice(X), perm= with permute, slice=
// with slice, and on no other. The reader checks syntax and the ranges it
// stores (each number 0 to 2147483647); what the values mean is the validator's business.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/schedule/schedule.h"

namespace tilesim::sched {

// " layout=nhwc", " layout=conv_weight groups=2"; groups= also on any other
// tensor whose groups are not 1 (so an invalid table prints as it is).
std::string layout_fields(const TensorInfo& t);

// " view=transpose(X)", or " view=im2col(X) kernel=3x3 ... pad_value=0"; ""
// for a tensor with storage. `shown` is the name X prints as.
std::string view_fields(const TensorInfo& t, const std::string& shown);

// A malformed field: the reader adds the file, line and tensor.
struct FieldProblem {
  std::string problem, expected;
};

// Reads the layout and view fields of one tensor line into a TensorInfo. The
// view's tensor is only a name here (`shown`): the reader resolves it at the
// end of the file, since it may come later in the table.
class ViewFieldReader {
 public:
  // True when `name` is a layout or view field, read into *t; false for
  // any other field. Throws FieldProblem for a malformed value.
  bool take(const std::string& name, std::string_view field, TensorInfo* t);
  // At the end of the line: the im2col fields exactly with view=im2col.
  // Throws FieldProblem.
  void finish(const TensorInfo& t) const;
  const std::string& shown() const { return shown_; }

 private:
  std::string shown_;
  std::vector<std::string> geometry_;   // im2col fields read, in order
  std::vector<std::string> placement_;  // place fields read, in order
  std::vector<std::string> selection_;  // from=, perm=, slice= read, in order
};

// "dram=ADDR, ..., graph_output": every tensor field, for messages.
extern const char* const kTensorFields;

}  // namespace tilesim::sched
