// Issue 14's arithmetic and transcendental ops through the ONNX import
// (compiler/frontend/onnx_math.h): the graph each becomes, the GELU patterns
// (compiler/passes/gelu_pass.h) and their MatMul->GELU epilogue, their
// refusals, a model of all of them run with --verify, and the exact cycles of
// a small schedule with the new kinds, derived from docs/cycle-model.md.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <limits>

#include "compiler/passes/pipeline.h"
#include "tests/onnx/onnx_builders.h"
#include "tests/support/run_process.h"

using namespace tilesim;
using namespace tilesim::test;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;

// y = OP(x, [c]) for x [2, 3], with c a constant scalar initializer when given.
ir::Graph one_node(const std::string& op, std::int64_t opset, std::optional<float> c = std::nullopt,
                   const std::string& approximation = "") {
  onnx::ModelProto m = new_model(opset);
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", {2, 3});
  std::vector<std::string> inputs = {"x"};
  if (c) {
    add_initializer(g, "c", {}, {*c});
    inputs.push_back("c");
  }
  auto* n = add_node(g, op, inputs, "y");
  if (!approximation.empty()) {
    auto* a = n->add_attribute();
    a->set_name("approximation");
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(approximation);
  }
  set_shape(g->add_output(), "y", {2, 3});
  ir::Graph graph;
  const std::string error = error_of(m, &graph);
  INFO(error);
  REQUIRE(error.empty());
  return graph;
}

// PyTorch 1.13's exact GELU of h (Div, Erf, Add, Mul, Mul), as gelu_exact has it.
void add_gelu_exact(onnx::GraphProto* g, const std::string& h, const std::string& y, float half = 0.5f) {
  add_initializer(g, h + ".sqrt2", {}, {1.4142135f});
  add_initializer(g, h + ".one", {}, {1.0f});
  add_initializer(g, h + ".half", {}, {half});
  add_node(g, "Div", {h, h + ".sqrt2"}, h + ".d");
  add_node(g, "Erf", {h + ".d"}, h + ".e");
  add_node(g, "Add", {h + ".e", h + ".one"}, h + ".a");
  add_node(g, "Mul", {h, h + ".a"}, h + ".m");
  add_node(g, "Mul", {h + ".m", h + ".half"}, y);
}

// PyTorch 1.13's tanh GELU of h, as gelu_tanh has it.
void add_gelu_tanh(onnx::GraphProto* g, const std::string& h, const std::string& y) {
  add_initializer(g, h + ".k", {}, {0.044715f});
  add_initializer(g, h + ".b", {}, {0.7978846f});
  add_initializer(g, h + ".one", {}, {1.0f});
  add_initializer(g, h + ".half", {}, {0.5f});
  add_node(g, "Mul", {h, h}, h + ".sq");
  add_node(g, "Mul", {h, h + ".sq"}, h + ".cube");
  add_node(g, "Mul", {h + ".k", h + ".cube"}, h + ".kc");
  add_node(g, "Add", {h, h + ".kc"}, h + ".s");
  add_node(g, "Mul", {h + ".b", h + ".s"}, h + ".bs");
  add_node(g, "Tanh", {h + ".bs"}, h + ".t");
  add_node(g, "Add", {h + ".one", h + ".t"}, h + ".a");
  add_node(g, "Mul", {h, h + ".a"}, h + ".m");
  add_node(g, "Mul", {h + ".half", h + ".m"}, y);
}

// y = GELU(x @ w + b) in the given form, x [4, 3].
onnx::ModelProto linear_gelu(bool tanh, float half = 0.5f) {
  onnx::ModelProto m = new_model(13);
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", {4, 3});
  add_initializer(g, "w", {3, 5}, std::vector<float>(15, 0.5f));
  add_initializer(g, "b", {5}, {1, -2, 3, -4, 5});
  add_node(g, "MatMul", {"x", "w"}, "p");
  add_node(g, "Add", {"p", "b"}, "h");
  if (tanh) {
    add_gelu_tanh(g, "h", "y");
  } else {
    add_gelu_exact(g, "h", "y", half);
  }
  set_shape(g->add_output(), "y", {4, 5});
  return m;
}

}  // namespace

TEST_CASE("onnx: Div, Pow, Sqrt, Reciprocal, Exp, Neg, Erf and Gelu become their ops", "[onnx][math]") {
  CHECK(producer(one_node("Sqrt", 13), "y").kind == ir::OpKind::Sqrt);
  CHECK(producer(one_node("Reciprocal", 13), "y").kind == ir::OpKind::Reciprocal);
  CHECK(producer(one_node("Exp", 13), "y").kind == ir::OpKind::Exp);
  CHECK(producer(one_node("Neg", 13), "y").kind == ir::OpKind::Neg);
  CHECK(producer(one_node("Erf", 13), "y").kind == ir::OpKind::Erf);
  // Div by a power of two: a scale by its exact reciprocal; by anything else, a division.
  const ir::Graph by_two = one_node("Div", 13, 2.0f);
  const ir::Op& half = producer(by_two, "y");
  CHECK(half.kind == ir::OpKind::Scale);
  CHECK(half.scale == 0.5f);
  CHECK(producer(one_node("Div", 13, 3.0f), "y").kind == ir::OpKind::Div);
  CHECK(producer(one_node("Div", 13, 1.4142135f), "y").kind == ir::OpKind::Div);
  // Pow: 2 is x * x, 0.5 a square root, anything else pow with the exponent.
  const ir::Graph squared = one_node("Pow", 13, 2.0f);
  const ir::Op& square = producer(squared, "y");
  CHECK(square.kind == ir::OpKind::Mul);
  CHECK(square.inputs[0] == square.inputs[1]);
  CHECK(producer(one_node("Pow", 13, 0.5f), "y").kind == ir::OpKind::Sqrt);
  const ir::Graph cubed = one_node("Pow", 13, 3.0f);
  const ir::Op& cube = producer(cubed, "y");
  CHECK(cube.kind == ir::OpKind::Pow);
  CHECK(cube.param[0] == 3.0f);
  // Gelu (opset 20): the approximation attribute, "none" by default.
  CHECK(producer(one_node("Gelu", 20), "y").kind == ir::OpKind::Gelu);
  CHECK(producer(one_node("Gelu", 20), "y").param[0] == 0.0f);
  CHECK(producer(one_node("Gelu", 20, std::nullopt, "tanh"), "y").param[0] == 1.0f);
}

TEST_CASE("onnx: refusals name the node and the input or attribute", "[onnx][math]") {
  onnx::ModelProto m = new_model(13);
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", {2, 3});
  set_shape(g->add_input(), "e", {});
  add_node(g, "Pow", {"x", "e"}, "y");
  set_shape(g->add_output(), "y", {2, 3});
  const std::string expected =
      " (expected a constant scalar exponent (an initializer or a Constant of shape [] or [1]))";
  CHECK(error_of(m) == "test_model.onnx: node 'y_node' (Pow): exponent 'e' is a graph input" + expected);
  add_node(g, "Exp", {"x"}, "ex");
  g->mutable_node()->SwapElements(0, 1);  // Exp first
  g->mutable_node(1)->set_input(1, "ex");
  CHECK(error_of(m) == "test_model.onnx: node 'y_node' (Pow): exponent 'ex' is computed by the graph" + expected);
  add_initializer(g, "ev", {3}, {2, 2, 2});
  g->mutable_node(1)->set_input(1, "ev");
  CHECK(error_of(m) == "test_model.onnx: node 'y_node' (Pow): exponent 'ev' has shape [3]" + expected);
  onnx::ModelProto gelu = new_model(13);
  set_shape(gelu.mutable_graph()->add_input(), "x", {2, 3});
  add_node(gelu.mutable_graph(), "Gelu", {"x"}, "y");
  set_shape(gelu.mutable_graph()->add_output(), "y", {2, 3});
  CHECK(error_of(gelu) ==
        "test_model.onnx: node 'y_node' (Gelu): Gelu is not in opset 13 (expected opset 20 or later for Gelu)");
  gelu.mutable_opset_import(0)->set_version(20);
  auto* a = gelu.mutable_graph()->mutable_node(0)->add_attribute();
  a->set_name("approximation");
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s("sigmoid");
  CHECK(error_of(gelu) == "test_model.onnx: node 'y_node' (Gelu): approximation is 'sigmoid' (expected none or tanh)");
}

TEST_CASE("onnx: PyTorch's GELU patterns become one Gelu, fused into the matmul before it", "[onnx][math][gelu]") {
  for (const bool tanh : {false, true}) {
    INFO("tanh: " << tanh);
    ir::Graph graph;
    REQUIRE(error_of(linear_gelu(tanh), &graph).empty());
    passes::run_default_passes(graph);
    const ir::Op& fused = producer(graph, "y");
    CHECK(fused.kind == ir::OpKind::FusedMatMul);
    CHECK(fused.has_bias);
    CHECK(fused.activation == ir::OpKind::Gelu);
    CHECK(fused.param[0] == (tanh ? 1.0f : 0.0f));
    CHECK(graph.live_ops().size() == 1);
  }
  // A constant off by more than 1e-6 is no GELU: the ops run one by one.
  ir::Graph graph;
  REQUIRE(error_of(linear_gelu(false, 0.499f), &graph).empty());
  passes::run_default_passes(graph);
  CHECK(producer(graph, "y").kind == ir::OpKind::Mul);
  CHECK(graph.live_ops().size() == 6);  // the matmul with its bias, div, erf, add, mul, mul
}

TEST_CASE("onnx: a model of every issue-14 op computes right with --verify at every SRAM size", "[onnx][math]") {
  onnx::ModelProto m = new_model(13);
  auto* g = m.mutable_graph();
  g->set_name("math");
  set_shape(g->add_input(), "x", {2, 40, 50});
  set_shape(g->add_input(), "col", {40, 1});
  std::vector<float> w(50 * 70);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i % 13) / 26.0f - 0.25f;
  add_initializer(g, "w", {50, 70}, w);
  add_initializer(g, "b", {70}, std::vector<float>(70, 0.125f));
  add_initializer(g, "two", {}, {2.0f});
  add_initializer(g, "three", {}, {3.0f});
  add_initializer(g, "one", {}, {1.0f});
  add_node(g, "Div", {"x", "col"}, "d");  // by a column, as LayerNorm's decomposition divides
  add_node(g, "Erf", {"d"}, "f");
  add_node(g, "Pow", {"x", "two"}, "sq");
  add_node(g, "Sqrt", {"sq"}, "abs");
  add_node(g, "Neg", {"abs"}, "nabs");
  add_node(g, "Exp", {"nabs"}, "e");
  add_node(g, "Add", {"e", "one"}, "e1");
  add_node(g, "Reciprocal", {"e1"}, "r");
  add_node(g, "Pow", {"r", "three"}, "p");
  add_node(g, "Div", {"f", "e1"}, "q");  // computed by computed
  add_node(g, "Add", {"p", "q"}, "y1");
  add_node(g, "MatMul", {"x", "w"}, "mm");
  add_node(g, "Add", {"mm", "b"}, "h");
  add_gelu_exact(g, "h", "g1");
  add_gelu_tanh(g, "g1", "y2");
  set_shape(g->add_output(), "y1", {2, 40, 50});
  set_shape(g->add_output(), "y2", {2, 40, 70});
  write_model(m, "math.onnx");
  for (const char* kib : {"24", "64", "1024"}) {
    INFO("SRAM " << kib << " KiB");
    const auto r = run_tilesim({"run", "--hw", kSource + "/configs/hw/default.yaml", "--model", "math.onnx", "--set",
                                std::string("sram.size_kib=") + kib, "--verify"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("verify y1:") != std::string::npos);
    CHECK(r.out.find("verify y2:") != std::string::npos);
    CHECK(r.out.find("BEYOND") == std::string::npos);
    CHECK(r.out.find("matmul+add+gelu") != std::string::npos);  // the epilogue
  }
}

TEST_CASE("math cycles: a div by a column then an erf, worked out by hand", "[math][cycles]") {
  // y = erf(x / c), x [32, 32], c [32, 1] (read in the col form): one tile
  // each. On the ideal machine (configs/hw/default.yaml) the compiler emits
  //   0 LOAD x[0,0]   1 LOAD c[0,0]   2 EXEC div d <- x c:col (deps 1)
  //   3 EXEC erf y <- d               4 STORE y[0,0] (deps 3)
  // (d stays in SRAM). Transfers (cycle-model.md: setup 64 + ceil(bytes / 32)):
  // each a whole 4096 B tile, 192 cycles (c's [32, 1] is padded to a tile). A
  // div costs compute.divide_tile_cycles = 16 (2 x vector_tile_cycles), an
  // erf compute.transcendental_tile_cycles = 32.
  //   DMA      LOAD 0 [0,192) LOAD 1 [192,384)
  //   compute  EXEC 2 [384,400) EXEC 3 [400,432)
  //   DMA      STORE 4 [432,624)
  // Cycles 624; DMA busy 576; compute busy 48; no overlap. Bound: compute 48,
  // DMA (x 4096 + c 4096 + y 4096) / 32 = 384.
  std::ofstream("div_erf.yaml") << "name: div_erf\ninputs: {x: [32, 32], c: [32, 1]}\n"
                                   "ops:\n"
                                   "  - {op: div, inputs: [x, c], output: d}\n"
                                   "  - {op: erf, inputs: [d], output: y}\n"
                                   "outputs: [y]\n";
  const auto r = run_tilesim({"run", "--hw", kSource + "/configs/hw/default.yaml", "--model", "div_erf.yaml",
                              "--verify", "--stats-json", "div_erf.json", "--force"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("verify y:") != std::string::npos);
  std::ifstream in("div_erf.json");
  const auto s = nlohmann::json::parse(in);
  CHECK(s["cycles"] == 624);
  CHECK(s["dma"]["busy_cycles"] == 576);
  CHECK(s["compute"]["busy_cycles"] == 48);
  CHECK(s["compute"]["tile_ops"] == 2);
  CHECK(s["overlap_cycles"] == 0);
  CHECK(s["bound"]["compute_cycles"] == 48);
  CHECK(s["bound"]["dma_cycles"] == 384);
}

TEST_CASE("onnx: Where with a constant condition masks with the constant, exactly", "[onnx][math]") {
  // PyTorch's masked_fill as softmax_where_mask has it: Where(keep, x, -10000),
  // keep a BOOL initializer; and the other way round, Where(drop, -inf, x).
  onnx::ModelProto m = new_model(13);
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", {2, 40, 40});
  for (const char* name : {"keep", "drop"}) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::BOOL);
    t->add_dims(40);
    t->add_dims(40);
    for (int r = 0; r < 40; ++r) {
      for (int c = 0; c < 40; ++c) t->add_int32_data((c <= r) == (name[0] == 'k') ? 1 : 0);
    }
  }
  add_initializer(g, "big", {}, {-10000.0f});
  add_initializer(g, "ninf", {}, {-std::numeric_limits<float>::infinity()});
  add_node(g, "Relu", {"x"}, "rx");
  add_node(g, "Where", {"keep", "rx", "big"}, "y1");
  add_node(g, "Where", {"drop", "ninf", "rx"}, "y2");
  set_shape(g->add_output(), "y1", {2, 40, 40});
  set_shape(g->add_output(), "y2", {2, 40, 40});
  ir::Graph graph;
  REQUIRE(error_of(m, &graph).empty());
  CHECK(producer(graph, "y1").kind == ir::OpKind::Where);
  CHECK(producer(graph, "y1").param[0] == -10000.0f);
  CHECK(producer(graph, "y2").param[0] == -std::numeric_limits<float>::infinity());
  write_model(m, "where.onnx");
  for (const char* kib : {"32", "1024"}) {
    const auto r = run_tilesim({"run", "--hw", kSource + "/configs/hw/default.yaml", "--model", "where.onnx", "--set",
                                std::string("sram.size_kib=") + kib, "--verify"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("verify y2:") != std::string::npos);
    CHECK(r.out.find("BEYOND") == std::string::npos);
  }
  // Two tensors: refused, naming both.
  g->mutable_node(1)->set_input(2, "x");
  CHECK(error_of(m) ==
        "test_model.onnx: node 'y1_node' (Where): X 'rx' and Y 'x' are both tensors (expected one of X and Y a "
        "constant scalar (masking with a constant))");
}
