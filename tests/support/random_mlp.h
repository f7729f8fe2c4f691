// Random MLP-shaped YAML models (docs/model-format.md) for tests that check a
// property on many graphs: matmul layers, each followed by a bias add and a
// ReLU at random. The same seed and shape give the same model.
#pragma once

#include <cstdint>
#include <string>

namespace tilesim::test {

struct RandomMlpShape {
  int max_dim = 100;         // every dimension is from 1 to this
  int max_layers = 3;        // 1 to this matmul layers
  bool relu_on_last = true;  // whether the last layer may have a ReLU
  int relu_odds = 2;         // a ReLU follows a layer unless rng() % relu_odds == 0
};

// A model named "random<seed>" with input x and one output.
std::string random_mlp(std::uint32_t seed, const RandomMlpShape& shape);

}  // namespace tilesim::test
