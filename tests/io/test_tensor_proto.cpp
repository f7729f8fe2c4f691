// ONNX TensorProto (.pb) files: the real ONNX backend test data, round trips,
// the exact bytes written, the value encodings, and read_tensor_file /
// write_tensor_file dispatching on the extension.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>

#include "compiler/support/input_error.h"
#include "sim/io/npy.h"
#include "sim/io/tensor_file.h"
#include "sim/io/tensor_proto.h"
#include "tests/io/npy_test_files.h"
#include "tests/io/pb_test_files.h"

using tilesim::HostTensor;
using tilesim::read_tensor_proto;
using tilesim::write_tensor_proto;
using tilesim::test::TempDir;
namespace pb = tilesim::test::pb;

namespace {

const std::string kNode = "/usr/share/libonnx-testdata/data/node/";

std::string error_of(const std::function<void()>& run) {
  try {
    run();
  } catch (const tilesim::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("TensorProto: the ONNX backend test data of test_matmul_3d", "[io][pb][onnx-data]") {
  const std::string dir = kNode + "test_matmul_3d/test_data_set_0/";
  REQUIRE(std::filesystem::exists(dir + "input_0.pb"));  // libonnx-testdata is a build dependency
  std::string name;
  const HostTensor a = read_tensor_proto(dir + "input_0.pb", &name);
  CHECK(name == "a");
  CHECK(a.dims == std::vector<std::int64_t>{2, 3, 4});
  CHECK((a.rank == 3 && a.batch == 2 && a.rows == 3 && a.cols == 4));
  REQUIRE(a.data.size() == 24);
  // The first value's raw bytes are a9 43 11 40: 2.2697 (np.random.randn).
  CHECK(a.data[0] == Approx(2.26975).epsilon(1e-4));
  const HostTensor b = read_tensor_proto(dir + "input_1.pb", &name);
  CHECK(name == "b");
  CHECK(b.dims == std::vector<std::int64_t>{2, 4, 3});
  const HostTensor y = read_tensor_proto(dir + "output_0.pb", &name);
  CHECK(name == "c");
  CHECK(y.dims == std::vector<std::int64_t>{2, 3, 3});
  // y = a @ b, matrix by matrix: checked here in double against the stored output.
  for (std::int64_t m = 0; m < 2; ++m) {
    for (std::int64_t i = 0; i < 3; ++i) {
      for (std::int64_t j = 0; j < 3; ++j) {
        double sum = 0;
        for (std::int64_t k = 0; k < 4; ++k) sum += double(a.data[m * 12 + i * 4 + k]) * b.data[m * 12 + k * 3 + j];
        CHECK(y.data[static_cast<std::size_t>(m * 9 + i * 3 + j)] == Approx(sum).epsilon(1e-5));
      }
    }
  }
}

TEST_CASE("TensorProto: every float input of the conformance cases reads", "[io][pb][onnx-data]") {
  for (const char* c : {"test_matmul_2d", "test_matmul_4d", "test_add", "test_add_bcast", "test_relu",
                        "test_gemm_default_scalar_bias", "test_gemm_default_single_elem_vector_bias"}) {
    const std::string dir = kNode + c + "/test_data_set_0/";
    INFO(dir);
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      const HostTensor t = tilesim::read_tensor_file(entry.path().string());
      CHECK(t.data.size() == static_cast<std::size_t>(t.element_count()));
      CHECK(t.rank <= 4);
    }
  }
  CHECK(read_tensor_proto(kNode + "test_matmul_4d/test_data_set_0/input_0.pb").dims ==
        std::vector<std::int64_t>{1, 2, 3, 4});
  CHECK(read_tensor_proto(kNode + "test_gemm_default_scalar_bias/test_data_set_0/input_2.pb").dims.empty());
  CHECK(read_tensor_proto(kNode + "test_gemm_default_single_elem_vector_bias/test_data_set_0/input_2.pb").dims ==
        std::vector<std::int64_t>{1});
  // An integer case is refused by data type, not misread.
  CHECK(error_of([] { read_tensor_proto(kNode + "test_add_uint8/test_data_set_0/input_0.pb"); }) ==
        kNode +
            "test_add_uint8/test_data_set_0/input_0.pb: data type UINT8 is not supported (expected FLOAT or DOUBLE)");
}

TEST_CASE("TensorProto: round trip of rank 0 to 4, every bit, with the name", "[io][pb]") {
  TempDir dir;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  for (const auto& dims :
       std::vector<std::vector<std::int64_t>>{{}, {1}, {5}, {2, 3}, {2, 3, 4}, {1, 2, 3, 4}, {0, 3}}) {
    std::int64_t n = 1;
    for (const auto d : dims) n *= d;
    std::vector<float> values;
    for (std::int64_t i = 0; i < n; ++i) values.push_back(i % 5 == 1 ? nan : i % 5 == 2 ? -inf : i * 0.25f - 1);
    if (n > 3) values[3] = -0.0f;
    const HostTensor t = HostTensor::from_dims(dims, values);
    INFO(t.shape_text());
    const std::string path = dir.file("t.pb");
    write_tensor_proto(path, t, "my tensor");
    // Exactly what the ONNX tools write: dims, data_type FLOAT, name, raw_data.
    CHECK(tilesim::test::read_bytes(path) == pb::float_raw(dims, values, "my tensor"));
    std::string name;
    const HostTensor back = read_tensor_proto(path, &name);
    CHECK(name == "my tensor");
    CHECK(back.dims == dims);
    CHECK((back.rank == t.rank && back.rows == t.rows && back.cols == t.cols && back.batch == t.batch));
    CHECK(pb::le_bytes(back.data) == pb::le_bytes(values));
  }
  // The legacy matrix view (no dims) writes its shape too.
  HostTensor legacy;
  legacy.rank = 1;
  legacy.rows = 1;
  legacy.cols = 2;
  legacy.data = {1, 2};
  write_tensor_proto(dir.file("l.pb"), legacy, "");
  CHECK(read_tensor_proto(dir.file("l.pb")).dims == std::vector<std::int64_t>{2});
  // Nothing is left behind but the file.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  CHECK(files == 2);
}

TEST_CASE("TensorProto: float_data, double_data and double raw_data", "[io][pb]") {
  TempDir dir;
  const auto read = [&](const std::string& bytes) {
    tilesim::test::write_bytes(dir.file("v.pb"), bytes);
    return read_tensor_proto(dir.file("v.pb"));
  };
  CHECK(read(pb::float_data({2, 2}, {1, 2, 3, 4})).data == std::vector<float>{1, 2, 3, 4});
  const HostTensor d = read(pb::double_raw({3}, {0.1, 1e300, -2.5}));
  CHECK(d.data[0] == 0.1f);  // rounded to nearest
  CHECK(std::isinf(d.data[1]));
  CHECK(d.data[2] == -2.5f);
  CHECK(read(pb::double_data({1, 1, 1, 2}, {0.5, -0.25})).data == std::vector<float>{0.5f, -0.25f});
  CHECK(read(pb::float_raw({}, {3.5f})).rank == 0);
  CHECK(read(pb::float_raw({0}, {})).data.empty());
  // Non-packed float_data (older writers) parses too.
  const std::string unpacked = pb::dims({2}) + pb::field_varint(2, pb::kFloat) + pb::varint(4 << 3 | 5) +
                               pb::le_bytes(std::vector<float>{7}) + pb::varint(4 << 3 | 5) +
                               pb::le_bytes(std::vector<float>{8});
  CHECK(read(unpacked).data == std::vector<float>{7, 8});
}

TEST_CASE("TensorProto: files that cannot be read", "[io][pb][errors]") {
  TempDir dir;
  CHECK(error_of([&] { read_tensor_proto(dir.file("none.pb")); }) ==
        dir.file("none.pb") + ": cannot open: No such file or directory (expected a readable .pb file)");
  CHECK(error_of([&] { read_tensor_proto(dir.path().string()); }) ==
        dir.path().string() + ": is a directory (expected a .pb file)");
  // A .npy file named .pb is not a TensorProto.
  tilesim::write_npy(dir.file("n.pb"), HostTensor::from_dims({2}, {1, 2}));
  CHECK(error_of([&] { read_tensor_proto(dir.file("n.pb")); }).find(": not an ONNX TensorProto: ") !=
        std::string::npos);
  // The folder must be a folder (a missing one is created).
  CHECK(error_of([&] { write_tensor_proto(dir.file("n.pb/t.pb"), HostTensor::from_dims({1}, {1}), "t"); }) ==
        dir.file("n.pb/t.pb") + ": " + dir.file("n.pb") +
            " is not a folder (expected a path whose folders are folders)");
  CHECK_THROWS_AS(write_tensor_proto(dir.file("bad.pb"), HostTensor::from_dims({2, 2}, {1}), "t"),
                  std::invalid_argument);
}

TEST_CASE("read_tensor_file and write_tensor_file go by extension", "[io][pb][npy]") {
  TempDir dir;
  const HostTensor t = HostTensor::from_dims({2, 1, 3}, {1, 2, 3, 4, 5, 6});
  tilesim::write_tensor_file(dir.file("t.npy"), t, "ignored");
  tilesim::write_tensor_file(dir.file("t.pb"), t, "t");
  CHECK(tilesim::test::read_bytes(dir.file("t.npy")).rfind("\x93NUMPY", 0) == 0);
  CHECK(tilesim::read_tensor_file(dir.file("t.npy")).dims == t.dims);
  CHECK(tilesim::read_tensor_file(dir.file("t.pb")).data == t.data);
  CHECK(tilesim::read_npy(dir.file("t.npy")).data == t.data);
  CHECK(error_of([&] { tilesim::read_tensor_file(dir.file("t.txt")); }) ==
        dir.file("t.txt") +
            ": extension '.txt' is not a tensor file (expected a .npy (NumPy) or .pb (ONNX TensorProto) file)");
  CHECK(error_of([&] { tilesim::read_tensor_file("noext"); }) ==
        "noext: has no file extension (expected a .npy (NumPy) or .pb (ONNX TensorProto) file)");
  CHECK(error_of([&] { tilesim::write_tensor_file(dir.file("t.NPY"), t, "t"); }) ==
        dir.file("t.NPY") +
            ": extension '.NPY' is not a tensor file (expected a .npy (NumPy) or .pb (ONNX TensorProto) file)");
  CHECK(tilesim::is_tensor_file_name("a/b.pb"));
  CHECK_FALSE(tilesim::is_tensor_file_name("a.pb/b"));
}

TEST_CASE("TensorProto: metadata_props of a later IR version is read past, other new fields are not", "[io][pb]") {
  TempDir dir;
  const std::string path = dir.file("t.pb");
  // metadata_props (TensorProto field 16, IR version 10): one key/value entry.
  const std::string entry = pb::field_bytes(1, "origin") + pb::field_bytes(2, "torch");
  tilesim::test::write_bytes(path, pb::float_raw({2}, {1.5f, -2.0f}) + pb::field_bytes(16, entry));
  const HostTensor t = read_tensor_proto(path);
  CHECK(t.data == std::vector<float>{1.5f, -2.0f});
  tilesim::test::write_bytes(path, pb::float_raw({2}, {1.5f, -2.0f}) + pb::field_bytes(17, entry));
  CHECK(error_of([&] { read_tensor_proto(path); }) ==
        path +
            ": not an ONNX TensorProto: field number 17 is not a TensorProto field "
            "(expected a serialized onnx.TensorProto, as the ONNX backend test data stores it)");
}
