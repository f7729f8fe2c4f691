// The host reference's element-wise ops and activations (elementwise_reference.h)
// on small tensors worked out by hand: both operands broadcast, the operand
// order of Sub, NaN through Max and Min, and each activation's definition.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "sim/reference/host_reference.h"
#include "tests/io/ir_test_graph.h"

using tilesim::HostTensor;
using tilesim::run_reference;
namespace ir = tilesim::ir;
using Dims = std::vector<std::int64_t>;

namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

HostTensor nd(Dims dims, std::vector<float> data) { return HostTensor::from_dims(std::move(dims), std::move(data)); }

HostTensor binary(ir::OpKind kind, const HostTensor& a, const HostTensor& b, const Dims& out) {
  ir::Graph g;
  const auto ta = tilesim::test::tensor(g, "a", a.dims, ir::TensorKind::Input);
  const auto tb = tilesim::test::tensor(g, "b", b.dims, ir::TensorKind::Input);
  const auto y = tilesim::test::tensor(g, "y", out, ir::TensorKind::Output);
  tilesim::test::op(g, kind, {ta, tb}, y);
  g.outputs = {y};
  return run_reference(g, {{"a", a}, {"b", b}}).at("y");
}

HostTensor activation(ir::OpKind kind, const std::vector<float>& x, float p0 = 0, float p1 = 0) {
  ir::Graph g;
  const Dims dims{static_cast<std::int64_t>(x.size())};
  const auto ta = tilesim::test::tensor(g, "a", dims, ir::TensorKind::Input);
  const auto y = tilesim::test::tensor(g, "y", dims, ir::TensorKind::Output);
  const auto id = tilesim::test::op(g, kind, {ta}, y);
  g.ops[id].param[0] = p0;
  g.ops[id].param[1] = p1;
  g.outputs = {y};
  return run_reference(g, {{"a", nd(dims, x)}}).at("y");
}

// Equal as numbers, NaN where NaN is expected.
bool same(const std::vector<float>& got, const std::vector<float>& want) {
  if (got.size() != want.size()) return false;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i]) ? !std::isnan(got[i]) : got[i] != want[i]) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("reference: binary ops broadcast both operands, in the node's order", "[reference][elementwise]") {
  const HostTensor col = nd({2, 1}, {1, 2});
  const HostTensor row = nd({1, 3}, {10, 20, 30});
  CHECK(binary(ir::OpKind::Add, col, row, {2, 3}).data == std::vector<float>{11, 21, 31, 12, 22, 32});
  CHECK(binary(ir::OpKind::Sub, col, row, {2, 3}).data == std::vector<float>{-9, -19, -29, -8, -18, -28});
  CHECK(binary(ir::OpKind::Sub, row, col, {2, 3}).data == std::vector<float>{9, 19, 29, 8, 18, 28});
  CHECK(binary(ir::OpKind::Mul, col, row, {2, 3}).data == std::vector<float>{10, 20, 30, 20, 40, 60});
  // [3] against [2, 2, 1]: rank and both sides grow to [2, 2, 3].
  const HostTensor r = binary(ir::OpKind::Max, nd({3}, {0, 5, 10}), nd({2, 2, 1}, {1, 6, 11, -1}), {2, 2, 3});
  CHECK(r.dims == Dims{2, 2, 3});
  CHECK(r.data == std::vector<float>{1, 5, 10, 6, 6, 10, 11, 11, 11, 0, 5, 10});
  CHECK_THROWS_AS(binary(ir::OpKind::Mul, nd({2}, {1, 2}), nd({3}, {1, 2, 3}), {3}), std::invalid_argument);
}

TEST_CASE("reference: Max and Min are NaN where either operand is", "[reference][elementwise]") {
  const HostTensor a = nd({4}, {kNaN, 1, kNaN, 2});
  const HostTensor b = nd({4}, {1, kNaN, kNaN, 3});
  CHECK(same(binary(ir::OpKind::Max, a, b, {4}).data, {kNaN, kNaN, kNaN, 3}));
  CHECK(same(binary(ir::OpKind::Min, a, b, {4}).data, {kNaN, kNaN, kNaN, 2}));
}

TEST_CASE("reference: activations follow their ONNX definitions", "[reference][elementwise]") {
  const std::vector<float> x{-8, -1, -0.5f, 0, 0.5f, 3, 7, kInf, -kInf, kNaN};
  CHECK(same(activation(ir::OpKind::Clip, x, 0, 6).data, {0, 0, 0, 0, 0.5f, 3, 6, 6, 0, kNaN}));
  CHECK(same(activation(ir::OpKind::Clip, x, -kInf, 0.25f).data,
             {-8, -1, -0.5f, 0, 0.25f, 0.25f, 0.25f, 0.25f, -kInf, kNaN}));
  CHECK(same(activation(ir::OpKind::Clip, x, 1, -1).data, {-1, -1, -1, -1, -1, -1, -1, -1, -1, kNaN}));  // numpy.clip
  CHECK(same(activation(ir::OpKind::LeakyRelu, x, 0.5f).data, {-4, -0.5f, -0.25f, 0, 0.5f, 3, 7, kInf, -kInf, kNaN}));
  CHECK(same(activation(ir::OpKind::HardSigmoid, x, 0.25f, 0.5f).data,
             {0, 0.25f, 0.375f, 0.5f, 0.625f, 1, 1, 1, 0, kNaN}));
  // x * min(max(x / 6 + 1/2, 0), 1): -1 gives -1/3, 0.5 gives 7/24 (rounded to float32 once).
  CHECK(same(activation(ir::OpKind::HardSwish, x).data,
             {0, static_cast<float>(-1.0 / 3), static_cast<float>(-0.5 * (5.0 / 12)), 0, static_cast<float>(7.0 / 24),
              3, 7, kInf, kNaN, kNaN}));
  const auto sigmoid = activation(ir::OpKind::Sigmoid, x).data;
  CHECK(sigmoid[3] == 0.5f);
  CHECK(sigmoid[1] == static_cast<float>(1 / (1 + std::exp(1.0))));
  CHECK(sigmoid[7] == 1.0f);
  CHECK(sigmoid[8] == 0.0f);
  CHECK(std::isnan(sigmoid[9]));
  const auto tanh = activation(ir::OpKind::Tanh, x).data;
  CHECK(tanh[5] == static_cast<float>(std::tanh(3.0)));
  CHECK(tanh[8] == -1.0f);
  CHECK(std::isnan(tanh[9]));
}
