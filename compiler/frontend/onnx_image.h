// Import of the ONNX ops on images [N, C, H, W] into the graph IR, and the
// layout rules every op importer follows when it touches an image (called by
// onnx_loader.cpp after onnx_node_rules.h has checked the node):
//   Conv                2-D, the window from onnx_window.h, group, bias; a
//                       graph input it reads first is stored as nchw, its
//                       weights become conv_weight (so they may feed only it)
//                       and its output is an nhwc image
//   BatchNormalization  onnx_batch_norm.h
//   Flatten             a relayout view [outer, inner]
// An image's true dims are [N, C, H, W] whatever its layout (ir::Layout): a
// Conv's result is nhwc (storage [H*W, C] per image), a graph input read
// first by a Conv nchw ([C, H*W]). Element-wise ops combine an image with
// another operand in the image's layout when the storage broadcasts as the
// true dims do: the other operand, its dims aligned to [n, c, h, w], has n
// and c equal to the result's or 1 and (h, w) equal to the result's or
// (1, 1) - a per-channel [C, 1, 1] or [1, C, 1, 1] is then a row of nhwc
// storage and a column of nchw storage. Any other broadcast is computed in
// matrix layout (the images read through relayout views), which numpy
// broadcasting covers in full. A view (relayout, transpose) is never the
// source of another view: a relayout of a relayout is one relayout of the
// stored tensor, and an op that needs storage (a Conv's im2col) reads a copy.
#pragma once

#include <string>

#include "compiler/frontend/onnx_graph_builder.h"
#include "compiler/frontend/onnx_node_rules.h"

namespace tilesim::frontend {

// Imports `node` when it is a Conv, BatchNormalization or Flatten and
// returns true; returns false (and does nothing) for any other op.
bool import_image(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                  const std::string& key);

// `kind` (a binary ir::OpKind) of x and y into a new tensor `name`, their
// true dims broadcast as numpy does and laid out as above. `op_type` names
// the node's op for the refusal of shapes that do not broadcast.
ir::TensorId combine(OnnxGraphBuilder& builder, ir::OpKind kind, ir::TensorId x, ir::TensorId y,
                     const std::string& name, const std::string& op_type, const std::string& key);

// x's elements in shape `to` (its dims' row-major order kept): a relayout
// view named `name`, of the stored tensor behind x; `name` becomes another
// name of that tensor when nothing changes.
ir::TensorId relayout(OnnxGraphBuilder& builder, ir::TensorId x, const ir::Shape& to, const std::string& name,
                      const std::string& key);

// x in matrix layout (a relayout view of an image; x itself otherwise), for
// an op that reads storage rows and columns as the true last two dims.
ir::TensorId matrix_form(OnnxGraphBuilder& builder, ir::TensorId x, const std::string& key);

// x when it has storage of its own, else (a view) a copy of it: for an op
// whose input the DMA gathers from DRAM (a Conv's or pooling's im2col).
ir::TensorId with_storage(OnnxGraphBuilder& builder, ir::TensorId x, const std::string& key);

// Whether tensor x is the result of a view op (no storage of its own).
bool is_view(const OnnxGraphBuilder& builder, ir::TensorId x);

}  // namespace tilesim::frontend
