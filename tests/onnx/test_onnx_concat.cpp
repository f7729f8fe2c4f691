// The import of ONNX Concat (compiler/frontend/onnx_concat.h): the place
// views and adds each becomes, with ONNX's axis rules per opset, and whole
// models of them run with --verify at several SRAM sizes. Refusals:
// tests/bad-inputs/onnx/concat-*.
#include <catch2/catch.hpp>

#include <array>

#include "tests/onnx/onnx_builders.h"
#include "tests/support/run_process.h"

using namespace tilesim;
using namespace tilesim::test;

namespace {

// Concat of graph inputs of `dims` along `axis` (unset when axis is absent).
ir::Graph concat_of(const std::vector<std::vector<std::int64_t>>& dims, std::optional<std::int64_t> axis,
                    std::int64_t opset = 13) {
  onnx::ModelProto m = new_model(opset);
  auto* g = m.mutable_graph();
  std::vector<std::string> names;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    names.push_back("x" + std::to_string(i));
    set_shape(g->add_input(), names.back(), dims[i]);
  }
  auto* node = add_node(g, "Concat", names, "y");
  if (axis) set_int(node, "axis", *axis);
  g->add_output()->set_name("y");
  ir::Graph graph;
  const std::string error = error_of(m, &graph);
  INFO(error);
  REQUIRE(error.empty());
  return graph;
}

// The place op writing tensor `name`: its input, axis and offset.
void check_place(const ir::Graph& g, const std::string& name, const std::string& input, int axis, std::int64_t offset) {
  const ir::Op& op = producer(g, name);
  CHECK(op.kind == ir::OpKind::Place);
  CHECK(g.tensors[op.inputs[0]].name == input);
  CHECK(op.place.axis == axis);
  CHECK(op.place.offset == offset);
}

}  // namespace

TEST_CASE("onnx concat: each input is placed at its offset and the places are added", "[onnx][concat]") {
  const ir::Graph g = concat_of({{2, 3, 4}, {2, 5, 4}, {2, 1, 4}}, 1);
  const ir::Tensor& y = g.tensors[g.find("y")];
  CHECK(y.shape.dims() == std::vector<std::int64_t>{2, 9, 4});
  CHECK(y.shape.layout == ir::Layout::Matrix);
  check_place(g, "y.place0", "x0", 1, 0);
  check_place(g, "y.place1", "x1", 1, 3);
  check_place(g, "y.place2", "x2", 1, 8);
  CHECK(g.tensors[g.find("y.place1")].shape.dims() == std::vector<std::int64_t>{2, 9, 4});
  const ir::Op& sum = producer(g, "y.sum1");
  CHECK(sum.kind == ir::OpKind::Add);
  CHECK(g.tensors[sum.inputs[0]].name == "y.place0");
  CHECK(g.tensors[sum.inputs[1]].name == "y.place1");
  const ir::Op& last = producer(g, "y");
  CHECK(last.kind == ir::OpKind::Add);
  CHECK(g.tensors[last.inputs[0]].name == "y.sum1");
  CHECK(g.tensors[last.inputs[1]].name == "y.place2");
}

TEST_CASE("onnx concat: the axis per opset", "[onnx][concat]") {
  // Negative from opset 11: -1 of rank 2 is 1.
  check_place(concat_of({{2, 3}, {2, 5}}, -1, 11), "y.place1", "x1", 1, 3);
  check_place(concat_of({{2, 3}, {4, 3}}, -2, 13), "y.place1", "x1", 0, 2);
  // Opsets 1-3: axis optional, 1 by default.
  check_place(concat_of({{2, 3}, {2, 5}}, std::nullopt, 3), "y.place1", "x1", 1, 3);
  check_place(concat_of({{2, 3}, {4, 3}}, 0, 4), "y.place1", "x1", 0, 2);
  // Rank 1: one row.
  const ir::Graph g = concat_of({{2}, {3}}, 0);
  CHECK(g.tensors[g.find("y")].shape.dims() == std::vector<std::int64_t>{5});
  check_place(g, "y.place1", "x1", 0, 2);
}

TEST_CASE("onnx concat: one input is a relayout view of itself", "[onnx][concat]") {
  const ir::Graph g = concat_of({{2, 3}}, 0);
  const ir::Op& op = producer(g, "y");
  // A graph output is stored: the view is renamed and copied.
  REQUIRE(op.kind == ir::OpKind::Scale);
  const ir::Op& view = g.ops[g.tensors[op.inputs[0]].producer];
  CHECK(view.kind == ir::OpKind::Relayout);
  CHECK(g.tensors[view.inputs[0]].name == "x0");
}

// A place view shows a tensor with storage: a Flatten's relayout view and a
// Transpose view are copied first (scale by 1), then placed; verified.
TEST_CASE("onnx concat: an input that is a view is copied before it is placed", "[onnx][concat]") {
  onnx::ModelProto m = new_model();
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", {2, 3, 2, 2});
  set_shape(g->add_input(), "m", {2, 2});
  std::vector<float> wt(28);
  for (std::size_t i = 0; i < wt.size(); ++i) wt[i] = static_cast<float>(i) / 4 - 3;
  add_initializer(g, "wt", {14, 2}, wt);
  set_int(add_node(g, "Flatten", {"x"}, "f"), "axis", 1);
  set_int(add_node(g, "Concat", {"f", "m"}, "y"), "axis", 1);
  add_node(g, "Transpose", {"wt"}, "t");
  set_int(add_node(g, "Concat", {"y", "t"}, "z"), "axis", 0);
  g->add_output()->set_name("z");
  ir::Graph graph;
  REQUIRE(error_of(m, &graph).empty());
  for (const char* copy : {"f.copy", "t.copy"}) {
    INFO(copy);
    const ir::Op& op = producer(graph, copy);
    CHECK(op.kind == ir::OpKind::Scale);
    CHECK(op.scale == 1.0f);
  }
  check_place(graph, "y.place0", "f.copy", 1, 0);
  check_place(graph, "z.place1", "t.copy", 0, 2);
  CHECK(graph.tensors[graph.find("z")].shape.dims() == std::vector<std::int64_t>{4, 14});
  write_model(m, "views.onnx");
  const auto r = run_tilesim({"run", "--hw", std::string(TILESIM_SOURCE_DIR) + "/configs/hw/default.yaml", "--model",
                              "views.onnx", "--verify"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find("verify z: max abs error 0.000e+00") != std::string::npos);
}

TEST_CASE("onnx concat: the output is nhwc when a convolution made an input", "[onnx][concat]") {
  onnx::ModelProto m = new_model();
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", {1, 2, 4, 4});
  add_initializer(g, "w", {3, 2, 1, 1}, std::vector<float>(6, 0.5f));
  add_node(g, "Conv", {"x", "w"}, "c");
  set_int(add_node(g, "Concat", {"c", "x"}, "y"), "axis", 1);
  g->add_output()->set_name("y");
  ir::Graph graph;
  REQUIRE(error_of(m, &graph).empty());
  // The nhwc sum is y.nhwc; the graph output y is its copy in nchw.
  const ir::Tensor& sum = graph.tensors[graph.find("y.nhwc")];
  CHECK(sum.shape.layout == ir::Layout::Nhwc);
  CHECK(sum.shape.dims() == std::vector<std::int64_t>{1, 5, 4, 4});
  check_place(graph, "y.place1", "x", 1, 3);
  CHECK(graph.tensors[graph.find("y.place1")].shape.layout == ir::Layout::Nhwc);
}

TEST_CASE("onnx concat: refusals name the node and what was expected", "[onnx][concat]") {
  onnx::ModelProto m = new_model(13);
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "a", {1, 4, 6, 5});
  set_shape(g->add_input(), "b", {1, 3, 6, 3});
  set_int(add_node(g, "Concat", {"a", "b"}, "y"), "axis", 3);
  g->add_output()->set_name("y");
  CHECK(error_of(m) ==
        "test_model.onnx: node 'y_node' (Concat): input 1 'b' [1, 3, 6, 3] and input 0 'a' [1, 4, 6, 5] differ on "
        "axis 1 (expected the same dims but on axis 3)");
  g->mutable_node(0)->mutable_attribute(0)->set_i(4);
  CHECK(error_of(m) ==
        "test_model.onnx: node 'y_node' (Concat): attribute axis is 4 for rank-4 inputs (expected an "
        "axis in [-4, 3])");
  g->mutable_node(0)->clear_attribute();
  CHECK(error_of(m) ==
        "test_model.onnx: node 'y_node' (Concat): has no attribute 'axis' (expected an attribute "
        "'axis': Concat requires one from opset 4)");
}

// An initializer, a graph input and a computed image (a Conv's nhwc result),
// joined along each axis, at SRAM sizes down to 16 KiB, checked against the
// host reference (which places the inputs directly, without tiles).
TEST_CASE("onnx concat: models along every axis run and verify", "[onnx][concat]") {
  for (const int axis : {0, 1, 2, 3}) {
    INFO("axis " << axis);
    std::vector<std::int64_t> cd = {2, 40, 5, 6}, xd = cd, kd = cd;
    xd[static_cast<std::size_t>(axis)] = 3;
    kd[static_cast<std::size_t>(axis)] = 7;
    std::int64_t k_count = 1;
    for (const std::int64_t d : kd) k_count *= d;
    onnx::ModelProto m = new_model();
    auto* g = m.mutable_graph();
    set_shape(g->add_input(), "img", {2, 3, 5, 6});
    set_shape(g->add_input(), "x", xd);
    std::vector<float> w(40 * 3 * 9), k(static_cast<std::size_t>(k_count));
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i % 7) / 8 - 0.4f;
    for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<float>(i % 11) - 5;
    add_initializer(g, "w", {40, 3, 3, 3}, w);
    add_initializer(g, "k", kd, k);
    auto* conv = add_node(g, "Conv", {"img", "w"}, "c");
    set_ints(conv, "pads", {1, 1, 1, 1});
    set_int(add_node(g, "Concat", {"k", "c", "x"}, "y"), "axis", axis);
    g->add_output()->set_name("y");
    write_model(m, "concat.onnx");
    for (const char* kib : {"16", "64", "1024"}) {
      INFO("SRAM " << kib << " KiB");
      const auto r = run_tilesim({"run", "--hw", std::string(TILESIM_SOURCE_DIR) + "/configs/hw/default.yaml",
                                  "--model", "concat.onnx", "--set", std::string("sram.size_kib=") + kib, "--verify"});
      CHECK(r.exit_code == 0);
      CHECK(r.err.empty());
      CHECK(r.out.find("verify y:") != std::string::npos);
      CHECK(r.out.find("within tolerance") != std::string::npos);
      const auto compiled =
          run_tilesim({"compile", "--hw", std::string(TILESIM_SOURCE_DIR) + "/configs/hw/default.yaml", "--model",
                       "concat.onnx", "--set", std::string("sram.size_kib=") + kib, "--validate"});
      CHECK(compiled.exit_code == 0);
      CHECK(compiled.err.empty());
    }
  }
}

// PyTorch's torch.cat([a, b], dim=3) of a [1,4,6,5] and b [1,4,6,3]
// (tests/models/torch/concat_width) on the ideal machine (docs/cycle-model.md:
// a transfer 64 + ceil(bytes / 32), an add 8, one DMA queue in order). y
// [1,4,6,8] is four one-tile matrices; per tile: LOAD place0 (a's 6 x 5 = 30
// elements, 120 B: 64 + 4 = 68), LOAD place1 (b's 18, 72 B: 64 + 3 = 67), EXEC
// add after it (8), STORE y (4096 B: 64 + 128 = 192) after the add. The
// allocator holds each STORE back behind the next tiles' LOADs (a place LOAD
// waits only for STOREs of tiles it reads: none here), so the DMA queue is
// L0 L0' L1 L1' L2 L2' S0 L3 L3' S1 S2 S3 and never idles: L0 0-68, L0' -135,
// L1 -203, L1' -270, L2 -338, L2' -405, S0 -597, L3 -665, L3' -732, S1 -924,
// S2 -1116, S3 -1308; the adds (135, 270, 405, 732; 8 each) all run under a
// transfer, the last one's STORE waits behind S2 anyway:
// 4 x (68 + 67 + 192) = 1308 cycles, overlap 32.
TEST_CASE("onnx concat: the exact cycles of torch.cat along the width", "[onnx][concat]") {
  const auto r =
      run_tilesim({"run", "--hw", std::string(TILESIM_SOURCE_DIR) + "/configs/hw/default.yaml", "--model",
                   std::string(TILESIM_SOURCE_DIR) + "/tests/models/torch/concat_width/model.onnx", "--timing-only"});
  REQUIRE(r.exit_code == 0);
  INFO(r.out);
  CHECK(r.out.find("\n  cycles            1308  (1.308 us)\n") != std::string::npos);
  CHECK(r.out.find("overlap           32 cycles") != std::string::npos);
  CHECK(r.out.find("DMA traffic       768 B loaded in 8 loads, 16384 B stored in 4 stores") != std::string::npos);
}

// Inception-style: the graph input x and a Conv of it (40 channels) joined
// along the channels (43: a place tile of x wholly outside it), read by the
// next Conv's gather; verified at the smallest and a large SRAM.
TEST_CASE("onnx concat: a channel concat feeds the next convolution", "[onnx][concat]") {
  onnx::ModelProto m = new_model();
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", {1, 3, 7, 9});
  std::vector<float> w1(40 * 3 * 9), w2(5 * 43 * 9);
  for (std::size_t i = 0; i < w1.size(); ++i) w1[i] = static_cast<float>(i % 7) / 4 - 0.75f;
  for (std::size_t i = 0; i < w2.size(); ++i) w2[i] = static_cast<float>(i % 5) / 8 - 0.25f;
  add_initializer(g, "w1", {40, 3, 3, 3}, w1);
  add_initializer(g, "w2", {5, 43, 3, 3}, w2);
  for (const auto& [in, w, out] : {std::array<const char*, 3>{"x", "w1", "c"}, {"y", "w2", "z"}}) {
    if (std::string(out) == "z") set_int(add_node(g, "Concat", {"x", "c"}, "y"), "axis", 1);
    auto* conv = add_node(g, "Conv", {in, w}, out);
    set_ints(conv, "pads", {1, 1, 1, 1});
  }
  g->add_output()->set_name("z");
  ir::Graph graph;
  REQUIRE(error_of(m, &graph).empty());
  CHECK(graph.tensors[graph.find("y")].shape.layout == ir::Layout::Nhwc);
  write_model(m, "inception.onnx");
  for (const char* kib : {"16", "1024"}) {
    INFO("SRAM " << kib << " KiB");
    const auto r = run_tilesim({"run", "--hw", std::string(TILESIM_SOURCE_DIR) + "/configs/hw/edge.yaml", "--model",
                                "inception.onnx", "--set", std::string("sram.size_kib=") + kib, "--verify"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("verify z:") != std::string::npos);
    CHECK(r.out.find("within tolerance") != std::string::npos);
  }
}
