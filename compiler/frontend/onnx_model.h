// An ONNX file read and checked as a whole, before its graph is imported
// (onnx_loader.cpp): the size of the file, that it parses as a ModelProto with
// a graph, that nothing in it is a field tilesim's onnx.proto does not know
// (onnx_fields.h), which ai.onnx opset it uses, and the model-level fields
// whose meaning the importer would otherwise ignore (a local function that
// redefines a supported op, sparse initializers). Each problem is one
// InputError "FILE: KEY: problem (expected ...)".
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>

namespace tilesim::frontend {

// Reads `path` (at most kMaxOnnxFileBytes) and applies the checks above.
onnx::ModelProto read_onnx_model(const std::string& path);

// The version of the default domain (ai.onnx) in the model's opset_import,
// from 1 to kMaxKnownOpset; read_onnx_model has checked that there is one.
std::int64_t default_opset(const onnx::ModelProto& model);

}  // namespace tilesim::frontend
