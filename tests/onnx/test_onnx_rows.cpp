// The ONNX row reductions (onnx_rows.h): Softmax, LayerNormalization,
// ReduceSum/Mean/Max import to their statistics and apply ops, refusals
// name the node and the attribute, and a softmax's cycles worked out by hand
// from docs/cycle-model.md.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

#include "tests/onnx/onnx_builders.h"
#include "tests/support/run_process.h"

using namespace tilesim;
using namespace tilesim::test;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;

// y = OP(x) with x of `dims`, the node's attributes set by `attributes`.
template <class F>
onnx::ModelProto row_model(const std::string& op, std::vector<std::int64_t> dims, std::int64_t opset, F attributes,
                           std::vector<std::string> extra = {}, std::vector<std::int64_t> out_dims = {}) {
  onnx::ModelProto m = new_model(opset);
  auto* g = m.mutable_graph();
  g->set_name("rows");
  std::vector<std::string> inputs{"x"};
  for (const auto& e : extra) inputs.push_back(e);
  attributes(add_node(g, op, inputs, "y"), g);
  set_shape(g->add_input(), "x", dims);
  set_shape(g->add_output(), "y", out_dims.empty() ? dims : out_dims);
  return m;
}

}  // namespace

TEST_CASE("onnx rows: Softmax over the last axis is statistics then apply", "[onnx][rows]") {
  ir::Graph g;
  REQUIRE(error_of(row_model("Softmax", {2, 8, 80}, 13, [](auto*, auto*) {}), &g).empty());
  const ir::Op& y = producer(g, "y");
  CHECK(y.kind == ir::OpKind::Softmax);
  REQUIRE(y.inputs.size() == 2);
  CHECK(g.tensors[y.inputs[1]].shape.dims() == std::vector<std::int64_t>{2, 8, 2});
  CHECK(g.ops[g.tensors[y.inputs[1]].producer].kind == ir::OpKind::SoftmaxStats);
}

TEST_CASE("onnx rows: Softmax-13 over a middle axis swaps it with the last, both ways", "[onnx][rows]") {
  ir::Graph g;
  REQUIRE(error_of(row_model("Softmax", {2, 80, 8}, 13, [](auto* n, auto*) { set_int(n, "axis", 1); }), &g).empty());
  // y: a graph output that is a view, copied out (Scale) of the swap back.
  const ir::Op& copy = producer(g, "y");
  REQUIRE(copy.kind == ir::OpKind::Scale);
  const ir::Op& back = g.ops[g.tensors[copy.inputs[0]].producer];
  REQUIRE(back.kind == ir::OpKind::Permute);
  CHECK(back.select.perm == std::vector<std::int64_t>{0, 2, 1});
  const ir::Op& softmax = g.ops[g.tensors[back.inputs[0]].producer];
  REQUIRE(softmax.kind == ir::OpKind::Softmax);
  CHECK(g.tensors[softmax.output].shape.dims() == std::vector<std::int64_t>{2, 8, 80});
  const ir::Op& there = g.ops[g.tensors[softmax.inputs[0]].producer];
  CHECK(there.kind == ir::OpKind::Permute);
  CHECK(there.select.perm == std::vector<std::int64_t>{0, 2, 1});
  CHECK(g.tensors[there.inputs[0]].name == "x");
}

TEST_CASE("onnx rows: ReduceMean is a sum scaled by 1/C; keepdims 0 relayouts", "[onnx][rows]") {
  ir::Graph g;
  auto axes = [](onnx::NodeProto* n, auto*) {
    set_ints(n, "axes", {-1});
    set_int(n, "keepdims", 0);
  };
  REQUIRE(error_of(row_model("ReduceMean", {4, 40}, 13, axes, {}, {4}), &g).empty());
  const ir::TensorId y = g.find("y");
  CHECK(g.tensors[y].shape.dims() == std::vector<std::int64_t>{4});
  // A graph output that is a view is copied out (a scale by 1) of the view.
  const ir::Op& copy = g.ops[g.tensors[y].producer];
  CHECK(copy.kind == ir::OpKind::Scale);
  const ir::Op& view = g.ops[g.tensors[copy.inputs[0]].producer];
  CHECK(view.kind == ir::OpKind::Relayout);
  const ir::Op& sum = g.ops[g.tensors[view.inputs[0]].producer];
  CHECK(sum.kind == ir::OpKind::ReduceSum);
  CHECK(sum.scale == 1.0f / 40.0f);
}

TEST_CASE("onnx rows: refusals name the node and the attribute", "[onnx][rows]") {
  CHECK(error_of(row_model("Softmax", {2, 8}, 13, [](auto* n, auto*) { set_int(n, "axis", 2); })) ==
        "test_model.onnx: node 'y_node' (Softmax): axis is 2 for a rank-2 input (expected an axis in [-2, 1])");
  CHECK(error_of(row_model("ReduceMax", {2, 8, 4}, 13, [](auto* n, auto*) { set_ints(n, "axes", {1}); })) ==
        "test_model.onnx: node 'y_node' (ReduceMax): axes is [1] for a rank-3 input (expected the trailing axes, "
        "each once: the last axis (2 or -1))");
  auto scale = [](onnx::NodeProto* n, onnx::GraphProto* g) {
    set_int(n, "axis", 0);
    add_initializer(g, "s", {8}, std::vector<float>(8, 1.0f));
  };
  CHECK(error_of(row_model("LayerNormalization", {2, 8}, 17, scale, {"s"})) ==
        "test_model.onnx: node 'y_node' (LayerNormalization): axis is 0 of a rank-2 input (normalizes more than "
        "the last dimension) (expected axis -1 or 1: the last dimension)");
  auto wrong = [](onnx::NodeProto*, onnx::GraphProto* g) { add_initializer(g, "s", {1, 8}, std::vector<float>(8)); };
  CHECK(error_of(row_model("LayerNormalization", {2, 8}, 17, wrong, {"s"})) ==
        "test_model.onnx: node 'y_node' (LayerNormalization): Scale 's' is [1, 8] (expected [8]: one value per "
        "element of the last dimension)");
  CHECK(error_of(row_model("LayerNormalization", {2, 8}, 13, wrong, {"s"})) ==
        "test_model.onnx: node 'y_node' (LayerNormalization): LayerNormalization is not in opset 13 (expected "
        "opset 17 or later for LayerNormalization)");
}

TEST_CASE("onnx rows: softmax [32, 96] cycles, worked out by hand", "[onnx][rows][cycles]") {
  // One row of tiles: x [32, 96] is three tiles x[0,0..2]. At 256 KiB the
  // compiler emits the statistics steps, each after the LOAD of its tile,
  // then the applies, x's tiles and y.stats[0,0] still resident (6 loads
  // eliminated), each apply's result stored at once:
  //   0 LOAD x[0,0]  1 EXEC softmax_stats y.stats[0,0] <- x[0,0] zero_init
  //   2 LOAD x[0,1]  3 EXEC softmax_stats <- x[0,1]  4 LOAD x[0,2]
  //   5 EXEC softmax_stats <- x[0,2]  6 EXEC softmax y[0,0] <- x[0,0] y.stats[0,0]
  //   7 STORE y[0,0]  8 EXEC softmax y[0,1]  9 STORE y[0,1]  10 EXEC softmax y[0,2]  11 STORE y[0,2]
  // cycle-model.md: a tile transfer 64 + 4096/32 = 192; softmax_stats
  // reduce_tile_cycles 16 + transcendental_tile_cycles 32 = 48; softmax
  // transcendental 32 + vector 8 = 40.
  //   DMA      LOAD 0 [0,192) LOAD 2 [192,384) LOAD 4 [384,576)
  //   compute  EXEC 1 [192,240) EXEC 3 [384,432) EXEC 5 [576,624)
  //            EXEC 6 [624,664) EXEC 8 [664,704) EXEC 10 [704,744)
  //   DMA      STORE 7 [664,856) STORE 9 [856,1048) STORE 11 [1048,1240)
  // Cycles 1240; DMA busy 6 x 192 = 1152; compute busy 3 x 48 + 3 x 40 =
  // 264; overlap 48 (EXEC 1 under LOAD 2) + 48 (EXEC 3 under LOAD 4) + 40 +
  // 40 (EXECs 8 and 10 under STOREs 7 and 9) = 176.
  onnx::ModelProto m = row_model("Softmax", {32, 96}, 13, [](auto*, auto*) {});
  own_directory();
  write_model(m, "softmax_32x96.onnx");
  const auto r = run_tilesim({"run", "--hw", kSource + "/configs/hw/default.yaml", "--model", "softmax_32x96.onnx",
                              "--set", "sram.size_kib=256", "--verify", "--stats-json", "softmax.json", "--force"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("verify y:") != std::string::npos);
  std::ifstream in("softmax.json");
  const auto s = nlohmann::json::parse(in);
  CHECK(s["cycles"] == 1240);
  CHECK(s["dma"]["busy_cycles"] == 1152);
  CHECK(s["compute"]["busy_cycles"] == 264);
  CHECK(s["compute"]["tile_ops"] == 6);
  CHECK(s["overlap_cycles"] == 176);
  CHECK(s["dma"]["loads"] == 3);
  CHECK(s["dma"]["stores"] == 3);
  CHECK(s["bound"]["compute_cycles"] == 264);
}

namespace {

// nn.LayerNorm(40) as PyTorch exports it before opset 17 (onnx_layer_norm_fusion.h);
// `also_output` makes the named intermediate a graph output too.
onnx::ModelProto decomposed_layer_norm(const std::string& also_output, float exponent = 2.0f) {
  onnx::ModelProto m = new_model(13);
  auto* g = m.mutable_graph();
  g->set_name("ln");
  set_ints(add_node(g, "ReduceMean", {"x"}, "m"), "axes", {-1});
  add_node(g, "Sub", {"x", "m"}, "d");
  add_initializer(g, "two", {}, {exponent});
  add_node(g, "Pow", {"d", "two"}, "p");
  set_ints(add_node(g, "ReduceMean", {"p"}, "v"), "axes", {-1});
  add_initializer(g, "eps", {}, {1e-5f});
  add_node(g, "Add", {"v", "eps"}, "e");
  add_node(g, "Sqrt", {"e"}, "s");
  add_node(g, "Div", {"d", "s"}, "n");
  add_initializer(g, "gamma", {40}, std::vector<float>(40, 1.5f));
  add_initializer(g, "beta", {40}, std::vector<float>(40, 0.25f));
  add_node(g, "Mul", {"n", "gamma"}, "gn");
  add_node(g, "Add", {"gn", "beta"}, "y");
  set_shape(g->add_input(), "x", {3, 40});
  set_shape(g->add_output(), "y", {3, 40});
  if (!also_output.empty()) set_shape(g->add_output(), also_output, {3, also_output == "m" ? 1 : 40});
  return m;
}

}  // namespace

TEST_CASE("onnx rows: the opset 13 LayerNorm decomposition is recognized as one LayerNorm", "[onnx][rows]") {
  ir::Graph g;
  REQUIRE(error_of(decomposed_layer_norm(""), &g).empty());
  const ir::Op& y = producer(g, "y");
  CHECK(y.kind == ir::OpKind::LayerNorm);
  REQUIRE(y.inputs.size() == 4);
  CHECK(g.tensors[y.inputs[2]].name == "gamma");
  CHECK(g.tensors[y.inputs[3]].name == "beta");
  const ir::Op& stats = g.ops[g.tensors[y.inputs[1]].producer];
  CHECK(stats.kind == ir::OpKind::LayerNormStats);
  CHECK(stats.param[0] == 1e-5f);
  CHECK(g.find("d") == ir::kNone);  // the intermediates never exist
}

TEST_CASE("onnx rows: a decomposition that differs runs op by op", "[onnx][rows]") {
  // An intermediate read elsewhere (a graph output), or a Pow that is no
  // square: no LayerNorm. The ops then run one by one: until Pow and Sqrt
  // import, the model is refused naming them; after, it has no LayerNorm.
  for (const auto& model : {decomposed_layer_norm("m"), decomposed_layer_norm("d"), decomposed_layer_norm("", 3.0f)}) {
    ir::Graph g;
    const std::string error = error_of(model, &g);
    INFO(error);
    if (!error.empty()) {
      CHECK(error.find("node 'p_node' (Pow): unsupported op") != std::string::npos);
      continue;
    }
    for (const ir::Op& op : g.ops) CHECK(op.kind != ir::OpKind::LayerNorm);
  }
}

TEST_CASE("onnx rows: Softmax before opset 13 flattens the dims from its axis", "[onnx][rows]") {
  ir::Graph g;
  REQUIRE(error_of(row_model("Softmax", {2, 3, 8}, 11, [](auto*, auto*) {}), &g).empty());
  // axis 1 (the default): rows [2, 24] through a relayout view, softmax, and back.
  const ir::Op& copy = producer(g, "y");
  const ir::Op& back = copy.kind == ir::OpKind::Relayout ? copy : g.ops[g.tensors[copy.inputs[0]].producer];
  CHECK(back.kind == ir::OpKind::Relayout);
  const ir::Op& softmax = g.ops[g.tensors[back.inputs[0]].producer];
  CHECK(softmax.kind == ir::OpKind::Softmax);
  CHECK(g.tensors[softmax.inputs[0]].shape.dims() == std::vector<std::int64_t>{2, 24});
}

TEST_CASE("onnx rows: ReduceMax over H and W of an image reads its nchw storage rows", "[onnx][rows]") {
  ir::Graph g;
  auto axes = [](onnx::NodeProto* n, auto*) { set_ints(n, "axes", {2, 3}); };
  REQUIRE(error_of(row_model("ReduceMax", {2, 8, 7, 9}, 13, axes, {}, {2, 8, 1, 1}), &g).empty());
  const ir::TensorId x = g.find("x");
  CHECK(g.tensors[x].shape.layout == ir::Layout::Nchw);
  bool found = false;
  for (const ir::Op& op : g.ops) {
    if (op.kind != ir::OpKind::ReduceMax) continue;
    found = true;
    CHECK(g.tensors[op.inputs[0]].shape.dims() == std::vector<std::int64_t>{2, 8, 63});
  }
  CHECK(found);
}
