// The import of ONNX image ops (compiler/frontend/onnx_image.h,
// onnx_batch_norm.h): BatchNormalization folded into a Conv or a Gemm/MatMul,
// or a per-channel scale and shift in the input's layout; element-wise ops of
// an image and a per-channel constant; whole models run with --verify at
// 64 KiB and 1 MiB. Refusals: tests/bad-inputs/onnx.
#include <catch2/catch.hpp>

#include <cmath>

#include "tests/onnx/onnx_builders.h"
#include "tests/support/run_process.h"

using namespace tilesim;
using namespace tilesim::test;

namespace {

const ir::Tensor& input(const ir::Graph& g, const ir::Op& op, std::size_t k) { return g.tensors[op.inputs[k]]; }

// BN statistics [C] named P.scale, P.B, P.mean, P.var; returns the node's inputs after x.
std::vector<std::string> add_stats(onnx::GraphProto* g, const std::string& p, const std::vector<float>& scale,
                                   const std::vector<float>& bias, const std::vector<float>& mean,
                                   const std::vector<float>& var) {
  const auto c = static_cast<std::int64_t>(scale.size());
  add_initializer(g, p + ".scale", {c}, scale);
  add_initializer(g, p + ".B", {c}, bias);
  add_initializer(g, p + ".mean", {c}, mean);
  add_initializer(g, p + ".var", {c}, var);
  return {p + ".scale", p + ".B", p + ".mean", p + ".var"};
}

onnx::NodeProto* add_bn(onnx::GraphProto* g, const std::string& x, const std::string& y,
                        const std::vector<std::string>& stats, float epsilon = 0.5f) {
  std::vector<std::string> inputs{x};
  inputs.insert(inputs.end(), stats.begin(), stats.end());
  auto* n = add_node(g, "BatchNormalization", inputs, y);
  set_float(n, "epsilon", epsilon);
  return n;
}

// The statistics of the tests below, with epsilon 0.5: s = scale / sqrt(var +
// 0.5) = {2 / 1.5, 3 / 0.5} = {4/3, 6}, t = B - mean * s = {1 - 4/3, -1 + 12}.
const std::vector<float> kScale{2.0f, 3.0f}, kB{1.0f, -1.0f}, kMean{1.0f, -2.0f}, kVar{1.75f, -0.25f};
const double kS[] = {4.0 / 3.0, 6.0};

ir::Graph imported(const onnx::ModelProto& m) {
  ir::Graph graph;
  const std::string error = error_of(m, &graph);
  INFO(error);
  REQUIRE(error.empty());
  return graph;
}

std::string run_verify(const std::string& model, const std::string& kib) {
  const auto r = run_tilesim({"run", "--hw", std::string(TILESIM_SOURCE_DIR) + "/configs/hw/default.yaml", "--model",
                              model, "--set", "sram.size_kib=" + kib, "--verify"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  const auto compiled = run_tilesim({"compile", "--hw", std::string(TILESIM_SOURCE_DIR) + "/configs/hw/default.yaml",
                                     "--model", model, "--set", "sram.size_kib=" + kib, "--validate"});
  CHECK(compiled.exit_code == 0);
  CHECK(compiled.err.empty());
  return r.out;
}

}  // namespace

TEST_CASE("onnx: a BatchNormalization after a Gemm folds into its weights and bias", "[onnx][image]") {
  for (const bool trans_b : {true, false}) {
    INFO("transB " << trans_b);
    onnx::ModelProto m = new_model();
    auto* g = m.mutable_graph();
    set_shape(g->add_input(), "x", {4, 3});
    // w as B [3, 2] (column n is channel n), or under transB as [2, 3] (row n).
    add_initializer(g, "w", trans_b ? std::vector<std::int64_t>{2, 3} : std::vector<std::int64_t>{3, 2},
                    {1, 2, 3, 4, 5, 6});
    add_initializer(g, "c", {2}, {10, 20});
    auto* gemm = add_node(g, "Gemm", {"x", "w", "c"}, "h");
    if (trans_b) set_int(gemm, "transB", 1);
    add_bn(g, "h", "y", add_stats(g, "bn", kScale, kB, kMean, kVar));
    set_shape(g->add_output(), "y", {4, 2});
    const ir::Graph graph = imported(m);
    const ir::Op& add = producer(graph, "y");  // the Gemm's add now writes y
    REQUIRE(add.kind == ir::OpKind::Add);
    CHECK(input(graph, add, 1).name == "y.folded_bias");
    CHECK(input(graph, add, 1).values ==
          std::vector<float>{static_cast<float>((10 - 1) * kS[0] + 1), static_cast<float>((20 + 2) * kS[1] - 1)});
    const ir::Tensor& w = graph.tensors[graph.find("w")];
    const std::vector<float> want =
        trans_b ? std::vector<float>{static_cast<float>(1 * kS[0]),
                                     static_cast<float>(2 * kS[0]),
                                     static_cast<float>(3 * kS[0]),
                                     24,
                                     30,
                                     36}
                : std::vector<float>{static_cast<float>(1 * kS[0]), 12, static_cast<float>(3 * kS[0]), 24,
                                     static_cast<float>(5 * kS[0]), 36};
    CHECK(w.values == want);
    CHECK(graph.find("h") == ir::kNone);  // the Gemm's name went to y
  }
}

TEST_CASE("onnx: a BatchNormalization after a MatMul scales B and adds the shift", "[onnx][image]") {
  onnx::ModelProto m = new_model();
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", {4, 3});
  add_initializer(g, "w", {3, 2}, {1, 2, 3, 4, 5, 6});
  add_node(g, "MatMul", {"x", "w"}, "h");
  add_bn(g, "h", "y", add_stats(g, "bn", kScale, kB, kMean, kVar));
  set_shape(g->add_output(), "y", {4, 2});
  const ir::Graph graph = imported(m);
  const ir::Op& add = producer(graph, "y");
  REQUIRE(add.kind == ir::OpKind::Add);
  CHECK(input(graph, add, 0).name == "h");
  CHECK(ir::to_string(input(graph, add, 1).shape) == "[2]");
  CHECK(input(graph, add, 1).values ==
        std::vector<float>{static_cast<float>(1 - 1 * kS[0]), static_cast<float>(-1 + 2 * kS[1])});
  CHECK(graph.tensors[graph.find("w")].values[1] == 12.0f);
}

TEST_CASE("onnx: a BatchNormalization that cannot fold is a per-channel Mul and Add in the input's layout",
          "[onnx][image]") {
  SECTION("on a graph input image: stored nchw, the statistics a column [C, 1] of its storage") {
    onnx::ModelProto m = new_model();
    auto* g = m.mutable_graph();
    set_shape(g->add_input(), "x", {1, 2, 3, 3});
    add_bn(g, "x", "y", add_stats(g, "bn", kScale, kB, kMean, kVar));
    set_shape(g->add_output(), "y", {1, 2, 3, 3});
    const ir::Graph graph = imported(m);
    CHECK(graph.tensors[graph.find("x")].shape.layout == ir::Layout::Nchw);
    const ir::Op& add = producer(graph, "y");
    const ir::Op& mul = graph.ops[input(graph, add, 0).producer];
    REQUIRE(mul.kind == ir::OpKind::Mul);
    const ir::Tensor& s = input(graph, mul, 1);
    CHECK(s.shape.layout == ir::Layout::Nchw);
    CHECK((s.shape.rows == 2 && s.shape.cols == 1));
    CHECK(ir::to_string(s.shape) == "[1, 2, 1, 1]");
    CHECK(s.values == std::vector<float>{static_cast<float>(kS[0]), static_cast<float>(kS[1])});
    CHECK(input(graph, add, 1).values ==
          std::vector<float>{static_cast<float>(1 - 1 * kS[0]), static_cast<float>(-1 + 2 * kS[1])});
    CHECK(graph.tensors[add.output].shape.layout == ir::Layout::Nchw);
  }
  SECTION("after a residual Add of nhwc images: a row [1, C] of nhwc storage") {
    onnx::ModelProto m = new_model();
    auto* g = m.mutable_graph();
    set_shape(g->add_input(), "x", {1, 2, 3, 3});
    add_initializer(g, "w", {2, 2, 1, 1}, {1, 0, 0, 1});
    add_node(g, "Conv", {"x", "w"}, "c");
    add_node(g, "Add", {"c", "x"}, "r");
    add_bn(g, "r", "y", add_stats(g, "bn", kScale, kB, kMean, kVar));
    set_shape(g->add_output(), "y", {1, 2, 3, 3});
    const ir::Graph graph = imported(m);
    CHECK(producer(graph, "y").kind == ir::OpKind::Scale);  // a graph output: the nhwc result copied
    const ir::Op& shift = producer(graph, "y.nhwc");
    const ir::Tensor& t = input(graph, shift, 1);
    CHECK(t.shape.layout == ir::Layout::Nhwc);
    CHECK((t.shape.rows == 1 && t.shape.cols == 2));
  }
  SECTION("on a matrix [N, C] that is a graph input: a row [C]") {
    onnx::ModelProto m = new_model();
    auto* g = m.mutable_graph();
    set_shape(g->add_input(), "x", {4, 2});
    add_bn(g, "x", "y", add_stats(g, "bn", kScale, kB, kMean, kVar));
    set_shape(g->add_output(), "y", {4, 2});
    const ir::Graph graph = imported(m);
    CHECK(ir::to_string(input(graph, producer(graph, "y"), 1).shape) == "[2]");
  }
  SECTION("after a Gemm whose weights another node reads too") {
    onnx::ModelProto m = new_model();
    auto* g = m.mutable_graph();
    set_shape(g->add_input(), "x", {4, 2});
    add_initializer(g, "w", {2, 2}, {1, 2, 3, 4});
    add_node(g, "MatMul", {"x", "w"}, "h");
    add_bn(g, "h", "y", add_stats(g, "bn", kScale, kB, kMean, kVar));
    add_node(g, "MatMul", {"y", "w"}, "z");
    set_shape(g->add_output(), "z", {4, 2});
    const ir::Graph graph = imported(m);
    CHECK(graph.tensors[graph.find("w")].values == std::vector<float>{1, 2, 3, 4});
    CHECK(graph.ops[graph.tensors[producer(graph, "y").inputs[0]].producer].kind == ir::OpKind::Mul);
  }
}

TEST_CASE("onnx: an image combines with a per-channel constant in its layout, any other broadcast in matrix layout",
          "[onnx][image]") {
  onnx::ModelProto m = new_model();
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", {1, 2, 3, 4});
  add_initializer(g, "w", {2, 2, 1, 1}, {1, 0, 0, 1});
  add_initializer(g, "k", {2, 1, 1}, {3, 5});
  add_initializer(g, "v", {4}, {1, 2, 3, 4});
  add_node(g, "Conv", {"x", "w"}, "c");
  add_node(g, "Mul", {"k", "c"}, "a");  // per channel: nhwc, k a row
  add_node(g, "Add", {"a", "v"}, "y");  // along W: matrix layout
  set_shape(g->add_output(), "y", {1, 2, 3, 4});
  const ir::Graph graph = imported(m);
  const ir::Op& mul = producer(graph, "a");
  CHECK(graph.tensors[mul.output].shape.layout == ir::Layout::Nhwc);
  const ir::Tensor& k = input(graph, mul, 0);
  CHECK(k.name == "k.nhwc");
  CHECK((k.shape.layout == ir::Layout::Nhwc && k.shape.rows == 1 && k.shape.cols == 2));
  CHECK(k.values == std::vector<float>{3, 5});
  const ir::Op& add = producer(graph, "y");
  CHECK(graph.tensors[add.output].shape.layout == ir::Layout::Matrix);
  CHECK(graph.ops[input(graph, add, 0).producer].kind == ir::OpKind::Relayout);
}

TEST_CASE("onnx: BatchNormalization refusals name the node and what is supported", "[onnx][image]") {
  const auto model = [](std::int64_t opset, const std::vector<float>& var) {
    onnx::ModelProto m = new_model(opset);
    auto* g = m.mutable_graph();
    set_shape(g->add_input(), "x", {4, 2});
    add_bn(g, "x", "y", add_stats(g, "bn", kScale, kB, kMean, var));
    set_shape(g->add_output(), "y", {4, 2});
    return m;
  };
  {
    auto m = model(13, {1.0f, -0.5f});
    CHECK(error_of(m) ==
          "test_model.onnx: node 'y_node' (BatchNormalization): input_var 'bn.var' is -0.5 for channel 1, "
          "so var + epsilon is 0 (expected var + epsilon > 0)");
  }
  {
    auto m = model(13, kVar);
    m.mutable_graph()->mutable_node(0)->add_output("m");
    add_node(m.mutable_graph(), "Relu", {"m"}, "r");
    set_shape(m.mutable_graph()->add_output(), "r", {2});
    CHECK(error_of(m) ==
          "test_model.onnx: node 'y_node' (BatchNormalization): its output 1 'm' (mean) is read "
          "(expected only Y read: the other outputs are training's statistics (tilesim runs inference))");
  }
  {
    auto m = model(15, kVar);
    for (const char* name : {"a", "b", "c"}) m.mutable_graph()->mutable_node(0)->add_output(name);
    CHECK(error_of(m) ==
          "test_model.onnx: node 'y_node' (BatchNormalization): has 4 outputs (expected 1 to 3 "
          "outputs: Y, then optionally running_mean and running_var)");
  }
  {
    auto m = model(13, kVar);
    m.mutable_graph()->mutable_initializer(3)->mutable_float_data()->Add(1.0f);
    m.mutable_graph()->mutable_initializer(3)->set_dims(0, 3);
    CHECK(error_of(m) ==
          "test_model.onnx: node 'y_node' (BatchNormalization): input_var 'bn.var' is [3] (expected "
          "[2], one value per channel)");
  }
  {
    auto m = model(13, kVar);
    m.mutable_graph()->mutable_initializer(0)->set_float_data(1, NAN);
    CHECK(error_of(m) ==
          "test_model.onnx: node 'y_node' (BatchNormalization): scale 'bn.scale' is nan for channel 1 "
          "(expected finite statistics)");
  }
  {
    auto m = model(13, kVar);
    set_shape(m.mutable_graph()->add_input(), "bn.mean", {2});
    m.mutable_graph()->mutable_initializer()->DeleteSubrange(2, 1);
    CHECK(error_of(m) ==
          "test_model.onnx: node 'y_node' (BatchNormalization): input_mean 'bn.mean' is computed by "
          "the graph or a graph input (expected an initializer (constant statistics))");
  }
  {
    auto m = model(6, kVar);
    CHECK(error_of(m) ==
          "test_model.onnx: node 'y_node' (BatchNormalization): is_test is 0, training mode, in opset 6 "
          "(expected is_test=1: tilesim runs inference)");
    set_int(m.mutable_graph()->mutable_node(0), "is_test", 1);
    CHECK(error_of(m).empty());
  }
  {
    auto m = model(14, kVar);
    set_int(m.mutable_graph()->mutable_node(0), "training_mode", 1);
    CHECK(error_of(m) ==
          "test_model.onnx: node 'y_node' (BatchNormalization): training_mode is 1 (expected 0 (inference))");
  }
}

TEST_CASE("onnx: images with BatchNormalization, per-channel and other broadcasts, reshapes compute right",
          "[onnx][image]") {
  onnx::ModelProto m = new_model();
  auto* g = m.mutable_graph();
  g->set_name("images");
  set_shape(g->add_input(), "x", {2, 3, 6, 5});
  set_shape(g->add_input(), "x2", {2, 3, 4, 4});
  std::vector<float> w(4 * 3 * 3 * 3), wp(4 * 3 * 6 * 5), fc(10 * 120);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = std::sin(0.7f * i);
  for (std::size_t i = 0; i < wp.size(); ++i) wp[i] = 0.05f * std::cos(0.3f * i);
  for (std::size_t i = 0; i < fc.size(); ++i) fc[i] = 0.1f * std::sin(1.3f * i);
  add_initializer(g, "w", {4, 3, 3, 3}, w);
  add_initializer(g, "wp", {4, 3, 6, 5}, wp);
  add_initializer(g, "fc", {10, 120}, fc);
  add_initializer(g, "k", {4, 1, 1}, {0.5f, -1.0f, 2.0f, 1.5f});
  add_initializer(g, "v", {5}, {1, 2, 3, 4, 5});
  auto* shape = g->add_initializer();
  shape->set_name("shape");
  shape->set_data_type(onnx::TensorProto_DataType_INT64);
  shape->add_dims(2);
  for (const std::int64_t d : {0, -1}) shape->add_int64_data(d);
  auto* axes = g->add_initializer();
  axes->set_name("axes");
  axes->set_data_type(onnx::TensorProto_DataType_INT64);
  axes->add_dims(2);
  for (const std::int64_t d : {-1, 2}) axes->add_int64_data(d);
  set_ints(add_node(g, "Conv", {"x", "w"}, "c"), "pads", {1, 1, 1, 1});
  add_node(g, "Relu", {"c"}, "r");
  add_node(g, "Add", {"r", "c"}, "a");
  add_bn(g, "a", "b", add_stats(g, "bn4", {1, 2, 3, 4}, {0, 1, 0, -1}, {0.5f, 0, -0.5f, 1}, {1, 2, 0.5f, 4}));
  add_node(g, "Mul", {"b", "k"}, "kb");
  add_node(g, "Sub", {"kb", "v"}, "e");   // along W: matrix layout
  add_node(g, "Conv", {"x", "wp"}, "p");  // [2, 4, 1, 1], nhwc
  add_node(g, "Mul", {"kb", "p"}, "q0");  // per sample and channel
  add_initializer(g, "wq", {1, 3, 6, 5}, std::vector<float>(wp.begin(), wp.begin() + 90));
  add_node(g, "Conv", {"x", "wq"}, "pq");  // [2, 1, 1, 1]
  add_node(g, "Mul", {"q0", "pq"}, "q");   // per sample
  add_node(g, "Reshape", {"q", "shape"}, "f");
  set_int(add_node(g, "Gemm", {"f", "fc"}, "h"), "transB", 1);
  add_bn(g, "h", "y1",
         add_stats(g, "bn1", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, std::vector<float>(10, 0.5f),
                   std::vector<float>(10, 0.25f), std::vector<float>(10, 2.0f)));
  add_node(g, "Squeeze", {"p", "axes"}, "sq");
  set_ints(add_node(g, "Unsqueeze", {"sq"}, "y3"), "axes", {1});
  g->mutable_node(g->node_size() - 1)->mutable_attribute()->Clear();
  auto* unsqueeze_axes = g->add_initializer();
  unsqueeze_axes->set_name("uaxes");
  unsqueeze_axes->set_data_type(onnx::TensorProto_DataType_INT64);
  unsqueeze_axes->add_dims(1);
  unsqueeze_axes->add_int64_data(1);
  g->mutable_node(g->node_size() - 1)->add_input("uaxes");
  add_bn(g, "x2", "y4", add_stats(g, "bn3", {1, -1, 2}, {0, 1, 2}, {1, 1, 1}, {0.5f, 1, 1.5f}));
  set_shape(g->add_output(), "y1", {2, 10});
  set_shape(g->add_output(), "e", {2, 4, 6, 5});
  set_shape(g->add_output(), "y3", {2, 1, 4});
  set_shape(g->add_output(), "y4", {2, 3, 4, 4});
  write_model(m, "images.onnx");
  for (const char* kib : {"64", "1024"}) {
    INFO("SRAM " << kib << " KiB");
    const std::string out = run_verify("images.onnx", kib);
    for (const char* y : {"y1", "e", "y3", "y4"})
      CHECK(out.find(std::string("verify ") + y + ":") != std::string::npos);
    CHECK(out.find("BEYOND") == std::string::npos);
  }
}
