// make_inputs: values from --input files or from the seed, and every error.
#include <catch2/catch.hpp>

#include <cstring>
#include <set>

#include "compiler/frontend/model_loader.h"
#include "compiler/support/input_error.h"
#include "sim/io/input_values.h"
#include "sim/io/npy.h"
#include "tests/io/npy_test_files.h"

using tilesim::HostTensor;
using tilesim::make_inputs;
using tilesim::test::TempDir;

namespace {

const char* kModel =
    "name: m\n"
    "inputs:\n"
    "  x: [3, 5]\n"
    "params:\n"
    "  w: [5, 4]\n"
    "  b: [4]\n"
    "ops:\n"
    "  - {op: matmul, inputs: [x, w], output: h}\n"
    "  - {op: add, inputs: [h, b], output: y}\n"
    "outputs: [y]\n";

tilesim::ir::Graph graph() { return tilesim::frontend::parse_model(kModel, "m.yaml"); }

HostTensor filled(int rank, std::int64_t rows, std::int64_t cols, float value) {
  std::vector<float> data(static_cast<std::size_t>(rows * cols), value);
  return rank == 1 ? HostTensor::from_dims({cols}, std::move(data))
                   : HostTensor::from_dims({rows, cols}, std::move(data));
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

TEST_CASE("fnv1a64 is the standard FNV-1a", "[io][inputs]") {
  CHECK(tilesim::fnv1a64("") == 0xcbf29ce484222325ull);
  CHECK(tilesim::fnv1a64("a") == 0xaf63dc4c8601ec8cull);
  CHECK(tilesim::fnv1a64("foobar") == 0x85944171f73967e8ull);
}

TEST_CASE("seeded values are pinned for seed 1 and name x", "[io][inputs]") {
  // key = seed 1 XOR fnv1a64("x") = 0xaf63f54c86021706; element i is
  // splitmix64's mix of key + (i + 1) * 0x9E3779B97F4A7C15, shifted right by
  // 40, minus 2^23: these multiples of 2^-23. Worked out with an independent
  // Python splitmix64 (checked against the reference generator's first output
  // for seed 0, 0xe220a8397b1dcdaf).
  const std::vector<float> v = tilesim::seeded_values(1, "x", 4);
  const float step = 1.0f / 8388608.0f;
  CHECK(v[0] == -1579316 * step);  // -0.18826913833618164
  CHECK(v[1] == 8002994 * step);   //  0.954031229019165
  CHECK(v[2] == 3153802 * step);   //  0.375962495803833
  CHECK(v[3] == 3733940 * step);   //  0.44512033462524414
  // make_inputs fills row-major from the same sequence.
  const auto inputs = make_inputs(graph(), {}, 1);
  CHECK(std::vector<float>(inputs.at("x").data.begin(), inputs.at("x").data.begin() + 4) == v);
  // seeded_fill with a step takes every step-th value of the sequence: from 1,
  // step 2, values 1 and 3 of those above (the DRAM image fills a conv
  // weight's rows that way).
  float every_other[2] = {0, 0};
  tilesim::seeded_fill(1, "x", 1, 2, every_other, 2);
  CHECK(every_other[0] == 8002994 * step);
  CHECK(every_other[1] == 3733940 * step);
}

TEST_CASE("seeded values: the AVX2 way gives the portable way's bits", "[io][inputs]") {
  // Counts around the eight-value step (tails of 0 to 7), steps of 1, 2 and
  // 3, a first index near 2^64 / golden (the counter wraps) and one block
  // past Ctrl-C's polling interval.
  std::vector<float> portable, avx2;
  const auto same = [&](std::uint64_t seed, const std::string& name, std::size_t first, std::size_t count,
                        std::size_t step) {
    portable.assign(count + 1, 7.0f);
    avx2.assign(count + 1, 7.0f);
    tilesim::seeded_fill_portable(seed, name, first, count, portable.data(), step);
    if (!tilesim::seeded_fill_avx2(seed, name, first, count, avx2.data(), step)) return true;  // no AVX2 here
    return std::memcmp(portable.data(), avx2.data(), (count + 1) * sizeof(float)) == 0 && avx2[count] == 7.0f;
  };
  for (std::size_t count : {0, 1, 7, 8, 9, 15, 16, 17, 63, 100}) {
    for (std::size_t step : {1, 2, 3}) {
      INFO("count " << count << " step " << step);
      CHECK(same(1, "x", 0, count, step));
      CHECK(same(0xFFFFFFFFFFFFFFFFull, "weights.3", 12345, count, step));
      CHECK(same(9, "w", std::size_t{0x1A3D4C5B6E7F8091ull}, count, step));
    }
  }
  CHECK(same(3, "big", 5, tilesim::kSeededValuesPerPoll + 13, 1));
  // Both ways give the pinned values of the test above.
  float pinned[4] = {0, 0, 0, 0};
  if (tilesim::seeded_fill_avx2(1, "x", 0, 4, pinned)) CHECK(pinned[1] == 8002994 * (1.0f / 8388608.0f));
}

TEST_CASE("seeded values: repeatable, per name, in [-1, 1), order-independent", "[io][inputs]") {
  const auto a = make_inputs(graph(), {}, 7);
  const auto b = make_inputs(graph(), {}, 7);
  const auto c = make_inputs(graph(), {}, 8);
  REQUIRE(a.size() == 3);
  for (const char* name : {"x", "w", "b"}) {
    INFO(name);
    CHECK(a.at(name).data == b.at(name).data);
    CHECK(a.at(name).data != c.at(name).data);
  }
  CHECK(a.at("x").rank == 2);
  CHECK(a.at("x").rows == 3);
  CHECK(a.at("x").cols == 5);
  CHECK(a.at("b").rank == 1);
  CHECK(a.at("b").rows == 1);
  CHECK(a.at("b").cols == 4);
  // A tensor's values depend only on (seed, name): not on its position.
  CHECK(a.at("w").data == tilesim::seeded_values(7, "w", 20));
  CHECK(tilesim::seeded_values(7, "w", 4) != tilesim::seeded_values(7, "x", 4));
  const auto many = tilesim::seeded_values(3, "big", 200000);
  std::set<float> distinct(many.begin(), many.end());
  CHECK(distinct.size() > 190000);
  float lo = 1, hi = -1;
  double sum = 0;
  for (const float v : many) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
  }
  CHECK(lo >= -1.0f);
  CHECK(lo < -0.999f);
  CHECK(hi < 1.0f);
  CHECK(hi > 0.999f);
  CHECK(std::abs(sum / many.size()) < 0.01);
}

TEST_CASE("--input files replace the seeded values of their tensor only", "[io][inputs]") {
  TempDir dir;
  tilesim::write_npy(dir.file("x.npy"), filled(2, 3, 5, 0.5f));
  tilesim::write_npy(dir.file("b.npy"), filled(1, 1, 4, -2.0f));
  const auto inputs = make_inputs(graph(), {"x=" + dir.file("x.npy"), "b=" + dir.file("b.npy")}, 1);
  CHECK(inputs.at("x").data == std::vector<float>(15, 0.5f));
  CHECK(inputs.at("b").data == std::vector<float>(4, -2.0f));
  CHECK(inputs.at("b").rank == 1);
  CHECK(inputs.at("w").data == tilesim::seeded_values(1, "w", 20));
  // A file name may itself hold '=': only the first one splits.
  tilesim::write_npy(dir.file("a=b.npy"), filled(2, 3, 5, 1.0f));
  CHECK(make_inputs(graph(), {"x=" + dir.file("a=b.npy")}, 1).at("x").data == std::vector<float>(15, 1.0f));
}

TEST_CASE("--input errors", "[io][inputs][errors]") {
  TempDir dir;
  const std::string x = dir.file("x.npy");
  tilesim::write_npy(x, filled(2, 3, 5, 0.5f));
  const std::string wide = dir.file("wide.npy");
  tilesim::write_npy(wide, filled(2, 3, 6, 0.5f));
  const std::string row = dir.file("row.npy");
  tilesim::write_npy(row, filled(2, 1, 4, 0.5f));

  CHECK(error_of({"x.npy"}) == "--input x.npy: no '=' (expected NAME=FILE.npy or NAME=FILE.pb, e.g. --input x=x.npy)");
  CHECK(error_of({"=x.npy"}) == "--input =x.npy: the tensor name is empty (expected NAME=FILE.npy or NAME=FILE.pb)");
  CHECK(error_of({"x="}) == "--input x=: x: the file name is empty (expected NAME=FILE.npy or NAME=FILE.pb)");
  CHECK(error_of({"xx=" + x}) == "--input xx=" + x +
                                     ": xx: model 'm' has no input or param 'xx', did you mean 'x'? "
                                     "(expected one of: x, w, b)");
  CHECK(error_of({"q\n=" + x}) ==
        "--input q\\x0a=" + x + ": q\\x0a: model 'm' has no input or param 'q\\x0a' (expected one of: x, w, b)");
  CHECK(error_of({"h=" + x}) == "--input h=" + x +
                                    ": h: 'h' is an intermediate tensor, computed by the model "
                                    "(expected a graph input or param, one of: x, w, b)");
  CHECK(error_of({"y=" + x}) == "--input y=" + x +
                                    ": y: 'y' is an output, computed by the model "
                                    "(expected a graph input or param, one of: x, w, b)");
  CHECK(error_of({"x=" + x, "x=" + wide}) ==
        "--input x=" + wide + ": x: given twice (first as --input x=" + x + ") (expected each tensor at most once)");
  CHECK(error_of({"x=" + wide}) == "--input x=" + wide + ": x: shape [3, 6] in " + wide +
                                       " does not match the model's [3, 5] (expected the model's shape)");
  // Rank matters: a [1, 4] file is not the model's [4].
  CHECK(error_of({"b=" + row}) == "--input b=" + row + ": b: shape [1, 4] in " + row +
                                      " does not match the model's [4] (expected the model's shape)");
  // Errors in the file itself name the file.
  CHECK(error_of({"x=" + dir.file("none.npy")}) ==
        dir.file("none.npy") + ": cannot open: No such file or directory (expected a readable .npy file)");
}
