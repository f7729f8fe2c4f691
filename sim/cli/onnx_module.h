// The ONNX file formats as a module that the tilesim program loads on first
// use: the importer of .onnx models (compiler/frontend/onnx_loader.h) and the
// reader and writer of .pb tensor files (sim/io/tensor_proto.h).
//
// Why: libprotobuf and libonnx_proto cost every process that links them
// about 2.5 ms of start-up (loading, relocating, and registering protobuf's
// descriptors in its static constructors), a fifth of `tilesim --version`,
// paid by every run of a YAML model in a sweep (issue 16, docs/performance.md,
// step 32). The program defines load_onnx, read_tensor_proto and
// stage_tensor_proto as forwarders (onnx_module_client.cpp) that load
// libtilesim_onnx.so from the program's own folder once; tests and tools link
// the real ones (the tilesim_onnx_frontend and tilesim_tensor_proto objects).
//
// Contract: the module holds its own, hidden copy of the code it needs; what
// crosses between them is the functions below, their arguments and results
// (the same types, built from the same tree: a module whose table has another
// size is refused), and exceptions (matched by type name). A signal recorded
// by the program is mirrored into the module's interrupt flag, so its loops
// stop on it. A module that cannot be loaded makes the forwarder throw
// std::runtime_error naming the file and the loader's reason.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>

#include "compiler/ir/graph.h"
#include "sim/io/host_tensor.h"
#include "sim/io/staged_file.h"

namespace tilesim::cli {

struct OnnxModuleFunctions {
  std::size_t table_bytes;  // sizeof(OnnxModuleFunctions) where the module was built
  ir::Graph (*load_onnx)(const std::string& path);
  HostTensor (*read_tensor_proto)(const std::string& path, std::string* name);
  StagedFile (*stage_tensor_proto)(const std::string& path, const HostTensor& tensor, const std::string& name);
  std::atomic<int>* pending_signal;  // the module's interrupt flag
};

// The module's file, in the program's folder, and its one exported function:
// extern "C" const OnnxModuleFunctions* tilesim_onnx_module().
inline constexpr char kOnnxModuleFile[] = "libtilesim_onnx.so";
inline constexpr char kOnnxModuleEntry[] = "tilesim_onnx_module";

}  // namespace tilesim::cli
