// The host reference on tiny graphs computed by hand, and fused == unfused on
// the example models.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>

#include "compiler/frontend/model_loader.h"
#include "compiler/passes/pipeline.h"
#include "sim/io/input_values.h"
#include "sim/reference/host_reference.h"

using tilesim::HostTensor;
using tilesim::run_reference;

namespace {

using Inputs = std::map<std::string, HostTensor>;

HostTensor t2(std::int64_t rows, std::int64_t cols, std::vector<float> data) {
  return HostTensor::from_dims({rows, cols}, std::move(data));
}
HostTensor t1(std::vector<float> data) {
  const auto n = static_cast<std::int64_t>(data.size());
  return HostTensor::from_dims({n}, std::move(data));
}

tilesim::ir::Graph model(const std::string& body) {
  return tilesim::frontend::parse_model("name: t\n" + body, "t.yaml");
}

}  // namespace

TEST_CASE("reference: a 2x2 matmul", "[reference]") {
  const auto g = model(
      "inputs: {x: [2, 2]}\nparams: {w: [2, 2]}\n"
      "ops:\n  - {op: matmul, inputs: [x, w], output: y}\noutputs: [y]\n");
  const auto out = run_reference(g, Inputs{{"x", t2(2, 2, {1, 2, 3, 4})}, {"w", t2(2, 2, {5, 6, 7, 8})}});
  REQUIRE(out.size() == 1);
  const HostTensor& y = out.at("y");
  CHECK(y.rank == 2);
  CHECK(y.rows == 2);
  CHECK(y.cols == 2);
  // [1 2; 3 4] @ [5 6; 7 8] = [1*5+2*7, 1*6+2*8; 3*5+4*7, 3*6+4*8]
  CHECK(y.data == std::vector<float>{19, 22, 43, 50});
}

TEST_CASE("reference: matmul, bias broadcast over rows, relu", "[reference]") {
  const auto g = model(
      "inputs: {x: [2, 3]}\nparams: {w: [3, 2], b: [2]}\n"
      "ops:\n"
      "  - {op: matmul, inputs: [x, w], output: h}\n"
      "  - {op: add, inputs: [b, h], output: hb}\n"  // the bias first: same result
      "  - {op: relu, inputs: [hb], output: y}\n"
      "outputs: [hb, y]\n");
  const Inputs in{{"x", t2(2, 3, {1, 0, -1, 2, 1, 0})}, {"w", t2(3, 2, {1, 2, 3, 4, 5, 6})}, {"b", t1({10, -20})}};
  const auto out = run_reference(g, in);
  // h = [1-5, 2-6; 2+3, 4+4] = [-4, -4; 5, 8]; + [10, -20] = [6, -24; 15, -12]
  CHECK(out.at("hb").data == std::vector<float>{6, -24, 15, -12});
  CHECK(out.at("y").data == std::vector<float>{6, 0, 15, 0});
}

TEST_CASE("reference: element-wise and rank-1 adds keep their rank", "[reference]") {
  const auto g = model(
      "inputs: {a: [2, 2], b: [2, 2], u: [3], v: [3]}\n"
      "ops:\n"
      "  - {op: add, inputs: [a, b], output: s}\n"
      "  - {op: add, inputs: [u, v], output: w}\n"
      "  - {op: relu, inputs: [w], output: r}\n"
      "outputs: [s, r]\n");
  const auto out = run_reference(g, Inputs{{"a", t2(2, 2, {1, 2, 3, 4})},
                                           {"b", t2(2, 2, {0.5f, -2, 0, -10})},
                                           {"u", t1({1, -2, 3})},
                                           {"v", t1({1, 1, -4})}});
  CHECK(out.at("s").data == std::vector<float>{1.5f, 0, 3, -6});
  CHECK(out.at("r").rank == 1);
  CHECK(out.at("r").cols == 3);
  CHECK(out.at("r").data == std::vector<float>{2, 0, 0});
}

TEST_CASE("reference: sums in double, rounds once to float32", "[reference]") {
  const auto g = model(
      "inputs: {x: [1, 3]}\nparams: {w: [3, 1]}\n"
      "ops:\n  - {op: matmul, inputs: [x, w], output: y}\noutputs: [y]\n");
  // In float32, 1e8 + 1 rounds back to 1e8 and the sum is 0; exactly it is 1.
  const auto out = run_reference(g, Inputs{{"x", t2(1, 3, {1e8f, 1, -1e8f})}, {"w", t2(3, 1, {1, 1, 1})}});
  CHECK(out.at("y").data == std::vector<float>{1});
}

TEST_CASE("reference: NaN and infinities follow IEEE and the kernels' relu", "[reference]") {
  const auto g = model(
      "inputs: {x: [1, 2]}\nparams: {w: [2, 4]}\n"
      "ops:\n  - {op: matmul, inputs: [x, w], output: h}\n  - {op: relu, inputs: [h], output: y}\noutputs: [h, y]\n");
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // h = [inf*0 + 1*1, inf*1 + 1*0, inf*-1 + 1*0, inf*0 + 1*nan] = [NaN, inf, -inf, NaN]
  const auto out = run_reference(g, Inputs{{"x", t2(1, 2, {inf, 1})}, {"w", t2(2, 4, {0, 1, -1, 0, 1, 0, 0, nan})}});
  const auto& h = out.at("h").data;
  CHECK(std::isnan(h[0]));
  CHECK(h[1] == inf);
  CHECK(h[2] == -inf);
  CHECK(std::isnan(h[3]));
  const auto& y = out.at("y").data;
  CHECK(std::isnan(y[0]));  // NaN stays NaN
  CHECK(y[1] == inf);
  CHECK(y[2] == 0);
  CHECK_FALSE(std::signbit(y[2]));
}

TEST_CASE("reference: relu maps -0 to +0", "[reference]") {
  const auto g = model("inputs: {x: [1, 2]}\nops:\n  - {op: relu, inputs: [x], output: y}\noutputs: [y]\n");
  const auto out = run_reference(g, Inputs{{"x", t2(1, 2, {-0.0f, -3})}});
  CHECK_FALSE(std::signbit(out.at("y").data[0]));
  CHECK_FALSE(std::signbit(out.at("y").data[1]));
}

TEST_CASE("reference: the fused graph gives the same outputs as the unfused one", "[reference]") {
  for (const char* name : {"mlp", "mlp-bias", "odd-shapes", "residual"}) {
    INFO(name);
    const std::string path = std::string(TILESIM_SOURCE_DIR) + "/configs/models/" + name + ".yaml";
    const auto unfused = tilesim::frontend::load_model(path);
    auto fused = unfused;
    tilesim::passes::run_default_passes(fused);
    bool has_fused = false;
    for (const auto& op : fused.ops) has_fused = has_fused || (!op.dead && op.kind == tilesim::ir::OpKind::FusedMatMul);
    CHECK(has_fused);  // residual: h2 + skip -> relu fuses as a residual
    const auto inputs = tilesim::make_inputs(unfused, {}, tilesim::kDefaultSeed);
    const auto a = run_reference(unfused, inputs);
    const auto b = run_reference(fused, inputs);
    REQUIRE(a.size() == unfused.outputs.size());
    REQUIRE(a.size() == b.size());
    for (const auto& [out_name, tensor] : a) {
      INFO(out_name);
      const HostTensor& other = b.at(out_name);
      CHECK(tensor.shape_text() == other.shape_text());
      REQUIRE(tensor.data.size() == other.data.size());
      CHECK(std::memcmp(tensor.data.data(), other.data.data(), tensor.data.size() * sizeof(float)) == 0);
      CHECK(tensor.shape_text() == tilesim::ir::to_string(unfused.tensors[unfused.find(out_name)].shape));
    }
  }
}

TEST_CASE("reference: a fused matmul with bias and relu by hand", "[reference]") {
  auto g = model(
      "inputs: {x: [1, 2]}\nparams: {w: [2, 2], b: [2]}\n"
      "ops:\n"
      "  - {op: matmul, inputs: [x, w], output: h}\n"
      "  - {op: add, inputs: [h, b], output: hb}\n"
      "  - {op: relu, inputs: [hb], output: y}\n"
      "outputs: [y]\n");
  tilesim::passes::run_default_passes(g);
  REQUIRE(g.live_ops().size() == 1);
  // [1, 2] @ [1 -1; 1 -1] = [3, -3]; + [1, 1] = [4, -2]; relu = [4, 0]
  const auto out =
      run_reference(g, Inputs{{"x", t2(1, 2, {1, 2})}, {"w", t2(2, 2, {1, -1, 1, -1})}, {"b", t1({1, 1})}});
  CHECK(out.at("y").data == std::vector<float>{4, 0});
}

TEST_CASE("reference: missing or mis-shaped inputs are a bug, not bad input", "[reference]") {
  const auto g = model(
      "inputs: {x: [2, 2], unused: [3, 3]}\nparams: {w: [2, 2]}\n"
      "ops:\n  - {op: matmul, inputs: [x, w], output: y}\noutputs: [y]\n");
  CHECK_THROWS_AS(run_reference(g, Inputs{{"x", t2(2, 2, {1, 2, 3, 4})}}), std::invalid_argument);
  CHECK_THROWS_AS(run_reference(g, Inputs{{"x", t2(2, 2, {1, 2, 3, 4})}, {"w", t2(1, 4, {1, 2, 3, 4})}}),
                  std::invalid_argument);
  // An input no op reads needs no values.
  CHECK_NOTHROW(run_reference(g, Inputs{{"x", t2(2, 2, {1, 2, 3, 4})}, {"w", t2(2, 2, {1, 0, 0, 1})}}));
}
