#include "tests/support/random_mlp.h"

#include <random>
#include <sstream>

namespace tilesim::test {

std::string random_mlp(std::uint32_t seed, const RandomMlpShape& shape) {
  std::mt19937 rng(seed);
  auto dim = [&] { return std::uniform_int_distribution<int>(1, shape.max_dim)(rng); };
  const int layers = std::uniform_int_distribution<int>(1, shape.max_layers)(rng);
  std::ostringstream params, ops;
  const int rows = dim(), in_cols = dim();
  int cols = in_cols;
  std::string x = "x";
  for (int l = 0; l < layers; ++l) {
    const int out = dim();
    const std::string w = "w" + std::to_string(l), h = "h" + std::to_string(l);
    params << "  " << w << ": [" << cols << ", " << out << "]\n";
    ops << "  - {op: matmul, inputs: [" << x << ", " << w << "], output: " << h << "}\n";
    x = h;
    if (rng() % 2) {
      params << "  b" << l << ": [" << out << "]\n";
      ops << "  - {op: add, inputs: [" << x << ", b" << l << "], output: " << x << "b}\n";
      x += "b";
    }
    if ((shape.relu_on_last || l + 1 < layers) && rng() % static_cast<unsigned>(shape.relu_odds)) {
      ops << "  - {op: relu, inputs: [" << x << "], output: " << x << "r}\n";
      x += "r";
    }
    cols = out;
  }
  std::ostringstream model;
  model << "name: random" << seed << "\ninputs:\n  x: [" << rows << ", " << in_cols << "]\n";
  return model.str() + "params:\n" + params.str() + "ops:\n" + ops.str() + "outputs: [" + x + "]\n";
}

}  // namespace tilesim::test
