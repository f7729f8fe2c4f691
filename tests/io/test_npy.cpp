// .npy reading and writing: round trips, the exact bytes written, float64
// input, the three header versions and the header spellings NumPy produces.
#include <catch2/catch.hpp>

#include <cmath>
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

HostTensor tensor(int rank, std::int64_t rows, std::int64_t cols) {
  HostTensor t;
  t.rank = rank;
  t.rows = rows;
  t.cols = cols;
  for (std::int64_t i = 0; i < rows * cols; ++i) t.data.push_back(static_cast<float>(i) * 0.37f - 5.0f);
  return t;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

std::string error_of(const std::string& path) {
  try {
    read_npy(path);
  } catch (const tilesim::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("shape_text writes shapes as model files do", "[io][npy]") {
  CHECK(tensor(2, 128, 784).shape_text() == "[128, 784]");
  CHECK(tensor(1, 1, 256).shape_text() == "[256]");
  CHECK(tensor(2, 1, 256).shape_text() == "[1, 256]");
}

TEST_CASE("npy round trip keeps shape, rank and every bit", "[io][npy]") {
  TempDir dir;
  HostTensor special = tensor(2, 2, 3);
  special.data = {std::numeric_limits<float>::quiet_NaN(), -0.0f,
                  std::numeric_limits<float>::infinity(),  std::numeric_limits<float>::denorm_min(),
                  -std::numeric_limits<float>::max(),      1.0f};
  for (const HostTensor& t : {tensor(2, 3, 5), tensor(2, 1, 1), tensor(2, 33, 7), tensor(2, 100, 301), tensor(1, 1, 7),
                              tensor(1, 1, 1), tensor(2, 0, 5), tensor(1, 1, 0), special}) {
    INFO(t.shape_text());
    const std::string path = dir.file("t.npy");
    write_npy(path, t);
    const HostTensor back = read_npy(path);
    CHECK(back.rank == t.rank);
    CHECK(back.rows == t.rows);
    CHECK(back.cols == t.cols);
    CHECK(same_bits(back.data, t.data));
  }
}

TEST_CASE("write_npy writes a version 1.0 '<f4' header padded to 64 bytes", "[io][npy]") {
  TempDir dir;
  const std::string path = dir.file("y.npy");
  write_npy(path, tensor(2, 3, 5));
  const std::string bytes = tilesim::test::read_bytes(path);
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 5), }";
  REQUIRE(bytes.size() == 128 + 15 * 4);
  CHECK(bytes.substr(0, 10) == std::string("\x93NUMPY\x01\x00\x76\x00", 10));  // 118 header bytes
  CHECK(bytes.substr(10, dict.size()) == dict);
  CHECK(bytes.substr(10 + dict.size(), 128 - 11 - dict.size()) == std::string(128 - 11 - dict.size(), ' '));
  CHECK(bytes[127] == '\n');
  CHECK(bytes.substr(128) == raw(tensor(2, 3, 5).data));

  write_npy(path, tensor(1, 1, 7));
  const std::string rank1 = tilesim::test::read_bytes(path);
  CHECK(rank1.find("'shape': (7,), }") != std::string::npos);
  CHECK(rank1.size() == 128 + 7 * 4);
  CHECK(tilesim::npy_header_bytes(tensor(1, 1, 7)).size() % 64 == 0);
  // A shape long enough to push the header past 64 bytes pads to the next 64.
  const std::string long_header = tilesim::npy_header_bytes(HostTensor::from_dims({2147483647, 2147483647}, {}));
  CHECK(long_header.size() % 64 == 0);
  CHECK(long_header.find("'shape': (2147483647, 2147483647), }") != std::string::npos);
}

TEST_CASE("write_npy replaces a file whole and leaves no temporary file", "[io][npy]") {
  TempDir dir;
  const std::string path = dir.file("y.npy");
  tilesim::test::write_bytes(path, "old contents");
  write_npy(path, tensor(2, 4, 4));
  CHECK(read_npy(path).data == tensor(2, 4, 4).data);
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    CHECK(entry.path().filename() == "y.npy");
    ++files;
  }
  CHECK(files == 1);
}

TEST_CASE("write_npy errors", "[io][npy]") {
  TempDir dir;
  // A missing folder is created; a folder that is a file cannot be.
  write_npy(dir.file("new/y.npy"), tensor(2, 2, 2));
  CHECK(std::filesystem::is_regular_file(dir.file("new/y.npy")));
  write_npy(dir.file("f"), tensor(2, 2, 2));
  const std::string path = dir.file("f/y.npy");
  try {
    write_npy(path, tensor(2, 2, 2));
    FAIL("no error");
  } catch (const tilesim::InputError& e) {
    CHECK(std::string(e.what()) ==
          path + ": " + dir.file("f") + " is not a folder (expected a path whose folders are folders)");
  }
  HostTensor wrong = tensor(2, 2, 2);
  wrong.data.pop_back();
  CHECK_THROWS_AS(write_npy(dir.file("w.npy"), wrong), std::invalid_argument);
  HostTensor rank1_two_rows = tensor(1, 2, 2);
  CHECK_THROWS_AS(write_npy(dir.file("w.npy"), rank1_two_rows), std::invalid_argument);
}

TEST_CASE("read_npy converts float64 to float32", "[io][npy]") {
  TempDir dir;
  const std::string path = dir.file("d.npy");
  const std::vector<double> values = {0.1, -2.5, 1e300, -1e-300, std::numeric_limits<double>::quiet_NaN(), 3.0};
  tilesim::test::write_bytes(path,
                             npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", raw(values)));
  const HostTensor t = read_npy(path);
  REQUIRE(t.rank == 2);
  REQUIRE(t.rows == 2);
  REQUIRE(t.cols == 3);
  CHECK(t.data[0] == 0.1f);
  CHECK(t.data[1] == -2.5f);
  CHECK(t.data[2] == std::numeric_limits<float>::infinity());
  CHECK(t.data[3] == 0.0f);
  CHECK(std::signbit(t.data[3]));
  CHECK(std::isnan(t.data[4]));
  CHECK(t.data[5] == 3.0f);
}

TEST_CASE("read_npy reads header versions 1.0, 2.0 and 3.0", "[io][npy]") {
  TempDir dir;
  const std::vector<float> values = {1, 2, 3, 4, 5, 6};
  for (const int major : {1, 2, 3}) {
    INFO("version " << major);
    const std::string path = dir.file("v.npy");
    tilesim::test::write_bytes(
        path, npy_bytes(major, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", raw(values)));
    const HostTensor t = read_npy(path);
    CHECK(t.rank == 2);
    CHECK(t.rows == 3);
    CHECK(t.cols == 2);
    CHECK(t.data == values);
  }
}

TEST_CASE("read_npy accepts every spelling of the header NumPy has written", "[io][npy]") {
  TempDir dir;
  const std::string path = dir.file("s.npy");
  const std::vector<float> four = {1, 2, 3, 4};
  struct Case {
    std::string dict;
    int rank;
    std::int64_t rows, cols;
  };
  for (const Case& c : {
           Case{"{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", 1, 1, 4},
           Case{"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }", 2, 1, 4},
           Case{"{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2, 2)}", 2, 2, 2},
           Case{"{'shape': (4, 1), 'fortran_order': False, 'descr': '<f4'}", 2, 4, 1},
           Case{"{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 2L), }", 2, 2, 2},  // Python 2
           Case{"{ 'descr' : '<f4' ,\t'fortran_order' : False , 'shape' : ( 4 , ) }", 1, 1, 4},
       }) {
    INFO(c.dict);
    tilesim::test::write_bytes(path, npy_bytes(1, c.dict, raw(four)));
    const HostTensor t = read_npy(path);
    CHECK(t.rank == c.rank);
    CHECK(t.rows == c.rows);
    CHECK(t.cols == c.cols);
    CHECK(t.data == four);
  }
  // Old NumPy padded the header to 16 bytes only.
  std::string old = std::string("\x93NUMPY\x01\x00", 8);
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }";
  dict.append(15 - (10 + dict.size()) % 16, ' ');
  dict += '\n';
  REQUIRE((10 + dict.size()) % 64 != 0);
  old += static_cast<char>(dict.size());
  old += '\0';
  tilesim::test::write_bytes(path, old + dict + raw(four));
  CHECK(read_npy(path).data == four);
}

TEST_CASE("read_npy names a missing file or a folder", "[io][npy]") {
  TempDir dir;
  CHECK(error_of(dir.file("none.npy")) ==
        dir.file("none.npy") + ": cannot open: No such file or directory (expected a readable .npy file)");
  CHECK(error_of(dir.path().string()) == dir.path().string() + ": is a directory (expected a .npy file)");
}
