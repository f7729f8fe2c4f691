// In tilesim_compiler, apart from the ONNX importer's objects: load_onnx is
// theirs where they are linked, the program's module client's otherwise.
#include <filesystem>

#include "compiler/frontend/model_loader.h"
#include "compiler/frontend/onnx_loader.h"

namespace tilesim::frontend {

ir::Graph load_any_model(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  return ext == ".onnx" ? load_onnx(path) : load_model(path);
}

}  // namespace tilesim::frontend
