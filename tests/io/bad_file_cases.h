// The bad-file corpora tests/bad-inputs/{npy,pb}: every FILE.EXT has a sidecar
// FILE.expect holding the exact message reading it must give, {file}
// standing for the path.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace tilesim::test {

// (path, expected message) for every case of tests/bad-inputs/FOLDER/*.EXT, sorted.
inline std::vector<std::pair<std::string, std::string>> bad_file_cases(const std::string& folder,
                                                                       const std::string& extension) {
  const std::filesystem::path dir = std::filesystem::path(TILESIM_SOURCE_DIR) / "tests/bad-inputs" / folder;
  std::vector<std::pair<std::string, std::string>> cases;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != extension) continue;
    const std::string path = entry.path().string();
    std::ifstream expect_file(std::filesystem::path(path).replace_extension(".expect"));
    std::string expected;
    std::getline(expect_file, expected);
    const std::string placeholder = "{file}";
    for (std::size_t at; (at = expected.find(placeholder)) != std::string::npos;) {
      expected.replace(at, placeholder.size(), path);
    }
    cases.emplace_back(path, expected);
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

}  // namespace tilesim::test
