#include "compiler/ir/dot.h"

#include <sstream>

namespace tilesim::ir {

namespace {

// Text for inside a DOT double-quoted string: quotes and backslashes escaped,
// control bytes dropped.
std::string escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20) continue;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string dot_quoted(const std::string& text) { return "\"" + escaped(text) + "\""; }

std::string tensor_label(const Tensor& t) {
  std::string label = escaped(t.name) + "\\n" + to_string(t.shape);
  if (t.is_tiled()) {
    label += " -> padded [" + std::to_string(t.padded_rows) + ", " + std::to_string(t.padded_cols) + "]";
  }
  return label + "\\n" + to_string(t.kind);
}

std::string op_label(const Op& op) {
  if (op.kind != OpKind::FusedMatMul) return to_string(op.kind);
  std::string label = "fused:";
  for (std::size_t i = 0; i < op.fused_from.size(); ++i) label += (i ? " + " : " ") + op.fused_from[i];
  return label;
}

}  // namespace

std::string to_dot(const Graph& graph) {
  std::ostringstream out;
  out << "digraph " << dot_quoted(graph.name.empty() ? "model" : graph.name) << " {\n"
      << "  rankdir=TB;\n"
      << "  node [fontname=\"monospace\"];\n";
  for (std::size_t i = 0; i < graph.tensors.size(); ++i) {
    const Tensor& t = graph.tensors[i];
    if (t.dead) continue;
    out << "  t" << i << " [shape=box, label=\"" << tensor_label(t) << "\""
        << (t.kind == TensorKind::Intermediate ? "" : ", style=bold") << "];\n";
  }
  for (std::size_t i = 0; i < graph.ops.size(); ++i) {
    const Op& op = graph.ops[i];
    if (op.dead) continue;
    out << "  op" << i << " [shape=ellipse, label=" << dot_quoted(op_label(op)) << "];\n";
    for (std::size_t k = 0; k < op.inputs.size(); ++k) {
      out << "  t" << op.inputs[k] << " -> op" << i;
      if (op.kind == OpKind::FusedMatMul && op.has_bias && k == 2) out << " [label=\"bias\"]";
      if (op.kind == OpKind::FusedMatMul && op.has_residual && k + 1 == op.inputs.size()) {
        out << " [label=\"residual\"]";
      }
      out << ";\n";
    }
    out << "  op" << i << " -> t" << op.output << ";\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace tilesim::ir
