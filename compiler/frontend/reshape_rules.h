// The output dims of the ops that give a tensor another shape but keep its
// elements in row-major order of the true dims (a relayout view, image_layout.h
// relayout()): Reshape's and Flatten's rules in ONNX's terms, shared by the
// YAML model format (reshape, flatten) and the ONNX import. Each refusal is
// one InputError through GraphBuilder::fail at the caller's key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/frontend/graph_builder.h"

namespace tilesim::frontend {

// Input dims `dims` reshaped to `shape`: 0 copies the input's dim at that
// index, -1 (at most one) is inferred; with `allowzero` a 0 is a dim of 0,
// which is refused (no empty tensors). The product must be the input's
// element count.
std::vector<std::int64_t> reshape_dims(const GraphBuilder& b, const std::vector<std::int64_t>& dims,
                                       std::vector<std::int64_t> shape, bool allowzero, const std::string& key);

// Input dims `dims` flattened at `axis` (in [-rank, rank], negative from the
// end): [product of the dims before it, product of the rest]. `subject` names
// the axis in the refusal ("attribute axis"; "" when the key says it).
std::vector<std::int64_t> flatten_dims(const GraphBuilder& b, const std::vector<std::int64_t>& dims, std::int64_t axis,
                                       const std::string& key, const std::string& subject);

}  // namespace tilesim::frontend
