// Building small N-d ir::Graphs by hand for the io and reference tests (the
// YAML frontend is 2-D only; the ONNX frontend builds graphs like these).
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace tilesim::test {

inline ir::TensorId tensor(ir::Graph& g, const std::string& name, const std::vector<std::int64_t>& dims,
                           ir::TensorKind kind, std::vector<float> values = {}) {
  ir::Tensor t;
  t.name = name;
  t.shape = ir::Shape::from_dims(dims);
  t.kind = kind;
  t.values = std::move(values);
  return g.add_tensor(std::move(t));
}

inline ir::OpId op(ir::Graph& g, ir::OpKind kind, std::vector<ir::TensorId> inputs, ir::TensorId output,
                   float scale = 1.0f) {
  ir::Op o;
  o.kind = kind;
  o.inputs = std::move(inputs);
  o.output = output;
  o.scale = scale;
  return g.add_op(std::move(o));
}

}  // namespace tilesim::test
