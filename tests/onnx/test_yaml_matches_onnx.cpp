// The YAML model format and the ONNX import build the same graph for the
// same network (docs/model-format.md#images): the same tensors with the same
// layouts (a graph input image nchw, conv weights conv_weight, conv and pool
// results nhwc, a graph-output image copied to nchw), the same ops and
// windows. configs/models/cnn.yaml against its ONNX twin, and a network
// whose output is an image with a per-channel add on an nhwc image.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "compiler/frontend/model_loader.h"
#include "tests/onnx/onnx_builders.h"

namespace {

using namespace tilesim;
using test::add_initializer;
using test::add_node;
using test::set_int;
using test::set_ints;
using test::set_shape;

const char* layout_name(ir::Layout layout) {
  switch (layout) {
    case ir::Layout::Matrix:
      return "matrix";
    case ir::Layout::Nchw:
      return "nchw";
    case ir::Layout::Nhwc:
      return "nhwc";
    case ir::Layout::ConvWeight:
      return "conv_weight";
  }
  return "?";
}

// Every tensor (name, kind, dims, layout, storage) and op (kind, inputs,
// output, window), one per line: what both frontends must agree on. Sorted:
// the numbering is each frontend's own (ONNX declares initializers before
// inputs, YAML numbers in file order).
std::string describe(const ir::Graph& g) {
  std::vector<std::string> tensors;
  for (const ir::Tensor& t : g.tensors) {
    std::ostringstream out;
    out << t.name << " " << ir::to_string(t.kind) << " " << ir::to_string(t.shape) << " " << layout_name(t.shape.layout)
        << " storage " << t.shape.batch() << "x" << t.shape.rows << "x" << t.shape.cols << " groups " << t.shape.groups
        << "\n";
    tensors.push_back(out.str());
  }
  std::sort(tensors.begin(), tensors.end());
  std::ostringstream out;
  for (const std::string& line : tensors) out << line;
  std::vector<std::string> ops;
  for (const ir::Op& op : g.ops) {
    std::ostringstream line;
    const ir::Window& w = op.window;
    line << ir::to_string(op.kind) << "(";
    for (const ir::TensorId i : op.inputs) line << g.tensors[i].name << " ";
    line << ") -> " << g.tensors[op.output].name << " window " << w.kernel_h << "x" << w.kernel_w << " s" << w.stride_h
         << "," << w.stride_w << " d" << w.dilation_h << "," << w.dilation_w << " p" << w.pad_top << "," << w.pad_left
         << "," << w.pad_bottom << "," << w.pad_right << " g" << w.group << " ceil " << w.ceil_mode << " incl "
         << w.count_include_pad << " param " << op.param[0] << "," << op.param[1] << "\n";
    ops.push_back(line.str());
  }
  std::sort(ops.begin(), ops.end());
  for (const std::string& line : ops) out << line;
  for (const ir::TensorId id : g.outputs) out << "output " << g.tensors[id].name << "\n";
  return out.str();
}

std::vector<float> zeros(std::int64_t n) { return std::vector<float>(static_cast<std::size_t>(n), 0.5f); }

ir::Graph onnx_graph(const onnx::ModelProto& m) {
  ir::Graph g;
  const std::string error = test::error_of(m, &g);
  INFO(error);
  REQUIRE(error.empty());
  return g;
}

}  // namespace

TEST_CASE("yaml and onnx: cnn.yaml is the graph of its ONNX twin", "[onnx][yaml]") {
  onnx::ModelProto m = test::new_model();
  auto* g = m.mutable_graph();
  g->set_name("cnn");
  set_shape(g->add_input(), "x", {1, 3, 16, 16});
  add_initializer(g, "w1", {8, 3, 3, 3}, zeros(8 * 3 * 3 * 3));
  add_initializer(g, "b1", {8}, zeros(8));
  add_initializer(g, "w2", {16, 8, 2, 2}, zeros(16 * 8 * 2 * 2));
  add_initializer(g, "w3", {256, 10}, zeros(2560));
  add_initializer(g, "b3", {10}, zeros(10));
  set_ints(add_node(g, "Conv", {"x", "w1", "b1"}, "c1"), "pads", {1, 1, 1, 1});
  add_node(g, "Relu", {"c1"}, "a1");
  auto* pool = add_node(g, "MaxPool", {"a1"}, "p1");
  set_ints(pool, "kernel_shape", {2, 2});
  set_ints(pool, "strides", {2, 2});
  add_node(g, "Conv", {"p1", "w2"}, "c2");
  auto* avg = add_node(g, "AveragePool", {"c2"}, "p2");
  set_ints(avg, "kernel_shape", {2, 2});
  set_ints(avg, "strides", {2, 2});
  set_int(avg, "ceil_mode", 1);
  add_node(g, "Flatten", {"p2"}, "f");
  add_node(g, "MatMul", {"f", "w3"}, "logits");
  add_node(g, "Add", {"logits", "b3"}, "y");
  set_shape(g->add_output(), "y", {1, 10});

  const ir::Graph from_yaml = frontend::load_model(std::string(TILESIM_SOURCE_DIR) + "/configs/models/cnn.yaml");
  const ir::Graph from_onnx = onnx_graph(m);
  CHECK(describe(from_yaml) == describe(from_onnx));
  const ir::Tensor& x = from_yaml.tensors[from_yaml.find("x")];
  CHECK(x.shape.layout == ir::Layout::Nchw);
  CHECK(from_yaml.tensors[from_yaml.find("w1")].shape.layout == ir::Layout::ConvWeight);
  CHECK(from_yaml.tensors[from_yaml.find("p2")].shape.layout == ir::Layout::Nhwc);
  CHECK(ir::to_string(from_yaml.tensors[from_yaml.find("p2")].shape) == "[1, 16, 4, 4]");
}

TEST_CASE("yaml and onnx: an image output, per-channel add, global pool, reshape", "[onnx][yaml]") {
  // x -conv(group 2, strides 2, dilations 2)-> c + s[4, 1, 1] -> a -relu-> r (an output image)
  // r -global_avg_pool-> gp -reshape [0, -1]-> y
  onnx::ModelProto m = test::new_model();
  auto* g = m.mutable_graph();
  g->set_name("img");
  set_shape(g->add_input(), "x", {2, 4, 9, 9});
  add_initializer(g, "w", {4, 2, 3, 3}, zeros(4 * 2 * 9));
  set_shape(g->add_input(), "s", {4, 1, 1});  // an input: its values come at run time, as a YAML param's
  auto* conv = add_node(g, "Conv", {"x", "w"}, "c");
  set_int(conv, "group", 2);
  set_ints(conv, "strides", {2, 2});
  set_ints(conv, "dilations", {2, 2});
  add_node(g, "Add", {"c", "s"}, "a");
  add_node(g, "Relu", {"a"}, "r");
  add_node(g, "GlobalAveragePool", {"r"}, "gp");
  auto* shape = g->add_initializer();
  shape->set_name("shape");
  shape->set_data_type(onnx::TensorProto_DataType_INT64);
  shape->add_dims(2);
  shape->add_int64_data(0);
  shape->add_int64_data(-1);
  add_node(g, "Reshape", {"gp", "shape"}, "y");
  set_shape(g->add_output(), "r", {2, 4, 3, 3});
  set_shape(g->add_output(), "y", {2, 4});

  const ir::Graph from_yaml = frontend::parse_model(R"(name: img
inputs: {x: [2, 4, 9, 9], s: [4, 1, 1]}
params: {w: [4, 2, 3, 3]}
ops:
  - {op: conv, inputs: [x, w], output: c, group: 2, strides: [2, 2], dilations: [2, 2]}
  - {op: add, inputs: [c, s], output: a}
  - {op: relu, inputs: [a], output: r}
  - {op: global_avg_pool, inputs: [r], output: gp}
  - {op: reshape, inputs: [gp], output: y, shape: [0, -1]}
outputs: [r, y]
)",
                                                    "img.yaml");
  const ir::Graph from_onnx = onnx_graph(m);
  CHECK(describe(from_yaml) == describe(from_onnx));
  // r is copied out of nhwc into an nchw output; s is read as an nhwc row.
  const ir::Tensor& r = from_yaml.tensors[from_yaml.find("r")];
  CHECK(r.kind == ir::TensorKind::Output);
  CHECK(r.shape.layout == ir::Layout::Nchw);
  CHECK(from_yaml.tensors[from_yaml.find("r.nhwc")].shape.layout == ir::Layout::Nhwc);
  CHECK(from_yaml.tensors[from_yaml.find("s.nhwc")].shape.layout == ir::Layout::Nhwc);
  CHECK(ir::to_string(from_yaml.tensors[from_yaml.find("y")].shape) == "[2, 4]");
}
