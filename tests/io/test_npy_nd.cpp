// .npy files of rank 0 (a scalar) to 4: round trips, the header written, and
// the HostTensor views (rows, cols, batch) of what is read.
#include <catch2/catch.hpp>

#include <cstring>
#include <limits>

#include "compiler/support/input_error.h"
#include "sim/io/npy.h"
#include "tests/io/npy_test_files.h"

using tilesim::HostTensor;
using tilesim::read_npy;
using tilesim::write_npy;
using tilesim::test::npy_bytes;
using tilesim::test::raw;
using tilesim::test::TempDir;

namespace {

HostTensor counting(std::vector<std::int64_t> dims) {
  std::int64_t n = 1;
  for (const auto d : dims) n *= d;
  std::vector<float> data;
  for (std::int64_t i = 0; i < n; ++i) data.push_back(static_cast<float>(i) * 0.5f - 3.0f);
  return HostTensor::from_dims(std::move(dims), std::move(data));
}

}  // namespace

TEST_CASE("HostTensor::from_dims sets the matrix view", "[io][host-tensor]") {
  const HostTensor s = HostTensor::from_dims({}, {7});
  CHECK(s.rank == 0);
  CHECK(s.rows == 1);
  CHECK(s.cols == 1);
  CHECK(s.batch == 1);
  CHECK(s.shape_text() == "[]");
  CHECK(s.shape().empty());
  CHECK(s.element_count() == 1);

  const HostTensor v = HostTensor::from_dims({5}, std::vector<float>(5));
  CHECK((v.rank == 1 && v.rows == 1 && v.cols == 5 && v.batch == 1));
  CHECK(v.shape_text() == "[5]");

  const HostTensor t = counting({2, 3, 4});
  CHECK((t.rank == 3 && t.rows == 3 && t.cols == 4 && t.batch == 2));
  CHECK(t.shape_text() == "[2, 3, 4]");
  CHECK(t.at(3, 1) == t.data[13]);  // the [batch * rows, cols] view: matrix 1, row 0

  const HostTensor q = counting({2, 5, 3, 4});
  CHECK((q.rank == 4 && q.rows == 3 && q.cols == 4 && q.batch == 10));
  CHECK(q.element_count() == 120);
}

TEST_CASE("HostTensor: the legacy matrix view without dims still works", "[io][host-tensor]") {
  HostTensor m;
  m.rank = 2;
  m.rows = 3;
  m.cols = 4;
  CHECK(m.shape() == std::vector<std::int64_t>{3, 4});
  m.rank = 1;
  m.rows = 1;
  CHECK(m.shape() == std::vector<std::int64_t>{4});
  CHECK(m.shape_text() == "[4]");
  // Disagreeing fields are a bug, caught where the tensor is used.
  HostTensor bad = counting({2, 3, 4});
  bad.rows = 6;
  CHECK_THROWS_AS(bad.shape(), std::invalid_argument);
  HostTensor no_dims;
  no_dims.rank = 3;
  CHECK_THROWS_AS(no_dims.shape(), std::invalid_argument);
  HostTensor two_rows;
  two_rows.rank = 1;
  two_rows.rows = 2;
  CHECK_THROWS_AS(two_rows.shape(), std::invalid_argument);
  HostTensor negative = HostTensor::from_dims({-1, 2}, {});
  CHECK_THROWS_AS(negative.shape(), std::invalid_argument);
}

TEST_CASE("npy round trip of rank 0 to 4", "[io][npy]") {
  TempDir dir;
  for (const auto& dims : std::vector<std::vector<std::int64_t>>{
           {}, {1}, {6}, {2, 3}, {2, 3, 4}, {1, 1, 5}, {2, 1, 3, 4}, {3, 0, 2}, {2, 2, 2, 2}}) {
    const HostTensor t = counting(dims);
    INFO(t.shape_text());
    const std::string path = dir.file("t.npy");
    write_npy(path, t);
    const HostTensor back = read_npy(path);
    CHECK(back.dims == dims);
    CHECK(back.rank == t.rank);
    CHECK(back.rows == t.rows);
    CHECK(back.cols == t.cols);
    CHECK(back.batch == t.batch);
    CHECK(back.data == t.data);
  }
}

TEST_CASE("npy headers of a scalar and of rank 3 and 4", "[io][npy]") {
  const auto header_of = [](std::vector<std::int64_t> dims) {
    const std::string bytes = tilesim::npy_header_bytes(HostTensor::from_dims(std::move(dims), {}));
    CHECK(bytes.size() % 64 == 0);
    const auto start = bytes.find('{');
    const auto end = bytes.find('}');
    return bytes.substr(start, end - start + 1);
  };
  CHECK(header_of({}) == "{'descr': '<f4', 'fortran_order': False, 'shape': (), }");
  CHECK(header_of({7}) == "{'descr': '<f4', 'fortran_order': False, 'shape': (7,), }");
  CHECK(header_of({2, 3, 4}) == "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), }");
  CHECK(header_of({1, 2, 3, 4}) == "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3, 4), }");
}

TEST_CASE("npy reads a float64 scalar and a rank-4 array as NumPy writes them", "[io][npy]") {
  TempDir dir;
  const std::string scalar = dir.file("s.npy");
  tilesim::test::write_bytes(
      scalar, npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", raw(std::vector<double>{2.5})));
  const HostTensor s = read_npy(scalar);
  CHECK(s.rank == 0);
  CHECK(s.dims.empty());
  CHECK(s.data == std::vector<float>{2.5f});

  const std::string four = dir.file("f.npy");
  std::vector<float> values(24);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i);
  tilesim::test::write_bytes(
      four, npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3, 4), }", raw(values)));
  const HostTensor f = read_npy(four);
  CHECK(f.dims == std::vector<std::int64_t>{1, 2, 3, 4});
  CHECK(f.batch == 2);
  CHECK(f.data == values);
}

TEST_CASE("write_npy rejects inconsistent N-d tensors", "[io][npy]") {
  TempDir dir;
  CHECK_THROWS_AS(write_npy(dir.file("a.npy"), HostTensor::from_dims({2, 3, 4}, std::vector<float>(23))),
                  std::invalid_argument);
  CHECK_THROWS_AS(write_npy(dir.file("b.npy"), HostTensor::from_dims({1, 1, 1, 1, 1}, {1})), std::invalid_argument);
  HostTensor mixed = counting({2, 3, 4});
  mixed.batch = 1;
  CHECK_THROWS_AS(write_npy(dir.file("c.npy"), mixed), std::invalid_argument);
  CHECK_THROWS_AS(write_npy(dir.file("d.npy"), HostTensor::from_dims({}, {})), std::invalid_argument);
}
