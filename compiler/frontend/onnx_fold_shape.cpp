// The folded ops that move elements: Shape, Gather, Slice, Split, Expand,
// Identity, Reshape, Squeeze, Unsqueeze and Concat (onnx_fold_node.h).
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <limits>

#include "compiler/frontend/onnx_fold_node.h"
#include "compiler/frontend/onnx_shape_ops.h"
#include "compiler/support/input_error.h"

namespace tilesim::frontend {

namespace {

using Index = std::vector<std::int64_t>;

FoldedValue int64_list(const Dims& values) {
  FoldedValue v;
  v.type = onnx::TensorProto::INT64;
  v.dims = {static_cast<std::int64_t>(values.size())};
  v.ints = values;
  return v;
}

std::int64_t rank_of(const FoldedValue& v) { return static_cast<std::int64_t>(v.dims.size()); }

// Shape-15's [start, end) of the dims, each negative from the end, clamped.
FoldedValue shape(FoldNode& n) {
  Dims dims;
  if (const onnx::TensorProto* proto = n.builder().constant(n.name(0))) {  // its dims, without reading its values
    dims.assign(proto->dims().begin(), proto->dims().end());
  } else if (const FoldedValue* folded = n.find(0)) {
    dims = folded->dims;
  } else {
    dims = n.builder().tensor(n.builder().input_of(n.node(), 0)).shape.dims();
  }
  const auto rank = static_cast<std::int64_t>(dims.size());
  const auto clamp = [rank](std::int64_t i) { return std::clamp(i < 0 ? i + rank : i, std::int64_t{0}, rank); };
  const std::int64_t start = clamp(n.attributes().start.value_or(0));
  const std::int64_t end = clamp(n.attributes().end.value_or(rank));
  return int64_list(start < end ? Dims(dims.begin() + start, dims.begin() + end) : Dims{});
}

FoldedValue gather(FoldNode& n) {
  const FoldedValue& data = n.value(0, "data", true);
  const FoldedValue& indices = n.value(1, "indices", true);
  if (!indices.is_integer()) {
    n.fail(n.shown(1, "indices") + " has data type " + data_type_text(indices.type), "INT64 or INT32");
  }
  if (data.dims.empty()) n.fail(n.shown(0, "data") + " is a scalar", "data of rank 1 or more");
  const std::int64_t axis = n.axis(n.attributes().axis.value_or(0), rank_of(data), "attribute axis");
  const std::int64_t size = data.dims[static_cast<std::size_t>(axis)];
  for (std::size_t i = 0; i < indices.ints.size(); ++i) {
    const std::int64_t at = indices.ints[i];
    if (at < -size || at >= size) {
      n.fail(n.shown(1, "indices") + " has " + std::to_string(at) + " at position " + std::to_string(i) + " for axis " +
                 std::to_string(axis) + " of data " + list_text(data.dims),
             "indices in [" + std::to_string(-size) + ", " + std::to_string(size - 1) + "]");
    }
  }
  Dims out(data.dims.begin(), data.dims.begin() + axis);
  out.insert(out.end(), indices.dims.begin(), indices.dims.end());
  out.insert(out.end(), data.dims.begin() + axis + 1, data.dims.end());
  n.reserve(out);
  std::int64_t outer = 1, inner = 1;
  for (std::int64_t d = 0; d < rank_of(data); ++d) (d < axis ? outer : inner) *= d == axis ? 1 : data.dims[d];
  Index index;
  index.reserve(static_cast<std::size_t>(element_count(out)));
  for (std::int64_t o = 0; o < outer; ++o) {
    for (const std::int64_t at : indices.ints) {
      const std::int64_t base = (o * size + (at < 0 ? at + size : at)) * inner;
      for (std::int64_t i = 0; i < inner; ++i) index.push_back(base + i);
    }
  }
  return pick(data, index, out);
}

// Elements [start, start + count * step) of every axis (step per axis).
FoldedValue slice_of(FoldNode& n, const FoldedValue& data, const std::vector<SliceAxis>& axes) {
  const Dims strides = strides_of(data.dims);
  Dims out, steps;
  std::int64_t base = 0;
  for (std::size_t d = 0; d < axes.size(); ++d) {
    out.push_back(axes[d].count);
    steps.push_back(strides[d] * axes[d].step);
    base += axes[d].start * strides[d];
  }
  n.reserve(out);
  return pick(data, strided_index(out, steps, base), out);
}

FoldedValue slice(FoldNode& n) {
  const FoldedValue& data = n.value(0, "data", true);
  const SliceSettings s = slice_settings(n, rank_of(data));
  std::vector<SliceAxis> axes;
  for (const std::int64_t dim : data.dims) axes.push_back({0, dim, 1});
  for (std::size_t i = 0; i < s.axes.size(); ++i) {
    const auto d = static_cast<std::size_t>(s.axes[i]);
    axes[d] = slice_axis(s.starts[i], s.ends[i], s.steps[i], data.dims[d]);
  }
  return slice_of(n, data, axes);
}

std::vector<FoldedValue> split(FoldNode& n) {
  const FoldedValue& data = n.value(0, "input", true);
  if (data.dims.empty()) n.fail(n.shown(0, "input") + " is a scalar", "an input of rank 1 or more");
  const std::int64_t axis = n.axis(n.attributes().axis.value_or(0), rank_of(data), "attribute axis");
  const Dims sizes = split_checked(n, data.dims, axis);
  std::vector<FoldedValue> parts;
  std::int64_t start = 0;
  for (const std::int64_t size : sizes) {
    std::vector<SliceAxis> axes;
    for (const std::int64_t d : data.dims) axes.push_back({0, d, 1});
    axes[static_cast<std::size_t>(axis)] = {start, size, 1};
    parts.push_back(slice_of(n, data, axes));
    start += size;
  }
  return parts;
}

FoldedValue expand(FoldNode& n) {
  const FoldedValue& data = n.value(0, "input", true);
  const Dims shape = n.ints(1, "shape");
  for (const std::int64_t d : shape) {
    if (d < 0) n.fail("shape " + list_text(shape) + " has " + std::to_string(d), "dims >= 0");
  }
  const std::optional<Dims> out = broadcast_dims(data.dims, shape);
  if (!out) {
    n.fail("shape " + list_text(shape) + " does not broadcast with input " + list_text(data.dims),
           "a shape that broadcasts with the input (NumPy's rule)");
  }
  n.reserve(*out);
  return pick(data, broadcast_index(*out, data.dims), *out);
}

FoldedValue concat(FoldNode& n) {
  std::vector<const FoldedValue*> parts;
  for (int i = 0; i < n.node().input_size(); ++i) parts.push_back(&n.value(i, "inputs[" + std::to_string(i) + "]"));
  const FoldedValue& first = *parts[0];
  if (first.dims.empty()) n.fail(n.shown(0, "input 0") + " is a scalar", "inputs of rank 1 or more");
  if (!n.attributes().axis && n.opset() >= 4) n.fail("has no attribute 'axis'", "an attribute 'axis'");
  const std::int64_t axis = n.axis(n.attributes().axis.value_or(1), rank_of(first), "attribute axis");
  Dims out = first.dims;
  out[static_cast<std::size_t>(axis)] = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    Dims dims = parts[i]->dims;
    if (parts[i]->type != first.type) {
      n.fail(n.shown(static_cast<int>(i), "input " + std::to_string(i)) + " has data type " +
                 data_type_text(parts[i]->type) + " and input 0 " + data_type_text(first.type),
             "inputs of one data type");
    }
    const auto at = static_cast<std::size_t>(axis);
    bool same = dims.size() == out.size();
    for (std::size_t d = 0; same && d < dims.size(); ++d) same = d == at || dims[d] == out[d];
    if (!same) {
      n.fail(n.shown(static_cast<int>(i), "input " + std::to_string(i)) + " " + list_text(parts[i]->dims) +
                 " and input 0 " + list_text(first.dims) + " differ off axis " + std::to_string(axis),
             "the same dims but on axis " + std::to_string(axis));
    }
    out[static_cast<std::size_t>(axis)] += dims[static_cast<std::size_t>(axis)];
  }
  n.reserve(out);
  FoldedValue v;
  v.type = first.type;
  v.dims = out;
  std::int64_t outer = 1;
  for (std::int64_t d = 0; d < axis; ++d) outer *= out[static_cast<std::size_t>(d)];
  for (std::int64_t o = 0; o < outer; ++o) {
    for (const FoldedValue* p : parts) {
      const std::int64_t chunk = outer == 0 ? 0 : p->count() / outer;
      if (p->is_float()) {
        v.floats.insert(v.floats.end(), p->floats.begin() + o * chunk, p->floats.begin() + (o + 1) * chunk);
      } else {
        v.ints.insert(v.ints.end(), p->ints.begin() + o * chunk, p->ints.begin() + (o + 1) * chunk);
      }
    }
  }
  return v;
}

}  // namespace

// Shared with onnx_select.cpp (declared in onnx_fold_node.h).
Dims split_checked(FoldNode& n, const Dims& data, std::int64_t axis) {
  const std::int64_t dim = data[static_cast<std::size_t>(axis)];
  const Dims sizes = split_sizes(n, dim);
  std::int64_t sum = 0;
  for (const std::int64_t s : sizes) {
    if (s < 0) n.fail("split " + list_text(sizes) + " has a negative size", "sizes >= 0");
    sum += s;
  }
  if (sum != dim || static_cast<int>(sizes.size()) != n.node().output_size()) {
    n.fail("split " + list_text(sizes) + " for " + std::to_string(n.node().output_size()) + " outputs and axis " +
               std::to_string(axis) + " of " + list_text(data),
           "one size per output, adding up to " + std::to_string(dim));
  }
  return sizes;
}

// ONNX's clamping of one axis of dim `dim`: starts and ends negative from the
// end, then into [0, dim] (step > 0) or [-1, dim - 1] (step < 0).
SliceAxis slice_axis(std::int64_t start, std::int64_t end, std::int64_t step, std::int64_t dim) {
  if (dim == 0) return {0, 0, step};
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  if (step > 0) {
    start = std::clamp(start, std::int64_t{0}, dim);
    end = std::clamp(end, std::int64_t{0}, dim);
    return {start, end > start ? (end - start + step - 1) / step : 0, step};
  }
  start = std::clamp(start, std::int64_t{0}, dim - 1);
  end = std::clamp(end, std::int64_t{-1}, dim - 1);
  return {start, start > end ? (start - end + (-step) - 1) / (-step) : 0, step};
}

SliceSettings slice_settings(FoldNode& n, std::int64_t rank) {
  SliceSettings s;
  const NodeAttributes& a = n.attributes();
  if (n.opset() < 10) {
    if (!a.starts || !a.ends) n.fail("has no attribute " + quoted(a.starts ? "ends" : "starts"), "starts and ends");
    s.starts = *a.starts, s.ends = *a.ends;
    if (a.axes) s.axes = *a.axes;
  } else {
    s.starts = n.ints(1, "starts"), s.ends = n.ints(2, "ends");
    if (n.given(3)) s.axes = n.ints(3, "axes");
    if (n.given(4)) s.steps = n.ints(4, "steps");
  }
  const std::size_t k = s.starts.size();
  if (s.axes.empty() && !(n.opset() >= 10 && n.given(3))) {
    for (std::size_t i = 0; i < k; ++i) s.axes.push_back(static_cast<std::int64_t>(i));
  }
  if (s.steps.empty() && !n.given(4)) s.steps.assign(k, 1);
  if (s.ends.size() != k || s.axes.size() != k || s.steps.size() != k) {
    n.fail("starts " + list_text(s.starts) + ", ends " + list_text(s.ends) + ", axes " + list_text(s.axes) +
               " and steps " + list_text(s.steps) + " differ in length",
           "one start, end, axis and step per sliced axis");
  }
  for (std::int64_t& axis : s.axes) axis = n.axis(axis, rank, "axes " + list_text(s.axes) + " has an axis that");
  Dims sorted = s.axes;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    n.fail("axes " + list_text(s.axes) + " names an axis twice", "each axis once");
  }
  for (const std::int64_t step : s.steps) {
    if (step == 0) n.fail("steps " + list_text(s.steps) + " has a step of 0", "steps other than 0");
  }
  return s;
}

// Split's sizes: `split` (attribute before 13, input from 13), else
// num_outputs (18) in pieces of ceil(dim / n), else equal parts.
Dims split_sizes(FoldNode& n, std::int64_t dim) {
  const auto outputs = static_cast<std::int64_t>(n.node().output_size());
  const NodeAttributes& a = n.attributes();
  if (n.opset() >= 13 && n.given(1)) return n.ints(1, "split");
  if (n.opset() < 13 && a.split) return *a.split;
  if (n.opset() < 13 && n.given(1)) return n.ints(1, "split");
  if (n.opset() >= 18) {
    if (!a.num_outputs) n.fail("has neither a split input nor attribute num_outputs", "one of them (opset 18)");
    if (*a.num_outputs != outputs) {
      n.fail("num_outputs is " + std::to_string(*a.num_outputs) + " and the node has " + std::to_string(outputs) +
                 " outputs",
             "as many outputs as num_outputs");
    }
    const std::int64_t piece = (dim + outputs - 1) / outputs;
    if (piece * (outputs - 1) >= dim) {
      n.fail("num_outputs " + std::to_string(outputs) + " for a dim of " + std::to_string(dim),
             "at most as many outputs as the last piece leaves one element");
    }
    Dims sizes(static_cast<std::size_t>(outputs), piece);
    sizes.back() = dim - piece * (outputs - 1);
    return sizes;
  }
  if (dim % outputs != 0) {
    n.fail("the split axis has " + std::to_string(dim) + " elements, not divisible into " + std::to_string(outputs) +
               " equal parts",
           "a split list, or a dim divisible by the number of outputs");
  }
  return Dims(static_cast<std::size_t>(outputs), dim / outputs);
}

std::vector<FoldedValue> fold_shape_op(FoldNode& n) {
  const std::string& op = n.op();
  if (op == "Shape") return {shape(n)};
  if (op == "Gather") return {gather(n)};
  if (op == "Slice") return {slice(n)};
  if (op == "Split") return split(n);
  if (op == "Expand") return {expand(n)};
  if (op == "Concat") return {concat(n)};
  FoldedValue v = n.value(0, "data", true);  // Identity, Reshape, Squeeze, Unsqueeze: the same elements
  if (op != "Identity") v.dims = shape_op_dims(n.builder(), n.node(), n.attributes(), v.dims, n.key());
  return {v};
}

}  // namespace tilesim::frontend
