#include "compiler/passes/pass.h"

namespace tilesim::passes {

Pass::~Pass() = default;

std::string fresh_name(const ir::Graph& g, const std::string& base) {
  for (int i = 0;; ++i) {
    const std::string name = base + (i ? "." + std::to_string(i) : "");
    if (g.find(name) == ir::kNone) return name;
  }
}

ir::TensorId add_intermediate(ir::Graph& g, const std::string& base, const ir::Shape& shape, int line) {
  ir::Tensor t;
  t.name = fresh_name(g, base);
  t.shape = shape;
  t.kind = ir::TensorKind::Intermediate;
  t.line = line;
  return g.add_tensor(std::move(t));
}

}  // namespace tilesim::passes
