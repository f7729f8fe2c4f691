// The fusion and tiling passes, each run alone and in the default pipeline,
// and the DOT text of the result.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "compiler/frontend/model_loader.h"
#include "compiler/ir/dot.h"
#include "compiler/passes/fusion_pass.h"
#include "compiler/passes/pipeline.h"
#include "compiler/passes/tiling_pass.h"

using tilesim::frontend::load_model;
using tilesim::frontend::parse_model;
using tilesim::passes::FusionPass;
using tilesim::passes::TilingPass;
using namespace tilesim::ir;

namespace {

const std::string kModels = std::string(TILESIM_SOURCE_DIR) + "/configs/models/";

Graph fused(const std::string& text) {
  Graph g = parse_model(text, "fuse.yaml");
  FusionPass().run(g);
  return g;
}

// "kind:output" of every live op, in topological order.
std::vector<std::string> live(const Graph& g) {
  std::vector<std::string> out;
  for (OpId id : g.topological_order()) {
    out.push_back(describe(g.ops[id]) + ":" + g.tensors[g.ops[id].output].name);
  }
  return out;
}

const Op& producer_of(const Graph& g, const std::string& tensor) {
  const TensorId t = g.find(tensor);
  REQUIRE(t != kNone);
  REQUIRE(g.tensors[t].producer != kNone);
  return g.ops[g.tensors[t].producer];
}

const std::string kHead = "name: f\ninputs: {x: [40, 70]}\nparams: {w: [70, 50], b: [50], w2: [50, 50]}\n";

}  // namespace

TEST_CASE("fusion: matmul -> add(bias) -> relu becomes one op", "[passes][fusion]") {
  const Graph g = fused(kHead +
                        "ops:\n  - {op: matmul, inputs: [x, w], output: h}\n"
                        "  - {op: add, inputs: [h, b], output: hb}\n"
                        "  - {op: relu, inputs: [hb], output: y}\noutputs: [y]\n");
  CHECK(live(g) == std::vector<std::string>{"fused_matmul(matmul+add+relu):y"});
  const Op& op = producer_of(g, "y");
  CHECK(op.has_bias);
  CHECK(op.has_relu);
  CHECK(op.inputs == std::vector<TensorId>{g.find("x"), g.find("w"), g.find("b")});
  CHECK(op.fused_from == std::vector<std::string>{"matmul", "add", "relu"});
  CHECK(op.line == 5);
  CHECK(g.ops[1].dead);
  CHECK(g.ops[2].dead);
  CHECK(g.tensors[g.find("h")].dead);
  CHECK(g.tensors[g.find("hb")].dead);
  CHECK(!g.tensors[g.find("y")].dead);
  CHECK(g.tensors[g.find("b")].users == std::vector<OpId>{0});
}

TEST_CASE("fusion: matmul -> relu and matmul -> add(bias)", "[passes][fusion]") {
  Graph g = fused(kHead +
                  "ops:\n  - {op: matmul, inputs: [x, w], output: h}\n"
                  "  - {op: relu, inputs: [h], output: a}\n"
                  "  - {op: matmul, inputs: [a, w2], output: h2}\n"
                  "  - {op: add, inputs: [b, h2], output: y}\noutputs: [y]\n");
  CHECK(live(g) == std::vector<std::string>{"fused_matmul(matmul+relu):a", "fused_matmul(matmul+add):y"});
  CHECK(producer_of(g, "a").has_relu);
  CHECK(!producer_of(g, "a").has_bias);
  CHECK(producer_of(g, "y").has_bias);
  CHECK(!producer_of(g, "y").has_relu);
  // Running fusion again changes nothing.
  const auto before = live(g);
  FusionPass().run(g);
  CHECK(live(g) == before);
}

TEST_CASE("fusion: the matmul's output stage takes ReLU6, a clip around 0 and leaky_relu", "[passes][fusion]") {
  const Graph g = fused(kHead +
                        "ops:\n  - {op: matmul, inputs: [x, w], output: h}\n"
                        "  - {op: add, inputs: [b, h], output: hb}\n"  // the bias first
                        "  - {op: clip, inputs: [hb], output: a, min: 0, max: 6}\n"
                        "  - {op: matmul, inputs: [a, w2], output: h2}\n"
                        "  - {op: leaky_relu, inputs: [h2], output: l, alpha: 0.2}\n"
                        "  - {op: matmul, inputs: [l, w2], output: h3}\n"
                        "  - {op: clip, inputs: [h3], output: c, min: -1, max: 0}\n"
                        "  - {op: matmul, inputs: [c, w2], output: h4}\n"
                        "  - {op: clip, inputs: [h4], output: y, min: 0.5}\n"  // clip(0) is 0.5: not fused
                        "outputs: [y]\n");
  CHECK(live(g) == std::vector<std::string>{"fused_matmul(matmul+add+clip):a", "fused_matmul(matmul+leaky_relu):l",
                                            "fused_matmul(matmul+clip):c", "matmul:h4", "clip:y"});
  const Op& relu6 = producer_of(g, "a");
  CHECK(relu6.has_bias);
  CHECK_FALSE(relu6.has_relu);
  CHECK(relu6.activation == OpKind::Clip);
  CHECK(relu6.param[0] == 0.0f);
  CHECK(relu6.param[1] == 6.0f);
  CHECK(relu6.inputs == std::vector<TensorId>{g.find("x"), g.find("w"), g.find("b")});
  CHECK(producer_of(g, "l").activation == OpKind::LeakyRelu);
  CHECK(producer_of(g, "l").param[0] == 0.2f);
  CHECK(producer_of(g, "c").param[0] == -1.0f);
}

TEST_CASE("fusion: a bias add that is a graph output stops the chain", "[passes][fusion]") {
  const Graph g = fused(kHead +
                        "ops:\n  - {op: matmul, inputs: [x, w], output: h}\n"
                        "  - {op: add, inputs: [h, b], output: hb}\n"
                        "  - {op: relu, inputs: [hb], output: y}\noutputs: [hb, y]\n");
  CHECK(live(g) == std::vector<std::string>{"fused_matmul(matmul+add):hb", "relu:y"});
}

TEST_CASE("fusion: no fusion when the intermediate has another user or is an output", "[passes][fusion]") {
  SECTION("two users") {
    const Graph g = fused(kHead +
                          "ops:\n  - {op: matmul, inputs: [x, w], output: h}\n"
                          "  - {op: relu, inputs: [h], output: a}\n"
                          "  - {op: add, inputs: [h, a], output: y}\noutputs: [y]\n");
    CHECK(live(g) == std::vector<std::string>{"matmul:h", "relu:a", "add:y"});
  }
  SECTION("matmul output listed in outputs") {
    const Graph g = fused(kHead +
                          "ops:\n  - {op: matmul, inputs: [x, w], output: h}\n"
                          "  - {op: relu, inputs: [h], output: y}\noutputs: [h, y]\n");
    CHECK(live(g) == std::vector<std::string>{"matmul:h", "relu:y"});
  }
  SECTION("an add of two products: not a bias, the other product is the residual") {
    const Graph g = fused(kHead +
                          "ops:\n  - {op: matmul, inputs: [x, w], output: h}\n"
                          "  - {op: matmul, inputs: [x, w], output: k}\n"
                          "  - {op: add, inputs: [h, k], output: s}\n"
                          "  - {op: relu, inputs: [s], output: y}\noutputs: [y]\n");
    CHECK(live(g) == std::vector<std::string>{"matmul:k", "fused_matmul(matmul+add+relu):y"});
    CHECK_FALSE(producer_of(g, "y").has_bias);
    CHECK(producer_of(g, "y").has_residual);
    CHECK(producer_of(g, "y").inputs == std::vector<TensorId>{g.find("x"), g.find("w"), g.find("k")});
  }
  SECTION("relu before matmul does not fuse backwards") {
    const Graph g = fused(kHead +
                          "ops:\n  - {op: relu, inputs: [x], output: a}\n"
                          "  - {op: matmul, inputs: [a, w], output: y}\noutputs: [y]\n");
    CHECK(live(g) == std::vector<std::string>{"relu:a", "matmul:y"});
  }
}

TEST_CASE("fusion on the shipped models: nothing is dropped", "[passes][fusion]") {
  struct Case {
    const char* file;
    std::vector<std::string> ops;
  };
  const std::vector<Case> cases = {
      {"mlp.yaml", {"fused_matmul(matmul+relu):a1", "fused_matmul(matmul+relu):a2", "matmul:y"}},
      {"mlp-bias.yaml", {"fused_matmul(matmul+add+relu):a1", "fused_matmul(matmul+add):logits"}},
      {"odd-shapes.yaml",
       {"fused_matmul(matmul+relu):a1", "fused_matmul(matmul+add+relu):a2", "fused_matmul(matmul+add):y"}},
  };
  for (const Case& c : cases) {
    INFO(c.file);
    Graph g = load_model(kModels + c.file);
    FusionPass().run(g);
    CHECK(live(g) == c.ops);
    // Every output is still produced, and every live op reads only live tensors.
    for (TensorId t : g.outputs) CHECK(g.tensors[t].producer != kNone);
    for (OpId id : g.live_ops()) {
      for (TensorId t : g.ops[id].inputs) CHECK(!g.tensors[t].dead);
    }
  }
  // Only h2 + skip -> relu fuses (the residual); h1 has two users and y is an output.
  Graph residual = load_model(kModels + "residual.yaml");
  FusionPass().run(residual);
  CHECK(live(residual) == std::vector<std::string>{"matmul:h1", "relu:a1", "add:skip",
                                                   "fused_matmul(matmul+add+relu):r", "matmul:y", "relu:y_relu"});
  CHECK(producer_of(residual, "r").inputs ==
        std::vector<TensorId>{residual.find("a1"), residual.find("w2"), residual.find("skip")});
}

namespace {
const std::string kResidualHead =
    "name: f\ninputs: {x: [40, 70], r: [40, 50], col: [40, 1], stack: [1, 40, 50]}\n"
    "params: {w: [70, 50], b: [50]}\n";
const std::string kBiasChain =
    "ops:\n  - {op: matmul, inputs: [x, w], output: h}\n"
    "  - {op: add, inputs: [h, b], output: hb}\n";
}  // namespace

TEST_CASE("fusion: matmul -> add(bias) -> add(residual) -> activation becomes one op", "[passes][fusion]") {
  SECTION("bias, residual on the left of its add, relu") {
    const Graph g = fused(kResidualHead + kBiasChain +
                          "  - {op: add, inputs: [r, hb], output: s}\n"
                          "  - {op: relu, inputs: [s], output: y}\noutputs: [y]\n");
    CHECK(live(g) == std::vector<std::string>{"fused_matmul(matmul+add+add+relu):y"});
    const Op& op = producer_of(g, "y");
    CHECK((op.has_bias && op.has_residual && op.has_relu));
    CHECK(op.inputs == std::vector<TensorId>{g.find("x"), g.find("w"), g.find("b"), g.find("r")});
  }
  SECTION("no bias, a leaky_relu after the residual") {
    const Graph g = fused(kResidualHead +
                          "ops:\n  - {op: matmul, inputs: [x, w], output: h}\n"
                          "  - {op: add, inputs: [h, r], output: s}\n"
                          "  - {op: leaky_relu, inputs: [s], output: y, alpha: 0.1}\noutputs: [y]\n");
    CHECK(live(g) == std::vector<std::string>{"fused_matmul(matmul+add+leaky_relu):y"});
    const Op& op = producer_of(g, "y");
    CHECK((!op.has_bias && op.has_residual && op.activation == OpKind::LeakyRelu));
    CHECK(op.inputs == std::vector<TensorId>{g.find("x"), g.find("w"), g.find("r")});
  }
  SECTION("bias and residual, no activation") {
    const Graph g = fused(kResidualHead + kBiasChain + "  - {op: add, inputs: [hb, r], output: y}\noutputs: [y]\n");
    CHECK(live(g) == std::vector<std::string>{"fused_matmul(matmul+add+add):y"});
    CHECK(producer_of(g, "y").has_residual);
  }
}

TEST_CASE("fusion: a residual add is not fused when a rule forbids it", "[passes][fusion]") {
  SECTION("the sum before it has another user") {
    const Graph g = fused(kResidualHead + kBiasChain +
                          "  - {op: add, inputs: [hb, r], output: s}\n"
                          "  - {op: relu, inputs: [hb], output: t}\noutputs: [s, t]\n");
    CHECK(live(g) == std::vector<std::string>{"fused_matmul(matmul+add):hb", "relu:t", "add:s"});
  }
  SECTION("the sum before it is a graph output") {
    const Graph g = fused(kResidualHead + kBiasChain + "  - {op: add, inputs: [hb, r], output: s}\noutputs: [hb, s]\n");
    CHECK(live(g) == std::vector<std::string>{"fused_matmul(matmul+add):hb", "add:s"});
  }
  SECTION("its own result is a graph output: the activation after it stays") {
    const Graph g = fused(kResidualHead + kBiasChain +
                          "  - {op: add, inputs: [hb, r], output: s}\n"
                          "  - {op: relu, inputs: [s], output: y}\noutputs: [s, y]\n");
    CHECK(live(g) == std::vector<std::string>{"fused_matmul(matmul+add+add):s", "relu:y"});
  }
  SECTION("the other side is a column, not the product's shape") {
    const Graph g = fused(kResidualHead +
                          "ops:\n  - {op: matmul, inputs: [x, w], output: h}\n"
                          "  - {op: add, inputs: [h, col], output: y}\noutputs: [y]\n");
    CHECK(live(g) == std::vector<std::string>{"matmul:h", "add:y"});
  }
  SECTION("the other side has the product's rows and columns but another rank") {
    const Graph g = fused(kResidualHead +
                          "ops:\n  - {op: matmul, inputs: [x, w], output: h}\n"
                          "  - {op: add, inputs: [h, stack], output: y}\noutputs: [y]\n");
    CHECK(live(g) == std::vector<std::string>{"matmul:h", "add:y"});
  }
  SECTION("the other side is the product itself") {
    const Graph g = fused(kResidualHead +
                          "ops:\n  - {op: matmul, inputs: [x, w], output: h}\n"
                          "  - {op: add, inputs: [h, h], output: s}\n"
                          "  - {op: relu, inputs: [s], output: y}\noutputs: [y]\n");
    CHECK(live(g) == std::vector<std::string>{"matmul:h", "add:s", "relu:y"});
  }
  SECTION("a residual after the activation is not fused (the order is bias, residual, activation)") {
    const Graph g = fused(kResidualHead +
                          "ops:\n  - {op: matmul, inputs: [x, w], output: h}\n"
                          "  - {op: relu, inputs: [h], output: a}\n"
                          "  - {op: add, inputs: [a, r], output: y}\noutputs: [y]\n");
    CHECK(live(g) == std::vector<std::string>{"fused_matmul(matmul+relu):a", "add:y"});
  }
}

TEST_CASE("tiling pads to multiples of 32, rank-1 keeps one row", "[passes][tiling]") {
  Graph g = load_model(kModels + "odd-shapes.yaml");
  CHECK(!g.is_tiled());
  TilingPass().run(g);
  CHECK(g.is_tiled());
  const auto padded = [&](const std::string& name) {
    const Tensor& t = g.tensors[g.find(name)];
    return std::to_string(t.padded_rows) + "x" + std::to_string(t.padded_cols);
  };
  CHECK(padded("x") == "128x320");
  CHECK(padded("w1") == "320x96");
  CHECK(padded("h1") == "128x96");
  CHECK(padded("b2") == "1x64");
  CHECK(padded("b3") == "1x32");
  CHECK(padded("y") == "128x32");
  const Tensor& x = g.tensors[g.find("x")];
  CHECK(x.shape.rows == 100);  // the true shape is kept
  CHECK(x.shape.cols == 300);
  CHECK(x.tile_rows() == 4);
  CHECK(x.tile_cols() == 10);
}

TEST_CASE("tiling keeps exact multiples of 32", "[passes][tiling]") {
  Graph g = load_model(kModels + "mlp-large.yaml");
  TilingPass().run(g);
  for (const Tensor& t : g.tensors) {
    CHECK(t.padded_rows == t.shape.rows);
    CHECK(t.padded_cols == t.shape.cols);
  }
}

TEST_CASE("default passes: fused, tiled, dead tensors untouched", "[passes]") {
  Graph g = load_model(kModels + "mlp-bias.yaml");
  tilesim::passes::run_default_passes(g);
  CHECK(g.is_tiled());
  CHECK(g.live_ops().size() == 2);
  const Tensor& h1 = g.tensors[g.find("h1")];
  CHECK(h1.dead);
  CHECK(h1.padded_rows == 0);
}

TEST_CASE("DOT output names every live tensor and op", "[passes][dot]") {
  Graph g = load_model(kModels + "mlp-bias.yaml");
  tilesim::passes::run_default_passes(g);
  const std::string dot = to_dot(g);
  CHECK(dot.rfind("digraph \"mlp-bias\" {\n", 0) == 0);
  CHECK(dot.find("label=\"x\\n[64, 200] -> padded [64, 224]\\ninput\"") != std::string::npos);
  CHECK(dot.find("label=\"b1\\n[96] -> padded [1, 96]\\nparam\"") != std::string::npos);
  CHECK(dot.find("label=\"logits\\n[64, 10] -> padded [64, 32]\\noutput\"") != std::string::npos);
  CHECK(dot.find("[shape=ellipse, label=\"fused: matmul + add + relu\"]") != std::string::npos);
  CHECK(dot.find("[shape=ellipse, label=\"fused: matmul + add\"]") != std::string::npos);
  CHECK(dot.find("h1b") == std::string::npos);  // fused away
  CHECK(dot.find("[label=\"bias\"]") != std::string::npos);
  CHECK(dot.back() == '\n');

  Graph plain = load_model(kModels + "residual.yaml");
  const std::string before = to_dot(plain);  // untiled: no padded shapes
  CHECK(before.find("padded") == std::string::npos);
  CHECK(before.find("label=\"add\"") != std::string::npos);
  CHECK(before.find("label=\"relu\"") != std::string::npos);
  FusionPass().run(plain);
  CHECK(to_dot(plain).find("[label=\"residual\"]") != std::string::npos);
}
