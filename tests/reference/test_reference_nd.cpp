// The host reference on N-d graphs (as the ONNX frontend builds them):
// batched MatMul in both forms, every Add broadcast, Scale, Transpose, a
// scalar fused bias, by hand; then against the ONNX backend test data.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <functional>

#include "sim/io/tensor_proto.h"
#include "sim/reference/compare.h"
#include "sim/reference/host_reference.h"
#include "tests/io/ir_test_graph.h"

using tilesim::HostTensor;
using tilesim::run_reference;
using tilesim::test::op;
using tilesim::test::tensor;
namespace ir = tilesim::ir;
using Dims = std::vector<std::int64_t>;
using Inputs = std::map<std::string, HostTensor>;

namespace {

HostTensor nd(Dims dims, std::vector<float> data) { return HostTensor::from_dims(std::move(dims), std::move(data)); }

HostTensor iota(Dims dims, float first = 1) {
  std::int64_t n = 1;
  for (const auto d : dims) n *= d;
  std::vector<float> data;
  for (std::int64_t i = 0; i < n; ++i) data.push_back(first + static_cast<float>(i));
  return nd(std::move(dims), std::move(data));
}

// y = op(a, b) with the given shapes: one op, two inputs, one output.
HostTensor binary(ir::OpKind kind, const HostTensor& a, const HostTensor& b, const Dims& out_dims) {
  ir::Graph g;
  g.name = "t";
  const auto ta = tensor(g, "a", a.dims, ir::TensorKind::Input);
  const auto tb = tensor(g, "b", b.dims, ir::TensorKind::Input);
  const auto y = tensor(g, "y", out_dims, ir::TensorKind::Output);
  op(g, kind, {ta, tb}, y);
  g.outputs = {y};
  return run_reference(g, Inputs{{"a", a}, {"b", b}}).at("y");
}

HostTensor unary(ir::OpKind kind, const HostTensor& a, const Dims& out_dims, float scale = 1) {
  ir::Graph g;
  g.name = "t";
  const auto ta = tensor(g, "a", a.dims, ir::TensorKind::Input);
  const auto y = tensor(g, "y", out_dims, ir::TensorKind::Output);
  op(g, kind, {ta}, y, scale);
  g.outputs = {y};
  return run_reference(g, Inputs{{"a", a}}).at("y");
}

}  // namespace

TEST_CASE("reference N-d: batched matmul with equal batch dims", "[reference][nd]") {
  // Two 2x2 @ 2x2 products: [1 2; 3 4] @ [1 0; 0 1] and [5 6; 7 8] @ [0 1; 1 0].
  const HostTensor y = binary(ir::OpKind::MatMul, nd({2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}),
                              nd({2, 2, 2}, {1, 0, 0, 1, 0, 1, 1, 0}), {2, 2, 2});
  CHECK(y.dims == Dims{2, 2, 2});
  CHECK(y.batch == 2);
  CHECK(y.data == std::vector<float>{1, 2, 3, 4, 6, 5, 8, 7});
  // Rank 4: [1, 2, 1, 3] @ [1, 2, 3, 1]: two dot products.
  const HostTensor q = binary(ir::OpKind::MatMul, iota({1, 2, 1, 3}), iota({1, 2, 3, 1}), {1, 2, 1, 1});
  // [1 2 3].[1 2 3] = 14; [4 5 6].[4 5 6] = 77
  CHECK(q.dims == Dims{1, 2, 1, 1});
  CHECK(q.data == std::vector<float>{14, 77});
}

TEST_CASE("reference N-d: batched matmul with a shared 2-D b", "[reference][nd]") {
  // [2, 1, 2] @ [2, 3]: each row [1 2], [3 4] times [1 2 3; 4 5 6].
  const HostTensor y = binary(ir::OpKind::MatMul, iota({2, 1, 2}), iota({2, 3}), {2, 1, 3});
  CHECK(y.dims == Dims{2, 1, 3});
  CHECK(y.data == std::vector<float>{9, 12, 15, 19, 26, 33});
  // Mismatched batch dims are a bug the frontend should have caught.
  CHECK_THROWS_AS(binary(ir::OpKind::MatMul, iota({2, 1, 2}), iota({3, 2, 3}), {2, 1, 3}), std::invalid_argument);
  CHECK_THROWS_AS(binary(ir::OpKind::MatMul, iota({2, 3}), iota({2, 2, 3}), {2, 2, 3}), std::invalid_argument);
}

TEST_CASE("reference N-d: every Add broadcast", "[reference][nd]") {
  const HostTensor a = iota({2, 2, 3}, 0);  // 0..11
  // Same shape.
  CHECK(binary(ir::OpKind::Add, a, iota({2, 2, 3}, 0), {2, 2, 3}).data ==
        std::vector<float>{0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22});
  // A trailing [2, 3] repeats over the batch.
  CHECK(binary(ir::OpKind::Add, a, iota({2, 3}, 100), {2, 2, 3}).data ==
        std::vector<float>{100, 102, 104, 106, 108, 110, 106, 108, 110, 112, 114, 116});
  // A bias [3] over every row of every matrix.
  CHECK(binary(ir::OpKind::Add, a, nd({3}, {10, 20, 30}), {2, 2, 3}).data ==
        std::vector<float>{10, 21, 32, 13, 24, 35, 16, 27, 38, 19, 30, 41});
  // Scalars [] and [1].
  CHECK(binary(ir::OpKind::Add, a, nd({}, {0.5f}), {2, 2, 3}).data[11] == 11.5f);
  CHECK(binary(ir::OpKind::Add, a, nd({1}, {-1}), {2, 2, 3}).data[0] == -1);
  // Either operand may be the smaller one.
  const HostTensor flipped = binary(ir::OpKind::Add, nd({3}, {10, 20, 30}), a, {2, 2, 3});
  CHECK(flipped.dims == Dims{2, 2, 3});
  CHECK(flipped.data[5] == 35);
  // Gemm's [1, N] over [M, N], and [M, 1].
  CHECK(binary(ir::OpKind::Add, iota({2, 3}, 0), nd({1, 3}, {10, 20, 30}), {2, 3}).data ==
        std::vector<float>{10, 21, 32, 13, 24, 35});
  CHECK(binary(ir::OpKind::Add, iota({2, 3}, 0), nd({2, 1}, {10, 20}), {2, 3}).data ==
        std::vector<float>{10, 11, 12, 23, 24, 25});
  // Rank 0 + rank 0, and rank 4 + rank 2.
  CHECK(binary(ir::OpKind::Add, nd({}, {1}), nd({}, {2}), {}).data == std::vector<float>{3});
  CHECK(binary(ir::OpKind::Add, iota({1, 2, 1, 2}, 0), nd({1, 2}, {10, 20}), {1, 2, 1, 2}).data ==
        std::vector<float>{10, 21, 12, 23});
  // Not a broadcast.
  CHECK_THROWS_AS(binary(ir::OpKind::Add, a, nd({2}, {1, 2}), {2, 2, 3}), std::invalid_argument);
  CHECK_THROWS_AS(binary(ir::OpKind::Add, iota({2, 3}), iota({3, 2}), {2, 3}), std::invalid_argument);
}

TEST_CASE("reference N-d: Scale, Transpose, Relu", "[reference][nd]") {
  const HostTensor s = unary(ir::OpKind::Scale, nd({2, 1, 2}, {1, -2, 3, 0.5f}), {2, 1, 2}, 0.25f);
  CHECK(s.data == std::vector<float>{0.25f, -0.5f, 0.75f, 0.125f});
  CHECK(unary(ir::OpKind::Scale, nd({}, {4}), {}, -0.5f).data == std::vector<float>{-2});
  // [2, 3] -> [3, 2]
  const HostTensor t = unary(ir::OpKind::Transpose, iota({2, 3}), {3, 2});
  CHECK(t.dims == Dims{3, 2});
  CHECK(t.data == std::vector<float>{1, 4, 2, 5, 3, 6});
  // Batched: each matrix on its own. [2, 1, 2] -> [2, 2, 1]
  const HostTensor tb = unary(ir::OpKind::Transpose, iota({2, 2, 3}), {2, 3, 2});
  CHECK(tb.data == std::vector<float>{1, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12});
  CHECK_THROWS_AS(unary(ir::OpKind::Transpose, iota({3}), {3}), std::invalid_argument);
  const HostTensor r = unary(ir::OpKind::Relu, nd({1, 1, 1, 3}, {-1, 2, -0.0f}), {1, 1, 1, 3});
  CHECK(r.data == std::vector<float>{0, 2, 0});
  CHECK_FALSE(std::signbit(r.data[2]));
  // The op's declared output shape is checked.
  CHECK_THROWS_AS(unary(ir::OpKind::Transpose, iota({2, 3}), {2, 3}), std::invalid_argument);
}

TEST_CASE("reference N-d: FusedMatMul with a scalar, [1] or [1, N] bias", "[reference][nd]") {
  for (const HostTensor& bias : {nd({}, {100}), nd({1}, {100}), nd({1, 2}, {100, 100}), nd({2}, {100, 100})}) {
    INFO(bias.shape_text());
    ir::Graph g;
    g.name = "t";
    const auto a = tensor(g, "a", {2, 1, 2}, ir::TensorKind::Input);
    const auto b = tensor(g, "b", {2, 2}, ir::TensorKind::Param, {1, 0, 0, -1});
    const auto c = tensor(g, "c", bias.dims, ir::TensorKind::Param);
    const auto y = tensor(g, "y", {2, 1, 2}, ir::TensorKind::Output);
    ir::Op fused;
    fused.kind = ir::OpKind::FusedMatMul;
    fused.inputs = {a, b, c};
    fused.output = y;
    fused.has_bias = true;
    fused.has_relu = true;
    g.add_op(fused);
    g.outputs = {y};
    const auto out =
        run_reference(g, Inputs{{"a", nd({2, 1, 2}, {1, 2, 3, -200})}, {"b", nd({2, 2}, {1, 0, 0, -1})}, {"c", bias}});
    // [1 2] -> [1 -2] + 100 = [101 98]; [3 -200] -> [3 200] + 100 = [103 300]
    CHECK(out.at("y").data == std::vector<float>{101, 98, 103, 300});
  }
}

TEST_CASE("reference N-d: inputs must have the model's full dims", "[reference][nd]") {
  ir::Graph g;
  g.name = "t";
  const auto a = tensor(g, "a", {3}, ir::TensorKind::Input);
  const auto y = tensor(g, "y", {3}, ir::TensorKind::Output);
  op(g, ir::OpKind::Relu, {a}, y);
  g.outputs = {y};
  CHECK_THROWS_AS(run_reference(g, Inputs{{"a", nd({1, 3}, {1, 2, 3})}}), std::invalid_argument);
  CHECK(run_reference(g, Inputs{{"a", nd({3}, {1, -2, 3})}}).at("y").data == std::vector<float>{1, 0, 3});
}

// The ONNX backend test data through the reference: the inputs and expected
// outputs of cases whose graphs are one or two IR ops, compared as the
// conformance run does (rtol 1e-3, atol 1e-7).
TEST_CASE("reference N-d: ONNX backend test cases", "[reference][nd][onnx-data]") {
  const std::string node = "/usr/share/libonnx-testdata/data/node/";
  REQUIRE(std::filesystem::exists(node));
  const auto check_case = [&](const std::string& name, const std::function<ir::Graph(const Inputs&)>& build,
                              int inputs) {
    INFO(name);
    const std::string dir = node + name + "/test_data_set_0/";
    Inputs in;
    for (int i = 0; i < inputs; ++i) {
      in.emplace("in" + std::to_string(i), tilesim::read_tensor_proto(dir + "input_" + std::to_string(i) + ".pb"));
    }
    const HostTensor expected = tilesim::read_tensor_proto(dir + "output_0.pb");
    const ir::Graph g = build(in);
    const HostTensor got = run_reference(g, in).at("y");
    const tilesim::Comparison c = tilesim::compare_elementwise(got, expected, 1e-3, 1e-7);
    INFO(c.worst);
    CHECK(c.within_tolerance);
  };
  // y = op(in0, in1[, in2]), shapes from the files.
  const auto one_op = [](ir::OpKind kind, const Dims& out) {
    return [kind, out](const Inputs& in) {
      ir::Graph g;
      g.name = "onnx";
      std::vector<ir::TensorId> ids;
      for (const auto& [name, t] : in) ids.push_back(tensor(g, name, t.dims, ir::TensorKind::Input));
      const auto y = tensor(g, "y", out, ir::TensorKind::Output);
      op(g, kind, ids, y);
      g.outputs = {y};
      return g;
    };
  };
  check_case("test_matmul_2d", one_op(ir::OpKind::MatMul, {3, 3}), 2);
  check_case("test_matmul_3d", one_op(ir::OpKind::MatMul, {2, 3, 3}), 2);
  check_case("test_matmul_4d", one_op(ir::OpKind::MatMul, {1, 2, 3, 3}), 2);
  check_case("test_add", one_op(ir::OpKind::Add, {3, 4, 5}), 2);
  check_case("test_add_bcast", one_op(ir::OpKind::Add, {3, 4, 5}), 2);
  check_case("test_relu", one_op(ir::OpKind::Relu, {3, 4, 5}), 1);
  // Gemm as the frontend lowers it: [Transpose] -> MatMul -> [Scale] -> Add.
  const auto gemm = [](bool trans_a, bool trans_b, float alpha, float beta, const Dims& out) {
    return [=](const Inputs& in) {
      ir::Graph g;
      g.name = "gemm";
      auto a = tensor(g, "in0", in.at("in0").dims, ir::TensorKind::Input);
      auto b = tensor(g, "in1", in.at("in1").dims, ir::TensorKind::Input);
      auto c = tensor(g, "in2", in.at("in2").dims, ir::TensorKind::Input);
      const auto swapped = [](Dims d) {
        std::swap(d[0], d[1]);
        return d;
      };
      if (trans_a) {
        const auto at = tensor(g, "at", swapped(in.at("in0").dims), ir::TensorKind::Intermediate);
        op(g, ir::OpKind::Transpose, {a}, at);
        a = at;
      }
      if (trans_b) {
        const auto bt = tensor(g, "bt", swapped(in.at("in1").dims), ir::TensorKind::Intermediate);
        op(g, ir::OpKind::Transpose, {b}, bt);
        b = bt;
      }
      auto ab = tensor(g, "ab", out, ir::TensorKind::Intermediate);
      op(g, ir::OpKind::MatMul, {a, b}, ab);
      if (alpha != 1) {
        const auto scaled = tensor(g, "ab_scaled", out, ir::TensorKind::Intermediate);
        op(g, ir::OpKind::Scale, {ab}, scaled, alpha);
        ab = scaled;
      }
      if (beta != 1) {
        const auto scaled = tensor(g, "c_scaled", in.at("in2").dims, ir::TensorKind::Intermediate);
        op(g, ir::OpKind::Scale, {c}, scaled, beta);
        c = scaled;
      }
      const auto y = tensor(g, "y", out, ir::TensorKind::Output);
      op(g, ir::OpKind::Add, {ab, c}, y);
      g.outputs = {y};
      return g;
    };
  };
  check_case("test_gemm_default_scalar_bias", gemm(false, false, 1, 1, {2, 4}), 3);
  check_case("test_gemm_default_single_elem_vector_bias", gemm(false, false, 1, 1, {3, 3}), 3);
  check_case("test_gemm_default_vector_bias", gemm(false, false, 1, 1, {2, 4}), 3);
  check_case("test_gemm_transposeA", gemm(true, false, 1, 1, {3, 4}), 3);
  check_case("test_gemm_transposeB", gemm(false, true, 1, 1, {3, 4}), 3);
  check_case("test_gemm_alpha", gemm(false, false, 0.5f, 1, {3, 4}), 3);
  check_case("test_gemm_beta", gemm(false, false, 1, 0.5f, {2, 4}), 3);
}
