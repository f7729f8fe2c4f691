// The ONNX module's entry point (onnx_module.h): the only symbol it exports.
#include "compiler/frontend/onnx_loader.h"
#include "compiler/support/interrupt.h"
#include "sim/cli/onnx_module.h"
#include "sim/io/tensor_proto.h"

extern "C" __attribute__((visibility("default"))) const tilesim::cli::OnnxModuleFunctions* tilesim_onnx_module() {
  static const tilesim::cli::OnnxModuleFunctions functions{
      sizeof(tilesim::cli::OnnxModuleFunctions), &tilesim::frontend::load_onnx, &tilesim::read_tensor_proto,
      &tilesim::stage_tensor_proto, &tilesim::detail::g_pending_signal};
  return &functions;
}
