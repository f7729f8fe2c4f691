// Data-driven: every tests/bad-inputs/models/*.yaml starts with
// "# expect: MESSAGE"; loading it and running the passes must throw exactly
// that InputError, with {file} standing for the path given to load_model.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "compiler/frontend/model_loader.h"
#include "compiler/passes/pipeline.h"
#include "compiler/support/input_error.h"

namespace {

std::string expected_message(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string first;
  std::getline(in, first);
  const std::string prefix = "# expect: ";
  REQUIRE(first.rfind(prefix, 0) == 0);
  std::string message = first.substr(prefix.size());
  const std::string placeholder = "{file}";
  for (std::size_t at; (at = message.find(placeholder)) != std::string::npos;) {
    message.replace(at, placeholder.size(), path);
  }
  return message;
}

}  // namespace

TEST_CASE("every bad model file gives its expected message", "[frontend][bad-inputs]") {
  const std::filesystem::path dir = std::filesystem::path(TILESIM_SOURCE_DIR) / "tests/bad-inputs/models";
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 20);
  for (const auto& path : files) {
    INFO(path);
    const std::string expected = expected_message(path);
    std::string actual = "(no error)";
    try {
      tilesim::ir::Graph graph = tilesim::frontend::load_model(path);
      tilesim::passes::run_default_passes(graph);
    } catch (const tilesim::InputError& e) {
      actual = e.what();
    }
    CHECK(actual == expected);
  }
}
