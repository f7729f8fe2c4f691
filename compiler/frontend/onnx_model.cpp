#include "compiler/frontend/onnx_model.h"

#include <filesystem>
#include <fstream>
#include <optional>

#include "compiler/frontend/onnx_fields.h"
#include "compiler/frontend/onnx_node_rules.h"
#include "compiler/frontend/size_limits.h"
#include "compiler/support/input_error.h"

namespace tilesim::frontend {

namespace {

bool is_default_domain(const std::string& domain) { return domain.empty() || domain == "ai.onnx"; }

onnx::ModelProto parse(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw InputError(path, "", "cannot open: " + ec.message(), "a readable ONNX file");
  if (size > static_cast<std::uintmax_t>(kMaxOnnxFileBytes)) {
    throw InputError(path, "", "file is " + std::to_string(size) + " bytes",
                     "an ONNX model of at most 1073741824 bytes (1 GiB)");
  }
  std::ifstream in(path, std::ios::binary);
  onnx::ModelProto model;
  if (!in || !model.ParseFromIstream(&in)) {
    throw InputError(path, "", "not an ONNX model (protobuf parsing failed)", "an ONNX ModelProto file");
  }
  if (!model.has_graph()) throw InputError(path, "", "the model has no graph", "an ONNX model with a graph");
  return model;
}

// The default domain's opset entry: exactly one, of a version known here.
void check_opset(const onnx::ModelProto& model, const std::string& path) {
  std::optional<std::int64_t> version;
  for (const onnx::OperatorSetIdProto& entry : model.opset_import()) {
    if (!is_default_domain(entry.domain())) continue;
    if (version) {
      throw InputError(path, "opset_import", "names the default domain twice", "one entry per domain");
    }
    version = entry.version();
  }
  if (!version) {
    throw InputError(path, "opset_import", "has no entry for the default domain (ai.onnx)",
                     "the ai.onnx opset the model was exported with, e.g. version 13");
  }
  if (*version < 1 || *version > kMaxKnownOpset) {
    throw InputError(path, "opset_import", "ai.onnx opset " + std::to_string(*version) + " is not one tilesim knows",
                     "an opset from 1 to " + std::to_string(kMaxKnownOpset));
  }
}

// A model-local function in the default domain named like a supported op
// would redefine it for this model; functions elsewhere are only called by
// nodes of their own domain, which the importer refuses anyway.
void check_functions(const onnx::ModelProto& model, const std::string& path) {
  for (const onnx::FunctionProto& function : model.functions()) {
    if (is_default_domain(function.domain()) && is_supported_op(function.name())) {
      throw InputError(path, "function " + quoted(function.name()), "redefines a standard op of the default domain",
                       "the standard " + printable(function.name()));
    }
  }
}

}  // namespace

onnx::ModelProto read_onnx_model(const std::string& path) {
  onnx::ModelProto model = parse(path);
  if (const auto unknown = first_unknown_field(model)) {
    const Refusal refusal = refusal_for(*unknown);
    throw InputError(path, unknown->path.empty() ? "model" : unknown->path, refusal.problem, refusal.expected);
  }
  check_opset(model, path);
  check_functions(model, path);
  if (model.graph().sparse_initializer_size() > 0) {
    const std::string name = model.graph().sparse_initializer(0).values().name();
    throw InputError(path, "sparse initializer " + quoted(name), "is not supported",
                     "dense initializers (TensorProto)");
  }
  return model;
}

std::int64_t default_opset(const onnx::ModelProto& model) {
  for (const onnx::OperatorSetIdProto& entry : model.opset_import()) {
    if (is_default_domain(entry.domain())) return entry.version();
  }
  throw std::logic_error("default_opset: the model was not checked");
}

}  // namespace tilesim::frontend
