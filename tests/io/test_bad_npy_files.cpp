// Data-driven: every tests/bad-inputs/npy/NAME.npy has a sidecar NAME.expect
// holding the exact message read_npy must throw, {file} standing for the
// path it was given. tests/bad-inputs/npy/generate.py writes both.
#include <catch2/catch.hpp>

#include <string>

#include "compiler/support/input_error.h"
#include "sim/io/npy.h"
#include "tests/io/bad_file_cases.h"

TEST_CASE("every bad .npy file gives its expected message", "[io][npy][bad-inputs]") {
  const auto cases = tilesim::test::bad_file_cases("npy", ".npy");
  REQUIRE(cases.size() >= 12);
  for (const auto& [path, expected] : cases) {
    INFO(path);
    std::string actual = "(no error)";
    try {
      tilesim::read_npy(path);
    } catch (const tilesim::InputError& e) {
      actual = e.what();
    }
    CHECK(actual == expected);
  }
}
