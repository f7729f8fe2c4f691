// libFuzzer target: the ONNX importer, then the whole compiler.
//
// Input: the bytes of a .onnx file (a serialized onnx.ModelProto), written to
// a scratch file because load_onnx reads a path. When it loads and is small
// enough: passes, scheduler and validator as in fuzz_model.
// Oracles: only InputError may escape; a model that loads must compile to a
// schedule the validator accepts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <typeinfo>

#include "compiler/frontend/onnx_loader.h"
#include "compiler/support/input_error.h"
#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const tilesim::fuzz::ScratchFile file(data, size, ".onnx");
  TILESIM_FUZZ_GUARD({
    tilesim::ir::Graph graph = tilesim::frontend::load_onnx(file.path());
    if (!tilesim::fuzz::small_enough(graph)) return 0;
    tilesim::fuzz::compile_and_validate(graph, tilesim::fuzz::hash_bytes(data, size));
  });
  return 0;
}
