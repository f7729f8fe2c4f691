// Recognition of the layer normalization PyTorch exports before opset 17
// (nn.LayerNorm as nine ops):
//   m = ReduceMean(x, axes [-1], keepdims 1);  d = Sub(x, m);
//   v = ReduceMean(Pow(d, 2), axes [-1]);      s = Sqrt(Add(v, epsilon));
//   y = Add(Mul(Div(d, s), gamma), beta)
// (Add's and Mul's operands in either order; 2 and epsilon float scalar
// constants: initializers or Constant nodes). Where every intermediate is
// read by the next op of the pattern only (d by Pow and Div) and is no graph
// output, the nine nodes become one LayerNorm (row_ops.h), imported at the
// last Add; anywhere else the ops run one by one as the model says.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <unordered_map>
#include <unordered_set>

namespace tilesim::frontend {

struct FusedLayerNorm {
  std::string x, gamma, beta;  // the input names
  float epsilon = 0.0f;
};

struct LayerNormFusion {
  // Keyed by the pattern's last node (the Add of beta), whose output is y.
  std::unordered_map<const onnx::NodeProto*, FusedLayerNorm> at;
  // The pattern's other nodes (not the constants): not imported.
  std::unordered_set<const onnx::NodeProto*> absorbed;
};

LayerNormFusion find_layer_norms(const onnx::GraphProto& graph);

}  // namespace tilesim::frontend
