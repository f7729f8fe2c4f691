// Data-driven: every tests/bad-inputs/pb/NAME.pb has a sidecar NAME.expect
// holding the exact message read_tensor_proto must throw, {file} standing for
// the path it was given. tests/bad-inputs/pb/generate.py writes both.
#include <catch2/catch.hpp>

#include <string>

#include "compiler/support/input_error.h"
#include "sim/io/tensor_file.h"
#include "sim/io/tensor_proto.h"
#include "tests/io/bad_file_cases.h"

TEST_CASE("every bad .pb file gives its expected message", "[io][pb][bad-inputs]") {
  const auto cases = tilesim::test::bad_file_cases("pb", ".pb");
  REQUIRE(cases.size() >= 15);
  for (const auto& [path, expected] : cases) {
    INFO(path);
    for (const bool by_extension : {false, true}) {
      std::string actual = "(no error)";
      try {
        if (by_extension) {
          tilesim::read_tensor_file(path);
        } else {
          tilesim::read_tensor_proto(path);
        }
      } catch (const tilesim::InputError& e) {
        actual = e.what();
      }
      CHECK(actual == expected);
    }
  }
}
