// libFuzzer target: the YAML model frontend, then the whole compiler.
//
// Input: model YAML text. parse_model; when it loads and is small enough
// (fuzz_common.h), the default passes, the scheduler at an SRAM size picked
// from the input's hash, and the independent validator.
// Oracles: only InputError may escape; a model that loads must compile to a
// schedule the validator accepts (down to the minimum SRAM).
#include <cstddef>
#include <cstdint>
#include <string>
#include <typeinfo>

#include "compiler/frontend/model_loader.h"
#include "compiler/support/input_error.h"
#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  TILESIM_FUZZ_GUARD({
    tilesim::ir::Graph graph = tilesim::frontend::parse_model(text, "fuzz.yaml");
    if (!tilesim::fuzz::small_enough(graph)) return 0;
    tilesim::fuzz::compile_and_validate(graph, tilesim::fuzz::hash_bytes(data, size));
  });
  return 0;
}
