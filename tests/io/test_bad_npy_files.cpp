// Data-driven: every tests/bad-inputs/npy/NAME.npy has a sidecar NAME.expect
// holding the exact message read_npy must throw, {file} standing for the
// path it was given. tests/bad-inputs/npy/generate.py writes both.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "compiler/support/input_error.h"
#include "sim/io/npy.h"

TEST_CASE("every bad .npy file gives its expected message", "[io][npy][bad-inputs]") {
  const std::filesystem::path dir = std::filesystem::path(TILESIM_SOURCE_DIR) / "tests/bad-inputs/npy";
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".npy") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 12);
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
    std::string actual = "(no error)";
    try {
      tilesim::read_npy(path);
    } catch (const tilesim::InputError& e) {
      actual = e.what();
    }
    CHECK(actual == expected);
  }
}
