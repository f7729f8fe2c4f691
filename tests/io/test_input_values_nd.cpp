// make_inputs on N-d graphs (as the ONNX frontend builds them): .pb and .npy
// files, initializer values, seeded values at rank 0..4, shape mismatches.
#include <catch2/catch.hpp>

#include "compiler/ir/graph.h"
#include "compiler/support/input_error.h"
#include "sim/io/input_values.h"
#include "sim/io/npy.h"
#include "sim/io/tensor_proto.h"
#include "tests/io/ir_test_graph.h"
#include "tests/io/npy_test_files.h"

using tilesim::HostTensor;
using tilesim::make_inputs;
using tilesim::test::TempDir;
namespace ir = tilesim::ir;

namespace {

using tilesim::test::op;

// x [2, 3, 4] @ w [4, 5] + b [5] (an initializer) + s [] -> y [2, 3, 5].
ir::Graph graph() {
  ir::Graph g;
  g.name = "nd";
  const auto x = tilesim::test::tensor(g, "x", {2, 3, 4}, ir::TensorKind::Input);
  const auto w = tilesim::test::tensor(g, "w", {4, 5}, ir::TensorKind::Param);
  const auto b = tilesim::test::tensor(g, "b", {5}, ir::TensorKind::Param, {1, 2, 3, 4, 5});
  const auto s = tilesim::test::tensor(g, "s", {}, ir::TensorKind::Param);
  const auto q = tilesim::test::tensor(g, "q", {1, 2, 1, 3}, ir::TensorKind::Input);
  const auto h = tilesim::test::tensor(g, "h", {2, 3, 5}, ir::TensorKind::Intermediate);
  const auto hb = tilesim::test::tensor(g, "hb", {2, 3, 5}, ir::TensorKind::Intermediate);
  const auto y = tilesim::test::tensor(g, "y", {2, 3, 5}, ir::TensorKind::Output);
  const auto r = tilesim::test::tensor(g, "r", {1, 2, 1, 3}, ir::TensorKind::Output);
  op(g, ir::OpKind::MatMul, {x, w}, h);
  op(g, ir::OpKind::Add, {h, b}, hb);
  op(g, ir::OpKind::Add, {hb, s}, y);
  op(g, ir::OpKind::Relu, {q}, r);
  g.outputs = {y, r};
  return g;
}

std::string error_of(const std::vector<std::string>& assignments) {
  try {
    make_inputs(graph(), assignments, tilesim::kDefaultSeed);
  } catch (const tilesim::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("make_inputs: seeded N-d values, initializer values, true dims", "[io][inputs]") {
  const auto in = make_inputs(graph(), {}, 3);
  REQUIRE(in.size() == 5);
  const HostTensor& x = in.at("x");
  CHECK(x.dims == std::vector<std::int64_t>{2, 3, 4});
  CHECK((x.rank == 3 && x.batch == 2 && x.rows == 3 && x.cols == 4));
  CHECK(x.data == tilesim::seeded_values(3, "x", 24));
  CHECK(in.at("q").dims == std::vector<std::int64_t>{1, 2, 1, 3});
  CHECK(in.at("q").batch == 2);
  CHECK(in.at("q").data == tilesim::seeded_values(3, "q", 6));
  const HostTensor& s = in.at("s");
  CHECK(s.rank == 0);
  CHECK(s.dims.empty());
  CHECK(s.data == tilesim::seeded_values(3, "s", 1));
  // An initializer keeps its stored values whatever the seed.
  CHECK(in.at("b").data == std::vector<float>{1, 2, 3, 4, 5});
  CHECK(in.at("b").dims == std::vector<std::int64_t>{5});
  CHECK(make_inputs(graph(), {}, 4).at("b").data == std::vector<float>{1, 2, 3, 4, 5});
}

TEST_CASE("make_inputs: .pb and .npy files, and --input over an initializer", "[io][inputs][pb]") {
  TempDir dir;
  std::vector<float> xs(24);
  for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = static_cast<float>(i);
  tilesim::write_tensor_proto(dir.file("x.pb"), HostTensor::from_dims({2, 3, 4}, xs), "x");
  tilesim::write_npy(dir.file("b.npy"), HostTensor::from_dims({5}, {9, 9, 9, 9, 9}));
  tilesim::write_tensor_proto(dir.file("s.pb"), HostTensor::from_dims({}, {0.5f}), "whatever");
  const auto in = make_inputs(graph(), {"x=" + dir.file("x.pb"), "b=" + dir.file("b.npy"), "s=" + dir.file("s.pb")}, 1);
  CHECK(in.at("x").data == xs);
  CHECK(in.at("x").batch == 2);
  CHECK(in.at("b").data == std::vector<float>(5, 9));  // the file wins over the stored values
  CHECK(in.at("s").data == std::vector<float>{0.5f});
  CHECK(in.at("w").data == tilesim::seeded_values(1, "w", 20));
}

TEST_CASE("make_inputs: N-d shape mismatches name tensor, file and both shapes", "[io][inputs][errors]") {
  TempDir dir;
  const std::string flat = dir.file("flat.pb");
  tilesim::write_tensor_proto(flat, HostTensor::from_dims({6, 4}, std::vector<float>(24)), "x");
  CHECK(error_of({"x=" + flat}) == "--input x=" + flat + ": x: shape [6, 4] in " + flat +
                                       " does not match the model's [2, 3, 4] (expected the model's shape)");
  const std::string wide = dir.file("wide.npy");
  tilesim::write_npy(wide, HostTensor::from_dims({1, 5}, std::vector<float>(5)));
  CHECK(error_of({"b=" + wide}) == "--input b=" + wide + ": b: shape [1, 5] in " + wide +
                                       " does not match the model's [5] (expected the model's shape)");
  const std::string one = dir.file("one.pb");
  tilesim::write_tensor_proto(one, HostTensor::from_dims({1}, {2}), "s");
  CHECK(error_of({"s=" + one}) == "--input s=" + one + ": s: shape [1] in " + one +
                                      " does not match the model's [] (expected the model's shape)");
  const std::string q3 = dir.file("q.npy");
  tilesim::write_npy(q3, HostTensor::from_dims({2, 1, 3}, std::vector<float>(6)));
  CHECK(error_of({"q=" + q3}) == "--input q=" + q3 + ": q: shape [2, 1, 3] in " + q3 +
                                     " does not match the model's [1, 2, 1, 3] (expected the model's shape)");
  // Unknown extensions and unreadable files are the readers' errors.
  CHECK(error_of({"x=" + dir.file("x.txt")}) ==
        dir.file("x.txt") +
            ": extension '.txt' is not a tensor file (expected a .npy (NumPy) or .pb (ONNX "
            "TensorProto) file)");
  CHECK(error_of({"x=" + dir.file("none.pb")}) ==
        dir.file("none.pb") + ": cannot open: No such file or directory (expected a readable .pb file)");
}

TEST_CASE("make_inputs: stored values that do not fill the shape are a bug", "[io][inputs]") {
  ir::Graph g;
  g.name = "bad";
  tilesim::test::tensor(g, "p", {2, 2}, ir::TensorKind::Param, {1, 2, 3});
  CHECK_THROWS_AS(make_inputs(g, {}, 1), std::invalid_argument);
}
