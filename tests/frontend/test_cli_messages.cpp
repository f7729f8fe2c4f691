// Error lines through the tilesim program: whatever a file or a flag holds -
// a scalar, a name or a header of megabytes, control characters, invalid
// UTF-8 - the program prints exactly one line, "tilesim: error: ..." of at
// most 4 KiB, with the long value cut and counted and every control byte
// escaped (compiler/support/input_error.h), exits 2 and prints nothing else.
#include <catch2/catch.hpp>

#include <string>

#include "compiler/support/input_error.h"
#include "tests/io/npy_test_files.h"
#include "tests/support/run_process.h"

namespace {

using tilesim::test::TempDir;
using tilesim::test::write_bytes;

const std::string kHw = std::string(TILESIM_SOURCE_DIR) + "/configs/hw/default.yaml";
const std::string kEllipsis = "\xe2\x80\xa6";

// Runs tilesim and returns its one error line without the prefix and the newline.
std::string error_line(const std::vector<std::string>& args) {
  const auto r = tilesim::test::run_tilesim(args);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  REQUIRE(r.err.rfind("tilesim: error: ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.back() == '\n');
  CHECK(r.err.size() <= std::string("tilesim: error: \n").size() + tilesim::kMaxMessageBytes);
  return r.err.substr(16, r.err.size() - 17);
}

std::string model_file(const TempDir& dir, const std::string& text) {
  const std::string path = dir.file("m.yaml");
  write_bytes(path, text);
  return path;
}

}  // namespace

TEST_CASE("cli: a megabyte tensor name in a model is cut and counted", "[frontend][messages]") {
  TempDir dir;
  const std::string name(1 << 20, 'q');
  const std::string path = model_file(
      dir, "name: m\ninputs: {x: [2, 2]}\nops: [{op: relu, inputs: [x], output: y}]\noutputs: [" + name + "]\n");
  CHECK(error_line({"compile", "--hw", kHw, "--model", path}) ==
        path + ":4: outputs[0]: undefined tensor '" + std::string(64, 'q') + kEllipsis +
            "' (1048576 bytes, 1048512 not shown) (expected the output of an op)");
}

TEST_CASE("cli: control characters in a model's names are escaped", "[frontend][messages]") {
  TempDir dir;
  const std::string path = model_file(
      dir,
      "name: m\ninputs: {\"x\\e[2J\\n\\u009b\": [2, 2]}\nops: [{op: relu, inputs: [x], output: y}]\noutputs: [y]\n");
  CHECK(error_line({"compile", "--hw", kHw, "--model", path}) ==
        path +
            ":2: inputs: tensor name 'x\\x1b[2J\\x0a\\xc2\\x9b' has the character '\\x1b' "
            "(expected a name of letters, digits and _ . : / -)");
}

TEST_CASE("cli: a 100 KB quoted number in a hardware file is cut and counted", "[frontend][messages]") {
  TempDir dir;
  const std::string path = dir.file("hw.yaml");
  write_bytes(path, "name: big\nclock_mhz: \"" + std::string(100000, '7') + "\"\nsram: {size_kib: 64}\n");
  CHECK(error_line({"check-config", path}) ==
        path + ":2: clock_mhz: '" + std::string(64, '7') + kEllipsis +
            "' (100000 bytes, 99936 not shown) is a string (expected a number > 0 and <= 1000000, in MHz)");
}

TEST_CASE("cli: a 100 KB --set value is cut in the flag and in the value", "[frontend][messages]") {
  const std::string value(100000, '9');
  CHECK(error_line({"check-config", kHw, "--set", "sram.size_kib=" + value}) ==
        "--set sram.size_kib=" + std::string(50, '9') + kEllipsis +
            " (100014 bytes, 99950 not shown): sram.size_kib: '" + std::string(64, '9') + kEllipsis +
            "' (100000 bytes, 99936 not shown) is out of range (expected an integer from 12 to 4194304, in KiB; 12 "
            "holds one tile operation)");
}

TEST_CASE("cli: a .npy header with a 60 KB string is cut and counted", "[frontend][messages]") {
  TempDir dir;
  const std::string path = dir.file("x.npy");
  const std::string descr = std::string(60000, 'd') + "\x1b";
  write_bytes(path,
              tilesim::test::npy_bytes(2, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (2,), }", ""));
  CHECK(error_line({"run", "--hw", kHw, "--model", std::string(TILESIM_SOURCE_DIR) + "/configs/models/mlp.yaml",
                    "--input", "x=" + path}) ==
        path + ": dtype '" + std::string(63, 'd') + kEllipsis +
            " (60006 bytes, 59942 not shown) not supported (expected '<f4' or '<f8')");
}
