// Pooling from ONNX (compiler/frontend/onnx_pool.h) to the schedule: the op
// and window each node becomes, an AveragePool's divisors after the conv
// lowering pass, a zero Pad folded into the AveragePool after it, exact
// refusals, and the validator on pooling schedules and their defects.
// Against PyTorch: scripts/check-torch-models.sh (maxpool_*, avgpool_*,
// global_*, lenet5, resnet_mini, mobilenetv2_mini).
#include <catch2/catch.hpp>

#include "compiler/driver/compile_model.h"
#include "compiler/passes/conv_lowering_pass.h"
#include "compiler/schedule/validator.h"
#include "tests/onnx/onnx_builders.h"

using namespace tilesim;
using namespace tilesim::test;
using Errors = std::vector<std::string>;

namespace {

void set_string(onnx::NodeProto* n, const std::string& name, const std::string& value) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto_AttributeType_STRING);
  a->set_s(value);
}

// x [1, 3, h, w] -> OP (attributes by `setup`) -> y [1, 3, oh, ow].
template <class Setup>
onnx::ModelProto pool_model(const std::string& op, std::vector<std::int64_t> x, std::vector<std::int64_t> y,
                            Setup setup, std::int64_t opset = 13) {
  onnx::ModelProto m = new_model(opset);
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", x);
  setup(g, add_node(g, op, {"x"}, "y"));
  set_shape(g->add_output(), "y", y);
  return m;
}

ir::Graph loaded(const onnx::ModelProto& m) {
  ir::Graph g;
  const std::string error = error_of(m, &g);
  INFO(error);
  REQUIRE(error.empty());
  return g;
}

const ir::Op& pool_op(const ir::Graph& g) {
  for (const ir::Op& op : g.ops) {
    if (!op.dead && ir::is_pool(op.kind)) return op;
  }
  FAIL("no pooling op");
  return g.ops.front();
}

// Pad [0, 0, top, left, 0, 0, bottom, right] (an INT64 initializer, opset 13) before an AveragePool.
onnx::ModelProto pad_then_average(std::vector<std::int64_t> pads, const std::string& reader = "AveragePool") {
  onnx::ModelProto m = new_model(13);
  auto* g = m.mutable_graph();
  set_shape(g->add_input(), "x", {1, 3, 6, 6});
  auto* p = g->add_initializer();
  p->set_name("pads");
  p->set_data_type(onnx::TensorProto::INT64);
  p->add_dims(8);
  for (const auto v : pads) p->add_int64_data(v);
  add_node(g, "Pad", {"x", "pads"}, "xp")->set_name("pad");
  auto* pool = add_node(g, reader, {"xp"}, "y");
  set_ints(pool, "kernel_shape", {3, 3});
  set_ints(pool, "strides", {2, 2});
  g->add_output()->set_name("y");
  return m;
}

}  // namespace

TEST_CASE("onnx pool: MaxPool and AveragePool become windowed ops giving nhwc images", "[onnx][pool]") {
  const ir::Graph g = loaded(pool_model("MaxPool", {1, 3, 7, 8}, {1, 3, 4, 4}, [](auto*, onnx::NodeProto* n) {
    set_ints(n, "kernel_shape", {3, 3});
    set_ints(n, "strides", {2, 2});
    set_ints(n, "pads", {1, 1, 1, 1});
  }));
  const ir::Op& op = pool_op(g);
  CHECK(op.kind == ir::OpKind::MaxPool);
  CHECK(op.window.kernel_h == 3);
  CHECK(op.window.pad_bottom == 1);
  // floor((7 + 2 - 3) / 2) + 1 = 4 rows, floor((8 + 2 - 3) / 2) + 1 = 4 cols
  CHECK(g.tensors[op.output].shape.layout == ir::Layout::Nhwc);
  CHECK(g.tensors[op.output].shape.dims() == std::vector<std::int64_t>{1, 3, 4, 4});
  CHECK(g.tensors[g.find("x")].shape.layout == ir::Layout::Nchw);  // the input image, read by a window

  const ir::Graph global = loaded(pool_model("GlobalAveragePool", {2, 3, 5, 7}, {2, 3, 1, 1}, [](auto*, auto*) {}));
  CHECK(pool_op(global).kind == ir::OpKind::AveragePool);
  CHECK(pool_op(global).window.kernel_h == 5);
  CHECK(pool_op(global).window.kernel_w == 7);
}

// x [1, 3, 5, 5], 2x2 windows, stride 2, ceil_mode: 3 x 3 outputs; the last
// row and column of windows hold 1 of 2 rows (cols), so the counts are
// 4 4 2 / 4 4 2 / 2 2 1 and the divisors their reciprocals. Without
// ceil_mode (x 4 x 4) every window holds 4 pixels: one scale, 1/4.
TEST_CASE("onnx pool: an average's divisors after the lowering pass", "[onnx][pool]") {
  ir::Graph g = loaded(pool_model("AveragePool", {1, 3, 5, 5}, {1, 3, 3, 3}, [](auto*, onnx::NodeProto* n) {
    set_ints(n, "kernel_shape", {2, 2});
    set_ints(n, "strides", {2, 2});
    set_int(n, "ceil_mode", 1);
  }));
  passes::ConvLoweringPass().run(g);
  const ir::Op& op = pool_op(g);
  REQUIRE(op.inputs.size() == 2);
  const ir::Tensor& view = g.tensors[op.inputs[0]];
  // [N, OH*OW, KH*KW*32]: each of the 4 kernel positions in its own 32 columns
  CHECK(view.shape.dims() == std::vector<std::int64_t>{1, 9, 4 * 32});
  CHECK(g.ops[view.producer].window.channel_stride == 32);
  CHECK_FALSE(g.ops[view.producer].window.pad_negative_infinity);
  const ir::Tensor& d = g.tensors[op.inputs[1]];
  CHECK(d.shape.dims() == std::vector<std::int64_t>{9, 1});
  CHECK(d.values == std::vector<float>{0.25f, 0.25f, 0.5f, 0.25f, 0.25f, 0.5f, 0.5f, 0.5f, 1.0f});

  ir::Graph uniform = loaded(pool_model("AveragePool", {1, 3, 4, 4}, {1, 3, 2, 2}, [](auto*, onnx::NodeProto* n) {
    set_ints(n, "kernel_shape", {2, 2});
    set_ints(n, "strides", {2, 2});
  }));
  passes::ConvLoweringPass().run(uniform);
  CHECK(pool_op(uniform).inputs.size() == 1);
  CHECK(pool_op(uniform).scale == 0.25f);
}

TEST_CASE("onnx pool: a zero Pad folds into the AveragePool after it", "[onnx][pool]") {
  const ir::Graph g = loaded(pad_then_average({0, 0, 1, 2, 0, 0, 1, 0}));
  const ir::Op& op = pool_op(g);
  CHECK(g.tensors[op.inputs[0]].name == "x");
  CHECK(op.window.pad_top == 1);
  CHECK(op.window.pad_left == 2);
  CHECK(op.window.pad_bottom == 1);
  CHECK(op.window.pad_right == 0);
  CHECK(op.window.count_include_pad);  // the Pad's zeros are elements the average counts
  // (6 + 2 - 3) / 2 + 1 = 3 rows, (6 + 2 - 3) / 2 + 1 = 3 cols
  CHECK(g.tensors[op.output].shape.dims() == std::vector<std::int64_t>{1, 3, 3, 3});
  // All-zero pads: the Pad's output is its input.
  CHECK(g.tensors[pool_op(loaded(pad_then_average({0, 0, 0, 0, 0, 0, 0, 0}))).inputs[0]].name == "x");
}

TEST_CASE("onnx pool: refusals name the node and what is supported", "[onnx][pool]") {
  const std::string file = "test_model.onnx: ";
  CHECK(error_of(pool_model("MaxPool", {1, 3, 4, 4}, {1, 3, 2, 2}, [](auto*, auto*) {})) ==
        file + "node 'y_node' (MaxPool): has no attribute kernel_shape (expected kernel_shape [KH, KW])");
  CHECK(error_of(pool_model("MaxPool", {1, 3, 4, 4}, {1, 3, 2, 2},
                            [](onnx::GraphProto* g, onnx::NodeProto* n) {
                              set_ints(n, "kernel_shape", {2, 2});
                              n->add_output("idx");
                              add_node(g, "Relu", {"idx"}, "r");
                              set_shape(g->add_output(), "r", {1, 3, 2, 2});
                            })) ==
        file + "node 'y_node' (MaxPool): output Indices 'idx' is read (expected MaxPool's Indices unused (Y only))");
  // Rows -2..-1 of the first window are padding only.
  CHECK(error_of(pool_model("AveragePool", {1, 3, 4, 4}, {1, 3, 4, 4},
                            [](auto*, onnx::NodeProto* n) {
                              set_ints(n, "kernel_shape", {2, 2});
                              set_ints(n, "strides", {2, 2});
                              set_ints(n, "pads", {2, 2, 2, 2});
                            })) ==
        file +
            "node 'y_node' (AveragePool): the window of output pixel (0, 0) holds only padding (input [1, 3, "
            "4, 4]) (expected pads that leave every window an input pixel, or count_include_pad 1)");
  CHECK(error_of(pool_model("MaxPool", {1, 3, 4, 4}, {1, 3, 2, 2},
                            [](auto*, onnx::NodeProto* n) {
                              set_ints(n, "kernel_shape", {2, 2, 2});
                            })) ==
        file +
            "node 'y_node' (MaxPool): attribute kernel_shape is [2, 2, 2] (a 3-D window) (expected 2 values for a "
            "2-D window over [N, C, H, W])");
  CHECK(error_of(pad_then_average({0, 0, 1, 1, 0, 0, 1, 1}, "MaxPool")) ==
        file +
            "node 'y_node' (MaxPool): reads 'xp', the result of node 'pad' (Pad) (expected a Pad read only by "
            "AveragePool nodes (folded into their pads))");
  CHECK(error_of(pad_then_average({0, 1, 1, 1, 0, 0, 1, 1})) ==
        file +
            "node 'pad' (Pad): pads [0, 1, 1, 1, 0, 0, 1, 1] for input [1, 3, 6, 6] (expected an image [N, C, H, "
            "W] padded on H and W only: [0, 0, top, left, 0, 0, bottom, right])");
  CHECK(error_of(pad_then_average({0, 0, -1, 0, 0, 0, 0, 0})) ==
        file + "node 'pad' (Pad): pads [0, 0, -1, 0, 0, 0, 0, 0] crop the input (expected pads >= 0)");
  onnx::ModelProto reflect = pad_then_average({0, 0, 1, 1, 0, 0, 1, 1});
  set_string(reflect.mutable_graph()->mutable_node(0), "mode", "reflect");
  CHECK(error_of(reflect) == file +
                                 "node 'pad' (Pad): mode is 'reflect' (expected constant (zero padding, folded into "
                                 "an AveragePool))");
}

// The compiled schedule validates; each defect of a pooling step is named.
TEST_CASE("onnx pool: the validator on pooling schedules", "[onnx][pool][validator]") {
  HwConfig hw;
  hw.sram.size_kib = 256;
  const auto compiled = [&hw](const onnx::ModelProto& m) { return compile_model(hw, loaded(m), 0).schedule; };
  const sched::Schedule s =
      compiled(pool_model("AveragePool", {1, 3, 5, 5}, {1, 3, 3, 3}, [](auto*, onnx::NodeProto* n) {
        set_ints(n, "kernel_shape", {2, 2});
        set_ints(n, "strides", {2, 2});
        set_int(n, "ceil_mode", 1);
      }));
  REQUIRE(sched::validate(s) == Errors{});
  std::vector<std::uint32_t> steps;  // the 4 avg_pool steps of y.nhwc[0,0]
  for (std::uint32_t id = 0; id < s.uops.size(); ++id) {
    if (s.uops[id].kind == sched::UopKind::Exec && s.uops[id].exec == sched::ExecKind::AvgPool) steps.push_back(id);
  }
  REQUIRE(steps.size() == 4);
  const auto head = [](std::uint32_t id) { return "uop " + std::to_string(id) + " EXEC avg_pool y.nhwc[0,0]: "; };
  SECTION("a step without zero_init first") {
    sched::Schedule bad = s;
    bad.uops[steps[0]].zero_init = false;
    CHECK(sched::validate(bad).front() ==
          head(steps[0]) + "step 0 of 4 without zero_init (expected zero_init on step 0)");
  }
  SECTION("the divisors on a step before the last") {
    sched::Schedule bad = s;
    bad.uops[steps[1]].src[1] = bad.uops[steps[3]].src[1];
    bad.uops[steps[1]].src_addr[1] = bad.uops[steps[3]].src_addr[1];
    bad.uops[steps[1]].params = bad.uops[steps[3]].params;
    // (its slot holds nothing then, also reported)
    CHECK_THAT(sched::validate(bad),
               Catch::VectorContains(head(steps[1]) + "divisors on step 1 of 4 (expected them only on the last "
                                                      "step, 3)"));
  }
  SECTION("a max_pool step over a view padded with zeros") {
    sched::Schedule bad = s;
    bad.uops[steps[2]].exec = sched::ExecKind::MaxPool;
    bad.uops[steps[2]].params = 0;  // no constants
    CHECK(sched::validate(bad).front() ==
          "uop " + std::to_string(steps[2]) +
              " EXEC max_pool y.nhwc[0,0]: operand 0 y.nhwc.im2col pads with 0 (expected -inf for max_pool)");
  }
}
