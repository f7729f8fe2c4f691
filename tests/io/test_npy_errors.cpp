// Malformed headers beyond the file corpus (tests/bad-inputs/npy/), each with
// its exact message: the parser's corners and hostile inputs.
#include <catch2/catch.hpp>

#include "compiler/support/input_error.h"
#include "sim/io/npy.h"
#include "tests/io/npy_test_files.h"

using tilesim::test::npy_bytes;
using tilesim::test::TempDir;

namespace {

const std::string kDict =
    " (expected a Python dict literal like {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), })";
const std::string kKeys = " (expected the keys 'descr', 'fortran_order' and 'shape')";
const std::string kRank = " (expected rank 0 () to rank 4 (a, b, rows, cols))";

// The message read_npy gives for `bytes`, with the path replaced by "f.npy".
std::string error_of(const std::string& bytes) {
  TempDir dir;
  const std::string path = dir.file("f.npy");
  tilesim::test::write_bytes(path, bytes);
  try {
    tilesim::read_npy(path);
  } catch (const tilesim::InputError& e) {
    std::string message = e.what();
    if (message.rfind(path, 0) == 0) message.replace(0, path.size(), "f.npy");
    return message;
  }
  return "(no error)";
}

std::string header_error(const std::string& dict) { return error_of(npy_bytes(1, dict, "")); }

}  // namespace

TEST_CASE("npy header parser errors", "[io][npy][errors]") {
  CHECK(header_error("") == "f.npy: header: garbled: ends early at offset 54" + kDict);
  CHECK(header_error("{'descr': '<f4'") == "f.npy: header: garbled: ends early at offset 54" + kDict);
  CHECK(header_error("{'descr' '<f4'}") == "f.npy: header: garbled: missing ':' after a dict key at offset 9" + kDict);
  CHECK(header_error("{'descr: '<f4'}") == "f.npy: header: garbled: missing ':' after a dict key at offset 10" + kDict);
  CHECK(header_error("{'descr': '<f4}") == "f.npy: header: garbled: unterminated string at offset 10" + kDict);
  CHECK(header_error("{'shape': (2.5, 3)}") == "f.npy: header: garbled: a non-integer number at offset 12" + kDict);
  CHECK(header_error("{'shape': (-, 3)}") == "f.npy: header: garbled: a sign without digits at offset 12" + kDict);
  CHECK(header_error("{'fortran_order': false}") ==
        "f.npy: header: garbled: unknown name 'false' at offset 18" + kDict);
  CHECK(header_error("{'descr': '<f4'} x") ==
        "f.npy: header: garbled: unexpected 'x' after the dict at offset 17" + kDict);
  CHECK(header_error(std::string(100, '(')) == "f.npy: header: garbled: nested too deeply at offset 17" + kDict);
  CHECK(header_error(std::string(20000, '[')) == "f.npy: header: garbled: nested too deeply at offset 17" + kDict);
  CHECK(header_error("'just a string'") == "f.npy: header: is a string 'just a string', not a dict" + kDict);
  CHECK(header_error("{1: 2}") == "f.npy: header: key 1 is not a string" + kKeys);
  CHECK(header_error("{'descr': '<f4', 'descr': '<f8'}") ==
        "f.npy: header: key 'descr' is given twice (expected the keys 'descr', 'fortran_order' and 'shape' once each)");
  CHECK(header_error("{}") == "f.npy: header: missing key 'descr'" + kKeys);
}

TEST_CASE("npy header value errors", "[io][npy][errors]") {
  const auto with = [](const std::string& descr, const std::string& order, const std::string& shape) {
    return header_error("{'descr': " + descr + ", 'fortran_order': " + order + ", 'shape': " + shape + ", }");
  };
  CHECK(with("'<f4'", "0", "(2,)") == "f.npy: fortran_order is 0 (expected False)");
  CHECK(with("'<f4'", "None", "(2,)") == "f.npy: fortran_order is None (expected False)");
  CHECK(with("'|f4'", "False", "(2,)") == "f.npy: dtype '|f4' not supported (expected '<f4' or '<f8')");
  CHECK(with("'>f8'", "False", "(2,)") ==
        "f.npy: dtype '>f8' is big-endian (expected '<f4' or '<f8': little-endian float32 or float64; save with "
        "arr.astype('<f4'))");
  CHECK(with("'<f4\\n'", "False", "(2,)") == "f.npy: dtype '<f4\\x0a' not supported (expected '<f4' or '<f8')");
  CHECK(with("4", "False", "(2,)") == "f.npy: dtype 4 not supported (expected '<f4' or '<f8')");
  CHECK(with("'<f4'", "False", "[2, 3]") ==
        "f.npy: shape is [2, 3], a list (expected a tuple: rank 0 () to rank 4 (a, b, rows, cols))");
  CHECK(with("'<f4'", "False", "(6)") ==
        "f.npy: shape is 6, an integer (expected a tuple: rank 0 () to rank 4 (a, b, rows, cols))");
  CHECK(with("'<f4'", "False", "(2, '3')") ==
        "f.npy: shape (2, '3') has a string as a dimension (expected integer dimensions: rank 0 () to rank 4 "
        "(a, b, rows, cols))");
  CHECK(with("'<f4'", "False", "(99999999999999999999999999,)") ==
        "f.npy: shape (99999999999999999999999999,) is too large (expected at most 2147483648 (2^31) elements)");
  CHECK(with("'<f4'", "False", "(2147483648, 2)") ==
        "f.npy: shape (2147483648, 2) is too large (expected at most 2147483648 (2^31) elements)");
  CHECK(with("'<f4'", "False", "(1, 1, 1, 1, 1)") == "f.npy: shape (1, 1, 1, 1, 1) has rank 5" + kRank);
  CHECK(with("'<f4'", "False", "(2, 3, 4, 5, 6, 7)") == "f.npy: shape (2, 3, 4, 5, 6, 7) has rank 6" + kRank);
  // Rank 4 of 2^31 each: the product saturates, it never overflows.
  CHECK(with("'<f4'", "False", "(2147483648, 2147483648, 2147483648, 2147483648)") ==
        "f.npy: shape (2147483648, 2147483648, 2147483648, 2147483648) is too large (expected at most 2147483648 "
        "(2^31) elements)");
  CHECK(with("'<f4'", "False", "(65536, 65536, 0, 65536)") == "(no error)");  // zero elements
  CHECK(with("'<f4'", "False", "()") == "f.npy: data is 0 bytes, shape () needs 4 (expected the whole array)");
  // The largest allowed shape is checked against the file, never allocated.
  CHECK(with("'<f4'", "False", "(2147483648,)") ==
        "f.npy: data is 0 bytes, shape (2147483648,) needs 8589934592 (expected the whole array)");
}

TEST_CASE("npy prefix errors", "[io][npy][errors]") {
  CHECK(error_of("\x93NUM") == "f.npy: not a NumPy file: bad magic (expected \\x93NUMPY)");
  CHECK(error_of(std::string("\x93NUMPY\x01", 7)) ==
        "f.npy: header truncated: the file ends at byte 7 (expected a format version after the magic)");
  CHECK(error_of(std::string("\x93NUMPY\x02\x00\x10\x00\x00", 11)) ==
        "f.npy: header truncated: the file ends at byte 11 (expected 4 bytes of header length after the version)");
  CHECK(error_of(std::string("\x93NUMPY\x01\x01\x10\x00", 10)) ==
        "f.npy: format version 1.1 not supported (expected 1.0, 2.0 or 3.0)");
  CHECK(error_of(std::string("\x93NUMPY\x00\x00\x10\x00", 10)) ==
        "f.npy: format version 0.0 not supported (expected 1.0, 2.0 or 3.0)");
  CHECK(error_of(std::string("\x93NUMPY\x03\x00\x01\x00\x01\x00", 12)) ==
        "f.npy: header length 65537 is too long (expected at most 65536 bytes)");
  CHECK(error_of(std::string("\x93NUMPY\x01\x00\x00\x00", 10)) ==
        "f.npy: header: garbled: ends early at offset 0" + kDict);
}
