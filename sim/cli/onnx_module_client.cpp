// The program's load_onnx, read_tensor_proto and stage_tensor_proto: each
// loads the ONNX module (onnx_module.h) on its first call and calls the
// module's function.
#include <dlfcn.h>

#include <filesystem>
#include <stdexcept>

#include "compiler/frontend/onnx_loader.h"
#include "compiler/support/interrupt.h"
#include "sim/cli/onnx_module.h"
#include "sim/io/tensor_proto.h"

namespace tilesim {

namespace {

std::string module_path() {
  std::error_code error;
  const std::filesystem::path program = std::filesystem::read_symlink("/proc/self/exe", error);
  return (error ? std::filesystem::path() : program.parent_path() / cli::kOnnxModuleFile).string();
}

// `problem` names the file (the loader's own messages do).
[[noreturn]] void refuse(const std::string& problem) {
  throw std::runtime_error("cannot load the ONNX support module: " + problem + " (expected " + cli::kOnnxModuleFile +
                           ", built with it, beside the tilesim program)");
}

const cli::OnnxModuleFunctions* load_module() {
  const std::string path = module_path();
  if (path.empty()) refuse("/proc/self/exe does not name the program");
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) refuse(::dlerror());
  using Entry = const cli::OnnxModuleFunctions* (*)();
  const auto entry = reinterpret_cast<Entry>(::dlsym(handle, cli::kOnnxModuleEntry));
  if (entry == nullptr) refuse(path + ": no function " + cli::kOnnxModuleEntry);
  const cli::OnnxModuleFunctions* functions = entry();
  if (functions->table_bytes != sizeof(cli::OnnxModuleFunctions)) refuse(path + ": built from another tilesim");
  mirror_interrupts_to(functions->pending_signal);
  return functions;
}

// Loaded once; a failed load throws and is tried again on the next call.
const cli::OnnxModuleFunctions& module() {
  static const cli::OnnxModuleFunctions* const functions = load_module();
  return *functions;
}

}  // namespace

ir::Graph frontend::load_onnx(const std::string& path) { return module().load_onnx(path); }

HostTensor read_tensor_proto(const std::string& path, std::string* name) {
  return module().read_tensor_proto(path, name);
}

StagedFile stage_tensor_proto(const std::string& path, const HostTensor& tensor, const std::string& name) {
  return module().stage_tensor_proto(path, tensor, name);
}

}  // namespace tilesim
