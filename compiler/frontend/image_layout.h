// The layout rules every frontend follows when an op touches an image
// [N, C, H, W] (shared by the YAML model format and the ONNX import, so that
// both build the same graph for the same network):
// An image's true dims are [N, C, H, W] whatever its layout (ir::Layout): a
// Conv's or a pooling's result is nhwc (storage [H*W, C] per image), a graph
// input read first by a window op nchw ([C, H*W]). Element-wise ops combine an
// image with another operand in the image's layout when the storage
// broadcasts as the true dims do: the other operand, its dims aligned to
// [n, c, h, w], has n and c equal to the result's or 1 and (h, w) equal to the
// result's or (1, 1) - a per-channel [C, 1, 1] or [1, C, 1, 1] is then a row
// of nhwc storage and a column of nchw storage. Any other broadcast is
// computed in matrix layout (the images read through relayout views), which
// numpy broadcasting covers in full. A view (relayout, transpose) is never the
// source of another view: a relayout of a relayout is one relayout of the
// stored tensor, and an op that needs storage (a Conv's im2col) reads a copy.
// A graph output is stored in its own layout: an nhwc image is copied to
// nchw, a view is copied (output_copy).
#pragma once

#include <string>

#include "compiler/frontend/graph_builder.h"

namespace tilesim::frontend {

// `kind` (a binary ir::OpKind) of x and y into a new tensor `name`, their
// true dims broadcast as numpy does and laid out as above. `op_type` names
// the op for the refusal of shapes that do not broadcast.
ir::TensorId combine(GraphBuilder& builder, ir::OpKind kind, ir::TensorId x, ir::TensorId y, const std::string& name,
                     const std::string& op_type, const std::string& key);

// x's elements in shape `to` (its dims' row-major order kept): a relayout
// view named `name`, of the stored tensor behind x; `name` becomes another
// name of that tensor when nothing changes.
ir::TensorId relayout(GraphBuilder& builder, ir::TensorId x, const ir::Shape& to, const std::string& name,
                      const std::string& key);

// Issue 14: op `kind` (Permute or Slice) of x with `select` (select.from:
// x's true dims), a view named `name` of out shape `to`. A view of a
// relayout view reads the relayout's stored tensor (the same elements in the
// same order, so select.from still holds); a view of any other view reads a
// copy of it. relayout() above composes the same way with a Permute or Slice
// view: a relayout of one is one Permute or Slice view of the stored tensor.
ir::TensorId select_view(GraphBuilder& builder, ir::OpKind kind, ir::TensorId x, const ir::Selection& select,
                         const ir::Shape& to, const std::string& name, const std::string& key);

// x in matrix layout (a relayout view of an image; x itself otherwise), for
// an op that reads storage rows and columns as the true last two dims.
ir::TensorId matrix_form(GraphBuilder& builder, ir::TensorId x, const std::string& key);

// x when it has storage of its own, else (a view) a copy of it: for an op
// whose input the DMA gathers from DRAM (a Conv's or pooling's im2col, a
// Concat's place view).
ir::TensorId with_storage(GraphBuilder& builder, ir::TensorId x, const std::string& key);

// Whether tensor x is the result of a view op (no storage of its own).
bool is_view(const GraphBuilder& builder, ir::TensorId x);

// Whether graph output x needs output_copy: an nhwc image, or a relayout,
// permute or slice view.
bool needs_output_copy(const GraphBuilder& builder, ir::TensorId x);
// The graph output `name` as a tensor of its own in its own layout: x (which
// the caller has renamed) copied - an nhwc image through an nchw relayout
// view. Returns the copy.
ir::TensorId output_copy(GraphBuilder& builder, ir::TensorId x, const std::string& name, const std::string& key);

}  // namespace tilesim::frontend
