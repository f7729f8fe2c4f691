// Data-driven: every tests/bad-inputs/pb/NAME.pb has a sidecar NAME.expect
// holding the exact message read_tensor_proto must throw, {file} standing for
// the path it was given. tests/bad-inputs/pb/generate.py writes both.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "compiler/support/input_error.h"
#include "sim/io/tensor_file.h"
#include "sim/io/tensor_proto.h"

TEST_CASE("every bad .pb file gives its expected message", "[io][pb][bad-inputs]") {
  const std::filesystem::path dir = std::filesystem::path(TILESIM_SOURCE_DIR) / "tests/bad-inputs/pb";
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".pb") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 15);
  for (const auto& path : files) {
    INFO(path);
    std::ifstream expect_file(std::filesystem::path(path).replace_extension(".expect"));
    REQUIRE(expect_file);
    std::string expected;
    std::getline(expect_file, expected);
    const std::string placeholder = "{file}";
    for (std::size_t at; (at = expected.find(placeholder)) != std::string::npos;) {
      expected.replace(at, placeholder.size(), path);
    }
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
